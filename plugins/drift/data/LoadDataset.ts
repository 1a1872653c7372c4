/**
 * Turns what a task receives for its data — a `file()` input, an upstream task's output directory,
 * or an upstream value (an array of records) — into a {@link Dataset}.
 */
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { DataSourceError } from "./DataErrors.js";
import type { Dataset } from "./Dataset.js";
import { readCsv, type CsvOptions } from "./ReadCsv.js";
import { datasetFromRecords, readJsonLines } from "./ReadRecords.js";

/** Options for loading a dataset, whatever its source. */
export interface LoadOptions extends CsvOptions {
  /** "csv" | "tsv" | "jsonl"; default from the file extension (.csv, .tsv, .jsonl, .ndjson). */
  readonly format?: "csv" | "tsv" | "jsonl";
  /** Inside an upstream output directory: the file to read, when there are several data files. */
  readonly file?: string;
}

const FORMATS: Record<string, "csv" | "tsv" | "jsonl"> = { ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl" };

/**
 * Reads a data file by path.
 *
 * @example
 * const data = await loadFile("data/churn.csv");
 */
export const loadFile = async (path: string, options: LoadOptions = {}): Promise<Dataset> => {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new DataSourceError({ source: path, problem: "no such file; check the path (relative paths are resolved against the flow file)" });
  }
  if (stats.isDirectory()) return loadFile(pickFileInDirectory(path, options.file), options);
  const format = options.format ?? FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new DataSourceError({ source: path, problem: `cannot tell the format from "${extname(path)}"; name the file .csv, .tsv or .jsonl, or pass format` });
  }
  if (format === "jsonl") return readJsonLines(path, options);
  return readCsv(path, format === "tsv" && options.delimiter === undefined ? { ...options, delimiter: "\t" } : options);
};

/** The one data file in an upstream output directory, or the one named by `file`. */
const pickFileInDirectory = (dir: string, file: string | undefined): string => {
  if (file !== undefined) return join(dir, file);
  const candidates = readdirSync(dir).filter((f) => FORMATS[extname(f).toLowerCase()] !== undefined).sort();
  if (candidates.length === 1) return join(dir, candidates[0]!);
  throw new DataSourceError({
    source: dir,
    problem:
      candidates.length === 0
        ? "the upstream output holds no .csv, .tsv or .jsonl file"
        : `the upstream output holds several data files (${candidates.join(", ")}); pass file: "<name>" to pick one`,
  });
};

/**
 * Loads whatever a task received under a data key: `{ path }` (a file input or an upstream output
 * directory), a path string, or an array of records.
 */
export const loadData = async (received: unknown, label: string, options: LoadOptions = {}): Promise<Dataset> => {
  if (Array.isArray(received)) return datasetFromRecords(label, received, options);
  if (typeof received === "string") return loadFile(received, options);
  if (typeof received === "object" && received !== null && typeof (received as { path?: unknown }).path === "string") {
    return loadFile((received as { path: string }).path, options);
  }
  throw new DataSourceError({
    source: label,
    problem: `cannot read data from ${received === null ? "null" : typeof received}; pass file("x.csv"), a task that writes a data file, or a task returning an array of records`,
  });
};
