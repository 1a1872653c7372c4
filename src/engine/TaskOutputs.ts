/** A finished task's output as downstream tasks see it: its value (parsed lazily) and its files (materialised lazily). */
import { join } from "node:path";
import type { ContentHash } from "../hashing/ContentHash.js";
import type { OutputTree } from "../store/ArtifactStore.js";
import type { RunContext, TaskOutput } from "./RunContext.js";

const UNSET = Symbol("unset");

/**
 * `knownDir`: a directory already holding exactly the tree's files (an executed command's outDir,
 * whose files were linked into the store), used as is instead of materialising another.
 */
export const makeTaskOutput = (cx: RunContext, task: string, executionId: number, outputHash: string, tree: OutputTree, knownValue?: unknown, knownDir?: string): TaskOutput => {
  let value: unknown = knownValue === undefined ? UNSET : knownValue;
  let dir: string | undefined = knownDir;
  return {
    executionId,
    outputHash,
    tree,
    value() {
      if (value === UNSET) value = tree.value === null ? undefined : JSON.parse(cx.store.readBytes(tree.value as ContentHash).toString("utf8"));
      return value;
    },
    dir() {
      // Per run, so a concurrent run of the same project never sees a half-replaced directory.
      if (dir === undefined) {
        dir = join(cx.paths.tmp, cx.runId, "outputs", task);
        cx.store.materialize(tree, dir);
      }
      return dir;
    },
  };
};
