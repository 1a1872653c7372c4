#!/usr/bin/env node
// Assembles the example's build context without a registry: this machine's node binary and the
// shared libraries `ldd` lists go to image/rootfs/, the training code's npm packages to image/app/.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const rootfs = join(here, "image", "rootfs");
const appModules = join(here, "image", "app", "node_modules");
/** The packages train.mjs imports; their dependencies are found from their package.json files. */
const ENTRY_PACKAGES = ["ml-random-forest"];

/**
 * Copies a file (following links) unless the copy already has the same size and mtime: an
 * unchanged context keeps its file stamps, so cairn does not even re-hash the 100 MB binary.
 */
const copy = (from, to) => {
  const src = statSync(from);
  if (existsSync(to)) {
    const dst = statSync(to);
    if (dst.size === src.size && dst.mtimeMs === src.mtimeMs) return;
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(realpathSync(from), to);
  chmodSync(to, src.mode & 0o777);
  utimesSync(to, src.atime, src.mtime);
};

const copyTree = (from, to) => {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue; // nested deps are resolved and copied separately
    const src = join(from, entry.name);
    if (entry.isDirectory()) copyTree(src, join(to, entry.name));
    else if (entry.isFile() || entry.isSymbolicLink()) copy(src, join(to, entry.name));
  }
};

// 1. node and its shared libraries, at the same paths as on this machine.
const node = realpathSync(process.execPath);
copy(node, join(rootfs, "usr", "bin", "node"));
const libs = execFileSync("ldd", [node], { encoding: "utf8" })
  .split("\n")
  .map((l) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(l)?.[1])
  .filter((p) => p !== undefined);
for (const lib of libs) copy(lib, join(rootfs, lib));
console.log(`node ${process.version} and ${libs.length} libraries → ${rootfs}`);

// 2. The packages the training code needs, with their dependencies, from this repository's node_modules.
const findPackage = (name, fromDir) => {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find the npm package ${name} from ${fromDir}: run npm install in the repository`);
  }
};
const seen = new Map();
const visit = (name, fromDir) => {
  if (seen.has(name)) return;
  const dir = findPackage(name, fromDir);
  seen.set(name, dir);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir);
};
for (const name of ENTRY_PACKAGES) visit(name, here);
for (const [name, dir] of seen) copyTree(dir, join(appModules, name));
console.log(`${seen.size} npm packages → ${appModules}: ${[...seen.keys()].sort().join(", ")}`);
