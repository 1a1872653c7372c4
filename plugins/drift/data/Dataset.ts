/**
 * A dataset held column by column in memory: numbers in Float64Array (NaN marks a missing or
 * invalid cell, counted separately), booleans in Uint8Array, strings dictionary-encoded.
 */

/** Column types a schema can declare; "integer" is stored as a number column and checked by validation. */
export type ColumnType = "number" | "integer" | "boolean" | "string";

/** Up to five examples of cells that could not be read as the column's type. */
export interface InvalidValues {
  readonly count: number;
  /** 1-based data row (the header is row 0) and the raw text. */
  readonly examples: ReadonlyArray<{ readonly row: number; readonly value: string }>;
}

interface ColumnBase {
  readonly name: string;
  /** Declared in the options, or inferred from the first rows. */
  readonly type: ColumnType;
  readonly declared: boolean;
  /** Cells that were empty or a missing-value token ("", NA, null, …). */
  readonly missing: number;
  /** The first five missing rows (1-based data rows), for reports. */
  readonly missingRows: ReadonlyArray<number>;
  /** Cells present but not of the column's type (e.g. "abc" in a number column). */
  readonly invalid: InvalidValues;
}

/** A numeric column: `values[i]` is NaN when row i is missing or invalid. */
export interface NumberColumn extends ColumnBase {
  readonly type: "number" | "integer";
  readonly values: Float64Array;
}

/** A boolean column: 1 = true, 0 = false, {@link BOOLEAN_MISSING} = missing or invalid. */
export interface BooleanColumn extends ColumnBase {
  readonly type: "boolean";
  readonly values: Uint8Array;
}

/** A string column: `dictionary[codes[i]]`, code −1 when missing. */
export interface StringColumn extends ColumnBase {
  readonly type: "string";
  readonly codes: Int32Array;
  readonly dictionary: ReadonlyArray<string>;
}

export type Column = NumberColumn | BooleanColumn | StringColumn;

export const BOOLEAN_MISSING = 255;

/** A loaded dataset. `source` names where it came from, for messages. */
export interface Dataset {
  readonly source: string;
  readonly rowCount: number;
  readonly columns: ReadonlyArray<Column>;
}

/** Finds a column by name. */
export const columnNamed = (dataset: Dataset, name: string): Column | undefined =>
  dataset.columns.find((c) => c.name === name);

/** True for number and integer columns. */
export const isNumeric = (column: Column): column is NumberColumn => column.type === "number" || column.type === "integer";

/** The present (non-missing, valid) values of a numeric column. */
export const presentNumbers = (column: NumberColumn): Float64Array => {
  let n = 0;
  const v = column.values;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) n++;
  if (n === v.length) return v;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) out[k++] = v[i]!;
  return out;
};

/** The value of row i (0-based) as text, for reports; undefined when missing. */
export const cellText = (column: Column, i: number): string | undefined => {
  switch (column.type) {
    case "number":
    case "integer": {
      const v = column.values[i]!;
      return Number.isNaN(v) ? undefined : String(v);
    }
    case "boolean": {
      const v = column.values[i]!;
      return v === BOOLEAN_MISSING ? undefined : v === 1 ? "true" : "false";
    }
    case "string": {
      const c = column.codes[i]!;
      return c < 0 ? undefined : column.dictionary[c];
    }
  }
};

/**
 * Category counts of a string or boolean column (missing cells left out), keyed by the text of
 * the category. Numeric columns are counted by their values' text.
 */
export const categoryCounts = (column: Column): Map<string, number> => {
  const counts = new Map<string, number>();
  if (column.type === "string") {
    const perCode = new Float64Array(column.dictionary.length);
    for (const c of column.codes) if (c >= 0) perCode[c]! += 1;
    column.dictionary.forEach((d, c) => perCode[c]! > 0 && counts.set(d, perCode[c]!));
    return counts;
  }
  for (let i = 0; i < column.values.length; i++) {
    const t = cellText(column, i);
    if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
};
