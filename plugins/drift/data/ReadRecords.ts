/**
 * Datasets from records (objects keyed by column): JSON-lines files, streamed line by line, and
 * arrays of objects returned by upstream tasks. Columns are the keys seen in the first
 * `inferRows` records plus the declared ones; a key first seen later is an error, not a silent drop.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { DataFormatError, EmptyDatasetError } from "./DataErrors.js";
import { DEFAULT_INFER_ROWS, DatasetBuilder, type TypingOptions } from "./DatasetBuilder.js";
import type { Dataset } from "./Dataset.js";

/** Options of {@link readJsonLines} and {@link datasetFromRecords}. */
export interface RecordOptions extends TypingOptions {
  /** Accept zero records (default false: {@link EmptyDatasetError}). */
  readonly allowEmpty?: boolean;
}

class RecordCollector {
  private held: Array<Record<string, unknown>> | undefined = [];
  private builder: DatasetBuilder | undefined;
  private header: string[] = [];
  private known = new Set<string>();
  private readonly inferRows: number;
  private readonly cells: unknown[] = [];

  constructor(
    private readonly source: string,
    private readonly options: RecordOptions,
  ) {
    this.inferRows = Math.max(1, options.inferRows ?? DEFAULT_INFER_ROWS);
  }

  add(record: unknown, line: number): void {
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new DataFormatError({ source: this.source, line, problem: `expected a JSON object with one key per column, got ${Array.isArray(record) ? "an array" : JSON.stringify(record)}` });
    }
    const r = record as Record<string, unknown>;
    if (this.held !== undefined) {
      this.held.push(r);
      if (this.held.length >= this.inferRows) this.start();
      return;
    }
    for (const key in r) {
      if (!this.known.has(key)) {
        throw new DataFormatError({
          source: this.source,
          line,
          problem: `key "${key}" did not occur in the first ${this.inferRows} records; declare it in types (or raise inferRows) so the column exists from the start`,
        });
      }
    }
    const cells = this.cells;
    for (let k = 0; k < this.header.length; k++) cells[k] = r[this.header[k]!];
    this.builder!.add(cells);
  }

  private start(): void {
    const held = this.held ?? [];
    this.held = undefined;
    const header: string[] = Object.keys(this.options.types ?? {});
    const seen = new Set(header);
    for (const r of held) for (const key in r) if (!seen.has(key)) (seen.add(key), header.push(key));
    this.header = header;
    this.known = seen;
    this.cells.length = header.length;
    this.builder = new DatasetBuilder(this.source, header, this.options);
    held.forEach((r) => this.add(r, 0));
  }

  finish(): Dataset {
    if (this.held !== undefined) this.start();
    const dataset = this.builder!.finish();
    if (dataset.rowCount === 0 && this.options.allowEmpty !== true) {
      throw new EmptyDatasetError({ source: this.source, detail: "it holds no records" });
    }
    return dataset;
  }
}

/**
 * Reads a JSON-lines file (one JSON object per line; blank lines are skipped).
 *
 * @example
 * const events = await readJsonLines("data/events.jsonl", { types: { amount: "number" } });
 */
export const readJsonLines = async (path: string, options: RecordOptions = {}): Promise<Dataset> => {
  const collector = new RecordCollector(path, options);
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new DataFormatError({ source: path, line, problem: `not valid JSON (${(e as Error).message})` });
    }
    collector.add(value, line);
  }
  return collector.finish();
};

/**
 * Builds a dataset from an array of records (e.g. an upstream task's value).
 *
 * @example
 * datasetFromRecords("task extract", [{ age: 31, plan: "pro" }, { age: 45, plan: "free" }]);
 */
export const datasetFromRecords = (source: string, records: ReadonlyArray<unknown>, options: RecordOptions = {}): Dataset => {
  const collector = new RecordCollector(source, options);
  records.forEach((r, i) => collector.add(r, i + 1));
  return collector.finish();
};
