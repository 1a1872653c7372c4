/** Splits a byte stream into lines as they arrive, keeping the last N for failure messages. */

export class LineSplitter {
  private partial = "";
  readonly tail: string[] = [];

  constructor(private readonly onLine: (line: string) => void, private readonly tailSize = 20) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === "string" ? chunk : chunk.toString("utf8"));
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const l of lines) this.emit(l.endsWith("\r") ? l.slice(0, -1) : l);
  }

  /** Emits a final unterminated line, if any. */
  end(): void {
    if (this.partial.length > 0) this.emit(this.partial);
    this.partial = "";
  }

  private emit(line: string): void {
    this.tail.push(line);
    if (this.tail.length > this.tailSize) this.tail.shift();
    this.onLine(line);
  }
}
