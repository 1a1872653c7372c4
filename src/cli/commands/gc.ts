/** `cairn gc`: deletes objects that neither the last K runs nor the model registry reference. */
import { LineageStore } from "../../lineage/LineageStore.js";
import { LocalArtifactStore } from "../../store/LocalArtifactStore.js";
import { SqliteStatCache } from "../../hashing/StatCache.js";
import { reachable, rootObjects } from "../../store/Reachability.js";
import { projectPaths } from "../Project.js";
import { ExitCode } from "../ExitCode.js";
import { UsageError } from "./run.js";
import type { ContentHash } from "../../hashing/ContentHash.js";

const human = (n: number): string => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : n < 1 << 30 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / (1 << 30)).toFixed(2)} GiB`);

export const gcCommand = async (opts: { keepRuns: string; dryRun?: boolean }, store: string | undefined): Promise<number> => {
  const keep = Number(opts.keepRuns);
  if (!Number.isInteger(keep) || keep < 0) throw new UsageError(`--keep-runs must be a whole number ≥ 0, got "${opts.keepRuns}"`);
  const paths = projectPaths(store ? { store } : {});
  const lineage = LineageStore.open(paths.db);
  try {
    const objects = new LocalArtifactStore(paths.objects, paths.tmp, undefined, lineage.smallObjects);
    const { live } = reachable(objects, rootObjects(lineage.db, keep));
    let freed = 0;
    let count = 0;
    const dead: string[] = [];
    for (const h of objects.list()) {
      if (live.has(h)) continue;
      freed += objects.size(h);
      count++;
      dead.push(h);
    }
    if (!opts.dryRun) {
      // Forget cache entries first, so a crash midway leaves entries that heal rather than lie.
      lineage.write(() => {
        const del = lineage.db.prepare(`DELETE FROM cache_entries WHERE output_hash = ?`);
        // Forgetting the artifact row records that the object was freed on purpose: fsck then
        // holds old executions' outputs to account only while their objects are meant to exist.
        const forget = lineage.db.prepare(`DELETE FROM artifacts WHERE hash = ?`);
        for (const h of dead) {
          del.run(h);
          forget.run(h);
        }
      });
      // Small objects are rows: one transaction for all of them.
      lineage.write(() => {
        for (const h of dead) objects.remove(h as ContentHash);
      });
    }
    process.stdout.write(`${opts.dryRun ? "would free" : "freed"} ${count} object${count === 1 ? "" : "s"}, ${human(freed)} (kept ${live.size} referenced by the last ${keep} runs and the model registry)\n`);
    // After the objects: their stat-cache rows are among the ones now pointing at nothing.
    const stale = new SqliteStatCache(lineage.db).pruneMissing({ dryRun: opts.dryRun === true });
    if (stale > 0) process.stdout.write(`${opts.dryRun ? "would forget" : "forgot"} ${stale} stat-cache entr${stale === 1 ? "y" : "ies"} of files that no longer exist\n`);
    return ExitCode.Ok;
  } finally {
    lineage.close();
  }
};
