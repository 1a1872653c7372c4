/** `.dockerignore` rules as Docker applies them. */
import { describe, expect, it } from "vitest";
import { parseDockerIgnore } from "../../../plugins/docker/DockerIgnore.js";

describe("parseDockerIgnore", () => {
  it("ignores matching files and everything inside a matching directory", () => {
    const ig = parseDockerIgnore("# comment\n\nnode_modules\n*.log\n/build\n");
    expect(ig.ignores("node_modules")).toBe(true);
    expect(ig.ignores("node_modules/ml-matrix/index.js")).toBe(true);
    expect(ig.ignores("debug.log")).toBe(true);
    expect(ig.ignores("logs/debug.log")).toBe(false); // "*" does not cross "/", as in Go's filepath.Match
    expect(ig.ignores("build/out.bin")).toBe(true);
    expect(ig.ignores("train.py")).toBe(false);
  });

  it("lets ** match any number of directories, including none", () => {
    const ig = parseDockerIgnore("**/*.pyc\ndata/**/raw\n");
    expect(ig.ignores("a.pyc")).toBe(true);
    expect(ig.ignores("pkg/sub/a.pyc")).toBe(true);
    expect(ig.ignores("data/raw/x.csv")).toBe(true);
    expect(ig.ignores("data/2024/01/raw")).toBe(true);
    expect(ig.ignores("data/clean/x.csv")).toBe(false);
  });

  it("applies exceptions in order: the last matching line wins", () => {
    const ig = parseDockerIgnore("*.md\n!README.md\nREADME*.md\n!README-keep.md\n");
    expect(ig.hasExceptions).toBe(true);
    expect(ig.ignores("notes.md")).toBe(true);
    expect(ig.ignores("README.md")).toBe(true);
    expect(ig.ignores("README-keep.md")).toBe(false);
  });

  it("supports ? and character classes, and escapes regex characters", () => {
    const ig = parseDockerIgnore("file?.txt\nrun[0-9].csv\nv1.0+(x)\n");
    expect(ig.ignores("file1.txt")).toBe(true);
    expect(ig.ignores("file10.txt")).toBe(false);
    expect(ig.ignores("run7.csv")).toBe(true);
    expect(ig.ignores("runx.csv")).toBe(false);
    expect(ig.ignores("v1.0+(x)")).toBe(true);
    expect(ig.ignores("v100+(x)")).toBe(false);
  });
});
