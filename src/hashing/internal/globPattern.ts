/** Glob pattern compilation: brace expansion over the whole pattern, then one matcher per path
 *  segment (a literal name, a regular expression, or `**`). */

/** One compiled path segment. */
export type Segment =
  | { readonly kind: "literal"; readonly name: string }
  | { readonly kind: "pattern"; readonly regex: RegExp; readonly source: string }
  | { readonly kind: "globstar" };

/** Index of the `]` closing a class opened at `open`, or -1 (then `[` is an ordinary character). */
const classEnd = (s: string, open: number): number => {
  let i = open + 1;
  if (s[i] === "!" || s[i] === "^") i++;
  if (s[i] === "]") i++; // a leading `]` is a member, as in POSIX
  for (; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === "]") return i;
  }
  return -1;
};

/**
 * Expands `{a,b}` alternatives (nested, and spanning `/`) into plain patterns, left to right:
 * `src/{a,b/{c,d}}.ts` → `src/a.ts`, `src/b/c.ts`, `src/b/d.ts`. A brace with no top-level comma,
 * or without a closing brace, is literal (as in bash). Escaped braces and braces inside `[...]` are
 * not alternatives.
 */
export const expandBraces = (pattern: string): string[] => {
  let open = 0;
  let depth = 0;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
    } else if (c === "[") {
      const end = classEnd(pattern, i);
      if (end !== -1) i = end;
    } else if (c === "{") {
      if (depth === 0) {
        open = i;
        commas.length = 0;
      }
      depth++;
    } else if (c === "}" && depth > 0) {
      depth--;
      if (depth === 0) {
        const head = pattern.slice(0, open);
        const tails = expandBraces(pattern.slice(i + 1));
        const out: string[] = [];
        if (commas.length === 0) {
          // `{x}` is literal, but alternatives nested in it still expand: `{x{a,b}}` → `{xa}`, `{xb}`.
          for (const a of expandBraces(pattern.slice(open + 1, i))) for (const t of tails) out.push(`${head}{${a}}${t}`);
          return out;
        }
        const bounds = [open, ...commas, i];
        for (let k = 0; k + 1 < bounds.length; k++) {
          const alt = pattern.slice((bounds[k] as number) + 1, bounds[k + 1]);
          for (const a of expandBraces(alt)) for (const t of tails) out.push(head + a + t);
        }
        return out;
      }
    } else if (c === "," && depth === 1) {
      commas.push(i);
    }
  }
  return [pattern];
};

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;
const escapeRegex = (s: string): string => s.replace(REGEX_SPECIAL, "\\$&");

/**
 * Compiles one segment (no `/`, braces already expanded). `*` is any run of characters, `?` one
 * character, `[abc]`, `[a-z]`, `[!x]`/`[^x]` a class, `\x` a literal x. A wildcard never matches
 * a leading `.`: `*` skips `.env`, `.*` matches it (the shell's rule, so `**` stays out of `.git`).
 */
export const compileSegment = (seg: string): Segment => {
  if (seg === "**") return { kind: "globstar" };
  let re = "";
  let literal = "";
  let magic = false;
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === "\\" && i + 1 < seg.length) {
      const next = seg[++i] as string;
      literal += next;
      re += escapeRegex(next);
    } else if (c === "*") {
      magic = true;
      if (!re.endsWith(".*")) re += ".*";
    } else if (c === "?") {
      magic = true;
      re += ".";
    } else if (c === "[" && classEnd(seg, i) !== -1) {
      magic = true;
      const end = classEnd(seg, i);
      let body = seg.slice(i + 1, end);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      // Keep ranges (`a-z`), escape everything else that is special inside a regex class.
      const members = body.replace(/\\(.)/g, "$1").replace(/[\\\]^[]/g, "\\$&");
      re += `[${negate ? "^" : ""}${members}]`;
      i = end;
    } else {
      literal += c;
      re += escapeRegex(c);
    }
  }
  if (!magic) return { kind: "literal", name: literal };
  const noLeadingDot = seg.startsWith(".") ? "" : "(?!\\.)";
  return { kind: "pattern", regex: new RegExp(`^${noLeadingDot}${re}$`, "s"), source: seg };
};

/**
 * Splits a brace-free pattern into its starting directory (relative or `/`) and compiled
 * segments. `.` segments and empty ones (`a//b`) are dropped, consecutive `**` collapse, and a
 * trailing `**` means every file below (`data/**` = `data/**\/*`).
 */
export const compilePattern = (pattern: string): { readonly absolute: boolean; readonly segments: Segment[] } => {
  const absolute = pattern.startsWith("/");
  const segments: Segment[] = [];
  for (const part of pattern.split("/")) {
    if (part === "" || part === ".") continue;
    const seg = compileSegment(part);
    const prev = segments[segments.length - 1];
    if (seg.kind === "globstar" && prev?.kind === "globstar") continue;
    segments.push(seg);
  }
  if (segments.length === 0 || segments[segments.length - 1]?.kind === "globstar") segments.push(compileSegment("*"));
  return { absolute, segments };
};
