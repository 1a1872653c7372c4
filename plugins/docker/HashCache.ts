/**
 * Content hashes of build-context files by path and stat stamp, kept in memory and in the user's
 * cache directory, so a fresh `cairn run` does not re-read an unchanged 100 MB context.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Entries kept on disk at most; the oldest go first. */
const MAX_ENTRIES = 50_000;

/** `$XDG_CACHE_HOME/cairn` or `~/.cache/cairn`; `CAIRN_DOCKER_HASH_CACHE=off` disables the file. */
const cacheFile = (): string | undefined => {
  if (process.env.CAIRN_DOCKER_HASH_CACHE === "off") return undefined;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "cairn", "docker-context-hashes.json");
};

interface Entry {
  readonly stamp: string;
  readonly hash: string;
}

let entries: Map<string, Entry> | undefined;
let dirty = false;

const load = (): Map<string, Entry> => {
  if (entries !== undefined) return entries;
  entries = new Map();
  const file = cacheFile();
  if (file === undefined) return entries;
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as { version?: number; files?: Record<string, [string, string]> };
    if (data.version === 1 && data.files !== undefined) for (const [path, [stamp, hash]] of Object.entries(data.files)) entries.set(path, { stamp, hash });
  } catch {
    // A missing or unreadable cache is an empty cache.
  }
  return entries;
};

/**
 * The cached hash of `absPath` if its stamp (size, mtime, ctime, inode) is unchanged. ctime is
 * in the stamp because a same-size edit with a restored mtime still moves it.
 */
export const cachedHash = (absPath: string, stamp: string): string | undefined => {
  const e = load().get(absPath);
  return e !== undefined && e.stamp === stamp ? e.hash : undefined;
};

/** Remembers a freshly computed hash. */
export const rememberHash = (absPath: string, stamp: string, hash: string): void => {
  const map = load();
  map.delete(absPath); // re-insert: insertion order is the eviction order
  map.set(absPath, { stamp, hash });
  dirty = true;
};

/** Writes the cache file if anything changed (atomically: write, then rename). Failures are ignored: it is a cache. */
export const saveHashes = (): void => {
  const file = cacheFile();
  if (!dirty || entries === undefined || file === undefined) return;
  const all = [...entries];
  const kept = all.slice(Math.max(0, all.length - MAX_ENTRIES));
  const files: Record<string, [string, string]> = {};
  for (const [path, e] of kept) files[path] = [e.stamp, e.hash];
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, files }));
    renameSync(tmp, file);
    dirty = false;
  } catch {
    // Read-only home, full disk: the next process hashes again.
  }
};
