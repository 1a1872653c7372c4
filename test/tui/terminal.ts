// A fake terminal for Ink: there is no TTY under vitest, so stdout/stdin are stand-ins with a
// size, a resize event and raw-mode stubs (the same approach as ink-testing-library, plus rows).
import { EventEmitter } from "node:events";
import type { ReactElement } from "react";
import { render } from "ink";

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly frames: string[] = [];
  constructor(public columns = 80, public rows = 24) {
    super();
  }
  write = (chunk: string): boolean => {
    this.frames.push(chunk);
    return true;
  };
  lastFrame = (): string => this.frames[this.frames.length - 1] ?? "";
  /** Ink outside debug mode writes cursor and erase codes as separate chunks: the last chunk with text. */
  lastText = (): string => {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const text = stripAnsi(this.frames[i]!);
      if (text.trim() !== "") return text;
    }
    return "";
  };
  /** Changes the size and tells Ink, as a terminal does with SIGWINCH. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const KEYS = { up: "\u001B[A", down: "\u001B[B", enter: "\r", escape: "\u001B", ctrlC: "\u0003" } as const;

/** Lets React flush the updates a key press scheduled. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?<>=]*[ -/]*[@-~]|\u001B\][^\u0007]*\u0007/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, "");

/** Renders into a fake terminal of the given size; `debug` makes Ink write every frame whole. */
export const mount = (tree: ReactElement, columns = 80, rows = 24) => {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { stdout, stdin, instance, frame: () => stripAnsi(stdout.lastFrame()) };
};

/** True when some SGR sequence sets a foreground or background colour (39/49, the resets, do not count). */
export const hasColourCodes = (s: string): boolean => {
  for (const m of s.matchAll(/\u001B\[([\d;:]*)m/g)) {
    const params = m[1]!.split(/[;:]/).map(Number);
    if (params.some((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))) return true;
  }
  return false;
};
