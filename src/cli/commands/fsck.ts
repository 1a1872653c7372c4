/** `cairn fsck`: re-hashes every object and checks that every object the database names exists. */
import { LineageStore } from "../../lineage/LineageStore.js";
import { LocalArtifactStore } from "../../store/LocalArtifactStore.js";
import type { ContentHash } from "../../hashing/ContentHash.js";
import { projectPaths } from "../Project.js";
import { ExitCode } from "../ExitCode.js";

export interface FsckProblem {
  readonly kind: "corrupt-object" | "missing-object";
  readonly hash: string;
  readonly detail: string;
}

export const fsck = (paths: { db: string; objects: string; tmp: string }): { checked: number; problems: FsckProblem[] } => {
  const lineage = LineageStore.open(paths.db);
  try {
    // No stat cache here: fsck must not trust the cache it is meant to audit; every object is re-read.
    const store = new LocalArtifactStore(paths.objects, paths.tmp, undefined, lineage.smallObjects);
    const problems: FsckProblem[] = [];
    let checked = 0;
    for (const h of store.list()) {
      checked++;
      if (!store.verify(h)) problems.push({ kind: "corrupt-object", hash: h, detail: `${store.locationOf(h)} does not match its hash` });
    }
    const referenced = lineage.db
      .prepare(
        `SELECT o.hash AS h, 'execution output' AS what FROM execution_outputs o JOIN artifacts a ON a.hash = o.hash
         UNION SELECT output_hash, 'cache entry' FROM cache_entries`,
      )
      .all() as { h: string; what: string }[];
    const seen = new Set<string>();
    for (const r of referenced) {
      if (seen.has(r.h)) continue;
      seen.add(r.h);
      if (!store.has(r.h as ContentHash)) problems.push({ kind: "missing-object", hash: r.h, detail: `referenced by a ${r.what} but not in the store (removed by gc, or lost)` });
    }
    return { checked, problems };
  } finally {
    lineage.close();
  }
};

export const fsckCommand = async (opts: { json?: boolean }, store: string | undefined): Promise<number> => {
  const paths = projectPaths(store ? { store } : {});
  const { checked, problems } = fsck(paths);
  if (opts.json) process.stdout.write(`${JSON.stringify({ checked, problems })}\n`);
  else {
    for (const p of problems) process.stdout.write(`${p.kind}: ${p.hash} — ${p.detail}\n`);
    const corrupt = problems.filter((p) => p.kind === "corrupt-object").length;
    process.stdout.write(
      `${checked} objects checked: ${problems.length === 0 ? "all good" : `${corrupt} corrupt, ${problems.length - corrupt} missing references`}` +
        `${problems.length ? ". Rerun the flows: tasks whose outputs are damaged run again and heal the store." : ""}\n`,
    );
  }
  return problems.length === 0 ? ExitCode.Ok : ExitCode.Failed;
};
