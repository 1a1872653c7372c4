/**
 * The lineage store: everything that happened, recorded at run time. Writes are synchronous
 * (better-sqlite3) and each task's result commits in one transaction the moment it finishes, so a
 * killed engine loses nothing already produced. Statements are prepared once per store.
 */
import { hostname, userInfo } from "node:os";
import type { Db } from "./Database.js";
import { openDatabase, busyTimeoutMs } from "./Database.js";
import { SmallObjectTable } from "../store/SmallObjects.js";
import { classifySqliteError } from "./LineageError.js";

export type ExecutionStatus = "running" | "succeeded" | "failed" | "cancelled" | "cached" | "skipped";
export type RunStatus = "running" | "succeeded" | "failed" | "cancelled";

export interface InputEdge {
  readonly kind: "file" | "dep" | "env";
  /** Input key, dep key, or env var name. */
  readonly name: string;
  /** File path relative to the project root (files only). */
  readonly path?: string | null;
  readonly hash: string;
  readonly size?: number | null;
  readonly upstreamExecutionId?: number | null;
}
export interface OutputEdge {
  /** "value", "tree", or a file path relative to the output directory. */
  readonly name: string;
  readonly path?: string | null;
  readonly hash: string;
  readonly size: number;
}
export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly step: number | null;
  readonly at: number;
}
export interface ExecutionFacts {
  readonly inputs: ReadonlyArray<InputEdge>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: ReadonlyArray<MetricPoint>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface StartExecution {
  readonly runId: string;
  readonly flow: string;
  readonly task: string;
  readonly kind: "function" | "command";
  readonly cacheKey: string | null;
  readonly fingerprint: unknown;
  readonly ingredients: unknown;
  readonly reason: unknown;
  readonly startedAt: number;
  readonly logPath: string | null;
}

export interface CacheEntry {
  readonly cacheKey: string;
  readonly executionId: number;
  readonly outputHash: string;
  readonly valueHash: string | null;
  readonly runId: string;
  /** The output tree's bytes when it is a small object (read with the entry: one query, not two). */
  readonly tree: Buffer | null;
}

export interface ExecutionRow {
  readonly id: number;
  readonly run_id: string;
  readonly flow: string;
  readonly task: string;
  readonly kind: string;
  readonly status: ExecutionStatus;
  readonly cache_key: string | null;
  readonly fingerprint: string | null;
  readonly ingredients: string | null;
  readonly reason: string | null;
  readonly attempts: number;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly duration_ms: number | null;
  readonly output_hash: string | null;
  readonly source_execution_id: number | null;
  readonly error_tag: string | null;
  readonly error_text: string | null;
  readonly log_path: string | null;
}

export interface RunRow {
  readonly id: string;
  readonly flow: string;
  readonly flow_file: string;
  readonly status: RunStatus;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly targets: string;
  readonly options: string;
  readonly user: string | null;
  readonly host: string | null;
  readonly pid: number | null;
  readonly executed: number;
  readonly cached: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly skipped: number;
}

/** Who holds a cache key another process is executing right now. */
export interface KeyHolder {
  readonly runId: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
}

type BetterSqlite3Transaction = { immediate(f: () => unknown): unknown };

const json = (v: unknown): string => JSON.stringify(v ?? null);

export class LineageStore {
  readonly host = hostname();
  readonly user = (() => {
    try {
      return userInfo().username;
    } catch {
      return String(process.getuid?.() ?? "unknown");
    }
  })();
  private readonly stmts;
  /** One transaction wrapper for every write (creating one per call showed up in profiles). */
  private readonly tx: BetterSqlite3Transaction;

  /** Small objects of the artifact store: committed with the next write, in its transaction. */
  readonly smallObjects: SmallObjectTable;

  private constructor(readonly db: Db, readonly dbPath: string) {
    this.smallObjects = new SmallObjectTable(db);
    this.tx = db.transaction((f: () => unknown) => {
      this.smallObjects.writePending();
      return f();
    }) as unknown as BetterSqlite3Transaction;
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      insertRun: p(`INSERT INTO runs (id, flow, flow_file, status, started_at, targets, options, user, host, pid)
                    VALUES (@id, @flow, @flowFile, 'running', @startedAt, @targets, @options, @user, @host, @pid)`),
      finishRun: p(`UPDATE runs SET status=@status, finished_at=@finishedAt, executed=@executed, cached=@cached,
                    failed=@failed, cancelled=@cancelled, skipped=@skipped WHERE id=@id`),
      insertExec: p(`INSERT INTO executions (run_id, flow, task, kind, status, cache_key, fingerprint, ingredients, reason,
                      started_at, log_path, output_hash, source_execution_id, finished_at, duration_ms, attempts, error_text)
                     VALUES (@runId, @flow, @task, @kind, @status, @cacheKey, @fingerprint, @ingredients, @reason,
                      @startedAt, @logPath, @outputHash, @sourceExecutionId, @finishedAt, @durationMs, @attempts, @errorText)`),
      finishExec: p(`UPDATE executions SET status=@status, finished_at=@finishedAt, duration_ms=COALESCE(@durationMs, @finishedAt - started_at), attempts=@attempts,
                      output_hash=@outputHash, error_tag=@errorTag, error_text=@errorText, cache_key=COALESCE(@cacheKey, cache_key)
                     WHERE id=@id`),
      insertInput: p(`INSERT INTO execution_inputs (execution_id, kind, name, path, hash, size, upstream_execution_id)
                      VALUES (?, ?, ?, ?, ?, ?, ?)`),
      insertOutput: p(`INSERT INTO execution_outputs (execution_id, name, path, hash, size) VALUES (?, ?, ?, ?, ?)`),
      insertParam: p(`INSERT OR REPLACE INTO params (execution_id, name, value) VALUES (?, ?, ?)`),
      insertMetric: p(`INSERT INTO metrics (execution_id, name, value, step, at) VALUES (?, ?, ?, ?, ?)`),
      insertTag: p(`INSERT OR REPLACE INTO tags (execution_id, key, value) VALUES (?, ?, ?)`),
      insertArtifact: p(`INSERT OR IGNORE INTO artifacts (hash, kind, size, created_at) VALUES (?, ?, ?, ?)`),
      upsertCache: p(`INSERT OR REPLACE INTO cache_entries (cache_key, task, execution_id, output_hash, value_hash, created_at)
                      VALUES (?, ?, ?, ?, ?, ?)`),
      lookupCache: p(`SELECT c.cache_key AS cacheKey, c.execution_id AS executionId, c.output_hash AS outputHash,
                        c.value_hash AS valueHash, e.run_id AS runId, s.bytes AS tree
                      FROM cache_entries c JOIN executions e ON e.id = c.execution_id
                      LEFT JOIN small_objects s ON s.hash = c.output_hash WHERE c.cache_key = ?`),
      allCache: p(`SELECT c.cache_key AS cacheKey, c.execution_id AS executionId, c.output_hash AS outputHash,
                     c.value_hash AS valueHash, e.run_id AS runId, s.bytes AS tree
                   FROM cache_entries c JOIN executions e ON e.id = c.execution_id
                   LEFT JOIN small_objects s ON s.hash = c.output_hash`),
      dropCache: p(`DELETE FROM cache_entries WHERE cache_key = ?`),
      lastSucceeded: p(`SELECT * FROM executions WHERE flow = ? AND task = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`),
      // Cache-hit rows do not repeat the fingerprint (it is the producing execution's, by definition
      // of a hit): it is read through source_execution_id.
      lastKeyed: p(`SELECT e.id, e.run_id, e.flow, e.task, e.kind, e.status, e.cache_key,
                      COALESCE(e.fingerprint, s.fingerprint) AS fingerprint, COALESCE(e.ingredients, s.ingredients) AS ingredients,
                      e.reason, e.attempts, e.started_at, e.finished_at, e.duration_ms, e.output_hash, e.source_execution_id,
                      e.error_tag, e.error_text, e.log_path
                    FROM executions e LEFT JOIN executions s ON s.id = e.source_execution_id
                    WHERE e.flow = ? AND e.task = ? AND e.status IN ('succeeded','cached') ORDER BY e.id DESC LIMIT 1`),
      claimKey: p(`INSERT OR IGNORE INTO running_keys (cache_key, run_id, host, pid, started_at) VALUES (?, ?, ?, ?, ?)`),
      keyHolder: p(`SELECT run_id AS runId, host, pid, started_at AS startedAt FROM running_keys WHERE cache_key = ?`),
      releaseKey: p(`DELETE FROM running_keys WHERE cache_key = ? AND run_id = ?`),
      releaseRunKeys: p(`DELETE FROM running_keys WHERE run_id = ?`),
      stealKey: p(`UPDATE running_keys SET run_id=?, host=?, pid=?, started_at=? WHERE cache_key=? AND run_id=?`),
      getCode: p(`SELECT value FROM code_cache WHERE key = ?`),
      putCode: p(`INSERT OR REPLACE INTO code_cache (key, value) VALUES (?, ?)`),
      getExec: p(`SELECT * FROM executions WHERE id = ?`),
      getRun: p(`SELECT * FROM runs WHERE id = ?`),
      staleRuns: p(`SELECT * FROM runs WHERE status = 'running' AND host = ?`),
    };
  }

  /** Opens the store at `dbPath` (creating and migrating it). */
  static open(dbPath: string, options: { readonly readonly?: boolean } = {}): LineageStore {
    return new LineageStore(openDatabase(dbPath, options), dbPath);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `f` in an IMMEDIATE transaction, mapping SQLite busy/readonly errors to tagged errors. */
  write<T>(f: () => T): T {
    try {
      const result = this.tx.immediate(f) as T;
      this.smallObjects.committed();
      return result;
    } catch (e) {
      throw classifySqliteError(e, this.dbPath, busyTimeoutMs());
    }
  }

  beginRun(r: { id: string; flow: string; flowFile: string; startedAt: number; targets: ReadonlyArray<string>; options: unknown }): void {
    this.write(() =>
      this.stmts.insertRun.run({
        ...r,
        targets: json(r.targets),
        options: json(r.options),
        user: this.user,
        host: this.host,
        pid: process.pid,
      }),
    );
  }

  finishRun(id: string, status: RunStatus, counts: { executed: number; cached: number; failed: number; cancelled: number; skipped: number }, finishedAt: number): void {
    this.write(() => {
      this.stmts.finishRun.run({ id, status, finishedAt, ...counts });
      this.stmts.releaseRunKeys.run(id);
    });
  }

  /** Inserts a `running` execution row and returns its id. */
  startExecution(s: StartExecution): number {
    return this.write(() => this.insertExecution(s, "running", {}));
  }

  private insertExecution(s: StartExecution, status: ExecutionStatus, extra: { outputHash?: string | null; sourceExecutionId?: number | null; finishedAt?: number | null; durationMs?: number | null; attempts?: number; errorText?: string | null }): number {
    const info = this.stmts.insertExec.run({
      runId: s.runId,
      flow: s.flow,
      task: s.task,
      kind: s.kind,
      status,
      cacheKey: s.cacheKey,
      fingerprint: s.fingerprint === undefined ? null : json(s.fingerprint),
      ingredients: s.ingredients === undefined ? null : json(s.ingredients),
      reason: s.reason === undefined ? null : json(s.reason),
      startedAt: s.startedAt,
      logPath: s.logPath,
      outputHash: extra.outputHash ?? null,
      sourceExecutionId: extra.sourceExecutionId ?? null,
      finishedAt: extra.finishedAt ?? null,
      durationMs: extra.durationMs ?? null,
      attempts: extra.attempts ?? 0,
      errorText: extra.errorText ?? null,
    });
    return Number(info.lastInsertRowid);
  }

  private insertFacts(executionId: number, facts: ExecutionFacts): void {
    for (const i of facts.inputs) {
      this.stmts.insertInput.run(executionId, i.kind, i.name, i.path ?? null, i.hash, i.size ?? null, i.upstreamExecutionId ?? null);
    }
    for (const [k, v] of Object.entries(facts.params)) this.stmts.insertParam.run(executionId, k, json(v));
    for (const m of facts.metrics) this.stmts.insertMetric.run(executionId, m.name, m.value, m.step, m.at);
    for (const [k, v] of Object.entries(facts.tags)) this.stmts.insertTag.run(executionId, k, v);
  }

  /**
   * Commits a successful execution: its outputs, edges, params, metrics and (when it has a key)
   * the cache entry — one transaction. Callers make the output objects durable first.
   */
  succeedExecution(
    id: number,
    r: {
      task: string;
      cacheKey: string | null;
      finishedAt: number;
      /** null: measured from the execution's start. */
      durationMs: number | null;
      attempts: number;
      outputHash: string;
      valueHash: string | null;
      outputs: ReadonlyArray<OutputEdge & { kind: "blob" | "tree" }>;
      facts: ExecutionFacts;
      cache: boolean;
      extra?: (db: Db, executionId: number) => void;
      /** The key claim to release in the same transaction. */
      release?: { key: string; runId: string };
    },
  ): void {
    this.write(() => {
      if (r.release) this.stmts.releaseKey.run(r.release.key, r.release.runId);
      this.stmts.finishExec.run({ id, status: "succeeded", finishedAt: r.finishedAt, durationMs: r.durationMs, attempts: r.attempts, outputHash: r.outputHash, errorTag: null, errorText: null, cacheKey: r.cacheKey });
      for (const o of r.outputs) {
        this.stmts.insertOutput.run(id, o.name, o.path ?? null, o.hash, o.size);
        this.stmts.insertArtifact.run(o.hash, o.kind, o.size, r.finishedAt);
      }
      this.insertFacts(id, r.facts);
      if (r.cacheKey && r.cache) this.stmts.upsertCache.run(r.cacheKey, r.task, id, r.outputHash, r.valueHash, r.finishedAt);
      r.extra?.(this.db, id);
    });
  }

  /** Commits a failed or cancelled execution with its error text (and whatever facts it produced). */
  failExecution(id: number, r: { status: "failed" | "cancelled"; finishedAt: number; durationMs: number | null; attempts: number; errorTag: string; errorText: string; facts: ExecutionFacts; outputs?: ReadonlyArray<OutputEdge & { kind: "blob" | "tree" }> }): void {
    this.write(() => {
      this.stmts.finishExec.run({ id, status: r.status, finishedAt: r.finishedAt, durationMs: r.durationMs, attempts: r.attempts, outputHash: null, errorTag: r.errorTag, errorText: r.errorText, cacheKey: null });
      // Outputs a failed task did produce are kept and recorded: nothing already produced is lost.
      for (const o of r.outputs ?? []) {
        this.stmts.insertOutput.run(id, o.name, o.path ?? null, o.hash, o.size);
        this.stmts.insertArtifact.run(o.hash, o.kind, o.size, r.finishedAt);
      }
      this.insertFacts(id, r.facts);
    });
  }

  /** Records cache hits (and skips) of one plan in a single transaction. */
  recordRestored(rows: ReadonlyArray<StartExecution & { status: "cached" | "skipped"; outputHash: string | null; sourceExecutionId: number | null; errorText?: string | null }>): void {
    if (rows.length === 0) return;
    this.write(() => {
      for (const r of rows) {
        this.insertExecution(r, r.status, { outputHash: r.outputHash, sourceExecutionId: r.sourceExecutionId, finishedAt: r.startedAt, durationMs: 0, errorText: r.errorText ?? null });
      }
    });
  }

  lookupCache(key: string): CacheEntry | undefined {
    return this.stmts.lookupCache.get(key) as CacheEntry | undefined;
  }

  /** Every cache entry, for plans large enough that one scan beats N point lookups. */
  allCacheEntries(): Map<string, CacheEntry> {
    const m = new Map<string, CacheEntry>();
    for (const r of this.stmts.allCache.iterate() as Iterable<CacheEntry>) m.set(r.cacheKey, r);
    return m;
  }

  /** Forgets a cache entry whose objects are missing or corrupt, so the task runs and heals it. */
  dropCacheEntry(key: string): void {
    this.write(() => this.stmts.dropCache.run(key));
  }

  /** The latest execution of `task` that executed successfully (for `explain`). */
  lastSucceeded(flow: string, task: string): ExecutionRow | undefined {
    return this.stmts.lastSucceeded.get(flow, task) as ExecutionRow | undefined;
  }

  /** The latest execution of `task` that produced or restored outputs: the baseline for "why does it rerun". */
  lastKeyed(flow: string, task: string): ExecutionRow | undefined {
    return this.stmts.lastKeyed.get(flow, task) as ExecutionRow | undefined;
  }

  execution(id: number): ExecutionRow | undefined {
    return this.stmts.getExec.get(id) as ExecutionRow | undefined;
  }

  run(id: string): RunRow | undefined {
    return this.stmts.getRun.get(id) as RunRow | undefined;
  }

  /**
   * Claims `key` for this run so no other process executes the same key concurrently. Returns
   * `undefined` when claimed, or the live holder. A holder whose process is gone (same host,
   * dead pid: the engine was killed) is taken over.
   */
  claimKey(key: string, runId: string): KeyHolder | undefined {
    return this.write(() => {
      const now = Date.now();
      if (this.stmts.claimKey.run(key, runId, this.host, process.pid, now).changes === 1) return undefined;
      const holder = this.stmts.keyHolder.get(key) as KeyHolder | undefined;
      if (!holder) {
        this.stmts.claimKey.run(key, runId, this.host, process.pid, now);
        return undefined;
      }
      if (holder.runId === runId) return undefined;
      if (holder.host === this.host && !processAlive(holder.pid)) {
        this.stmts.stealKey.run(runId, this.host, process.pid, now, key, holder.runId);
        return undefined;
      }
      return holder;
    });
  }

  /**
   * Claims `key` and, when that succeeds, inserts the task's `running` execution row — one
   * transaction instead of two. Returns the holder when another live process has the key.
   */
  claimAndStart(key: string, runId: string, s: StartExecution, checkCache: boolean): { entry: CacheEntry } | { holder: KeyHolder } | { executionId: number } {
    return this.write(() => {
      // Inside the write lock: a run that committed this key before we got here is seen for sure.
      const entry = checkCache ? this.lookupCache(key) : undefined;
      if (entry) return { entry };
      const holder = this.claimKey(key, runId);
      if (holder) return { holder };
      return { executionId: this.insertExecution(s, "running", {}) };
    });
  }

  releaseKey(key: string, runId: string): void {
    this.write(() => this.stmts.releaseKey.run(key, runId));
  }

  /** Marks runs of this host whose process died (kill -9) as cancelled, and frees their keys. */
  reapDeadRuns(): ReadonlyArray<string> {
    const dead = (this.stmts.staleRuns.all(this.host) as RunRow[]).filter((r) => r.pid !== null && r.pid !== process.pid && !processAlive(r.pid));
    if (dead.length === 0) return [];
    this.write(() => {
      for (const r of dead) {
        this.db.prepare(`UPDATE executions SET status='cancelled', error_text='the engine process died (killed) while this task ran' WHERE run_id=? AND status='running'`).run(r.id);
        this.db.prepare(`UPDATE runs SET status='cancelled', finished_at=COALESCE(finished_at, ?) WHERE id=?`).run(Date.now(), r.id);
        this.stmts.releaseRunKeys.run(r.id);
      }
    });
    return dead.map((r) => r.id);
  }

  /** Copies committed WAL content into the database file (syncing the WAL first). */
  checkpoint(): void {
    try {
      this.db.pragma("wal_checkpoint(PASSIVE)");
    } catch (e) {
      throw classifySqliteError(e, this.dbPath, busyTimeoutMs());
    }
  }

  getCode(key: string): string | undefined {
    return (this.stmts.getCode.get(key) as { value: string } | undefined)?.value;
  }

  putCode(entries: ReadonlyArray<readonly [string, string]>): void {
    if (entries.length === 0) return;
    this.write(() => {
      for (const [k, v] of entries) this.stmts.putCode.run(k, v);
    });
  }
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};
