/**
 * Renders any error that reaches the CLI: tagged errors as `error: <message>` with the exit code
 * their kind deserves; anything else is a bug, reported as an internal error with what to send us.
 */
import { ExitCode } from "./ExitCode.js";

/**
 * Exit code per engine error tag. Typed as a total record over the engine's error tags, so adding
 * a tag to `EngineErrorTag` without deciding its rendering fails to compile.
 */
type EngineErrorTag =
  | "FlowSyntaxError" | "FlowImportError" | "FlowNotFoundError" | "FlowExportError" | "FlowEvaluationError"
  | "FlowValidationError" | "UnknownTaskError" | "InputFileMissingError" | "InputFileUnreadableError"
  | "LineageLockedError" | "StoreNotWritableError" | "LineageSchemaError" | "ObjectCorruptError"
  | "TaskCodeError" | "TaskOutputError" | "CommandExitError" | "CommandSpawnError" | "TaskTimeoutError"
  | "MetricsFileError" | "TaskInterruptedError" | "ModelRegistrationError" | "NotSerializableError";

const EXIT_BY_TAG: Record<EngineErrorTag, ExitCode> = {
  FlowSyntaxError: ExitCode.Usage,
  FlowImportError: ExitCode.Usage,
  FlowNotFoundError: ExitCode.Usage,
  FlowExportError: ExitCode.Usage,
  FlowEvaluationError: ExitCode.Usage,
  FlowValidationError: ExitCode.Usage,
  UnknownTaskError: ExitCode.Usage,
  InputFileMissingError: ExitCode.Usage,
  InputFileUnreadableError: ExitCode.Usage,
  LineageLockedError: ExitCode.Store,
  StoreNotWritableError: ExitCode.Store,
  LineageSchemaError: ExitCode.Store,
  ObjectCorruptError: ExitCode.Store,
  TaskCodeError: ExitCode.Failed,
  TaskOutputError: ExitCode.Failed,
  CommandExitError: ExitCode.Failed,
  CommandSpawnError: ExitCode.Failed,
  TaskTimeoutError: ExitCode.Failed,
  MetricsFileError: ExitCode.Failed,
  TaskInterruptedError: ExitCode.Interrupted,
  ModelRegistrationError: ExitCode.Failed,
  NotSerializableError: ExitCode.Usage,
};

const isEngineTag = (t: string): t is EngineErrorTag => t in EXIT_BY_TAG;

/** Prints the error to stderr and returns the exit code. */
export const renderError = (e: unknown, write: (s: string) => void = (s) => void process.stderr.write(s)): number => {
  const tag = (e as { _tag?: unknown })?._tag;
  if (typeof tag === "string" && e instanceof Error) {
    write(`error: ${e.message}\n`);
    const own = (e as { exitCode?: unknown }).exitCode;
    if (typeof own === "number") return own;
    return isEngineTag(tag) ? EXIT_BY_TAG[tag] : ExitCode.Usage;
  }
  const stack = e instanceof Error ? e.stack ?? e.message : String(e);
  write(
    `cairn: internal error (a bug in cairn, not in your flow): ${e instanceof Error ? e.message : String(e)}\n` +
      `Please report it with the command you ran, your cairn and node versions, and this trace:\n${stack}\n`,
  );
  return ExitCode.Internal;
};
