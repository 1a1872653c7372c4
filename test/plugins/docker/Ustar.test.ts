/** The tar writer, checked by extracting its archives with the system's `tar`. */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tarChunks, type TarEntry } from "../../../plugins/docker/Ustar.js";

const collect = async (entries: TarEntry[]): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const c of tarChunks(entries)) parts.push(c);
  return Buffer.concat(parts);
};

describe("tarChunks", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-ustar-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes an archive that tar extracts with the same names, modes, contents and links", async () => {
    const src = join(dir, "src");
    await mkdir(src);
    const big = Buffer.alloc(70_000, 7);
    await writeFile(join(src, "big.bin"), big);
    await writeFile(join(src, "run.sh"), "#!/bin/sh\necho hi\n");
    const longDir = `${"d".repeat(90)}/${"e".repeat(90)}`;
    const longName = `${"x".repeat(120)}/${"y".repeat(120)}.txt`; // too long for ustar prefix/name: needs pax
    const entries: TarEntry[] = [
      { name: "big.bin", type: "file", mode: 0o644, size: big.length, absPath: join(src, "big.bin") },
      { name: "bin", type: "dir", mode: 0o755, size: 0, absPath: "" },
      { name: "bin/run.sh", type: "file", mode: 0o755, size: 18, absPath: join(src, "run.sh") },
      { name: "bin/link", type: "symlink", mode: 0o777, size: 0, absPath: "", linkTarget: "run.sh" },
      { name: `${longDir}/f.txt`, type: "file", mode: 0o600, size: 18, absPath: join(src, "run.sh") },
      { name: longName, type: "file", mode: 0o644, size: 18, absPath: join(src, "run.sh") },
    ];
    const archive = await collect(entries);
    expect(archive.length % 512).toBe(0);
    const tarFile = join(dir, "a.tar");
    await writeFile(tarFile, archive);
    const out = join(dir, "out");
    await mkdir(out);
    execFileSync("tar", ["-xf", tarFile, "-C", out]);
    expect(await readFile(join(out, "big.bin"))).toEqual(big);
    expect((await stat(join(out, "bin", "run.sh"))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(out, "bin", "link"))).toBe("run.sh");
    expect(await readFile(join(out, longDir, "f.txt"), "utf8")).toBe("#!/bin/sh\necho hi\n");
    expect(await readFile(join(out, longName), "utf8")).toBe("#!/bin/sh\necho hi\n");
    expect((await stat(join(out, longDir, "f.txt"))).mode & 0o777).toBe(0o600);
  });

  it("produces identical bytes for identical entries (no times, no owners)", async () => {
    const f = join(dir, "same.txt");
    await writeFile(f, "same");
    const entries: TarEntry[] = [{ name: "same.txt", type: "file", mode: 0o644, size: 4, absPath: f }];
    const a = await collect(entries);
    await writeFile(f, "same"); // new mtime, same bytes
    expect(await collect(entries)).toEqual(a);
  });

  it("fails instead of writing a corrupt archive when a file changes size while streaming", async () => {
    const f = join(dir, "grown.txt");
    await writeFile(f, "0123456789");
    await expect(collect([{ name: "grown.txt", type: "file", mode: 0o644, size: 4, absPath: f }])).rejects.toThrow(/changed size/);
  });
});
