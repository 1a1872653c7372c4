/**
 * The watch-mode status: files watched, the rerun number, the last change (path and time), the
 * tasks that change invalidated, and a line saying why the flow cannot run (e.g. a syntax error).
 */
import { Box, Text } from "ink";
import type { WatchStatus as WatchInfo } from "../events/RunState.js";
import { formatClock, oneLine } from "./format.js";
import { useTheme } from "./Theme.js";

/** What the watch loop reported (`state.watch`) and the width to fit it in. */
export interface WatchStatusProps {
  readonly watch: WatchInfo;
  /** Terminal width: the path is shortened and invalidated tasks are counted to fit it. */
  readonly columns: number;
}

/** Keeps the end of a path (its file name), which says more than its start. */
const shortPath = (path: string, width: number): string =>
  path.length > width ? `…${path.slice(-(Math.max(1, width - 1)))}` : path;

/** As many task names as fit in `width`, then "+n" for the rest; "n tasks" if not even one fits. */
export const fitNames = (names: ReadonlyArray<string>, width: number): string => {
  for (let k = names.length; k >= 1; k--) {
    const text = names.slice(0, k).join(", ") + (k < names.length ? ` +${names.length - k}` : "");
    if (text.length <= width) return text;
  }
  return `${names.length} task${names.length === 1 ? "" : "s"}`;
};

/**
 * `watch 42 files · rerun 3 · changed data/churn.csv 14:03:27`, then `invalidated features, train`
 * on its own line (80 columns cannot hold a real path and task names together).
 */
export const WatchStatus = ({ watch, columns }: WatchStatusProps) => {
  const theme = useTheme();
  const head = ` ${watch.filesWatched} files · rerun ${watch.rerun}`;
  let change = "";
  if (watch.lastChange !== null) {
    const clock = formatClock(watch.lastChange.at);
    const pathRoom = Math.max(12, columns - "watch".length - head.length - " · changed ".length - clock.length - 1);
    change = ` · changed ${shortPath(watch.lastChange.path, pathRoom)} ${clock}`;
  }
  const label = "invalidated ";
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.color("accent")} bold>watch</Text>
        <Text>{head + change}</Text>
        {watch.phase !== undefined && <Text color={theme.color("muted")}>{` · ${watch.phase}`}</Text>}
      </Text>
      {watch.invalidated.length > 0 && (
        <Text wrap="truncate-end">
          <Text color={theme.color("muted")}>{label}</Text>
          <Text>{fitNames(watch.invalidated, columns - label.length)}</Text>
        </Text>
      )}
      {watch.problem !== undefined && (
        <Text wrap="truncate-end" color={theme.color("error")}>{`✖ ${oneLine(watch.problem, false)}`}</Text>
      )}
    </Box>
  );
};

/** Lines the status takes, for the App's height budget. */
export const watchStatusHeight = (watch: WatchInfo | null): number =>
  watch === null ? 0 : 1 + (watch.invalidated.length > 0 ? 1 : 0) + (watch.problem !== undefined ? 1 : 0);
