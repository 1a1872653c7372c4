/** Which objects the lineage still needs: roots from recent runs and registered models, expanded through trees. */
import type { Db } from "../lineage/Database.js";
import type { ContentHash } from "../hashing/ContentHash.js";
import type { ArtifactStore, OutputTree } from "./ArtifactStore.js";

/** Output hashes of the last `keepRuns` runs (executed or restored), plus every registered model artifact. */
export const rootObjects = (db: Db, keepRuns: number): Set<string> => {
  const roots = new Set<string>();
  const rows = db
    .prepare(
      `SELECT e.output_hash AS h FROM executions e
       WHERE e.output_hash IS NOT NULL AND e.run_id IN (SELECT id FROM runs ORDER BY started_at DESC LIMIT ?)`,
    )
    .all(keepRuns) as { h: string }[];
  for (const r of rows) roots.add(r.h);
  const hasModels = db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='model_versions'`).get();
  if (hasModels) for (const r of db.prepare(`SELECT artifact_hash AS h FROM model_versions`).all() as { h: string }[]) roots.add(r.h);
  return roots;
};

/** Expands tree roots to every object they name (the tree blob, its value, its files). */
export const reachable = (store: ArtifactStore, roots: Iterable<string>): { live: Set<string>; unreadable: string[] } => {
  const live = new Set<string>();
  const unreadable: string[] = [];
  for (const h of roots) {
    if (live.has(h)) continue;
    live.add(h);
    let tree: OutputTree | undefined;
    try {
      const bytes = store.readBytes(h as ContentHash);
      const parsed = JSON.parse(bytes.toString("utf8")) as Partial<OutputTree>;
      if (parsed && parsed.version === 1 && Array.isArray(parsed.files)) tree = parsed as OutputTree;
    } catch {
      // Not a tree (a model blob) or missing: a blob root only keeps itself alive.
      if (!store.has(h as ContentHash)) unreadable.push(h);
    }
    if (!tree) continue;
    if (tree.value) live.add(tree.value);
    for (const f of tree.files) live.add(f.hash);
  }
  return { live, unreadable };
};
