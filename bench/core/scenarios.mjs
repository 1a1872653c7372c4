// The core benchmark's scenarios: start-up, the layered flow (cold, no-op, incremental) for
// command and function tasks, and the 1 GiB input (first hash, no-op, touch + rerun).
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CAIRN_BIN, expectCounts, runCairn, runProcess, stats } from "./measure.mjs";
import { coneSize, makeBigFileProject, makeLayeredProject } from "./project.mjs";

/** FileHasher trusts a stat-cache entry only when the file is older than this at hashing time. */
const RACY_WINDOW_MS = 2100;

/** `node -e 0` and `node bin/cairn.js --version`: the floor every run pays. */
export const startup = async (reps) => {
  const nodeMs = [];
  const versionMs = [];
  for (let r = 0; r < reps; r++) {
    nodeMs.push((await runProcess([process.execPath, "-e", "0"], process.cwd())).ms);
    const v = await runProcess([process.execPath, CAIRN_BIN, "--version"], process.cwd());
    if (v.code !== 0) throw new Error(`cairn --version exited ${v.code}: ${v.stderr}`);
    versionMs.push(v.ms);
  }
  return { nodeE0: stats(nodeMs), cairnVersion: stats(versionMs) };
};

/**
 * The layered flow of `n` tasks of `kind` in `dir`: `cold` runs on a fresh .cairn, `noop` reruns,
 * `incremental` reruns after appending a line to the source of task (0,0). Every run's counts are
 * asserted (plain summary), and one extra `--json` run per rerun scenario asserts RunFinished.
 */
export const layered = async ({ dir, kind, n, reps, log }) => {
  const { flow, firstSource, width } = makeLayeredProject(dir, kind, n);
  const cone = coneSize(width);
  const store = path.join(dir, ".cairn");
  await sleep(RACY_WINDOW_MS); // sources older than the racy window, as in a real project
  const rss = [];
  const cold = [];
  for (let r = 0; r < reps.cold; r++) {
    fs.rmSync(store, { recursive: true, force: true });
    const res = await runCairn(dir, flow);
    expectCounts(`${kind} N=${n} cold`, res.counts, { executed: n, cached: 0 });
    cold.push(res.ms);
    rss.push(res.maxRssMb);
    log(`  ${kind} N=${n} cold #${r + 1}: ${res.ms.toFixed(0)} ms, ${res.maxRssMb?.toFixed(0)} MB`);
  }
  const noopCheck = await runCairn(dir, flow, { json: true });
  expectCounts(`${kind} N=${n} no-op (--json)`, noopCheck.counts, { executed: 0, cached: n });
  const noop = [];
  for (let r = 0; r < reps.warm; r++) {
    const res = await runCairn(dir, flow);
    expectCounts(`${kind} N=${n} no-op`, res.counts, { executed: 0, cached: n });
    noop.push(res.ms);
    rss.push(res.maxRssMb);
  }
  log(`  ${kind} N=${n} no-op: ${noop.map((x) => x.toFixed(0)).join(" ")} ms`);
  fs.appendFileSync(firstSource, "appended line 0\n");
  const incCheck = await runCairn(dir, flow, { json: true });
  expectCounts(`${kind} N=${n} incremental (--json)`, incCheck.counts, { executed: cone, cached: n - cone });
  const incremental = [];
  for (let r = 0; r < reps.warm; r++) {
    fs.appendFileSync(firstSource, `appended line ${r + 1}\n`);
    const res = await runCairn(dir, flow);
    expectCounts(`${kind} N=${n} incremental`, res.counts, { executed: cone, cached: n - cone });
    incremental.push(res.ms);
    rss.push(res.maxRssMb);
  }
  log(`  ${kind} N=${n} incremental (${cone} tasks): ${incremental.map((x) => x.toFixed(0)).join(" ")} ms`);
  return {
    kind, n, width, cone,
    cold: stats(cold), noop: stats(noop), incremental: stats(incremental),
    peakRssMb: rss.every((x) => x !== null) ? Math.max(...rss) : null,
  };
};

/**
 * The large input: a one-task flow over `big.bin` vs the same flow over a 1-byte file. First hash
 * = median cold run with it minus median cold run without it (both on a fresh .cairn, the file in
 * the page cache, as right after writing it) → GB/s; no-op with vs without; `touch` + rerun.
 */
export const bigFile = async ({ dir, bytes, reps, log }) => {
  const p = makeBigFileProject(dir, bytes);
  // One store per flow: resetting one for a cold run must not drop the other's cache entries.
  const storeOf = (flow) => path.join(dir, `.cairn-${path.parse(flow).name}`);
  const run = (flow, json = false) => runCairn(dir, flow, { json, env: { CAIRN_STORE: storeOf(flow) } });
  try {
    await sleep(RACY_WINDOW_MS);
    const coldBig = [];
    const coldSmall = [];
    for (let r = 0; r < reps.cold; r++) {
      for (const [flow, into] of [[p.smallFlow, coldSmall], [p.bigFlow, coldBig]]) {
        fs.rmSync(storeOf(flow), { recursive: true, force: true });
        const res = await run(flow);
        expectCounts(`${flow} cold`, res.counts, { executed: 1, cached: 0 });
        into.push(res.ms);
      }
    }
    const hashMs = stats(coldBig).median - stats(coldSmall).median;
    log(`  1 GiB cold: ${coldBig.map((x) => x.toFixed(0)).join(" ")} ms vs 1 B: ${coldSmall.map((x) => x.toFixed(0)).join(" ")} ms`);
    const noopBig = [];
    const noopSmall = [];
    for (let r = 0; r < reps.warm; r++) {
      for (const [flow, into] of [[p.smallFlow, noopSmall], [p.bigFlow, noopBig]]) {
        const res = await run(flow);
        expectCounts(`${flow} no-op`, res.counts, { executed: 0, cached: 1 });
        into.push(res.ms);
      }
    }
    const touch = () => {
      const now = new Date();
      fs.utimesSync(p.big, now, now);
    };
    touch();
    const touchCheck = await run(p.bigFlow, true);
    expectCounts(`touch big.bin + rerun (--json)`, touchCheck.counts, { executed: 0, cached: 1 });
    const touched = [];
    for (let r = 0; r < reps.cold; r++) {
      touch();
      const res = await run(p.bigFlow);
      expectCounts(`touch big.bin + rerun`, res.counts, { executed: 0, cached: 1 });
      touched.push(res.ms);
    }
    log(`  1 GiB no-op: ${noopBig.map((x) => x.toFixed(0)).join(" ")} ms vs ${noopSmall.map((x) => x.toFixed(0)).join(" ")} ms; touch+rerun ${touched.map((x) => x.toFixed(0)).join(" ")} ms`);
    return {
      bytes,
      coldWith: stats(coldBig), coldWithout: stats(coldSmall),
      firstHashMs: hashMs, firstHashGBps: hashMs > 0 ? bytes / 1e9 / (hashMs / 1e3) : null,
      noopWith: stats(noopBig), noopWithout: stats(noopSmall),
      noopDeltaMs: stats(noopBig).median - stats(noopSmall).median,
      touchRerun: stats(touched),
    };
  } finally {
    fs.rmSync(p.big, { force: true });
  }
};
