/** The object a function task receives for a `file()` input. */
import { readFile } from "node:fs/promises";
import type { ResolvedFile } from "../dsl/Input.js";

export const resolvedFile = (path: string): ResolvedFile => ({
  path,
  text: () => readFile(path, "utf8"),
  bytes: () => readFile(path),
});
