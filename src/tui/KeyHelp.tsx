/**
 * The bottom line: the keys that work right now.
 */
import { Text } from "ink";
import { useTheme } from "./Theme.js";

/** Which keys apply right now. */
export interface KeyHelpProps {
  /** The full-log view is open (enter/l closes it). */
  readonly logOpen: boolean;
  /** The list shows failed tasks only. */
  readonly failedOnly: boolean;
  /** `r` is offered only when a force-rerun handler exists (watch mode). */
  readonly canRerun: boolean;
}

/** `↑↓ select · enter/l log · f failed only · r rerun · q quit` */
export const KeyHelp = ({ logOpen, failedOnly, canRerun }: KeyHelpProps) => {
  const theme = useTheme();
  const keys = [
    "↑↓ select",
    logOpen ? "enter/l close log" : "enter/l log",
    failedOnly ? "f all tasks" : "f failed only",
    ...(canRerun ? ["r rerun"] : []),
    "q quit",
  ];
  return (
    <Text wrap="truncate-end" color={theme.color("muted")}>
      {keys.join(" · ")}
    </Text>
  );
};
