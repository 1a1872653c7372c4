/** `cairn compare <runA> <runB>`: what changed between two runs, for the terminal or as JSON. */
import { ExitCode } from "../../cli/ExitCode.js";
import { compareRuns, type RunComparison } from "../Compare.js";
import { formatDelta, formatNumber, formatValue, renderTable, shortHash } from "../Table.js";
import { print, printJson, withStore } from "./openStore.js";

/** Renders a comparison; without `all`, rows that are equal in both runs are left out. */
export const renderComparison = (c: RunComparison, all: boolean): string => {
  const out: string[] = [`A  ${c.a.id}  ${c.a.flow}  ${c.a.status}  ${c.a.startedAt}`, `B  ${c.b.id}  ${c.b.flow}  ${c.b.status}  ${c.b.startedAt}`];
  const block = (title: string, header: string[], rows: string[][], empty: string) => {
    out.push("", title);
    out.push(rows.length === 0 ? `  ${empty}` : renderTable(header, rows).trimEnd().split("\n").map((l) => `  ${l}`).join("\n"));
  };
  const tasks = c.tasks.filter((t) => all || t.differs);
  block(
    "tasks",
    ["TASK", "A", "B", "DIFFERS IN"],
    tasks.map((t) => [t.task, t.a ? `${t.a.status} ${shortHash(t.a.outputHash)}` : "(absent)", t.b ? `${t.b.status} ${shortHash(t.b.outputHash)}` : "(absent)", t.differs ? t.ingredients.join(", ") || "outputs" : "-"]),
    "every task has the same cache key and outputs",
  );
  block(
    "params",
    ["TASK", "PARAM", "A", "B"],
    c.params.filter((p) => all || p.changed).map((p) => [p.task, p.name, formatValue(p.a), formatValue(p.b)]),
    "no param changed",
  );
  block(
    "metrics",
    ["TASK", "METRIC", "A", "B", "DELTA"],
    c.metrics.filter((m) => all || m.delta !== 0).map((m) => [m.task, m.name, formatNumber(m.a), formatNumber(m.b), formatDelta(m.delta)]),
    "no metric changed",
  );
  block(
    "input data",
    ["TASK", "FILE", "A", "B"],
    c.inputs.filter((i) => all || i.changed).map((i) => [i.task, i.path, i.a ? shortHash(i.a.hash) : "(absent)", i.b ? shortHash(i.b.hash) : "(absent)"]),
    "every input file has the same content hash",
  );
  const code = c.code.filter((x) => all || x.changed);
  out.push("", "code");
  if (code.length === 0) out.push("  no code changed");
  for (const x of code) {
    out.push(`  ${x.task}  ${shortHash(x.a)} -> ${shortHash(x.b)}`);
    if (x.command) out.push(`    command: ${x.command.from ?? "-"}  ->  ${x.command.to ?? "-"}`);
    for (const m of [...x.modules, ...x.scripts]) out.push(`    ${m.change} ${m.path}  ${shortHash(m.from)} -> ${shortHash(m.to)}`);
  }
  return out.join("\n") + "\n";
};

export const compareCommand = async (a: string, b: string, opts: { json?: boolean; all?: boolean }, storeOpt: string | undefined): Promise<number> =>
  withStore(storeOpt, ({ store }) => {
    const c = compareRuns(store.db, a, b);
    if (opts.json) printJson(c);
    else print(renderComparison(c, opts.all === true));
    return ExitCode.Ok;
  });
