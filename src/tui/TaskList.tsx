/**
 * The virtualised task list: only the rows that fit in `height` are rendered (a 5,000-task run
 * costs one screenful of rows per frame), in status groups, with the selected row kept visible.
 */
import { useRef } from "react";
import { Box, Text } from "ink";
import type { TaskRowState } from "../events/RunState.js";
import { scrollWindow } from "./scrollWindow.js";
import { TaskRow } from "./TaskRow.js";
import { useTheme } from "./Theme.js";

/** The rows, the order to list them in, the selection and the lines the list may use. */
export interface TaskListProps {
  /** `state.rows`: every task of the run by name. */
  readonly rows: ReadonlyMap<string, TaskRowState>;
  /** Task names to list, already grouped (running, failed, retrying, queued, done) and filtered. */
  readonly names: ReadonlyArray<string>;
  /** The selected task; the list scrolls to keep it visible. */
  readonly selected: string | null;
  /** Lines available, including the "more" line shown when the list does not fit. */
  readonly height: number;
  /** The clock for spinners and elapsed times. */
  readonly now: number;
  /** Terminal width, handed to every row. */
  readonly columns: number;
  /** Shown instead of rows when `names` is empty (e.g. "no failed tasks"). */
  readonly emptyText?: string;
}

/** The list, scrolled so that the selected task is on screen; one line says what is hidden. */
export const TaskList = ({ rows, names, selected, height, now, columns, emptyText = "no tasks" }: TaskListProps) => {
  const theme = useTheme();
  const offsetRef = useRef(0);
  if (height <= 0) return null;
  if (names.length === 0) {
    return <Text color={theme.color("muted")}>{emptyText}</Text>;
  }
  const fits = names.length <= height;
  // One line is kept for the scroll indicator whenever rows are hidden.
  const visible = fits ? names.length : Math.max(1, height - 1);
  const selectedIndex = selected === null ? -1 : names.indexOf(selected);
  const offset = scrollWindow({ count: names.length, height: visible, selected: selectedIndex, offset: offsetRef.current });
  offsetRef.current = offset;
  const slice = names.slice(offset, offset + visible);
  const above = offset;
  const below = names.length - offset - slice.length;
  return (
    <Box flexDirection="column">
      {slice.map((name, slot) => {
        const row = rows.get(name);
        // Keyed by screen slot, not by task: as tasks move between groups the same Ink nodes get
        // new text, instead of being torn down and rebuilt (yoga nodes are the costly part).
        return row === undefined ? null : (
          <TaskRow key={slot} row={row} rev={row.rev} now={now} selected={name === selected} columns={columns} />
        );
      })}
      {!fits && (
        <Text color={theme.color("muted")} wrap="truncate-end">
          {`  rows ${offset + 1}–${offset + slice.length} of ${names.length}` +
            (above > 0 ? `  ↑ ${above} more` : "") +
            (below > 0 ? `  ↓ ${below} more` : "")}
        </Text>
      )}
    </Box>
  );
};
