/**
 * The engine's side of the spawner process: starts it on first use, hands it jobs, and turns its
 * messages back into line callbacks and exit results. One spawner serves the whole CLI process
 * (every run of a watch session); while no job is running it does not keep the CLI alive.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FromSpawner, ToSpawner } from "./SpawnProtocol.js";
import { srcUrl } from "../../srcRoot.js";

export interface SpawnJob {
  readonly file: string;
  readonly args: ReadonlyArray<string>;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Aborting stops the job: SIGTERM to its process group, SIGKILL after `killGraceMs`. */
  readonly signal: AbortSignal;
  readonly killGraceMs: number;
  readonly onLine: (stream: "stdout" | "stderr", line: string) => void;
}

export interface SpawnExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** The program could not be started (not found, not executable). */
export class ProgramStartError extends Error {
  readonly _tag = "ProgramStartError";
}

/** The spawner process died while the job ran: an infrastructure fault, worth a retry. */
export class SpawnerLostError extends Error {
  readonly _tag = "SpawnerLostError";
  readonly retryable = true;
  constructor(cause: string) {
    super(`cairn's process spawner stopped (${cause}) while the command ran, so the command was killed. The task's retry policy applies; otherwise run the flow again (finished tasks are cached). If it keeps happening, look for an out-of-memory kill in the system log.`);
  }
}

interface Pending {
  readonly job: SpawnJob;
  readonly resolve: (exit: SpawnExit) => void;
  readonly reject: (e: Error) => void;
  readonly onAbort: () => void;
}

const hostPath = fileURLToPath(srcUrl("executors/spawner/spawnerHost.js"));

class Spawner {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Starts the spawner ahead of the first job, so its start-up overlaps the engine's. */
  warmUp(): void {
    this.ensure();
    this.updateRef();
  }

  run(job: SpawnJob): Promise<SpawnExit> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.ensure();
      const onAbort = () => this.post({ t: "kill", id, graceMs: job.killGraceMs });
      this.pending.set(id, { job, resolve, reject, onAbort });
      this.updateRef();
      this.post({ t: "spawn", id, file: job.file, args: job.args, cwd: job.cwd, env: job.env });
      if (job.signal.aborted) onAbort();
      else job.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(hostPath, [], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      // Not the CLI's own flags (--inspect, --cpu-prof, loader hooks): the spawner is plain JS.
      execArgv: [],
    });
    child.on("message", (raw) => this.receive(raw as FromSpawner));
    // A send to a spawner that just died fails with EPIPE; the exit handler says what happened.
    child.on("error", () => {});
    child.once("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      const cause = signal ? `signal ${signal}` : `exit code ${code}`;
      for (const [id, p] of this.pending) this.settle(id, p, () => p.reject(new SpawnerLostError(cause)));
    });
    this.child = child;
    return child;
  }

  private receive(m: FromSpawner): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.t === "lines") {
      for (const line of m.lines) p.job.onLine(m.stream, line);
    } else if (m.t === "exit") {
      this.settle(m.id, p, () => p.resolve({ code: m.code, signal: m.signal }));
    } else {
      this.settle(m.id, p, () => p.reject(new ProgramStartError(m.message)));
    }
  }

  private settle(id: number, p: Pending, finish: () => void): void {
    this.pending.delete(id);
    p.job.signal.removeEventListener("abort", p.onAbort);
    this.updateRef();
    finish();
  }

  private post(m: ToSpawner): void {
    if (this.child?.connected) this.child.send(m);
  }

  /** Keeps the CLI alive only while jobs run: an idle spawner must not hold up its exit. */
  private updateRef(): void {
    const c = this.child;
    if (!c) return;
    const channel = (c as { channel?: { ref(): void; unref(): void } }).channel;
    if (this.pending.size > 0) {
      c.ref();
      channel?.ref();
    } else {
      c.unref();
      channel?.unref();
    }
  }
}

let shared: Spawner | undefined;

/** The process-wide spawner. */
export const spawner = (): Spawner => (shared ??= new Spawner());
