/**
 * Runs a function task's `run(args, ctx)` in-process. This is the boundary where user code is
 * caught: anything it throws becomes a TaskCodeError carrying the user's own stack frames.
 */
import { mkdirSync } from "node:fs";
import type { TaskContext } from "../dsl/Task.js";
import { TaskCodeError, userFrames } from "../engine/TaskError.js";
import type { ExecutionRecorder } from "../engine/ExecutionRecorder.js";

export interface FunctionRequest {
  readonly task: string;
  readonly runId: string;
  readonly attempt: number;
  readonly params: Record<string, unknown>;
  readonly args: Record<string, unknown>;
  readonly outDir: string;
  readonly tmpDir: string;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly report: (title: string, text: string) => void;
  readonly recorder: ExecutionRecorder;
  readonly modelMetrics: (name: string, ref: string) => Readonly<Record<string, number>> | undefined;
}

const formatLogPart = (p: unknown): string => {
  if (typeof p === "string") return p;
  if (p instanceof Error) return p.stack ?? p.message;
  try {
    return JSON.stringify(p);
  } catch {
    return String(p);
  }
};

/** Text for a thrown non-Error value (`throw { code: 3 }` would otherwise read "[object Object]"). */
const describeThrown = (e: unknown): string => {
  if (typeof e === "string") return e;
  try {
    return `a non-Error value was thrown: ${JSON.stringify(e)}`;
  } catch {
    return `a non-Error value was thrown: ${String(e)}`;
  }
};

/** Calls the user's function; resolves with its (awaited) return value. */
export const runFunction = async (
  run: (args: Record<string, unknown>, ctx: TaskContext) => unknown,
  req: FunctionRequest,
): Promise<unknown> => {
  const ctx: TaskContext = {
    taskName: req.task,
    runId: req.runId,
    attempt: req.attempt,
    params: req.params,
    signal: req.signal,
    get outDir() {
      mkdirSync(req.outDir, { recursive: true });
      return req.outDir;
    },
    get tmpDir() {
      mkdirSync(req.tmpDir, { recursive: true });
      return req.tmpDir;
    },
    log: (...parts) => {
      for (const line of parts.map(formatLogPart).join(" ").split("\n")) req.log(line);
    },
    metric: (name, value, step) => req.recorder.metric(name, value, step),
    report: (title, text) => req.report(String(title), String(text)),
    tag: (k, v) => req.recorder.tag(k, v),
    artifact: (name, path) => req.recorder.artifact(name, path),
    registerModel: (name, v, o) => req.recorder.registerModel(name, v, o),
    modelMetrics: (name, ref = "production") => req.modelMetrics(name, ref),
  };
  try {
    return await run(req.args, ctx);
  } catch (e) {
    if (req.signal.aborted) throw e;
    const tag = (e as { _tag?: unknown })?._tag;
    throw new TaskCodeError(req.task, e instanceof Error ? e.message : describeThrown(e), userFrames(e), typeof tag === "string" ? tag : undefined);
  }
};
