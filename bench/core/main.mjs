// The core benchmark (issue 2): start-up, layered flows of command and function tasks at each N,
// and the 1 GiB input; prints one table against the targets and writes the JSON results.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bigFile, layered, startup } from "./scenarios.mjs";
import { environment, formatTable, rowsOf, writeResults } from "./report.mjs";

/**
 * Runs the core benchmark. `quick`: N = 100 and 1000 only, fewer repetitions; `sizes` overrides
 * the N values, `bigBytes` the large input's size (1 GiB). Returns 0 when every
 * scenario ran and every asserted count held (a missed time target is reported, not a failure).
 */
export const runCore = async ({ quick = false, sizes, bigBytes = 2 ** 30, keep = false, log = (l) => console.log(l) } = {}) => {
  const ns = sizes ?? (quick ? [100, 1000] : [100, 1000, 5000]);
  const reps = quick ? { cold: 1, warm: 5, startup: 5 } : { cold: 3, warm: 7, startup: 10 };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-bench-"));
  log(`core benchmark (${quick ? "quick" : "full"}): N = ${ns.join(", ")}; cold ×${reps.cold}, no-op/incremental ×${reps.warm}; projects in ${root}`);
  const results = { environment: environment(), quick, reps, startup: null, layered: [], bigFile: null };
  let failed = false;
  try {
    results.startup = await startup(reps.startup);
    for (const kind of ["command", "function"]) {
      for (const n of ns) {
        const dir = path.join(root, `${kind}-${n}`);
        try {
          results.layered.push(await layered({ dir, kind, n, reps, log }));
        } catch (e) {
          failed = true;
          log(`  ${kind} N=${n} FAILED: ${e.message}`);
          results.layered.push({ kind, n, error: e.message });
        }
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    try {
      results.bigFile = await bigFile({ dir: path.join(root, "bigfile"), bytes: bigBytes, reps: { cold: 3, warm: reps.warm }, log });
    } catch (e) {
      failed = true;
      log(`  1 GiB input FAILED: ${e.message}`);
      results.bigFile = { error: e.message };
    }
  } finally {
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
  const rows = rowsOf(results);
  log("");
  log(formatTable(rows));
  log(`\nresults: ${path.relative(process.cwd(), writeResults(results, rows, quick || sizes !== undefined || bigBytes !== 2 ** 30))}`);
  return failed ? 1 : 0;
};
