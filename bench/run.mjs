// `npm run bench`: the core benchmark (bench/core/), then each subsystem benchmark that exists
// (drift, docker, tracking, tui, watch, hash-file), each in its own process, continuing past failures.
// Usage: node bench/run.mjs [core] [--quick] [--sizes=100,1000] [--big-mib=1024] [--keep]
//   core       only the core benchmark
//   --quick    N = 100 and 1000 only, fewer repetitions
//   --sizes=…  the N values of the layered flows (multiples of 10)
//   --big-mib= size of the large input file (default 1024 = 1 GiB)
//   --keep     keep the generated projects in the temp dir
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCore } from "./core/main.mjs";

const HERE = path.dirname(new URL(import.meta.url).pathname);
/** The subsystem benchmarks, run after the core one when their script exists. */
const OTHERS = ["drift.mjs", "docker.mjs", "tracking.mjs", "tui.mjs", "watch.mjs", "hash-file.mjs"];

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith("--"));
const unknown = only.filter((a) => a !== "core");
if (unknown.length) {
  console.error(`bench/run.mjs: unknown part ${unknown.join(", ")}; the only part that runs alone is "core"`);
  process.exit(2);
}
const sizesArg = args.find((a) => a.startsWith("--sizes="));
const sizes = sizesArg ? sizesArg.slice("--sizes=".length).split(",").map(Number) : undefined;
const bigArg = args.find((a) => a.startsWith("--big-mib="));
const bigBytes = bigArg ? Number(bigArg.slice("--big-mib=".length)) * 2 ** 20 : undefined;

/** Runs one script with inherited stdio; resolves its exit code (never rejects). */
const runScript = (file) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", (e) => {
      console.error(`could not start ${file}: ${e.message}`);
      resolve(1);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

const failures = [];
const coreCode = await runCore({ quick: args.includes("--quick"), sizes, bigBytes, keep: args.includes("--keep") });
if (coreCode !== 0) failures.push("core");
if (!only.includes("core")) {
  for (const name of OTHERS) {
    const file = path.join(HERE, name);
    if (!fs.existsSync(file)) continue;
    console.log(`\n=== bench/${name} ===`);
    const code = await runScript(file);
    if (code !== 0) {
      console.log(`bench/${name} exited with code ${code}`);
      failures.push(name);
    }
  }
}
if (failures.length) console.log(`\nbenchmarks with failures: ${failures.join(", ")}`);
process.exitCode = failures.length ? 1 : 0;
