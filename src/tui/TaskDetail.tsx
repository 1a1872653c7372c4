/**
 * The full-log view of one task (enter / `l` on the selected row): status, why it ran in full,
 * its error, the log file path, and as many of its newest log lines as fit.
 */
import { Box, Text } from "ink";
import type { TaskRowState } from "../events/RunState.js";
import { oneLine } from "./format.js";
import { reasonDetail } from "./reasonLabel.js";
import { durationCell, statusLabel, statusSymbol } from "./taskStatus.js";
import { useTheme } from "./Theme.js";

/** The selected task, the lines the view may use, and the clock. */
export interface TaskDetailProps {
  /** The task to show. */
  readonly row: TaskRowState;
  /** Lines available for the whole view. */
  readonly height: number;
  /** The clock for the spinner and elapsed time. */
  readonly now: number;
}

/** Header lines, then the log; every line is truncated so the view never exceeds `height`. */
export const TaskDetail = ({ row, height, now }: TaskDetailProps) => {
  const theme = useTheme();
  const head: Array<{ text: string; role?: "error" | "muted" }> = [];
  if (row.reason !== null) head.push({ text: `why: ${reasonDetail(row.reason)}` });
  if (row.error !== null) head.push({ text: `${row.error.tag}: ${row.error.message.split("\n", 1)[0]}`, role: "error" });
  else if (row.retryError !== null && row.status === "retrying") head.push({ text: `last attempt: ${oneLine(row.retryError, false)}`, role: "error" });
  const kept = row.logs.size;
  head.push({
    text: `log: ${row.logFile ?? "(not started)"}` + (row.logs.total > kept ? `  (last ${kept} of ${row.logs.total} lines)` : ""),
    role: "muted",
  });
  const logRoom = Math.max(0, height - 1 - head.length);
  const lines =
    row.logs.size > 0
      ? row.logs.last(logRoom).map((l) => ({ text: oneLine(l.line, theme.colors), err: l.stream === "stderr" }))
      : (row.error?.tail ?? []).slice(-logRoom).map((text) => ({ text: oneLine(text, theme.colors), err: false }));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.color(row.status)}>{`${statusSymbol(row.status, now)} `}</Text>
        <Text bold>{row.name}</Text>
        <Text color={theme.color(row.status)}>{`  ${statusLabel(row)}`}</Text>
        <Text>{`  ${durationCell(row, now)}`}</Text>
        <Text color={theme.color("muted")}>{`  ${row.kind} task`}</Text>
      </Text>
      {head.slice(0, Math.max(0, height - 1)).map((h, i) => (
        <Text key={`h${i}`} wrap="truncate-end" color={h.role ? theme.color(h.role) : undefined}>{h.text}</Text>
      ))}
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" color={l.err ? theme.color("error") : undefined}>{l.text}</Text>
      ))}
    </Box>
  );
};
