/**
 * A one-line progress bar over finished tasks: `████████░░░░ 12/40  30%`.
 */
import { Box, Text } from "ink";
import { useTheme } from "./Theme.js";

/** Finished and total task counts, and the width to fill. */
export interface ProgressBarProps {
  /** Tasks in a terminal status (succeeded, cached, failed, cancelled, skipped). */
  readonly done: number;
  readonly total: number;
  /** Columns available for the whole line; the bar takes what the numbers leave. */
  readonly columns: number;
}

/** Whole-cell blocks rather than eighth-blocks: they look the same in every terminal font. */
export const ProgressBar = ({ done, total, columns }: ProgressBarProps) => {
  const theme = useTheme();
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const numbers = ` ${done}/${total}  ${Math.floor(ratio * 100)}%`;
  const width = Math.max(4, Math.min(50, columns - numbers.length - 1));
  const filled = Math.round(ratio * width);
  return (
    <Box>
      <Text wrap="truncate-end">
        <Text color={theme.color("bar")}>{"█".repeat(filled)}</Text>
        <Text color={theme.color("muted")}>{"░".repeat(width - filled)}</Text>
        <Text>{numbers}</Text>
      </Text>
    </Box>
  );
};
