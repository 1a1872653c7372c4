// Where the time goes in no-op and incremental runs: runs cairn under `node --cpu-prof` on the
// layered flows and prints the top functions and files by self and inclusive time; for the cold
// and incremental runs also the event timeline (task bodies vs the engine's share).
// Usage: npm run build && node bench/core/profile.mjs [--kinds=command,function] [--sizes=1000,5000] [--top=20]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CAIRN_BIN, expectCounts, runCairn, runProcess } from "./measure.mjs";
import { coneSize, CAIRN_ROOT, makeLayeredProject } from "./project.mjs";
import { formatSummary, summarise } from "./cpuprofile.mjs";
import { eventTimeline, formatTimeline } from "./timeline.mjs";

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const kinds = arg("kinds", "command").split(",");
const sizes = arg("sizes", "1000,5000").split(",").map(Number);
const top = Number(arg("top", "20"));

/** Runs `cairn run flow.ts` under the CPU profiler (0.1 ms sampling) and returns its wall time and summary. */
const profiled = async (dir, profDir, name) => {
  fs.rmSync(profDir, { recursive: true, force: true });
  const argv = [process.execPath, "--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", profDir, "--cpu-prof-name", `${name}.cpuprofile`, CAIRN_BIN, "run", "flow.ts", "--ui", "plain", "--concurrency", "2"];
  const r = await runProcess(argv, dir);
  if (r.code !== 0) throw new Error(`${name}: cairn exited ${r.code}\n${r.stderr}`);
  const summary = /(\d+) executed, (\d+) cached/.exec(r.stdout);
  const profile = JSON.parse(fs.readFileSync(path.join(profDir, `${name}.cpuprofile`), "utf8"));
  return { ms: r.ms, executed: Number(summary?.[1]), profile: summarise(profile) };
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-profile-"));
const report = [`cairn CPU profiles (${new Date().toISOString()}, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")})`];
const say = (s) => {
  console.log(s);
  report.push(s);
};
try {
  for (const kind of kinds) {
    for (const n of sizes) {
      const dir = path.join(root, `${kind}-${n}`);
      const { firstSource, width } = makeLayeredProject(dir, kind, n);
      await sleep(2100); // sources older than the stat cache's racy window
      const cold = await runCairn(dir, "flow.ts", { json: true });
      expectCounts(`${kind} N=${n} cold`, cold.counts, { executed: n });
      say(`\n=== ${kind} N=${n} cold (--json events) ===`);
      say(formatTimeline(eventTimeline(cold.stdout, cold.ms, 2)));
      await runCairn(dir, "flow.ts"); // one no-op first: any deferred cache writes are done
      const noop = await profiled(dir, path.join(root, "prof"), `${kind}-${n}-noop`);
      say(`\n=== ${kind} N=${n} no-op: ${noop.ms.toFixed(0)} ms wall, ${noop.executed} executed ===`);
      say(formatSummary(noop.profile, top));
      fs.appendFileSync(firstSource, "one more line\n");
      const inc = await profiled(dir, path.join(root, "prof"), `${kind}-${n}-incremental`);
      if (inc.executed !== coneSize(width)) throw new Error(`${kind} N=${n} incremental: ${inc.executed} executed, expected ${coneSize(width)}`);
      say(`\n=== ${kind} N=${n} incremental: ${inc.ms.toFixed(0)} ms wall, ${inc.executed} executed ===`);
      say(formatSummary(inc.profile, top));
      fs.appendFileSync(firstSource, "and one more\n");
      const incJson = await runCairn(dir, "flow.ts", { json: true });
      say(`\n=== ${kind} N=${n} incremental (--json events, not profiled) ===`);
      say(formatTimeline(eventTimeline(incJson.stdout, incJson.ms, 2)));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
const out = path.join(CAIRN_ROOT, "bench", "results", `profile-${new Date().toISOString().slice(0, 10)}.txt`);
fs.writeFileSync(out, `${report.join("\n")}\n`);
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
