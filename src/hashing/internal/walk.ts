/** Directory listing shared by `hashDir` and `expandGlob`: entries typed through symlinks, and a
 *  recursive file walk that follows symlinked directories without looping. */
import * as fs from "node:fs";
import * as path from "node:path";

/** Directory names that are never entered unless a caller names them literally: cairn's own store
 *  (hashing it would make every run invalidate itself) and npm's dependency trees (huge, and
 *  versioned through the lockfile ingredient instead). */
export const NEVER_ENTERED: ReadonlySet<string> = new Set([".cairn", "node_modules"]);

/** One directory entry; symlinks are reported as what they point to. */
export interface Entry {
  readonly name: string;
  readonly abs: string;
  readonly kind: "file" | "dir";
}

/** What `abs` is after following symlinks, or undefined if nothing (or a dangling link) is there. */
export const kindOf = (abs: string): "file" | "dir" | "other" | undefined => {
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (st === undefined) return undefined;
  return st.isFile() ? "file" : st.isDirectory() ? "dir" : "other";
};

/**
 * Lists a directory. Dangling symlinks, sockets, FIFOs and devices are left out: none of them has
 * content to hash, and reading a FIFO would block forever. A directory that cannot be read lists
 * as empty.
 */
export const listDir = (dir: string): Entry[] => {
  let dirents: fs.Dirent[];
  try {
    dirents = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: Entry[] = [];
  for (const d of dirents) {
    const abs = path.join(dir, d.name);
    if (d.isFile()) out.push({ name: d.name, abs, kind: "file" });
    else if (d.isDirectory()) out.push({ name: d.name, abs, kind: "dir" });
    else if (d.isSymbolicLink()) {
      const k = kindOf(abs);
      if (k === "file" || k === "dir") out.push({ name: d.name, abs, kind: k });
    }
  }
  return out;
};

/** Identity of a directory (device + inode), to notice a symlink leading back to an ancestor. */
export const dirIdentity = (abs: string): string | undefined => {
  const st = fs.statSync(abs, { bigint: true, throwIfNoEntry: false });
  return st === undefined ? undefined : `${st.dev}:${st.ino}`;
};

/**
 * Every file below `root` as a path relative to it with `/` separators, sorted by UTF-16 code
 * units (plain `<`, the same on every machine). Dotfiles are included; directories named in
 * NEVER_ENTERED are skipped; symlinks are followed, except into a directory that is already an
 * ancestor (a loop).
 */
export const listFilesRecursive = (root: string): string[] => {
  const files: string[] = [];
  const visit = (abs: string, rel: string, ancestors: ReadonlySet<string>): void => {
    for (const e of listDir(abs)) {
      const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.kind === "file") {
        files.push(childRel);
      } else if (!NEVER_ENTERED.has(e.name)) {
        const id = dirIdentity(e.abs);
        if (id === undefined || ancestors.has(id)) continue;
        visit(e.abs, childRel, new Set(ancestors).add(id));
      }
    }
  };
  const rootId = dirIdentity(root);
  visit(root, "", new Set(rootId === undefined ? [] : [rootId]));
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
};
