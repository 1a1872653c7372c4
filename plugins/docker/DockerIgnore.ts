/**
 * `.dockerignore` matching with Docker's rules: Go `filepath.Match` globs plus `**`, `!`
 * exceptions, the last matching line wins, and a pattern matching a directory covers its content.
 */

/** One parsed line of a `.dockerignore`. */
interface IgnoreRule {
  readonly source: string;
  readonly regex: RegExp;
  /** `!pattern`: re-includes what earlier lines excluded. */
  readonly exception: boolean;
}

/** A compiled `.dockerignore`. */
export interface DockerIgnore {
  /** True when `relPath` (slash-separated, relative to the context) is left out of the context. */
  readonly ignores: (relPath: string) => boolean;
  /** True when some line is an exception, so an ignored directory may still hold included files. */
  readonly hasExceptions: boolean;
}

const escapeRegex = (c: string): string => (/[.+^${}()|\\/\-[\]*?]/.test(c) ? `\\${c}` : c);

/** Converts one cleaned pattern to an anchored regex (Docker's patternmatcher semantics). */
const patternToRegex = (pattern: string): RegExp => {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        // "**/" matches zero or more whole directories; a trailing "**" matches everything below.
        if (pattern[i + 1] === "/") {
          i++;
          out += "(?:.*/)?";
        } else {
          out += ".*";
        }
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "\\" && i + 1 < pattern.length) {
      out += escapeRegex(pattern[++i]!);
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) {
        out += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("^") || body.startsWith("!")) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else {
      out += escapeRegex(c);
    }
  }
  return new RegExp(`^${out}$`);
};

/** Normalises a pattern like Go's filepath.Clean and strips the leading slash Docker ignores. */
const cleanPattern = (p: string): string => {
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/");
};

/** Parses the text of a `.dockerignore` file. */
export const parseDockerIgnore = (text: string): DockerIgnore => {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const exception = line.startsWith("!");
    const cleaned = cleanPattern((exception ? line.slice(1) : line).trim());
    if (cleaned === "") continue;
    rules.push({ source: line, regex: patternToRegex(cleaned), exception });
  }
  const ignores = (relPath: string): boolean => {
    const parents: string[] = [];
    const segs = relPath.split("/");
    for (let i = 1; i < segs.length; i++) parents.push(segs.slice(0, i).join("/"));
    let ignored = false;
    for (const rule of rules) {
      if (rule.regex.test(relPath) || parents.some((p) => rule.regex.test(p))) ignored = !rule.exception;
    }
    return ignored;
  };
  return { ignores, hasExceptions: rules.some((r) => r.exception) };
};

/** A `.dockerignore` that ignores nothing (the context has none). */
export const emptyDockerIgnore: DockerIgnore = { ignores: () => false, hasExceptions: false };
