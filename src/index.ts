/**
 * The public API of cairn: what flow files import.
 *
 * @example
 * import { flow, task, file } from "cairn";
 * const raw = task("extract", { inputs: { csv: file("data/churn.csv") }, run: async ({ csv }) => (await csv.text()).length });
 * export default flow("churn", { tasks: [raw] });
 */
export { task, isTask } from "./dsl/Task.js";
export type {
  Task,
  TaskContext,
  Json,
  RetrySpec,
  ResourceSpec,
  FunctionTaskSpec,
  CommandTaskSpec,
  DepValue,
  DepValues,
  RunArgs,
  OutputOf,
} from "./dsl/Task.js";
export { flow, isFlow } from "./dsl/Flow.js";
export type { Flow, FlowSpec } from "./dsl/Flow.js";
export { file, glob, dir } from "./dsl/Input.js";
export type { FileInput, GlobInput, DirInput, InputSpec, ResolvedFile, ResolvedGlob, ResolvedDir, OutputDir } from "./dsl/Input.js";
export type { ExecutorPlugin, CommandRequest, CommandResult, CommandInput, FingerprintRequest, ExecutorFailure } from "./executors/Executor.js";
export type { RunEvent, RunReason } from "./events/RunEvent.js";
export type { CairnPlugin } from "./plugin/Plugin.js";
export { TaggedError } from "./errors/TaggedError.js";
