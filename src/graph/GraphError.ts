/** Problems found while validating a flow's graph, all collected before failing. */

export type ProblemKind =
  | "cycle"
  | "duplicate-name"
  | "invalid-name"
  | "invalid-key"
  | "invalid-spec"
  | "missing-input"
  | "not-a-task";

export interface Problem {
  readonly kind: ProblemKind;
  /** The task concerned, when there is one. */
  readonly task?: string;
  /** Where the task was defined (file:line), when known. */
  readonly at?: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** A flow failed validation; `problems` lists every one of them. */
export class FlowValidationError extends Error {
  readonly _tag = "FlowValidationError";
  constructor(readonly flow: string, readonly flowFile: string, readonly problems: ReadonlyArray<Problem>) {
    super(
      `flow "${flow}" (${flowFile}) has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p.task ? `task "${p.task}"${p.at ? ` (${p.at})` : ""}: ` : ""}${p.message}`).join("\n"),
    );
  }
}

/** Task names given on the command line that the flow does not have. */
export class UnknownTaskError extends Error {
  readonly _tag = "UnknownTaskError";
  constructor(readonly flow: string, readonly names: ReadonlyArray<{ name: string; suggestion: string | undefined }>, readonly available: ReadonlyArray<string>) {
    super(
      names
        .map((n) => `flow "${flow}" has no task "${n.name}"${n.suggestion ? ` — did you mean "${n.suggestion}"?` : ""}`)
        .join("\n") + `\n  tasks: ${available.slice(0, 30).join(", ")}${available.length > 30 ? ", …" : ""}`,
    );
  }
}
