/**
 * Errors of the model registry. Each names the model, the version or alias, and what to run
 * instead; `exitCode` follows src/cli/ExitCode.ts (2 = bad input, 1 = a gate or check said no).
 */

/** `<name>` has no registered versions at all. */
export class ModelNotFoundError extends Error {
  readonly _tag = "ModelNotFoundError";
  readonly exitCode = 2;
  constructor(readonly model: string, readonly known: ReadonlyArray<string>) {
    super(
      `no model named "${model}" is registered. ` +
        (known.length > 0 ? `Registered models: ${known.join(", ")}. ` : "No model has been registered yet. ") +
        `Models appear when a task calls ctx.registerModel("${model}", …) and the run succeeds.`,
    );
  }
}

/** `<name>@<version>` or `<name>@<alias>` does not name a version. */
export class ModelVersionNotFoundError extends Error {
  readonly _tag = "ModelVersionNotFoundError";
  readonly exitCode = 2;
  constructor(readonly model: string, readonly ref: string, readonly versions: ReadonlyArray<number>, readonly aliases: ReadonlyArray<string>) {
    super(
      `model "${model}" has no version or alias "${ref}". ` +
        `Its versions: ${versions.length > 0 ? versions.join(", ") : "(none)"}` +
        (aliases.length > 0 ? `; aliases: ${aliases.join(", ")}` : "") +
        `. List them with \`cairn models show ${model}\`.`,
    );
  }
}

/** An alias that cannot be told apart from a version number or contains odd characters. */
export class InvalidAliasError extends Error {
  readonly _tag = "InvalidAliasError";
  readonly exitCode = 2;
  constructor(readonly alias: string) {
    super(
      `"${alias}" is not a valid alias: use a letter followed by letters, digits, "-" or "_" ` +
        `(e.g. production, staging, archived, champion).`,
    );
  }
}

/** A `--require` gate the version does not meet; the refusal is logged in the audit trail. */
export class PromotionRefusedError extends Error {
  readonly _tag = "PromotionRefusedError";
  readonly exitCode = 1;
  constructor(readonly model: string, readonly version: number, readonly alias: string, readonly failures: ReadonlyArray<string>) {
    super(
      `refused to promote ${model}@${version} to ${alias}: ${failures.join("; ")}. ` +
        `Train a better version, or drop the --require gate if the threshold is wrong.`,
    );
  }
}

/** `rollback` found no earlier production version to go back to. */
export class RollbackUnavailableError extends Error {
  readonly _tag = "RollbackUnavailableError";
  readonly exitCode = 1;
  constructor(readonly model: string, readonly alias: string, readonly detail: string) {
    super(`cannot roll back ${alias} of "${model}": ${detail}`);
  }
}

/** A `--require` expression that is not `<metric><op><number>`. */
export class RequirementSyntaxError extends Error {
  readonly _tag = "RequirementSyntaxError";
  readonly exitCode = 2;
  constructor(readonly expression: string) {
    super(
      `cannot read the requirement "${expression}": write <metric><op><number> with op one of >=, >, <=, <, =, != ` +
        `(e.g. --require "accuracy>=0.8").`,
    );
  }
}

/** A model name that could not be told apart from `name@version` or contains odd characters. */
export class InvalidModelNameError extends Error {
  readonly _tag = "InvalidModelNameError";
  readonly exitCode = 2;
  constructor(readonly model: string, readonly detail: string) {
    super(`${detail}; rename it in ctx.registerModel("${model}", …).`);
  }
}
