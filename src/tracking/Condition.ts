/**
 * Comparison conditions as users type them: `accuracy>0.9`, `params.trees=200`,
 * `evaluate.f1 >= 0.8`. Shared by `cairn runs --where` and `cairn models promote --require`.
 */

export type Operator = ">" | ">=" | "<" | "<=" | "=" | "!=";

/** One parsed condition: `<field> <op> <value>`; `value` is a number when it reads as one. */
export interface Condition {
  readonly field: string;
  readonly op: Operator;
  readonly value: number | string;
  /** The text the user wrote, for error messages. */
  readonly source: string;
}

// Longest operators first so `>=` is not read as `>` followed by `=0.8`.
const CONDITION = /^\s*([A-Za-z_][\w.\-/:]*)\s*(>=|<=|!=|==|=|>|<)\s*(.+?)\s*$/;

/**
 * Parses one condition, or returns `undefined` when the text does not have the
 * `<field><op><value>` shape (the caller builds the error: it knows the option's name).
 */
export const parseCondition = (text: string): Condition | undefined => {
  const m = CONDITION.exec(text);
  if (!m) return undefined;
  const [, field, rawOp, rawValue] = m as unknown as [string, string, string, string];
  const op = (rawOp === "==" ? "=" : rawOp) as Operator;
  const unquoted = /^(["']).*\1$/.test(rawValue) ? rawValue.slice(1, -1) : undefined;
  if (unquoted === undefined && /[<>=!]/.test(rawValue)) return undefined;
  const num = Number(rawValue);
  const value = unquoted ?? (rawValue !== "" && Number.isFinite(num) ? num : rawValue);
  return { field, op, value, source: text.trim() };
};

/** Splits `a>1, b<2` and `a>1 and b<2` into single conditions. */
export const splitConditions = (text: string): ReadonlyArray<string> =>
  text
    .split(/\s*,\s*|\s+and\s+/i)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * Whether `actual` satisfies the condition. Numbers compare numerically; anything else compares
 * as text, where only `=` and `!=` make sense (ordering operators on text are false).
 */
export const holds = (c: Condition, actual: number | string | null | undefined): boolean => {
  if (actual === null || actual === undefined) return false;
  if (typeof c.value === "number" && typeof actual === "number") {
    switch (c.op) {
      case ">": return actual > c.value;
      case ">=": return actual >= c.value;
      case "<": return actual < c.value;
      case "<=": return actual <= c.value;
      case "=": return actual === c.value;
      case "!=": return actual !== c.value;
    }
  }
  const a = String(actual);
  const v = String(c.value);
  if (c.op === "=") return a === v;
  if (c.op === "!=") return a !== v;
  return false;
};
