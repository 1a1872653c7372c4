/**
 * One line per task: selection marker, status symbol (spinner while running), name, status with
 * attempts, duration, and why it ran (or its error, cache source, cancel/skip reason).
 */
import { memo } from "react";
import { Box, Text } from "ink";
import type { TaskRowState } from "../events/RunState.js";
import { oneLine } from "./format.js";
import { durationCell, statusLabel, statusSymbol, whyCell } from "./taskStatus.js";
import { useTheme } from "./Theme.js";

/** One task, the clock for its spinner and elapsed time, and whether it is the selected row. */
export interface TaskRowProps {
  /** The task to show. */
  readonly row: TaskRowState;
  /** The row's revision: rows are updated in place, so memoisation compares this, not the object. */
  readonly rev: number;
  /** The clock: the spinner frame and a running task's elapsed time derive from it. */
  readonly now: number;
  /** Marked with "›" and shown inverse. */
  readonly selected: boolean;
  /** Terminal width; the name and why cells share what the fixed cells leave. */
  readonly columns: number;
}

const STATUS_WIDTH = 13;
const DURATION_WIDTH = 8;

/** Widths of the name and why cells for a terminal width (the name gets at most 40 columns). */
export const rowWidths = (columns: number): { name: number; why: number } => {
  const rest = Math.max(10, columns - 4 - STATUS_WIDTH - DURATION_WIDTH);
  const name = Math.min(40, Math.max(8, Math.floor(rest * 0.45)));
  return { name, why: Math.max(1, rest - name) };
};

const TaskRowView = ({ row, now, selected, columns }: TaskRowProps) => {
  const theme = useTheme();
  const color = theme.color(row.status);
  const { name, why } = rowWidths(columns);
  return (
    <Box width={columns}>
      <Box width={2} flexShrink={0}>
        <Text bold>{selected ? "›" : " "}</Text>
      </Box>
      <Box width={2} flexShrink={0}>
        <Text color={color}>{statusSymbol(row.status, now)}</Text>
      </Box>
      <Box width={name} flexShrink={0}>
        <Text wrap="truncate-end" bold={selected} inverse={selected}>{row.name}</Text>
      </Box>
      <Box width={STATUS_WIDTH} flexShrink={0} paddingLeft={1}>
        <Text wrap="truncate-end" color={color}>{statusLabel(row)}</Text>
      </Box>
      <Box width={DURATION_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>
        <Text wrap="truncate-end">{durationCell(row, now)}</Text>
      </Box>
      <Box width={why} flexShrink={0}>
        <Text wrap="truncate-end" color={row.status === "failed" ? theme.color("error") : theme.color("muted")}>
          {oneLine(whyCell(row), false)}
        </Text>
      </Box>
    </Box>
  );
};

const dependsOnClock = (row: TaskRowState): boolean => row.status === "running" || row.status === "retrying";

/** A task row; re-renders only when its task changed, or every frame while it runs (spinner, elapsed). */
export const TaskRow = memo(
  TaskRowView,
  (a, b) =>
    a.row === b.row &&
    a.rev === b.rev &&
    a.selected === b.selected &&
    a.columns === b.columns &&
    (a.now === b.now || !dependsOnClock(b.row)),
);
