/**
 * The failed tasks with their error and log tail. It is the part of the final frame that stays on
 * screen after exit, so the reason of a failure never scrolls away with the progress display.
 */
import { Box, Text } from "ink";
import type { TaskRowState } from "../events/RunState.js";
import { formatDuration, oneLine } from "./format.js";
import { useTheme } from "./Theme.js";

/** The rows, which of them failed, and how much of each failure to show. */
export interface FailureViewProps {
  /** `state.rows`: every task of the run by name. */
  readonly rows: ReadonlyMap<string, TaskRowState>;
  /** Names of the failed tasks, in the order they failed. */
  readonly failed: Iterable<string>;
  /** Log lines shown per failed task. */
  readonly tailLines: number;
  /** Failed tasks shown in full; the others are listed by name. */
  readonly maxTasks: number;
}

/** Failed tasks named after the ones shown in full; a mass failure must not flood the terminal. */
const NAMED_REST = 20;

/** The tail to show: the one TaskFailed carried, else the newest lines the TUI kept. */
const tailOf = (row: TaskRowState, n: number): ReadonlyArray<string> => {
  const fromEvent = row.error?.tail ?? [];
  const lines = fromEvent.length > 0 ? fromEvent : row.logs.last(n).map((l) => l.line);
  return lines.slice(Math.max(0, lines.length - n));
};

const FailedTask = ({ row, tailLines }: { row: TaskRowState; tailLines: number }) => {
  const theme = useTheme();
  const attempts = row.attempt > 1 ? ` after ${row.attempt} attempts` : "";
  const took = row.durationMs !== null ? `  ${formatDuration(row.durationMs)}` : "";
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end">
        <Text color={theme.color("failed")} bold>{`✖ ${row.name}`}</Text>
        <Text>{` failed${attempts}`}</Text>
        {row.error !== null && <Text color={theme.color("muted")}>{` (${row.error.tag})`}</Text>}
        <Text>{took}</Text>
      </Text>
      {row.error !== null && (
        <Box paddingLeft={2}>
          <Text color={theme.color("error")}>{row.error.message}</Text>
        </Box>
      )}
      {tailOf(row, tailLines).map((line, i) => (
        <Text key={i} wrap="truncate-end" color={theme.color("muted")}>{`  │ ${oneLine(line, theme.colors)}`}</Text>
      ))}
      {row.logFile !== null && <Text wrap="truncate-end">{`  log: ${row.logFile}`}</Text>}
    </Box>
  );
};

/** Every failed task (up to `maxTasks` in full): name, attempts, error tag and message, tail, log path. */
export const FailureView = ({ rows, failed, tailLines, maxTasks }: FailureViewProps) => {
  const theme = useTheme();
  const all = [...failed].map((n) => rows.get(n)).filter((r): r is TaskRowState => r !== undefined);
  if (all.length === 0) return null;
  const shown = all.slice(0, maxTasks);
  const rest = all.slice(maxTasks);
  return (
    <Box flexDirection="column">
      {shown.map((row) => (
        <FailedTask key={row.name} row={row} tailLines={tailLines} />
      ))}
      {rest.length > 0 && (
        <Box marginTop={1}>
          <Text color={theme.color("failed")}>
            {`${rest.length} more failed: ${rest.slice(0, NAMED_REST).map((r) => r.name).join(", ")}` +
              (rest.length > NAMED_REST ? ` and ${rest.length - NAMED_REST} others` : "")}
          </Text>
        </Box>
      )}
    </Box>
  );
};
