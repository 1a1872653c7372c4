/**
 * The artifact store interface: content-addressed, immutable objects. A task's output is a
 * tree (its JSON value, if any, plus its files); the tree's hash is the task's output hash.
 * Nothing here assumes a local disk, so an S3-compatible store can implement the same interface.
 */
import type { ContentHash } from "../hashing/ContentHash.js";

/** One file of an output tree. */
export interface TreeEntry {
  /** Path relative to the task's output directory, `/`-separated. */
  readonly path: string;
  readonly hash: ContentHash;
  readonly size: number;
  /** Whether the file was executable (mode bits beyond that do not survive the store). */
  readonly executable: boolean;
}

/** A task's output: what downstream tasks and cache hits restore. */
export interface OutputTree {
  readonly version: 1;
  /** The returned value's JSON blob, or null when the task returned nothing. */
  readonly value: ContentHash | null;
  readonly files: ReadonlyArray<TreeEntry>;
}

export interface ArtifactStore {
  /** Stores bytes; returns their hash. Idempotent. */
  putBytes(bytes: Uint8Array): ContentHash;
  /**
   * Stores a file; returns its hash and size. `move`: the file goes into the store (it is gone from
   * `absPath`); `link`: the store shares it, `absPath` stays (read-only) as a view of the object;
   * `copy`: the store gets its own copy.
   */
  putFile(absPath: string, options: { readonly mode: "move" | "link" | "copy"; readonly knownHash?: ContentHash }): { hash: ContentHash; size: number };
  /** Stores a tree manifest; returns the output hash. */
  putTree(tree: OutputTree): ContentHash;
  has(hash: ContentHash): boolean;
  /** True when the object exists and its bytes hash to `hash`. */
  verify(hash: ContentHash): boolean;
  readBytes(hash: ContentHash): Buffer;
  readTree(hash: ContentHash): OutputTree;
  /**
   * The tree, if it and every object it names are present and intact; otherwise undefined.
   * `knownBytes`: the tree's bytes if the caller has them already (they are verified all the same).
   */
  verifiedTree(hash: ContentHash, knownBytes?: Uint8Array): OutputTree | undefined;
  /** Where an object lives, for messages (a path, or a database row). */
  locationOf(hash: ContentHash): string;
  /** Makes a tree's files appear under `destDir` (read-only), replacing what was there. */
  materialize(tree: OutputTree, destDir: string): void;
  /** Makes every object written since the last flush durable (one batch of fsyncs). */
  flush(): Promise<void>;
  /** Every object hash in the store. */
  list(): Iterable<ContentHash>;
  /** Size in bytes of an object. */
  size(hash: ContentHash): number;
  remove(hash: ContentHash): void;
}

/** A stored object is missing or does not match its hash. */
export class ObjectCorruptError extends Error {
  readonly _tag = "ObjectCorruptError";
  constructor(readonly hash: string, readonly path: string, readonly problem: "missing" | "corrupt") {
    super(
      `object ${hash} (${path}) is ${problem}. The tasks that produced it will run again and heal the store; ` +
        `run \`cairn fsck\` to check every object.`,
    );
  }
}
