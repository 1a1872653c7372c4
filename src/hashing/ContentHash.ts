/** Branded identifiers and the one content-hash function the engine uses for blobs and keys. */
import { xxh3 } from "@node-rs/xxhash";

/** A content hash: 32 lowercase hex chars (XXH3-128, chunked for large inputs — see `hashBytes`). */
export type ContentHash = string & { readonly _brand: "ContentHash" };
/** A task's cache key: the hash of its canonical fingerprint object. */
export type CacheKey = string & { readonly _brand: "CacheKey" };
/** A run id, sortable by start time (`r20261204T213301-4f2a`). */
export type RunId = string & { readonly _brand: "RunId" };
/** A task name as declared in `task(name, …)`. */
export type TaskName = string & { readonly _brand: "TaskName" };

/**
 * Blobs larger than this are hashed as a tree: XXH3-128 of each chunk, then XXH3-128 over the
 * chunk digests and the length. Why: chunks can be hashed on several cores and read in bounded
 * memory, and the result is the same whether the bytes came from memory or from a file.
 */
export const HASH_CHUNK_BYTES = 16 * 1024 * 1024;

const hex128 = (n: bigint): string => n.toString(16).padStart(32, "0");

/** Below this size a chunk is hashed with one-shot XXH3-128 (cheapest for small data). */
export const SMALL_CHUNK_BYTES = 64 * 1024;
/** The second seed of the two-lane digest (the 64-bit golden ratio constant). */
export const LANE2_SEED = 0x9e3779b97f4a7c15n;

/**
 * The digest of one chunk (≤ HASH_CHUNK_BYTES), as 32 hex chars. Small chunks: XXH3-128. Larger
 * ones: two streaming XXH3-64 lanes with different seeds, concatenated — @node-rs/xxhash's
 * streaming hasher runs at ~14 GB/s where its one-shot functions manage ~1.2 GB/s, so two lanes
 * are still ~5× faster. The worker pool (internal/chunkWorkerSource.ts) must compute the same.
 */
export const hashChunk = (data: Uint8Array): string => {
  if (data.byteLength < SMALL_CHUNK_BYTES) return hex128(xxh3.xxh128(data));
  const a = xxh3.Xxh3.withSeed(0n);
  a.update(data);
  const b = xxh3.Xxh3.withSeed(LANE2_SEED);
  b.update(data);
  return a.digest().toString(16).padStart(16, "0") + b.digest().toString(16).padStart(16, "0");
};

/** Combines per-chunk digests (in order) of a blob of `length` bytes into its ContentHash. */
export const combineChunkHashes = (chunkHexes: ReadonlyArray<string>, length: number): ContentHash =>
  hex128(xxh3.xxh128(`tree:${length}:${chunkHexes.join("")}`)) as ContentHash;

/**
 * The content hash of bytes or a UTF-8 string. Why XXH3 and not sha256: the store is
 * content-addressed against accidents, not adversaries, and XXH3 runs at memory speed where
 * sha256 manages ~1.9 GB/s — the difference dominates hashing multi-GB datasets.
 */
export const hashBytes = (input: Uint8Array | string): ContentHash => {
  const data = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  if (data.byteLength <= HASH_CHUNK_BYTES) return hashChunk(data) as ContentHash;
  const chunks: string[] = [];
  for (let off = 0; off < data.byteLength; off += HASH_CHUNK_BYTES) {
    chunks.push(hashChunk(data.subarray(off, Math.min(off + HASH_CHUNK_BYTES, data.byteLength))));
  }
  return combineChunkHashes(chunks, data.byteLength);
};

/** Hash of a string, for keys and ingredients (never for blob addressing). */
export const hashString = (s: string): ContentHash => hashBytes(s);
