/**
 * The code hasher the engine uses for function tasks: CodeClosure over the loaded module graph,
 * memoised in-process per function source and persisted in `code_cache`, so a run whose sources
 * did not change never parses them (acorn is not even loaded).
 */
import type { ModuleGraph } from "../loader/ModuleGraph.js";
import { codeClosure, codeClosureKey, graphKeyPart } from "../hashing/CodeClosure.js";
import { normaliseFragment } from "../loader/ModuleAnalysis.js";
import { hashString } from "../hashing/ContentHash.js";
import type { LineageStore } from "../lineage/LineageStore.js";
import type { CodeHasher, FunctionCode } from "./CodeIngredient.js";

export interface PersistentCodeHasher extends CodeHasher {
  /** Writes newly computed closures to the DB (one transaction). */
  persist(): void;
}

export const moduleCodeHasher = (graph: ModuleGraph, lineage: LineageStore): PersistentCodeHasher => {
  const memo = new Map<string, FunctionCode>();
  const fresh: [string, string][] = [];
  // Once per run: the graph's modules and package stamps are the same for every task.
  let graphPart: string | undefined;
  return {
    functionCode(fn) {
      // Covers the function's source, every local module's source and the installed versions of
      // the packages they import: any change recomputes the closure (which may still hash the same).
      graphPart ??= graphKeyPart(graph);
      const key = hashString(`closure:2\0${codeClosureKey(graph, fn as (...args: never[]) => unknown, graphPart)}`);
      const hit = memo.get(key);
      if (hit) return hit;
      const stored = lineage.getCode(key);
      let code: FunctionCode;
      if (stored) code = JSON.parse(stored) as FunctionCode;
      else {
        const c = codeClosure(graph, fn as (...args: never[]) => unknown);
        // The closure hash also covers package versions; those are the separate "dependencies"
        // ingredient, so the code ingredient is the function's normalised source plus local code only.
        code = {
          body: hashString(`body:1\0${normaliseFragment(Function.prototype.toString.call(fn))}`),
          modules: [...c.modules, ...c.bindings.map((b) => ({ path: `${b.module}#${b.name}`, hash: b.hash }))],
          packages: c.packages,
        };
        fresh.push([key, JSON.stringify(code)]);
      }
      memo.set(key, code);
      return code;
    },
    persist() {
      lineage.putCode(fresh.splice(0));
    },
  };
};
