/**
 * A bounded ring buffer of log lines: the last N lines of one task, kept for the terminal UI while
 * the complete log goes to `.cairn/logs/<run>/<task>.log`.
 */

export interface LogLine {
  readonly stream: "stdout" | "stderr" | "log";
  readonly line: string;
}

/** What readers of a ring see (the UI): everything but `push`. */
export interface ReadonlyLogRing {
  readonly capacity: number;
  /** Lines held now (at most `capacity`). */
  readonly size: number;
  /** Lines ever pushed, including the ones that fell out. */
  readonly total: number;
  /** The newest `n` lines, oldest first. */
  last(n: number): LogLine[];
}

/** The last `capacity` log lines of one task; pushing is O(1) and never allocates past capacity. */
export class LogRing implements ReadonlyLogRing {
  private readonly items: LogLine[] = [];
  private start = 0;
  private pushed = 0;
  constructor(readonly capacity: number) {}

  push(line: LogLine): void {
    this.pushed++;
    if (this.capacity <= 0) return;
    if (this.items.length < this.capacity) this.items.push(line);
    else {
      this.items[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.items.length;
  }

  get total(): number {
    return this.pushed;
  }

  last(n: number): LogLine[] {
    const k = Math.max(0, Math.min(n, this.items.length));
    const out: LogLine[] = new Array(k);
    const from = this.items.length - k;
    for (let i = 0; i < k; i++) out[i] = this.items[(this.start + from + i) % this.items.length]!;
    return out;
  }
}
