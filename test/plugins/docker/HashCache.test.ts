/** The persisted hash cache: a new process reuses hashes of unchanged files and re-reads changed ones. */
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** BuildContext with fresh module state, as in a new cairn process. */
const freshModules = async () => {
  vi.resetModules();
  return import("../../../plugins/docker/BuildContext.js");
};

describe("context hash cache", () => {
  let root: string;
  let dir: string;
  const saved = process.env.XDG_CACHE_HOME;
  const settings = { dockerfile: "Dockerfile", args: {}, target: undefined };
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "cairn-hashcache-"));
    dir = join(root, "context");
    await mkdir(dir);
    process.env.XDG_CACHE_HOME = join(root, "cache");
    await writeFile(join(dir, "Dockerfile"), "FROM scratch\n");
    await writeFile(join(dir, "model.bin"), "weights v1");
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    await rm(root, { recursive: true, force: true });
  });

  const contextHash = async () => {
    const m = await freshModules();
    return m.hashBuildContext(await m.listBuildContext(dir, "Dockerfile"), settings);
  };

  it("reuses a stored file hash in a new process while the file's stamp is unchanged, and re-reads it once it changes", async () => {
    const honest = await contextHash();
    const file = join(root, "cache", "cairn", "docker-context-hashes.json");
    const stored = JSON.parse(await readFile(file, "utf8")) as { version: number; files: Record<string, [string, string]> };
    expect(stored.version).toBe(1);
    expect(Object.keys(stored.files).sort()).toEqual([join(dir, "Dockerfile"), join(dir, "model.bin")]);

    // Plant a different hash under the same stamp: a new process that trusts the cache sees it.
    stored.files[join(dir, "model.bin")]![1] = "0".repeat(64);
    await writeFile(file, JSON.stringify(stored));
    const planted = await contextHash();
    expect(planted).not.toBe(honest);

    // Any change to the file moves its ctime, so the planted entry no longer applies.
    await utimes(join(dir, "model.bin"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(await contextHash()).toBe(honest);
  });

  it("works without the file when the cache directory cannot be written", async () => {
    await writeFile(join(root, "cache"), "a file where the directory should be");
    const first = await contextHash();
    expect(await contextHash()).toBe(first);
  });
});
