/**
 * Watch mode: reruns the flow whenever a file it depends on changes. Only the affected tasks
 * execute (everything else is a cache hit: the stat cache means unchanged files cost a stat).
 *
 *            change                 quiet for DEBOUNCE_MS           run finished, nothing queued
 *   idle ──────────────▶ debouncing ───────────────────▶ running ─────────────────────────────▶ idle
 *     ▲                   │  ▲  change: restart timer       │ change: invalidate affected
 *     │                   │  └──────────┘                   ▼ tasks, remember the paths
 *     │                   │                          rerun-queued ──run finished──▶ debouncing
 *     └── q / Ctrl-C from any state: abort the run, wait for it, close watchers ──▶ stopped
 */
import { statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import type { FSWatcher } from "chokidar";
import type { RunOptions } from "../engine/RunContext.js";
import type { RunSummary } from "../engine/Engine.js";

export type WatchState = "idle" | "debouncing" | "running" | "rerun-queued" | "stopped";

/**
 * Why 30 ms: editors' atomic saves (write temp, rename) and `git checkout` arrive as bursts within
 * a few ms; 30 ms coalesces them while keeping write-to-task-start latency well under 100 ms.
 */
export const DEBOUNCE_MS = 30;
/** A steady stream of changes still triggers a run at least this often. */
export const MAX_DEBOUNCE_MS = 500;
/**
 * A safety net under the file-system events: every watched file's stat signature is compared this
 * often. chokidar drops an event now and then (it throttles per file, and skips a change whose
 * mtime equals the previous one — coarse kernel timestamps make two quick saves look alike).
 */
export const POLL_MS = 1000;

const signature = (p: string): string => {
  try {
    const st = statSync(p, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  } catch {
    return "missing";
  }
};

export interface WatchStatus {
  readonly state: WatchState;
  readonly filesWatched: number;
  readonly lastChange: { readonly path: string; readonly at: number } | null;
  readonly rerun: number;
  readonly invalidated: ReadonlyArray<string>;
}

export interface WatchLoopOptions {
  readonly run: RunOptions;
  /** Runs the flow once (the engine); must honour `signal` and `invalidation`. */
  readonly execute: (options: RunOptions) => Promise<RunSummary>;
  /** Files of the last successful load (modules + inputs) for a run that failed to load. */
  readonly onStatus?: (s: WatchStatus) => void;
  readonly onError?: (e: unknown) => void;
  readonly onRunDone?: (s: RunSummary) => void;
}

/** Paths the engine writes itself (never watched: a cache restore must not trigger a rerun). */
const ignored = (p: string, storeDir: string): boolean =>
  p.startsWith(storeDir + sep) || p === storeDir || p.includes(`${sep}node_modules${sep}`) || p.endsWith(`${sep}node_modules`) || p.includes(`${sep}.git${sep}`);

export class WatchLoop {
  private state: WatchState = "idle";
  private watcher: FSWatcher | undefined;
  private files = new Set<string>();
  private dirs = new Set<string>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  private rerun = 0;
  private generation = 0;
  private runAbort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private invalidations = new Map<string, AbortController>();
  private planned: { taskFiles: Readonly<Record<string, ReadonlyArray<string>>>; inputFiles: Set<string> } | undefined;
  private lastChange: { path: string; at: number } | null = null;
  private invalidated: string[] = [];
  private forced = new Set<string>();
  private readonly sigs = new Map<string, string>();
  private poller: NodeJS.Timeout | undefined;

  constructor(private readonly opts: WatchLoopOptions, private readonly storeDir: string) {}

  status(): WatchStatus {
    return { state: this.state, filesWatched: this.files.size, lastChange: this.lastChange, rerun: this.rerun, invalidated: this.invalidated };
  }

  private emit(): void {
    this.opts.onStatus?.(this.status());
  }

  /** Starts watching and runs the flow once. */
  async start(): Promise<void> {
    const chokidar = await import("chokidar");
    this.watcher = chokidar.watch([], { ignoreInitial: true, depth: 0, ignored: (p: string) => ignored(resolve(p), this.storeDir) });
    this.watcher.on("all", (_event, path) => this.onFsEvent(resolve(path)));
    this.addFiles([resolve(this.opts.run.flowFile)]);
    this.poller = setInterval(() => this.poll(), POLL_MS);
    this.poller.unref();
    this.startRun([]);
  }

  /** Catches changes whose file-system event never came (see POLL_MS). */
  private poll(): void {
    for (const p of this.files) {
      const now = signature(p);
      if (now !== this.sigs.get(p)) this.onFsEvent(p);
    }
  }

  /** Forces a task to execute on the next cycle (TUI key `r`). */
  forceRerun(task: string): void {
    this.forced.add(task);
    this.pending.add(`(forced ${task})`);
    this.schedule();
  }

  private addFiles(paths: Iterable<string>): void {
    const newDirs: string[] = [];
    for (const p of paths) {
      if (ignored(p, this.storeDir)) continue;
      if (!this.files.has(p)) this.sigs.set(p, signature(p));
      this.files.add(p);
      const d = dirname(p);
      if (!this.dirs.has(d)) {
        this.dirs.add(d);
        newDirs.push(d);
      }
    }
    // Directories, not files: atomic saves replace the inode, and a deleted file that comes back
    // must be seen — both are events on the directory.
    if (newDirs.length) this.watcher?.add(newDirs);
  }

  private onFsEvent(path: string): void {
    if (this.state === "stopped" || !this.files.has(path)) return;
    const sig = signature(path);
    // A second event for a change already seen (or an event with no change at all) does nothing.
    if (sig === this.sigs.get(path) && !this.pending.has(path)) return;
    this.sigs.set(path, sig);
    this.pending.add(path);
    this.lastChange = { path, at: Date.now() };
    if (this.state === "running" || this.state === "rerun-queued") {
      this.invalidateRunning(path);
      this.state = "rerun-queued";
      this.emit();
      return;
    }
    this.schedule();
  }

  /** Stops the running tasks that depend on `path`; the others finish. */
  private invalidateRunning(path: string): void {
    const s = this.planned;
    // An input file affects the tasks declaring it; any other watched file is code (the flow or a
    // module it imports), which may change any task.
    const affected = s ? Object.entries(s.taskFiles).filter(([, files]) => files.includes(path) || !s.inputFiles.has(path)).map(([t]) => t) : [];
    for (const t of affected) this.invalidations.get(t)?.abort(new Error(`${path} changed`));
    this.invalidated = affected;
  }

  private schedule(): void {
    if (this.state === "idle") this.firstPendingAt = Date.now();
    this.state = "debouncing";
    this.emit();
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, this.firstPendingAt + MAX_DEBOUNCE_MS - Date.now()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const changed = [...this.pending];
      this.pending.clear();
      this.startRun(changed);
    }, wait);
  }

  private startRun(changed: string[]): void {
    this.state = "running";
    if (changed.length) this.rerun++;
    this.generation++;
    this.emit();
    this.runAbort = new AbortController();
    this.invalidations = new Map();
    const force = this.forced.size ? new Set(this.forced) : this.opts.run.force;
    this.forced.clear();
    const options: RunOptions = {
      ...this.opts.run,
      force,
      signal: this.runAbort.signal,
      generation: this.generation,
      ...(changed.length ? { watch: { rerun: this.rerun, changed } } : {}),
      onPlanned: ({ watchedFiles, taskFiles }) => {
        this.planned = { taskFiles, inputFiles: new Set(Object.values(taskFiles).flat()) };
        this.addFiles(watchedFiles);
      },
      invalidation: (task) => {
        let c = this.invalidations.get(task);
        if (!c) this.invalidations.set(task, (c = new AbortController()));
        return c.signal;
      },
    };
    this.running = this.opts
      .execute(options)
      .then(
        (summary) => {
          this.addFiles(summary.watchedFiles);
          // What the change invalidated, as the run found out: the tasks that had to execute.
          if (changed.length > 0) this.invalidated = [...(summary.ran ?? [])];
          this.opts.onRunDone?.(summary);
        },
        (e) => this.opts.onError?.(e),
      )
      .finally(() => {
        this.running = undefined;
        if (this.state === "stopped") return;
        if (this.pending.size > 0) {
          this.firstPendingAt = Date.now();
          this.state = "idle";
          this.schedule();
        } else {
          this.state = "idle";
          this.emit();
        }
      });
  }

  /** Stops: aborts a running run and waits for its tasks (and child processes) to end. */
  async stop(): Promise<void> {
    this.state = "stopped";
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.runAbort?.abort(new Error("watch stopped"));
    await this.running;
    await this.watcher?.close();
  }
}
