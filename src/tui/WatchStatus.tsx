/**
 * The watch-mode status line: files watched, the last change (path and time), the rerun number,
 * the tasks that change invalidated, and a second line when the flow cannot run (e.g. syntax error).
 */
import { Box, Text } from "ink";
import type { WatchStatus as WatchInfo } from "../events/RunState.js";
import { formatClock } from "./format.js";
import { useTheme } from "./Theme.js";

export interface WatchStatusProps {
  readonly watch: WatchInfo;
}

/** Invalidated tasks beyond this many are counted, not named, so the line fits 80 columns. */
const NAMED_TASKS = 3;

/** `watch · 42 files · changed data/churn.csv at 14:03:27 · rerun 3 · invalidated features, train` */
export const WatchStatus = ({ watch }: WatchStatusProps) => {
  const theme = useTheme();
  const named = watch.invalidated.slice(0, NAMED_TASKS).join(", ");
  const more = watch.invalidated.length > NAMED_TASKS ? ` +${watch.invalidated.length - NAMED_TASKS}` : "";
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.color("accent")} bold>watch</Text>
        <Text>{` · ${watch.filesWatched} files`}</Text>
        {watch.lastChange !== null && (
          <Text>{` · changed ${watch.lastChange.path} at ${formatClock(watch.lastChange.at)}`}</Text>
        )}
        <Text>{` · rerun ${watch.rerun}`}</Text>
        {watch.invalidated.length > 0 && <Text>{` · invalidated ${named}${more}`}</Text>}
        {watch.phase !== undefined && <Text color={theme.color("muted")}>{` · ${watch.phase}`}</Text>}
      </Text>
      {watch.problem !== undefined && (
        <Text wrap="truncate-end" color={theme.color("error")}>{`✖ ${watch.problem}`}</Text>
      )}
    </Box>
  );
};

/** Lines the status takes, for the App's height budget. */
export const watchStatusHeight = (watch: WatchInfo | null): number =>
  watch === null ? 0 : watch.problem !== undefined ? 2 : 1;
