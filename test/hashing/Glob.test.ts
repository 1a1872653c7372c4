/** expandGlob over a real directory tree, plus the brace and segment compilers behind it. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandGlob } from "../../src/hashing/Glob.js";
import { compileSegment, expandBraces } from "../../src/hashing/internal/globPattern.js";

let base: string;
const FILES = [
  "a.ts",
  "b.js",
  "c.tsx",
  ".env",
  "README.md",
  "src/x.ts",
  "src/y.py",
  "src/deep/z.ts",
  "src/deep/.hidden.ts",
  "test/t1.ts",
  "data/file1.csv",
  "data/file2.csv",
  "data/file10.csv",
  "data/[weird].csv",
  "data/star*.csv",
  "node_modules/pkg/index.ts",
  "src/node_modules/inner.ts",
  ".cairn/objects/o.ts",
  ".git/config",
];

/** Runs a pattern against the tree and returns paths relative to it, for readable expectations. */
const glob = (pattern: string, from = base): string[] => expandGlob(pattern, from).map((p) => path.relative(base, p));

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-glob-"));
  for (const rel of FILES) {
    fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    fs.writeFileSync(path.join(base, rel), rel);
  }
  fs.mkdirSync(path.join(base, "emptydir.ts")); // a directory whose name matches *.ts
  fs.symlinkSync(path.join(base, "src"), path.join(base, "lib")); // symlinked directory
  fs.symlinkSync(base, path.join(base, "src", "deep", "up")); // a loop back to the root
  fs.symlinkSync(path.join(base, "missing"), path.join(base, "dangling.ts"));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe("expandGlob", () => {
  it("matches * within one segment, files only, without dotfiles", () => {
    expect(glob("*.ts")).toEqual(["a.ts"]);
    expect(glob("*")).toEqual(["README.md", "a.ts", "b.js", "c.tsx"]);
  });

  it("returns sorted absolute paths", () => {
    const out = expandGlob("**/*.ts", base);
    expect(out.every((p) => path.isAbsolute(p))).toBe(true);
    expect(out).toEqual([...out].sort());
  });

  it("matches ** as zero or more directories, following symlinks but not loops, dot dirs or node_modules", () => {
    expect(glob("**/*.ts")).toEqual(["a.ts", "lib/deep/z.ts", "lib/x.ts", "src/deep/z.ts", "src/x.ts", "test/t1.ts"]);
  });

  it("treats a trailing ** as every file below", () => {
    expect(glob("src/**")).toEqual(["src/deep/z.ts", "src/x.ts", "src/y.py"]);
  });

  it("matches ? as exactly one character", () => {
    expect(glob("data/file?.csv")).toEqual(["data/file1.csv", "data/file2.csv"]);
  });

  it("matches character classes, ranges and negated classes", () => {
    expect(glob("data/file[12].csv")).toEqual(["data/file1.csv", "data/file2.csv"]);
    expect(glob("data/file[!1].csv")).toEqual(["data/file2.csv"]);
    expect(glob("data/file[^2].csv")).toEqual(["data/file1.csv"]);
    expect(glob("data/file[0-9][0-9].csv")).toEqual(["data/file10.csv"]);
  });

  it("expands {a,b} alternatives, also across segments", () => {
    expect(glob("{src,test}/*.ts")).toEqual(["src/x.ts", "test/t1.ts"]);
    expect(glob("{a.ts,src/deep/*.ts}")).toEqual(["a.ts", "src/deep/z.ts"]);
    expect(glob("*.{ts,tsx}")).toEqual(["a.ts", "c.tsx"]);
  });

  it("matches dotfiles only when the segment starts with a literal dot", () => {
    expect(glob(".*")).toEqual([".env"]);
    expect(glob("src/**/.*.ts")).toEqual(["src/deep/.hidden.ts"]);
  });

  it("enters node_modules and .cairn only when the pattern names them", () => {
    expect(glob("**/index.ts")).toEqual([]);
    expect(glob("*/pkg/*.ts")).toEqual([]);
    expect(glob("node_modules/**/*.ts")).toEqual(["node_modules/pkg/index.ts"]);
    expect(glob("src/node_modules/*.ts")).toEqual(["src/node_modules/inner.ts"]);
    expect(glob(".cairn/**")).toEqual([".cairn/objects/o.ts"]);
  });

  it("takes escaped metacharacters literally", () => {
    expect(glob("data/\\[weird\\].csv")).toEqual(["data/[weird].csv"]);
    expect(glob("data/star\\*.csv")).toEqual(["data/star*.csv"]);
  });

  it("resolves relative patterns against baseDir, including .., and accepts absolute patterns", () => {
    expect(glob("../a.ts", path.join(base, "src"))).toEqual(["a.ts"]);
    expect(glob("./src/../a.ts")).toEqual(["a.ts"]);
    expect(glob(`${base}/test/*.ts`, "/nonexistent")).toEqual(["test/t1.ts"]);
  });

  it("returns nothing for no match, a missing directory, a directory name or a dangling symlink", () => {
    expect(glob("*.rs")).toEqual([]);
    expect(glob("nope/**/*.ts")).toEqual([]);
    expect(glob("src")).toEqual([]);
    expect(glob("dangling.ts")).toEqual([]);
  });
});

describe("expandBraces", () => {
  it("expands nested alternatives left to right", () => {
    expect(expandBraces("src/{a,b/{c,d}}.ts")).toEqual(["src/a.ts", "src/b/c.ts", "src/b/d.ts"]);
    expect(expandBraces("{a,b}{1,2}")).toEqual(["a1", "a2", "b1", "b2"]);
  });

  it("keeps a brace without a comma, an unclosed brace and escaped braces literal", () => {
    expect(expandBraces("{x}")).toEqual(["{x}"]);
    expect(expandBraces("{x{a,b}}")).toEqual(["{xa}", "{xb}"]);
    expect(expandBraces("a{b,c")).toEqual(["a{b,c"]);
    expect(expandBraces("\\{a,b\\}")).toEqual(["\\{a,b\\}"]);
    expect(expandBraces("[{,}]")).toEqual(["[{,}]"]);
  });
});

describe("compileSegment", () => {
  const matches = (seg: string, name: string): boolean => {
    const c = compileSegment(seg);
    return c.kind === "pattern" ? c.regex.test(name) : c.kind === "literal" && c.name === name;
  };

  it("treats regex metacharacters in names as literals", () => {
    expect(matches("a+b(1).csv", "a+b(1).csv")).toBe(true);
    expect(matches("*.c$v", "x.c$v")).toBe(true);
    expect(matches("*.csv", "xcsv")).toBe(false);
  });

  it("accepts ] as the first member of a class", () => {
    expect(matches("[]a]", "]")).toBe(true);
    expect(matches("[!]a]", "b")).toBe(true);
    expect(matches("[!]a]", "]")).toBe(false);
  });

  it("treats an unclosed [ as a literal character", () => {
    expect(compileSegment("a[b")).toEqual({ kind: "literal", name: "a[b" });
  });
});
