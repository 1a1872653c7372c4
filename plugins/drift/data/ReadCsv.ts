/**
 * Streams a CSV file into a columnar {@link Dataset}: one pass, a header row, quoting, declared or
 * inferred types. Memory beyond the result is one read chunk plus the type-inference rows.
 */
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { CsvTokenizer } from "./CsvTokenizer.js";
import { DataFormatError, EmptyDatasetError } from "./DataErrors.js";
import { DatasetBuilder, type TypingOptions } from "./DatasetBuilder.js";
import { RecordView } from "./RecordView.js";
import type { Dataset } from "./Dataset.js";

/** Options of {@link readCsv}. */
export interface CsvOptions extends TypingOptions {
  /** Field separator, one ASCII character (default ","). */
  readonly delimiter?: string;
  /**
   * "fast" (default): cairn's byte-level RFC 4180 tokenizer. "csv-parse": the csv-parse package,
   * slower (about 5 µs per row) but with its full dialect handling.
   */
  readonly parser?: "fast" | "csv-parse";
  /** Accept a header without data rows (default false: {@link EmptyDatasetError}). */
  readonly allowEmpty?: boolean;
}

const CHUNK = 1 << 20;

/** Receives records from either parser: the first is the header, the rest fill the builder. */
class RecordSink {
  builder: DatasetBuilder | undefined;
  width = 0;
  constructor(
    private readonly source: string,
    private readonly options: CsvOptions,
  ) {}

  record(fields: string[] | RecordView, line: number): void {
    if (this.builder === undefined) {
      const names = (fields instanceof RecordView ? fields.toArray() : fields).map((f) => f.trim());
      const seen = new Set<string>();
      names.forEach((n, k) => {
        if (n === "") throw new DataFormatError({ source: this.source, line, problem: `header column ${k + 1} has no name` });
        if (seen.has(n)) throw new DataFormatError({ source: this.source, line, problem: `header names column "${n}" twice` });
        seen.add(n);
      });
      this.width = names.length;
      this.builder = new DatasetBuilder(this.source, names, this.options);
      return;
    }
    const count = fields instanceof RecordView ? fields.count : fields.length;
    if (count !== this.width) {
      throw new DataFormatError({
        source: this.source,
        line,
        problem: `${count} field(s), but the header has ${this.width}; check for an unquoted delimiter or a missing value`,
      });
    }
    if (fields instanceof RecordView) this.builder.addView(fields);
    else this.builder.add(fields);
  }

  finish(): Dataset {
    if (this.builder === undefined) throw new EmptyDatasetError({ source: this.source, detail: "the file has no header row" });
    const dataset = this.builder.finish();
    if (dataset.rowCount === 0 && this.options.allowEmpty !== true) {
      throw new EmptyDatasetError({ source: this.source, detail: "the header has no data rows below it" });
    }
    return dataset;
  }
}

const delimiterByte = (source: string, delimiter: string): number => {
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === "\n") {
    throw new DataFormatError({ source, line: 0, problem: `delimiter ${JSON.stringify(delimiter)} must be one ASCII character other than a quote or newline` });
  }
  return delimiter.charCodeAt(0);
};

const readFast = async (path: string, sink: RecordSink, delimiter: number): Promise<void> => {
  const tokenizer = new CsvTokenizer(path, (fields, line) => sink.record(fields, line), delimiter);
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) tokenizer.push(chunk as Buffer);
  tokenizer.end();
};

const readWithCsvParse = async (path: string, sink: RecordSink, delimiter: string): Promise<void> => {
  const parser = createReadStream(path, { highWaterMark: CHUNK }).pipe(
    parse({ delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the line the record ends on; a record with embedded newlines starts earlier.
      const embedded = record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
      sink.record(record, info.lines - embedded);
    }
  } catch (e) {
    if (e instanceof Error && "code" in e && typeof (e as { lines?: unknown }).lines === "number") {
      throw new DataFormatError({ source: path, line: (e as unknown as { lines: number }).lines, problem: e.message });
    }
    throw e;
  }
};

/**
 * Reads a CSV file with a header row into columns.
 *
 * @example
 * const data = await readCsv("data/churn.csv", { types: { churned: "boolean" } });
 */
export const readCsv = async (path: string, options: CsvOptions = {}): Promise<Dataset> => {
  const sink = new RecordSink(path, options);
  const delimiter = options.delimiter ?? ",";
  if ((options.parser ?? "fast") === "fast") await readFast(path, sink, delimiterByte(path, delimiter));
  else await readWithCsvParse(path, sink, delimiter);
  return sink.finish();
};
