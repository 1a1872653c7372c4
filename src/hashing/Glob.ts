/** `expandGlob`: the files a `glob(...)` input names, as sorted absolute paths. */
import * as path from "node:path";
import { compilePattern, expandBraces, type Segment } from "./internal/globPattern.js";
import { dirIdentity, kindOf, listDir, NEVER_ENTERED, type Entry } from "./internal/walk.js";

/**
 * The regular files matching `pattern`, resolved against `baseDir` (unless the pattern is
 * absolute), as absolute paths sorted by UTF-16 code units. Only files are returned, never
 * directories; no match gives `[]` (the caller decides whether that is an error).
 *
 * Syntax, per `/`-separated segment:
 * - `*` any characters, `?` one character, `[abc]` `[a-z]` `[!a-z]` `[^a-z]` a class, `\*` a literal `*`;
 * - `**` as a whole segment: zero or more directories; a trailing `**` means every file below;
 * - `{a,b}` alternatives, nested and across `/` (`{src,test}/**\/*.ts`); `{x}` alone is literal;
 *   numeric ranges (`{1..3}`) and POSIX classes (`[[:alpha:]]`) are not supported.
 *
 * Rules that keep expansions small and unsurprising:
 * - wildcards do not match a leading `.` (`*` skips `.env`; write `.*` to match it), so `**`
 *   never enters `.git`;
 * - `node_modules` and `.cairn` are entered only when a segment names them literally
 *   (`node_modules/foo/*.js`), never through `*` or `**`;
 * - symlinks are followed, but `**` does not re-enter a directory that is its own ancestor;
 * - unreadable directories are treated as empty.
 *
 * @example
 * expandGlob("data/{train,test}/**\/*.csv", "/abs/project")
 * // → ["/abs/project/data/test/a.csv", "/abs/project/data/train/b/c.csv"]
 */
export const expandGlob = (pattern: string, baseDir: string): string[] => {
  const found = new Set<string>();
  const listings = new Map<string, Entry[]>();
  const list = (dir: string): Entry[] => {
    let entries = listings.get(dir);
    if (entries === undefined) listings.set(dir, (entries = listDir(dir)));
    return entries;
  };
  for (const alternative of expandBraces(pattern)) {
    const { absolute, segments } = compilePattern(alternative);
    walk(segments, absolute ? "/" : path.resolve(baseDir), list, found);
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
};

/** Matches `segments` from `start`, adding matching files to `found`. */
const walk = (segments: Segment[], start: string, list: (dir: string) => Entry[], found: Set<string>): void => {
  // (segment index, directory) pairs already explored: `a/**/b/**` reaches one place many ways.
  const visited = new Set<string>();
  const visit = (dir: string, i: number, ancestors: ReadonlySet<string>): void => {
    const key = `${i}\0${dir}`;
    if (visited.has(key)) return;
    visited.add(key);
    const seg = segments[i];
    if (seg === undefined) return;
    const last = i === segments.length - 1;
    const step = (abs: string, kind: "file" | "dir" | "other" | undefined): void => {
      if (last) {
        if (kind === "file") found.add(abs);
      } else if (kind === "dir") {
        visit(abs, i + 1, ancestors);
      }
    };
    switch (seg.kind) {
      case "literal":
        // No listing needed, and this is how `..`, `node_modules` and `.cairn` are reached.
        step(path.join(dir, seg.name), kindOf(path.join(dir, seg.name)));
        return;
      case "pattern":
        for (const e of list(dir)) if (!NEVER_ENTERED.has(e.name) && seg.regex.test(e.name)) step(e.abs, e.kind);
        return;
      case "globstar":
        visit(dir, i + 1, ancestors); // zero directories
        for (const e of list(dir)) {
          if (e.kind !== "dir" || e.name.startsWith(".") || NEVER_ENTERED.has(e.name)) continue;
          const id = dirIdentity(e.abs);
          if (id === undefined || ancestors.has(id)) continue; // a symlink loop
          visit(e.abs, i, new Set(ancestors).add(id));
        }
        return;
    }
  };
  const startId = dirIdentity(start);
  visit(start, 0, new Set(startId === undefined ? [] : [startId]));
};
