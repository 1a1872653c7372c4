/**
 * Assembles a {@link Dataset} from rows of cells as they stream in. The first `inferRows` rows
 * are held back to infer undeclared column types (like Polars' infer_schema_length), then every
 * row goes straight into typed column builders, so memory beyond the result stays bounded.
 */
import { type ColumnBuilder, DEFAULT_MISSING, inferType, makeColumnBuilder } from "./ColumnBuilder.js";
import type { ColumnType, Dataset } from "./Dataset.js";
import type { RecordView } from "./RecordView.js";
import { InvalidValuesError } from "./DataErrors.js";

/** How cells become typed columns. Shared by the CSV and JSON-lines readers. */
export interface TypingOptions {
  /** Column types to use instead of inferring them. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Cell texts that mean "missing" (default {@link DEFAULT_MISSING}). */
  readonly missing?: ReadonlyArray<string>;
  /** Rows used to infer undeclared types (default 1000). */
  readonly inferRows?: number;
  /**
   * "error" (default): cells that do not fit their column's type fail the load with counts and
   * examples. "collect": they are kept as missing and reported on the column (validation uses this).
   */
  readonly onInvalid?: "error" | "collect";
}

/** Default number of rows inspected to infer column types. */
export const DEFAULT_INFER_ROWS = 1000;

export class DatasetBuilder {
  private readonly missing: ReadonlySet<string>;
  private readonly inferRows: number;
  private pending: unknown[][] | undefined = [];
  private builders: ColumnBuilder[] = [];
  private rows = 0;

  constructor(
    private readonly source: string,
    private readonly header: ReadonlyArray<string>,
    private readonly options: TypingOptions = {},
  ) {
    this.missing = new Set(options.missing ?? DEFAULT_MISSING);
    this.inferRows = Math.max(1, options.inferRows ?? DEFAULT_INFER_ROWS);
    // With every type declared there is nothing to infer: no rows are held back.
    if (header.every((h) => options.types?.[h] !== undefined)) this.start();
  }

  /** Adds one row; `cells[k]` belongs to `header[k]`. The array may be reused by the caller. */
  add(cells: ArrayLike<unknown>): void {
    if (this.pending !== undefined) {
      this.pending.push(Array.from(cells));
      if (this.pending.length >= this.inferRows) this.start();
      return;
    }
    const row = this.rows++;
    const builders = this.builders;
    for (let k = 0; k < builders.length; k++) builders[k]!.push(cells[k], row);
  }

  /** Adds one CSV record; after type inference, numeric cells are parsed from the bytes. */
  addView(view: RecordView): void {
    if (this.pending !== undefined) {
      this.add(view.toArray());
      return;
    }
    const row = this.rows++;
    const builders = this.builders;
    for (let k = 0; k < builders.length; k++) builders[k]!.pushField(view, k, row);
  }

  /** Fixes the column types (declared, else inferred from the held-back rows) and replays those rows. */
  private start(): void {
    const held = this.pending ?? [];
    this.pending = undefined;
    this.builders = this.header.map((name, k) => {
      const declared = this.options.types?.[name];
      const type = declared ?? inferType(held.map((r) => r[k]), this.missing);
      return makeColumnBuilder(name, type, declared !== undefined, this.missing);
    });
    for (const cells of held) this.add(cells);
  }

  /** The dataset; fails with {@link InvalidValuesError} on ill-typed cells unless they are collected. */
  finish(): Dataset {
    if (this.pending !== undefined) this.start();
    const columns = this.builders.map((b) => b.finish());
    const bad = columns.filter((c) => c.invalid.count > 0);
    if (bad.length > 0 && (this.options.onInvalid ?? "error") === "error") {
      throw new InvalidValuesError({
        source: this.source,
        columns: bad.map((c) => ({ column: c.name, type: c.type, invalid: c.invalid })),
      });
    }
    return { source: this.source, rowCount: this.rows, columns };
  }
}
