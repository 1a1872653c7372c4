/**
 * The first line of the screen: flow name, run id, elapsed time and how the run stands.
 */
import { Box, Text } from "ink";
import type { RunState } from "../events/RunState.js";
import { formatDuration, shortId } from "./format.js";
import { useTheme } from "./Theme.js";

/** What the header needs from the RunState, plus the clock. */
export interface HeaderProps {
  readonly flow: string | null;
  readonly runId: string | null;
  /** When RunStarted happened (ms since epoch); null before the first run. */
  readonly startedAt: number | null;
  readonly finished: RunState["finished"];
  /** The clock the elapsed time is measured against. */
  readonly now: number;
}

/** `cairn ▸ churn  run 01HX4…  12.3s  running` (or the final status once the run finished). */
export const Header = ({ flow, runId, startedAt, finished, now }: HeaderProps) => {
  const theme = useTheme();
  const elapsed = finished ? finished.durationMs : startedAt !== null ? now - startedAt : null;
  const status = finished?.status ?? (startedAt !== null ? "running" : "starting");
  const statusRole = finished?.status === "succeeded" ? "succeeded" : finished ? "failed" : "running";
  return (
    <Box>
      <Text wrap="truncate-end">
        <Text bold color={theme.color("accent")}>cairn</Text>
        <Text> ▸ </Text>
        <Text bold>{flow ?? "…"}</Text>
        {runId !== null && <Text color={theme.color("muted")}>{`  run ${shortId(runId)}`}</Text>}
        {elapsed !== null && <Text>{`  ${formatDuration(elapsed)}`}</Text>}
        <Text color={theme.color(statusRole)}>{`  ${status}`}</Text>
      </Text>
    </Box>
  );
};
