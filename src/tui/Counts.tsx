/**
 * The counts line: running, cached, executed, failed, retrying, and cancelled/skipped when any.
 */
import { Box, Text } from "ink";
import type { ColorRole } from "./Theme.js";
import type { RunCounts } from "../events/RunState.js";
import { useTheme } from "./Theme.js";

/** The RunState counts (`state.counts`). */
export interface CountsProps {
  readonly counts: RunCounts;
}

/** `3 running  10 cached  5 executed  1 failed  0 retrying` (+ `2 cancelled`, `1 skipped`): 80 columns hold all seven. */
export const Counts = ({ counts }: CountsProps) => {
  const theme = useTheme();
  const items: Array<[number, string, ColorRole]> = [
    [counts.running, "running", "running"],
    [counts.cached, "cached", "cached"],
    [counts.executed, "executed", "succeeded"],
    [counts.failed, "failed", "failed"],
    [counts.retrying, "retrying", "retrying"],
  ];
  // Cancelled and skipped are rare; showing them only when they happen keeps 80 columns enough.
  if (counts.cancelled > 0) items.push([counts.cancelled, "cancelled", "cancelled"]);
  if (counts.skipped > 0) items.push([counts.skipped, "skipped", "skipped"]);
  return (
    <Box>
      <Text wrap="truncate-end">
        {items.map(([n, label, role], i) => (
          <Text key={label}>
            {i > 0 && <Text>{"  "}</Text>}
            <Text color={n > 0 ? theme.color(role) : undefined} bold={n > 0 && role === "failed"}>{`${n} ${label}`}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
};
