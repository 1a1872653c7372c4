/**
 * The terminal's columns and rows, updated on resize. Ink re-lays out on resize by itself, but the
 * App also budgets rows (the virtualised list), so it needs the height as React state.
 */
import { useEffect, useState } from "react";
import { useStdout } from "ink";

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** 80×24 when the stream does not know its size (not a TTY). */
const read = (stdout: NodeJS.WriteStream): TerminalSize => ({
  columns: stdout.columns > 0 ? stdout.columns : 80,
  rows: stdout.rows > 0 ? stdout.rows : 24,
});

/** Size of Ink's stdout, re-read on every "resize" event. */
export const useTerminalSize = (): TerminalSize => {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = () => {
      const next = read(stdout);
      setSize((prev) => (prev.columns === next.columns && prev.rows === next.rows ? prev : next));
    };
    stdout.on("resize", onResize);
    onResize();
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
};
