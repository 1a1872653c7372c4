/**
 * ArtifactStore on the local disk: `.cairn/objects/ab/cdef…`, written to `.cairn/tmp` and
 * renamed into place (atomic), made read-only, fsynced in batches before lineage rows name them.
 * Blobs up to SMALL_OBJECT_MAX bytes (trees, function results) are rows of the lineage database
 * instead (SmallObjects.ts); output files always stay files, so they can be linked into place.
 */
import {
  chmodSync, closeSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync,
  readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { hashBytes, type ContentHash } from "../hashing/ContentHash.js";
import { canonicalJson } from "../hashing/CanonicalJson.js";
import { ObjectCorruptError, type ArtifactStore, type OutputTree } from "./ArtifactStore.js";
import { SMALL_OBJECT_MAX, type SmallObjectTable } from "./SmallObjects.js";

/** How a file's content hash is computed (lets the engine plug in the stat-cached FileHasher). */
export type FileHashFn = (absPath: string) => { hash: ContentHash; size: number };

const defaultHashFile: FileHashFn = (p) => {
  const b = readFileSync(p);
  return { hash: hashBytes(b), size: b.byteLength };
};

/** From this many pending objects on, one filesystem sync beats per-file fsyncs. */
const SYNCFS_THRESHOLD = 16;

/** Runs `sync -f <dir>` (syncfs); false when unavailable, so the caller falls back to fsyncs. */
const syncFilesystem = (dir: string): Promise<boolean> =>
  new Promise((resolve) => {
    const child = spawn("sync", ["-f", dir], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });

export class LocalArtifactStore implements ArtifactStore {
  private pending = new Set<string>();
  private readonly dirsMade = new Set<string>();

  constructor(
    readonly objectsDir: string,
    readonly tmpDir: string,
    private readonly hashFile: FileHashFn = defaultHashFile,
    /** Where small blobs go; without it (tests of the file layout) every object is a file. */
    private readonly small?: SmallObjectTable,
  ) {}

  /** The local path of an object (local stores only). */
  pathOf(hash: ContentHash): string {
    return join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  private ensureDir(d: string): void {
    if (this.dirsMade.has(d)) return;
    mkdirSync(d, { recursive: true });
    this.dirsMade.add(d);
  }

  private seq = 0;
  /** Unique among processes (pid) and within this one (sequence): no randomness needed. */
  private tmpPath(): string {
    this.ensureDir(this.tmpDir);
    return join(this.tmpDir, `obj-${process.pid}-${Date.now().toString(36)}-${this.seq++}`);
  }

  putBytes(bytes: Uint8Array): ContentHash {
    const hash = hashBytes(bytes);
    if (this.small && bytes.byteLength <= SMALL_OBJECT_MAX) {
      this.small.put(hash, bytes);
      return hash;
    }
    const dest = this.pathOf(hash);
    if (this.intact(dest, hash)) return hash;
    const tmp = this.tmpPath();
    const fd = openSync(tmp, "w", 0o444);
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    this.ensureDir(dirname(dest));
    renameSync(tmp, dest);
    this.pending.add(dest);
    return hash;
  }

  putFile(absPath: string, options: { mode: "move" | "link" | "copy"; knownHash?: ContentHash }): { hash: ContentHash; size: number } {
    const { hash, size } = options.knownHash ? { hash: options.knownHash, size: statSync(absPath).size } : this.hashFile(absPath);
    const dest = this.pathOf(hash);
    if (this.intact(dest, hash)) {
      if (options.mode === "move") {
        try {
          unlinkSync(absPath);
        } catch {
          /* already gone */
        }
      } else if (options.mode === "link") chmodSync(absPath, 0o444);
      return { hash, size };
    }
    this.ensureDir(dirname(dest));
    // Same filesystem (outDir lives under .cairn/tmp): rename and link are atomic and copy nothing.
    if (options.mode === "move") {
      chmodSync(absPath, 0o444);
      renameSync(absPath, dest);
    } else if (options.mode === "link") {
      chmodSync(absPath, 0o444);
      try {
        linkSync(absPath, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") this.copyIn(absPath, dest);
      }
    } else {
      this.copyIn(absPath, dest);
    }
    this.pending.add(dest);
    return { hash, size };
  }

  /** Copies a file into the store: to a temp file, then renamed into place. */
  private copyIn(absPath: string, dest: string): void {
    const tmp = this.tmpPath();
    copyFileSync(absPath, tmp);
    chmodSync(tmp, 0o444);
    renameSync(tmp, dest);
  }

  /**
   * Whether an object file already holds exactly `hash`'s bytes. A damaged object is unlinked so
   * the write that follows replaces it: that is how a rerun heals the store. Cheap when intact:
   * the hasher's stat cache answers without reading.
   */
  private intact(dest: string, hash: ContentHash): boolean {
    if (!existsSync(dest)) return false;
    try {
      if (this.hashFile(dest).hash === hash) return true;
    } catch {
      /* unreadable: replace it */
    }
    try {
      unlinkSync(dest);
    } catch {
      /* replaced by rename anyway */
    }
    return false;
  }

  putTree(tree: OutputTree): ContentHash {
    return this.putBytes(Buffer.from(canonicalJson(tree, "tree"), "utf8"));
  }

  has(hash: ContentHash): boolean {
    return this.small?.has(hash) === true || existsSync(this.pathOf(hash));
  }

  /** Where an object lives, for messages: its file, or the database row. */
  locationOf(hash: ContentHash): string {
    return this.small?.has(hash) ? `${hash} in cairn.db (small_objects)` : this.pathOf(hash);
  }

  /** Re-reads the object and checks its hash (files through `hashFile`, which may trust the stat cache). */
  verify(hash: ContentHash): boolean {
    const row = this.small?.get(hash);
    if (row) return hashBytes(row) === hash;
    return this.verifyFile(hash);
  }

  /** `verify` for an object that can only be a file (an output file: those are never rows). */
  private verifyFile(hash: ContentHash): boolean {
    try {
      // A missing file throws here too: one stat, not an existence check and then a stat.
      return this.hashFile(this.pathOf(hash)).hash === hash;
    } catch {
      return false;
    }
  }

  readBytes(hash: ContentHash): Buffer {
    const row = this.small?.get(hash);
    if (row) return row;
    const p = this.pathOf(hash);
    try {
      return readFileSync(p);
    } catch {
      throw new ObjectCorruptError(hash, p, "missing");
    }
  }

  readTree(hash: ContentHash): OutputTree {
    const bytes = this.readBytes(hash);
    if (hashBytes(bytes) !== hash) throw new ObjectCorruptError(hash, this.locationOf(hash), "corrupt");
    return JSON.parse(bytes.toString("utf8")) as OutputTree;
  }

  /**
   * A cached output, if everything it names is present and intact: the tree, its value and its
   * files. File objects are checked through `hashFile` (a stat when the stat cache knows them).
   */
  verifiedTree(hash: ContentHash, knownBytes?: Uint8Array): OutputTree | undefined {
    try {
      const tree =
        knownBytes !== undefined && hashBytes(knownBytes) === hash ? (JSON.parse(Buffer.from(knownBytes).toString("utf8")) as OutputTree) : this.readTree(hash);
      for (const f of tree.files) if (!this.verifyFile(f.hash)) return undefined;
      if (tree.value !== null && !this.verify(tree.value)) return undefined;
      return tree;
    } catch {
      return undefined;
    }
  }

  materialize(tree: OutputTree, destDir: string): void {
    if (existsSync(destDir)) rmSync(destDir, { recursive: true, force: true });
    mkdirSync(destDir, { recursive: true });
    for (const f of tree.files) {
      const target = join(destDir, f.path);
      mkdirSync(dirname(target), { recursive: true });
      const src = this.pathOf(f.hash);
      try {
        // Hard links cost nothing and keep one copy of large model files; objects are read-only.
        linkSync(src, target);
      } catch {
        copyFileSync(src, target);
        chmodSync(target, f.executable ? 0o555 : 0o444);
      }
    }
    if (tree.value) {
      const target = join(destDir, "value.json");
      if (!tree.files.some((f) => f.path === "value.json")) {
        writeFileSync(target, this.readBytes(tree.value));
        chmodSync(target, 0o444);
      }
    }
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const files = [...this.pending];
    this.pending = new Set();
    // Many objects: one syncfs(2) of the store's filesystem (coreutils `sync -f`) costs one
    // process start instead of an fsync per file and per directory.
    if (files.length >= SYNCFS_THRESHOLD && (await syncFilesystem(this.objectsDir))) return;
    const dirs = new Set(files.map((f) => dirname(f)));
    // Concurrent fsyncs let the kernel coalesce them into few journal commits.
    const sync = async (p: string) => {
      let h;
      try {
        h = await open(p, "r");
        await h.sync();
      } catch {
        // A directory fsync can fail on exotic filesystems; the rename is still atomic.
      } finally {
        await h?.close();
      }
    };
    await Promise.all([...files, ...dirs].map(sync));
  }

  *list(): Iterable<ContentHash> {
    if (this.small) yield* this.small.list() as Iterable<ContentHash>;
    if (!existsSync(this.objectsDir)) return;
    for (const a of readdirSync(this.objectsDir)) {
      if (a.length !== 2) continue;
      for (const b of readdirSync(join(this.objectsDir, a))) yield (a + b) as ContentHash;
    }
  }

  size(hash: ContentHash): number {
    const small = this.small?.size(hash);
    if (small !== undefined) return small;
    try {
      return lstatSync(this.pathOf(hash)).size;
    } catch {
      return 0;
    }
  }

  remove(hash: ContentHash): void {
    if (this.small?.remove(hash)) return;
    try {
      unlinkSync(this.pathOf(hash));
    } catch {
      /* already gone */
    }
  }
}
