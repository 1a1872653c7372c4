/**
 * The last log lines of the running tasks, each prefixed with its task, sharing a few lines of
 * screen between all of them so one chatty task cannot hide the others.
 */
import { Box, Text } from "ink";
import type { LogLine } from "../events/LogRing.js";
import type { TaskRowState } from "../events/RunState.js";
import { oneLine } from "./format.js";
import { useTheme } from "./Theme.js";

/** The rows, which of them are running, and the lines the section may use. */
export interface LogTailProps {
  /** `state.rows`: every task of the run by name. */
  readonly rows: ReadonlyMap<string, TaskRowState>;
  /** Names of the running tasks, in start order. */
  readonly running: Iterable<string>;
  /** Lines available, including the title line. */
  readonly height: number;
}

/** Which lines to show: the newest lines of each running task that logged, an equal share each. */
export const tailLines = (
  rows: ReadonlyMap<string, TaskRowState>,
  running: Iterable<string>,
  budget: number,
): Array<{ task: string; line: LogLine }> => {
  const talking: TaskRowState[] = [];
  for (const name of running) {
    const row = rows.get(name);
    if (row !== undefined && row.logs.size > 0) talking.push(row);
    if (talking.length >= budget) break;
  }
  if (talking.length === 0 || budget <= 0) return [];
  const share = Math.max(1, Math.floor(budget / talking.length));
  let spare = budget - share * talking.length;
  const out: Array<{ task: string; line: LogLine }> = [];
  for (const row of talking) {
    const extra = spare > 0 ? 1 : 0;
    spare -= extra;
    for (const line of row.logs.last(share + extra)) out.push({ task: row.name, line });
  }
  return out.slice(0, budget);
};

/** A titled block of `task │ line` lines, or nothing when no running task has logged. */
export const LogTail = ({ rows, running, height }: LogTailProps) => {
  const theme = useTheme();
  const lines = tailLines(rows, running, height - 1);
  if (lines.length === 0) return null;
  return (
    <Box flexDirection="column">
      <Text color={theme.color("muted")}>── logs</Text>
      {lines.map(({ task, line }, i) => (
        <Text key={i} wrap="truncate-end">
          <Text color={theme.color("running")}>{task}</Text>
          <Text color={theme.color("muted")}>{" │ "}</Text>
          <Text color={line.stream === "stderr" ? theme.color("error") : undefined}>{oneLine(line.line, theme.colors)}</Text>
        </Text>
      ))}
    </Box>
  );
};
