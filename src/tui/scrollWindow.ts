/**
 * The virtualised task list's viewport: which slice of the grouped rows is on screen, moved as
 * little as possible so the selected row stays visible.
 */

export interface ScrollInput {
  /** Rows in the list. */
  readonly count: number;
  /** Rows that fit on screen. */
  readonly height: number;
  /** Index of the selected row, or -1 when none is selected (or it is filtered out). */
  readonly selected: number;
  /** The previous first visible row, so the view does not jump on every render. */
  readonly offset: number;
}

/** The new first visible row: the old one, clamped, and shifted just enough to show `selected`. */
export const scrollWindow = ({ count, height, selected, offset }: ScrollInput): number => {
  const h = Math.max(1, height);
  let o = Math.min(Math.max(0, offset), Math.max(0, count - h));
  if (selected >= 0 && selected < count) {
    if (selected < o) o = selected;
    else if (selected >= o + h) o = selected - h + 1;
  }
  return o;
};
