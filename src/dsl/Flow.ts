/** `flow(name, …)`: the unit a flow file default-exports. Immutable data; validated by graph/. */
import type { Task } from "./Task.js";

export interface FlowSpec {
  /** Tasks to run; their upstream tasks are included automatically. */
  readonly targets?: ReadonlyArray<Task<any>>;
  /** Every task of the flow (upstream tasks not listed are included automatically, too). */
  readonly tasks?: ReadonlyArray<Task<any>>;
  /** Cron expression for schedulers that run the flow periodically (informational for now). */
  readonly schedule?: string;
  readonly description?: string;
}

export interface Flow {
  readonly _tag: "Flow";
  readonly name: string;
  readonly spec: FlowSpec;
}

/**
 * Defines a flow.
 *
 * @example
 * export default flow("churn", { targets: [model] });
 */
export const flow = (name: string, spec: FlowSpec): Flow =>
  Object.freeze({ _tag: "Flow" as const, name, spec: Object.freeze({ ...spec }) });

export const isFlow = (x: unknown): x is Flow =>
  typeof x === "object" && x !== null && (x as { _tag?: unknown })._tag === "Flow";
