// The core benchmark's scenarios: start-up, the layered flow (cold, no-op, incremental) for
// command and function tasks, and the 1 GiB input (first hash, no-op, touch + rerun).
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CAIRN_BIN, expectCounts, runCairn, runProcess, series } from "./measure.mjs";
import { coneSize, makeBigFileProject, makeLayeredProject } from "./project.mjs";

/** FileHasher trusts a stat-cache entry only when the file is older than this at hashing time. */
const RACY_WINDOW_MS = 2100;

/** `node -e 0` and `node bin/cairn.js --version`: the floor every run pays. */
export const startup = async (reps) => {
  const nodeE0 = series();
  const version = series();
  for (let r = 0; r < reps; r++) {
    nodeE0.add(await runProcess([process.execPath, "-e", "0"], process.cwd()));
    const v = version.add(await runProcess([process.execPath, CAIRN_BIN, "--version"], process.cwd()));
    if (v.code !== 0) throw new Error(`cairn --version exited ${v.code}: ${v.stderr}`);
  }
  return { nodeE0: nodeE0.summary(), cairnVersion: version.summary() };
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
  const what = `${kind} N=${n}`;
  const ms = (s) => s.wall.map((x) => x.toFixed(0)).join(" ");
  await sleep(RACY_WINDOW_MS); // sources older than the racy window, as in a real project
  const cold = series();
  for (let r = 0; r < reps.cold; r++) {
    fs.rmSync(store, { recursive: true, force: true });
    const res = cold.add(await runCairn(dir, flow));
    expectCounts(`${what} cold`, res.counts, { executed: n, cached: 0 });
    log(`  ${what} cold #${r + 1}: ${res.ms.toFixed(0)} ms, ${res.maxRssMb?.toFixed(0)} MB`);
  }
  const noopCheck = await runCairn(dir, flow, { json: true });
  expectCounts(`${what} no-op (--json)`, noopCheck.counts, { executed: 0, cached: n });
  const noop = series();
  for (let r = 0; r < reps.warm; r++) {
    const res = noop.add(await runCairn(dir, flow));
    expectCounts(`${what} no-op`, res.counts, { executed: 0, cached: n });
  }
  log(`  ${what} no-op: ${ms(noop)} ms`);
  fs.appendFileSync(firstSource, "appended line 0\n");
  const incCheck = await runCairn(dir, flow, { json: true });
  expectCounts(`${what} incremental (--json)`, incCheck.counts, { executed: cone, cached: n - cone });
  const incremental = series();
  for (let r = 0; r < reps.warm; r++) {
    fs.appendFileSync(firstSource, `appended line ${r + 1}\n`);
    const res = incremental.add(await runCairn(dir, flow));
    expectCounts(`${what} incremental`, res.counts, { executed: cone, cached: n - cone });
  }
  log(`  ${what} incremental (${cone} tasks): ${ms(incremental)} ms`);
  const summaries = { cold: cold.summary(), noop: noop.summary(), incremental: incremental.summary() };
  const rss = Object.values(summaries).map((x) => x.peakRssMb);
  return { kind, n, width, cone, ...summaries, peakRssMb: rss.includes(null) ? null : Math.max(...rss) };
};

/**
 * The large input: a one-task flow over `big.bin` vs the same flow over a 1-byte file. First hash
 * = median cold run with it minus median cold run without it (both on a fresh .cairn, the file in
 * the page cache, as right after writing it) → GB/s; no-op with vs without; `touch` + rerun.
 */
export const bigFile = async ({ dir, bytes, reps, log }) => {
  const p = makeBigFileProject(dir, bytes);
  const mib = (bytes / 2 ** 20).toFixed(0);
  // One store per flow: resetting one for a cold run must not drop the other's cache entries.
  const storeOf = (flow) => path.join(dir, `.cairn-${path.parse(flow).name}`);
  const run = (flow, json = false) => runCairn(dir, flow, { json, env: { CAIRN_STORE: storeOf(flow) } });
  try {
    await sleep(RACY_WINDOW_MS);
    const coldBig = series();
    const coldSmall = series();
    for (let r = 0; r < reps.cold; r++) {
      for (const [flow, into] of [[p.smallFlow, coldSmall], [p.bigFlow, coldBig]]) {
        fs.rmSync(storeOf(flow), { recursive: true, force: true });
        const res = await run(flow);
        expectCounts(`${flow} cold`, res.counts, { executed: 1, cached: 0 });
        into.add(res);
      }
    }
    const ms = (x) => x.wall.map((v) => v.toFixed(0)).join(" ");
    const hashMs = coldBig.summary().median - coldSmall.summary().median;
    log(`  ${mib} MiB input cold: ${ms(coldBig)} ms vs 1 B: ${ms(coldSmall)} ms`);
    const noopBig = series();
    const noopSmall = series();
    for (let r = 0; r < reps.warm; r++) {
      for (const [flow, into] of [[p.smallFlow, noopSmall], [p.bigFlow, noopBig]]) {
        const res = await run(flow);
        expectCounts(`${flow} no-op`, res.counts, { executed: 0, cached: 1 });
        into.add(res);
      }
    }
    const touch = () => {
      const now = new Date();
      fs.utimesSync(p.big, now, now);
    };
    touch();
    const touchCheck = await run(p.bigFlow, true);
    expectCounts(`touch big.bin + rerun (--json)`, touchCheck.counts, { executed: 0, cached: 1 });
    const touched = series();
    for (let r = 0; r < reps.cold; r++) {
      touch();
      const res = await run(p.bigFlow);
      expectCounts(`touch big.bin + rerun`, res.counts, { executed: 0, cached: 1 });
      touched.add(res);
    }
    log(`  ${mib} MiB input no-op: ${ms(noopBig)} ms vs ${ms(noopSmall)} ms; touch+rerun ${ms(touched)} ms`);
    return {
      bytes,
      coldWith: coldBig.summary(), coldWithout: coldSmall.summary(),
      firstHashMs: hashMs, firstHashGBps: hashMs > 0 ? bytes / 1e9 / (hashMs / 1e3) : null,
      // The same difference from the fastest runs: less sensitive to other load on the machine.
      firstHashMinMs: coldBig.summary().min - coldSmall.summary().min,
      noopWith: noopBig.summary(), noopWithout: noopSmall.summary(),
      noopDeltaMs: noopBig.summary().median - noopSmall.summary().median,
      touchRerun: touched.summary(),
    };
  } finally {
    fs.rmSync(p.big, { force: true });
  }
};
