/**
 * The terminal UI: header, progress, counts, watch status, the virtualised task list, the log tail
 * of running tasks, the full-log view and, in the final frame, the failures. Keys: ↑/↓ select,
 * enter/`l` full log, `f` failed only, `r` force rerun (watch mode), `q` quit.
 */
import { useMemo, useRef, useState } from "react";
import { Box, useInput, useStdin } from "ink";
import { groupedTaskNames, type RunState } from "../events/RunState.js";
import { Counts } from "./Counts.js";
import { FailureView } from "./FailureView.js";
import { Header } from "./Header.js";
import { KeyHelp } from "./KeyHelp.js";
import { LogTail } from "./LogTail.js";
import { ProgressBar } from "./ProgressBar.js";
import { TaskDetail } from "./TaskDetail.js";
import { TaskList } from "./TaskList.js";
import { ThemeContext, colorsEnabled, themeFor } from "./Theme.js";
import { useTerminalSize, type TerminalSize } from "./useTerminalSize.js";
import { WatchStatus, watchStatusHeight } from "./WatchStatus.js";

/** The state to draw, the clock, and the callbacks the keys trigger. */
export interface AppProps {
  /** Updated in place by `RunState.reduce`; `version` is what tells React it changed. */
  readonly state: RunState;
  /** `state.version` when this render was requested. */
  readonly version: number;
  /** The clock for elapsed times and the spinner (a prop, so a frame is a function of its props). */
  readonly now: number;
  /** The last frame, left on screen after exit: summary and failures, no keys, no scrolling list. */
  readonly final?: boolean;
  readonly onQuit: () => void;
  /** Watch mode only: rerun the selected task even though its inputs did not change. */
  readonly onForceRerun?: (task: string) => void;
  /** Ctrl-C: raw mode swallows SIGINT, so the key is handed back to whoever owns interruption. */
  readonly onInterrupt?: () => void;
  /** Colours on or off; by default off when NO_COLOR is set. */
  readonly colors?: boolean;
  /** Fixed size instead of the terminal's (renderToString has no terminal). */
  readonly size?: TerminalSize;
}

/** Lines kept for the log tail of running tasks, out of the lines left for the body. */
const logTailHeight = (body: number, anyLogs: boolean): number =>
  anyLogs && body >= 8 ? Math.min(7, Math.floor(body / 3)) : 0;

const runningHasLogs = (state: RunState): boolean => {
  for (const name of state.byStatus.running) if ((state.rows.get(name)?.logs.size ?? 0) > 0) return true;
  return false;
};

/** The whole screen over a RunState; keys as in the file comment (and docs/tui.md). */
export const App = (props: AppProps) => {
  const terminal = useTerminalSize();
  const { columns, rows } = props.size ?? terminal;
  const { state, version, now, final = false } = props;
  const theme = useMemo(() => themeFor(props.colors ?? colorsEnabled()), [props.colors]);
  const [selected, setSelectedState] = useState<string | null>(null);
  // Keys can arrive faster than frames (key repeat, ↓ then r): the handler reads the selection from
  // a ref it updates itself, not from the last render, so no key acts on a stale selection.
  const selectedRef = useRef<string | null>(null);
  const setSelected = (name: string | null) => {
    selectedRef.current = name;
    setSelectedState(name);
  };
  const [logOpen, setLogOpen] = useState(false);
  const [failedOnly, setFailedOnly] = useState(false);

  // Recomputed when the state moved, not per row: O(tasks) once per frame at most.
  const names = useMemo(
    () => (failedOnly ? [...state.byStatus.failed] : [...groupedTaskNames(state)]),
    [state, version, failedOnly],
  );

  // Ink clears the whole screen when a frame is as tall as the terminal: stay one line shorter.
  const height = Math.max(1, rows - 1);
  const watchLines = watchStatusHeight(state.watch);
  const fixed = 3 + watchLines + (final ? 0 : 1);
  const body = Math.max(0, height - fixed);
  const tail = final || logOpen ? 0 : logTailHeight(body, runningHasLogs(state));
  const listHeight = body - tail;
  const selectedRow = selected === null ? undefined : state.rows.get(selected);

  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") return props.onInterrupt?.();
      if (input === "q") return props.onQuit();
      if (key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.home || key.end) {
        if (names.length === 0) return;
        const current = selectedRef.current;
        const at = current === null ? -1 : names.indexOf(current);
        const page = Math.max(1, listHeight - 1);
        const next = key.home ? 0 : key.end ? names.length - 1
          : at < 0 ? 0
          : at + (key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -page : page);
        setSelected(names[Math.min(names.length - 1, Math.max(0, next))]!);
        return;
      }
      if (key.return || input === "l") {
        if (selectedRef.current === null && names[0] !== undefined) setSelected(names[0]);
        setLogOpen((open) => !open);
        return;
      }
      if (key.escape) return setLogOpen(false);
      if (input === "f") return setFailedOnly((f) => !f);
      if (input === "r" && selectedRef.current !== null) props.onForceRerun?.(selectedRef.current);
    },
    { isActive: isRawModeSupported === true && !final },
  );

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={columns}>
        <Header flow={state.flow} runId={state.runId} startedAt={state.startedAt} finished={state.finished} now={now} />
        <ProgressBar done={state.counts.done} total={state.counts.total} columns={columns} />
        <Counts counts={state.counts} />
        {state.watch !== null && <WatchStatus watch={state.watch} columns={columns} />}
        {final ? (
          <>
            {names.length <= body && (
              <TaskList rows={state.rows} names={names} selected={null} height={names.length} now={now} columns={columns} />
            )}
            <FailureView rows={state.rows} failed={state.byStatus.failed} tailLines={10} maxTasks={5} />
          </>
        ) : logOpen && selectedRow !== undefined ? (
          <TaskDetail row={selectedRow} height={body} now={now} />
        ) : (
          <>
            <TaskList
              rows={state.rows}
              names={names}
              selected={selected}
              height={listHeight}
              now={now}
              columns={columns}
              emptyText={failedOnly ? "no failed tasks (f shows all)" : "no tasks yet"}
            />
            <LogTail rows={state.rows} running={state.byStatus.running} height={tail} />
          </>
        )}
        {!final && <KeyHelp logOpen={logOpen} failedOnly={failedOnly} canRerun={props.onForceRerun !== undefined} />}
      </Box>
    </ThemeContext.Provider>
  );
};
