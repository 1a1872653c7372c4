/** The build context hash: what makes an image rebuild, and what does not. */
import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBuildContext, listBuildContext } from "../../../plugins/docker/BuildContext.js";

describe("build context", () => {
  let dir: string;
  const settings: { dockerfile: string; args: Record<string, string>; target: string | undefined } = { dockerfile: "Dockerfile", args: {}, target: undefined };
  const hash = async (s = settings) => hashBuildContext(await listBuildContext(dir, s.dockerfile), s);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-ctx-"));
    await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY . /app\n");
    await writeFile(join(dir, "train.py"), "print('hi')\n");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("lists files sorted, without what .dockerignore excludes, but always with the Dockerfile and .dockerignore", async () => {
    await writeFile(join(dir, ".dockerignore"), "Dockerfile\n.dockerignore\ncache/\n");
    await mkdir(join(dir, "cache"));
    await writeFile(join(dir, "cache", "big.bin"), "x");
    await symlink("train.py", join(dir, "main.py"));
    const ctx = await listBuildContext(dir, "Dockerfile");
    expect(ctx.entries.map((e) => [e.name, e.type])).toEqual([
      [".dockerignore", "file"],
      ["Dockerfile", "file"],
      ["main.py", "symlink"],
      ["train.py", "file"],
    ]);
  });

  it("changes when a file's content, mode, name or a build setting changes", async () => {
    const base = await hash();
    await writeFile(join(dir, "train.py"), "print('bye')\n");
    const content = await hash();
    expect(content).not.toBe(base);
    await chmod(join(dir, "train.py"), 0o755);
    const mode = await hash();
    expect(mode).not.toBe(content);
    expect(await hash({ ...settings, args: { EPOCHS: "3" } })).not.toBe(mode);
    expect(await hash({ ...settings, target: "gpu" })).not.toBe(mode);
  });

  it("does not change when only mtimes change or an ignored file changes", async () => {
    await writeFile(join(dir, ".dockerignore"), "*.log\n");
    await writeFile(join(dir, "run.log"), "1");
    const base = await hash();
    await utimes(join(dir, "train.py"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await writeFile(join(dir, "run.log"), "2");
    expect(await hash()).toBe(base);
  });

  it("sees a same-size edit even when the mtime is restored", async () => {
    const base = await hash();
    const old = new Date(2020, 0, 1);
    await utimes(join(dir, "train.py"), old, old);
    const before = await hash();
    await writeFile(join(dir, "train.py"), "print('HI')\n");
    await utimes(join(dir, "train.py"), old, old);
    expect(await hash()).not.toBe(before);
    expect(before).toBe(base);
  });
});
