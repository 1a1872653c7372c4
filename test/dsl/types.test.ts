/**
 * Type-level tests of the DSL: `run`'s first argument is inferred from the deps' return types
 * and the declared inputs. The assertions are checked by the TypeScript compiler, which the one
 * runtime test runs on this file, so `npm test` fails when inference breaks.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, expectTypeOf, it } from "vitest";
import { dir, file, flow, glob, task, type OutputDir, type ResolvedDir, type ResolvedFile, type ResolvedGlob, type Task, type TaskContext } from "../../src/index.js";

const rows = task("rows", { run: () => [{ id: 1, label: "cat" }] });
const count = task("count", { run: async () => 3 });
const files = task("files", { cmd: "echo hi > $CAIRN_OUT/hi.txt" });
const writesFiles = task("writes_files", { run: async (_args, _ctx) => {} });

const train = task("train", {
  deps: { rows, count, files, writesFiles },
  inputs: { csv: file("data/train.csv"), code: glob("src/**/*.py"), images: dir("data/images") },
  params: { lr: 0.1, epochs: 3 },
  run: (args, ctx) => {
    expectTypeOf(args.rows).toEqualTypeOf<{ id: number; label: string }[]>();
    expectTypeOf(args.count).toEqualTypeOf<number>();
    expectTypeOf(args.files).toEqualTypeOf<OutputDir>();
    expectTypeOf(args.writesFiles).toEqualTypeOf<OutputDir>();
    expectTypeOf(args.csv).toEqualTypeOf<ResolvedFile>();
    expectTypeOf(args.code).toEqualTypeOf<ResolvedGlob>();
    expectTypeOf(args.images).toEqualTypeOf<ResolvedDir>();
    expectTypeOf(ctx).toMatchTypeOf<TaskContext<{ lr: number; epochs: number }>>();
    expectTypeOf(ctx.params.lr).toMatchTypeOf<number>();
    // @ts-expect-error a row has no property "weight"
    args.rows.map((r) => r.weight);
    // @ts-expect-error there is no dep or input named "labels"
    void args.labels;
    // @ts-expect-error a command task's output is a directory, not a number
    args.files.toFixed();
    return { accuracy: args.count / 10, n: args.rows.length };
  },
});

// The output type flows on to the next task.
expectTypeOf(train).toEqualTypeOf<Task<{ accuracy: number; n: number }>>();
task("report", {
  deps: { train },
  run: ({ train }) => {
    expectTypeOf(train.accuracy).toEqualTypeOf<number>();
    // @ts-expect-error "loss" is not in train's output
    return train.loss;
  },
});

export const typedFlow = flow("typed", { tasks: [train] });

describe("DSL types", () => {
  it("type-checks this file: run's first argument is inferred from deps' outputs and inputs", () => {
    const self = fileURLToPath(import.meta.url);
    const repo = fileURLToPath(new URL("../..", import.meta.url));
    const tmp = mkdtempSync(join(tmpdir(), "cairn-types-"));
    const tsconfig = join(tmp, "tsconfig.json");
    writeFileSync(tsconfig, JSON.stringify({ extends: join(repo, "tsconfig.json"), compilerOptions: { noEmit: true, incremental: false, rootDir: repo, typeRoots: [join(repo, "node_modules/@types")] }, include: [], files: [self] }));
    let output = "";
    try {
      execFileSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", tsconfig], { encoding: "utf8", cwd: repo });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe("");
  });

  it("builds task values that carry their definition as data", () => {
    expect(train).toMatchObject({ _tag: "Task", name: "train", kind: "function" });
    expect(files.kind).toBe("command");
    expect(Object.keys(train.inputs)).toEqual(["csv", "code", "images"]);
  });
});
