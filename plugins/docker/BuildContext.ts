/**
 * A build context on disk: its files after `.dockerignore`, and their content hash. The hash
 * decides whether an image must be rebuilt, so it covers exactly what the engine would receive.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readFile, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { emptyDockerIgnore, parseDockerIgnore, type DockerIgnore } from "./DockerIgnore.js";
import { cachedHash, rememberHash, saveHashes } from "./HashCache.js";
import type { TarEntry } from "./Ustar.js";

/** The listed context: entries in archive order (sorted by path). */
export interface BuildContext {
  readonly dir: string;
  readonly entries: ReadonlyArray<TarEntry & { readonly stamp: string }>;
}

const readIgnore = async (dir: string): Promise<DockerIgnore> => {
  try {
    return parseDockerIgnore(await readFile(join(dir, ".dockerignore"), "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyDockerIgnore;
    throw e;
  }
};

/**
 * Lists the context directory `dir`. The Dockerfile and `.dockerignore` are always sent (the
 * engine needs them even when ignored, as `docker build` does); everything else honours the
 * ignore file. Sockets, FIFOs and devices are skipped: they cannot be archived.
 */
export const listBuildContext = async (dir: string, dockerfile: string): Promise<BuildContext> => {
  const ignore = await readIgnore(dir);
  const always = new Set([dockerfile, ".dockerignore"]);
  const entries: Array<TarEntry & { stamp: string }> = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel === "" ? dir : join(dir, rel))).sort();
    for (const name of names) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const absPath = join(dir, relPath);
      const st = await lstat(absPath, { bigint: true });
      const ignored = ignore.ignores(relPath) && !always.has(relPath);
      if (st.isDirectory()) {
        // An ignored directory is skipped whole unless an exception may re-include something inside.
        if (ignored && !ignore.hasExceptions) continue;
        if (!ignored) entries.push({ name: relPath, type: "dir", mode: Number(st.mode & 0o7777n), size: 0, absPath, stamp: "" });
        await walk(relPath);
        continue;
      }
      if (ignored) continue;
      // The stamp identifies this version of the file for the hash cache: a changed byte
      // changes ctime even when mtime is restored.
      const stamp = `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
      if (st.isFile()) {
        entries.push({ name: relPath, type: "file", mode: Number(st.mode & 0o7777n), size: Number(st.size), absPath, stamp });
      } else if (st.isSymbolicLink()) {
        entries.push({ name: relPath, type: "symlink", mode: 0o777, size: 0, absPath, linkTarget: await readlink(absPath), stamp });
      }
    }
  };
  await walk("");
  return { dir, entries };
};

const hashFile = async (absPath: string, stamp: string): Promise<string> => {
  const cached = cachedHash(absPath, stamp);
  if (cached !== undefined) return cached;
  const h = createHash("sha256");
  for await (const chunk of createReadStream(absPath)) h.update(chunk as Buffer);
  const hash = h.digest("hex");
  rememberHash(absPath, stamp, hash);
  return hash;
};

/**
 * The hash of a context plus the build settings that change the image (Dockerfile path, build
 * args, target). Paths, types, modes, link targets and file contents count; mtimes and owners
 * do not, because the archive does not carry them either.
 */
export const hashBuildContext = async (
  context: BuildContext,
  settings: { readonly dockerfile: string; readonly args: Readonly<Record<string, string>>; readonly target: string | undefined },
): Promise<string> => {
  const h = createHash("sha256");
  h.update(`cairn-docker-context/1\0${settings.dockerfile}\0${settings.target ?? ""}\0`);
  for (const key of Object.keys(settings.args).sort()) h.update(`arg\0${key}\0${settings.args[key]}\0`);
  for (const e of context.entries) {
    const content = e.type === "file" ? await hashFile(e.absPath, e.stamp) : (e.linkTarget ?? "");
    h.update(`${e.type}\0${e.name}\0${e.mode.toString(8)}\0${content}\0`);
  }
  saveHashes();
  return h.digest("hex");
};
