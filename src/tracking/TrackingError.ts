/**
 * Errors of the read-side commands (runs, show, compare, lineage, export): each names what the
 * user typed and what would work instead. `exitCode` 2 = bad input (src/cli/ExitCode.ts).
 */

/** No lineage database exists yet where the command looked. */
export class NoLineageStoreError extends Error {
  readonly _tag = "NoLineageStoreError";
  readonly exitCode = 2;
  constructor(readonly dbPath: string) {
    super(`no lineage database at ${dbPath}: nothing has run in this project yet. Run a flow first (\`cairn run <flow.ts>\`), or point at another store with --store <dir>.`);
  }
}

/** A `--where` (or `--sort`) expression that cannot be read. */
export class WhereSyntaxError extends Error {
  readonly _tag = "WhereSyntaxError";
  readonly exitCode = 2;
  constructor(readonly expression: string, readonly detail: string) {
    super(
      `cannot read --where "${expression}": ${detail}. Write <metric><op><value> or params.<name><op><value>, ` +
        `op one of > >= < <= = !=, several joined by "," or "and" (e.g. --where "accuracy>0.9, params.trees=200").`,
    );
  }
}

/** A metric (or param) named in --where, --sort or --metrics that no execution ever recorded. */
export class UnknownFieldError extends Error {
  readonly _tag = "UnknownFieldError";
  readonly exitCode = 2;
  constructor(readonly kind: "metric" | "param", readonly field: string, readonly option: string, readonly known: ReadonlyArray<string>) {
    const close = known.filter((k) => similar(k, field));
    super(
      `${option} names the ${kind} "${field}", which no execution has recorded. ` +
        (close.length > 0 ? `Did you mean ${close.map((c) => `"${c}"`).join(" or ")}? ` : "") +
        (known.length > 0 ? `Recorded ${kind}s: ${known.slice(0, 30).join(", ")}${known.length > 30 ? ", …" : ""}.` : `No ${kind}s have been recorded yet.`),
    );
  }
}

/** A run id (or prefix, or `latest~N`) that matches no run, or several. */
export class RunNotFoundError extends Error {
  readonly _tag = "RunNotFoundError";
  readonly exitCode = 2;
  constructor(readonly ref: string, readonly candidates: ReadonlyArray<string>) {
    super(
      candidates.length > 1
        ? `run "${ref}" is ambiguous: it matches ${candidates.slice(0, 5).join(", ")}${candidates.length > 5 ? ", …" : ""}. Type more of the id.`
        : `no run "${ref}". List recent runs with \`cairn runs\`; refer to a run by its id, a unique prefix of it, \`latest\` or \`latest~N\`.`,
    );
  }
}

/** `cairn lineage <target>` named nothing cairn has recorded. */
export class LineageTargetNotFoundError extends Error {
  readonly _tag = "LineageTargetNotFoundError";
  readonly exitCode = 2;
  constructor(readonly target: string, readonly hint: string) {
    super(`"${target}" is not a recorded model, task, artifact hash or input file. ${hint}`);
  }
}

// Cheap "did you mean": shared prefix of 3+, containment, or edit distance ≤ 2.
const similar = (a: string, b: string): boolean => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.includes(y) || y.includes(x)) return true;
  return editDistance(x, y) <= 2;
};

const editDistance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
};

/** An option value of the wrong shape (e.g. `--limit abc`). */
export class InvalidOptionError extends Error {
  readonly _tag = "InvalidOptionError";
  readonly exitCode = 2;
  constructor(readonly option: string, readonly value: string, readonly expected: string) {
    super(`${option} "${value}" is not valid: expected ${expected}.`);
  }
}
