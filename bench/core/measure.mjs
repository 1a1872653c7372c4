// Running processes for the benchmark: whole-process wall time, peak RSS (via GNU time when
// present), cairn's run summary (plain) or RunFinished event (--json), medians.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CAIRN_ROOT } from "./project.mjs";

/** The cairn executable under test. */
export const CAIRN_BIN = path.join(CAIRN_ROOT, "bin", "cairn.js");
const GNU_TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const rssFile = path.join(os.tmpdir(), `cairn-bench-rss-${process.pid}.txt`);
const outFile = path.join(os.tmpdir(), `cairn-bench-stdout-${process.pid}.txt`);
process.on("exit", () => {
  for (const f of [rssFile, outFile]) fs.rmSync(f, { force: true });
});

/** The median of a list of numbers (upper median for even lengths). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `argv` in `cwd` with an empty stdin, stdout to a file, and returns `{ ms, code, stdout, stderr, maxRssMb, cpuMs }`.
 * The wall time spans spawn to exit. GNU time, when present, adds one tiny exec (< 1 ms) and gives
 * the peak RSS (`%M`: the largest resident set among the process and its waited-for children,
 * i.e. cairn's node, not its small shell children) and the CPU time (`%U + %S`, 10 ms resolution,
 * children included): on a loaded machine CPU time moves less than wall time.
 */
export const runProcess = (argv, cwd, env = {}) =>
  new Promise((resolve, reject) => {
    const full = GNU_TIME ? [GNU_TIME, "-f", "%M %U %S", "-o", rssFile, ...argv] : argv;
    // stdout goes to a file: writes to it never block, so neither the harness's reading speed nor
    // a full pipe can throttle (or, if the child exits early, truncate) what cairn prints.
    const outFd = fs.openSync(outFile, "w");
    const t0 = performance.now();
    let child;
    try {
      child = spawn(full[0], full.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ["ignore", outFd, "pipe"] });
    } finally {
      fs.closeSync(outFd);
    }
    const err = [];
    child.stderr.on("data", (b) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      let maxRssMb = null;
      let cpuMs = null;
      if (GNU_TIME) {
        // The last line: GNU time prints "Command exited with non-zero status" above it on failure.
        const [kb, user, sys] = fs.readFileSync(rssFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
        if (Number.isFinite(kb)) maxRssMb = kb / 1024;
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user + sys) * 1000;
      }
      resolve({ ms, code, stdout: fs.readFileSync(outFile, "utf8"), stderr: Buffer.concat(err).toString(), maxRssMb, cpuMs });
    });
  });

const SUMMARY = /^(\w+): (\d+) executed, (\d+) cached, (\d+) failed, (\d+) cancelled/m;

/**
 * Runs `cairn run <flow> --ui plain --concurrency 2` (or `--json` when `json` is set) in `cwd`
 * with `env` added to the environment.
 * Returns the timing plus the run's counts, read from the plain summary line or the RunFinished
 * event; throws with cairn's output when it did not succeed.
 */
export const runCairn = async (cwd, flow, { json = false, extraArgs = [], env = {} } = {}) => {
  const argv = [process.execPath, CAIRN_BIN, "run", flow, ...(json ? ["--json"] : ["--ui", "plain"]), "--concurrency", "2", ...extraArgs];
  const r = await runProcess(argv, cwd, env);
  let counts;
  if (json) {
    const lines = r.stdout.trim().split("\n");
    const last = lines.length ? JSON.parse(lines[lines.length - 1]) : {};
    if (last.type === "RunFinished") counts = { status: last.status, executed: last.executed, cached: last.cached, failed: last.failed, cancelled: last.cancelled };
  } else {
    const m = SUMMARY.exec(r.stdout);
    if (m) counts = { status: m[1], executed: +m[2], cached: +m[3], failed: +m[4], cancelled: +m[5] };
  }
  if (r.code !== 0 || !counts || counts.status !== "succeeded") {
    // The failures first (they may be far from the end), the start of stderr, then the last lines.
    const lines = `${r.stdout}\n${r.stderr}`.trim().split("\n");
    const failures = lines.filter((l, i) => /^\s*✗|"type":"TaskFailed"/.test(l) || (/^\s+\|/.test(l) && /^\s*(✗|\|)/.test(lines[i - 1] ?? "")));
    const errHead = r.stderr.trim().split("\n").slice(0, 6);
    const tail = [...failures.slice(0, 20), ...errHead, "…", ...lines.slice(-5)].join("\n");
    throw new Error(`cairn run ${flow} in ${cwd} exited ${r.code}:\n${tail}`);
  }
  return { ...r, counts };
};

/** Throws unless `counts` has exactly the `expected` executed/cached numbers. */
export const expectCounts = (what, counts, expected) => {
  for (const [k, v] of Object.entries(expected))
    if (counts[k] !== v) throw new Error(`${what}: expected ${k}=${v}, got ${JSON.stringify(counts)}`);
};

/** Summarises samples (ms) as `{ median, min, max, samples }`. */
export const stats = (samples) => ({
  median: median(samples),
  min: Math.min(...samples),
  max: Math.max(...samples),
  samples: samples.map((x) => Math.round(x * 10) / 10),
});

/**
 * Collects the runs of one measurement; `summary()` gives the wall-time stats plus the median CPU
 * time and the peak RSS over the runs (null without GNU time).
 */
export const series = () => {
  const wall = [];
  const cpu = [];
  const rss = [];
  return {
    wall,
    add(res) {
      wall.push(res.ms);
      if (res.cpuMs !== null) cpu.push(res.cpuMs);
      if (res.maxRssMb !== null) rss.push(res.maxRssMb);
      return res;
    },
    summary: () => ({ ...stats(wall), cpuMedian: cpu.length ? median(cpu) : null, peakRssMb: rss.length ? Math.max(...rss) : null }),
  };
};
