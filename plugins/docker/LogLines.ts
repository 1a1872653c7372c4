/**
 * Splits a container's byte streams into lines as they arrive and keeps the last lines for
 * failure messages. A partial line waits for its newline, so a line is never split in two.
 */

/** Longest line passed on whole; longer output without a newline is passed on in pieces of this size. */
const MAX_LINE = 64 * 1024;

/** The last `size` lines across both streams, oldest first. */
export class LogTail {
  private readonly lines: string[] = [];
  constructor(private readonly size: number) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
  /** A copy of the kept lines. */
  get value(): ReadonlyArray<string> {
    return [...this.lines];
  }
}

/** Turns chunks of one stream into complete lines, calling `emit` for each as soon as it ends. */
export class LineSplitter {
  private pending = "";
  private readonly decoder = new TextDecoder("utf-8");
  constructor(private readonly emit: (line: string) => void) {}

  /** Feeds a chunk; emits every line it completes. */
  write(chunk: Uint8Array): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let nl = this.pending.indexOf("\n");
    while (nl >= 0) {
      this.emit(this.pending.slice(0, nl).replace(/\r$/, ""));
      this.pending = this.pending.slice(nl + 1);
      nl = this.pending.indexOf("\n");
    }
    while (this.pending.length > MAX_LINE) {
      this.emit(this.pending.slice(0, MAX_LINE));
      this.pending = this.pending.slice(MAX_LINE);
    }
  }

  /** Emits the last line when the stream ended without a newline. */
  end(): void {
    this.pending += this.decoder.decode();
    if (this.pending !== "") this.emit(this.pending.replace(/\r$/, ""));
    this.pending = "";
  }
}
