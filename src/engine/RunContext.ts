/** The state one `cairn run` shares between planning, the scheduler hooks and the task runner. */
import type { FlowGraph } from "../graph/Graph.js";
import type { LineageStore } from "../lineage/LineageStore.js";
import type { LocalArtifactStore } from "../store/LocalArtifactStore.js";
import type { FileHasher } from "../hashing/FileHasher.js";
import type { EventBus } from "../events/EventBus.js";
import type { ProjectPaths } from "../cli/Project.js";
import type { ExecutorPlugin } from "../executors/Executor.js";
import type { Fingerprint, Ingredients } from "../hashing/Fingerprint.js";
import type { CacheKey } from "../hashing/ContentHash.js";
import type { RunReason } from "../events/RunEvent.js";
import type { TaskStatics } from "./StaticIngredients.js";
import type { OutputTree } from "../store/ArtifactStore.js";

export interface RunOptions {
  readonly flowFile: string;
  /** Task names to run (with their upstream closure); empty: the whole flow. */
  readonly targets: ReadonlyArray<string>;
  /** `true`: every task; a set: those tasks; `false`: none. */
  readonly force: boolean | ReadonlySet<string>;
  readonly keepGoing: boolean;
  readonly concurrency: number;
  readonly pools: Readonly<Record<string, number>>;
  readonly dryRun: boolean;
  readonly store?: string;
  /** Aborted on Ctrl-C / SIGTERM (or by watch mode). */
  readonly signal?: AbortSignal;
  /** Watch mode: reload generation and what triggered this rerun. */
  readonly generation?: number;
  readonly watch?: { readonly rerun: number; readonly changed: ReadonlyArray<string> };
  /** Watch mode: a signal per task that fires when a file change invalidates it mid-run. */
  readonly invalidation?: (task: string) => AbortSignal | undefined;
  /** Called as soon as the flow file is loaded (before validation and hashing): the TUI starts its process then. */
  readonly onLoaded?: () => void;
  /** Called once the flow is loaded and its inputs resolved, before anything executes (watch mode watches these). */
  readonly onPlanned?: (files: { readonly watchedFiles: ReadonlyArray<string>; readonly taskFiles: Readonly<Record<string, ReadonlyArray<string>>> }) => void;
}

/** What a finished (executed or restored) task hands downstream. */
export interface TaskOutput {
  readonly executionId: number;
  readonly outputHash: string;
  readonly tree: OutputTree;
  /** The parsed value, loaded on first use. */
  value(): unknown;
  /** A read-only directory holding the output files (materialised on first use). */
  dir(): string;
}

/** A task's key and why it must run, computed once its deps are done. */
export interface Resolved {
  readonly key: CacheKey;
  readonly fingerprint: Fingerprint;
  readonly ingredients: Ingredients;
  readonly reason: RunReason;
  readonly depEdges: ReadonlyArray<{ key: string; task: string; outputHash: string; executionId: number }>;
}

export interface RunContext {
  readonly runId: string;
  readonly flowName: string;
  readonly flowFile: string;
  readonly flowDir: string;
  readonly paths: ProjectPaths;
  readonly graph: FlowGraph;
  readonly lineage: LineageStore;
  readonly store: LocalArtifactStore;
  readonly hasher: FileHasher;
  readonly bus: EventBus;
  readonly options: RunOptions;
  readonly statics: ReadonlyMap<string, TaskStatics>;
  readonly executors: ReadonlyMap<string, ExecutorPlugin>;
  readonly outputs: Map<string, TaskOutput>;
  readonly resolved: Map<string, Resolved>;
  /** Batches fsyncs of new objects ahead of the WAL checkpoint that makes their rows durable. */
  readonly durability: import("./Durability.js").Durability;
  /** Lines executors logged while the run was being planned, published after RunStarted. */
  readonly preLogs: ReadonlyArray<{ readonly task: string; readonly line: string; readonly at: number }>;
  /** Execution row ids of tasks that started running in this run. */
  readonly executionIds: Map<string, number>;
}
