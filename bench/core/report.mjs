// The core benchmark's report: each measurement next to its target from issue 2 (✓/✗), printed
// as one table and written as JSON to bench/results/core-<date>.json.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CAIRN_ROOT } from "./project.mjs";

/** Targets from issue 2, in seconds (time), GB/s (throughput), ms (delta) or MB (memory). */
export const TARGETS = {
  noop: { 100: 0.08, 1000: 0.17, 5000: 0.4 },
  incremental: { 1000: 0.25 },
  cold: { command: { 1000: 1.5 }, function: { 1000: 0.3 } },
  firstHashGBps: 3,
  bigNoopDeltaMs: 20,
  peakRssMb: { 5000: 300 },
};

const s = (ms) => `${(ms / 1000).toFixed(3)} s`;

/** Rows `{ name, value, shown, target, ok }` for every measurement (target/ok null when there is none). */
export const rowsOf = (results) => {
  const rows = [];
  const add = (name, value, shown, target, ok, cpuMs = null) => rows.push({ cpuMs, name: name.length > 90 ? `${name.slice(0, 89)}…` : name, value, shown, target: target ?? null, ok: ok ?? null });
  const st = results.startup;
  if (st) {
    add("start-up: node -e 0", st.nodeE0.median / 1000, s(st.nodeE0.median), null, null, st.nodeE0.cpuMedian);
    add("start-up: cairn --version", st.cairnVersion.median / 1000, s(st.cairnVersion.median), null, null, st.cairnVersion.cpuMedian);
  }
  for (const r of results.layered) {
    const label = `${r.kind} N=${r.n}`;
    if (r.error) {
      add(`${label}: FAILED — ${r.error.split("\n")[0]}`, null, "—", null, false);
      continue;
    }
    const tc = TARGETS.cold[r.kind][r.n];
    add(`${label} cold`, r.cold.median / 1000, s(r.cold.median), tc && `≤ ${tc} s`, tc && r.cold.median / 1000 <= tc, r.cold.cpuMedian);
    const tn = TARGETS.noop[r.n];
    add(`${label} no-op`, r.noop.median / 1000, s(r.noop.median), tn && `≤ ${tn} s`, tn && r.noop.median / 1000 <= tn, r.noop.cpuMedian);
    const ti = TARGETS.incremental[r.n];
    add(`${label} incremental (${r.cone} tasks rerun ✓)`, r.incremental.median / 1000, s(r.incremental.median), ti && `≤ ${ti} s`, ti && r.incremental.median / 1000 <= ti, r.incremental.cpuMedian);
    const tm = TARGETS.peakRssMb[r.n];
    if (r.peakRssMb !== null) {
      const each = ["cold", "noop", "incremental"].map((k) => `${k === "noop" ? "no-op" : k} ${r[k].peakRssMb.toFixed(0)}`).join(", ");
      add(`${label} peak RSS (${each} MB)`, r.peakRssMb, `${r.peakRssMb.toFixed(0)} MB`, tm && `≤ ${tm} MB`, tm && r.peakRssMb <= tm);
    }
  }
  const b = results.bigFile;
  const big = b?.bytes === 2 ** 30 ? "1 GiB" : `${((b?.bytes ?? 0) / 2 ** 20).toFixed(0)} MiB`;
  if (b?.error) add(`large input: FAILED — ${b.error.split("\n")[0]}`, null, "—", null, false);
  else if (b) {
    const cpuDelta = b.coldWith.cpuMedian !== null && b.coldWithout.cpuMedian !== null ? b.coldWith.cpuMedian - b.coldWithout.cpuMedian : null;
    add(`${big} first hash (cold run with − without${cpuDelta === null ? "" : `; CPU ${(cpuDelta / 1000).toFixed(2)} s`})`, b.firstHashGBps, b.firstHashGBps === null ? `n/a (${b.firstHashMs.toFixed(0)} ms: noise)` : `${b.firstHashGBps.toFixed(2)} GB/s (${b.firstHashMs.toFixed(0)} ms)`, `≥ ${TARGETS.firstHashGBps} GB/s`, b.firstHashGBps >= TARGETS.firstHashGBps);
    add(`${big} no-op (with input)`, b.noopWith.median / 1000, s(b.noopWith.median), null, null, b.noopWith.cpuMedian);
    add(`${big} no-op (without input)`, b.noopWithout.median / 1000, s(b.noopWithout.median), null, null, b.noopWithout.cpuMedian);
    add(`${big} no-op: with − without`, b.noopDeltaMs, `${b.noopDeltaMs.toFixed(1)} ms`, `≤ ${TARGETS.bigNoopDeltaMs} ms`, b.noopDeltaMs <= TARGETS.bigNoopDeltaMs);
    add(`${big} touch + rerun (0 executed ✓)`, b.touchRerun.median / 1000, s(b.touchRerun.median), "executed = 0", true, b.touchRerun.cpuMedian);
  }
  return rows;
};

/** The table as text: measurement, median (wall), target, ✓/✗, median CPU time (user + sys). */
export const formatTable = (rows) => {
  const w = Math.max(...rows.map((r) => r.name.length), 11);
  const v = Math.max(...rows.map((r) => r.shown.length), 6);
  const cpu = (r) => (r.cpuMs === null ? "" : `${(r.cpuMs / 1000).toFixed(2)} s`);
  const head = `${"measurement".padEnd(w)}  ${"median".padStart(v)}  ${"target".padEnd(14)}     ${"cpu".padStart(7)}`;
  const lines = rows.map((r) => `${r.name.padEnd(w)}  ${r.shown.padStart(v)}  ${(r.target ?? "").padEnd(14)} ${r.ok === null ? " " : r.ok ? "✓" : "✗"}   ${cpu(r).padStart(7)}`);
  return [head, "-".repeat(head.length + 2), ...lines].join("\n");
};

const git = (...args) => {
  try {
    return execFileSync("git", args, { cwd: CAIRN_ROOT, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
};

/** The machine and checkout the numbers come from. */
export const environment = () => ({
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? null,
  memGB: Math.round(os.totalmem() / 2 ** 30),
  loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  commit: git("rev-parse", "HEAD"),
});

/**
 * Writes `results` plus the rows to bench/results/core-<YYYY-MM-DD>.json (a full run) or
 * core-<YYYY-MM-DD>-partial.json (quick or custom sizes: never overwrites a full run's numbers).
 */
export const writeResults = (results, rows, partial = false) => {
  const dir = path.join(CAIRN_ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `core-${results.environment.date.slice(0, 10)}${partial ? "-partial" : ""}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ ...results, rows }, null, 2)}\n`);
  return file;
};
