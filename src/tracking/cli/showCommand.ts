/** `cairn show <run>`: one run, task by task. */
import { ExitCode } from "../../cli/ExitCode.js";
import { showRun, type RunShow } from "../ShowRun.js";
import { formatDuration, formatNumber, formatTime, formatValue, renderTable, shortHash } from "../Table.js";
import { print, printJson, withStore } from "./openStore.js";

const firstLines = (text: string, n: number): string => text.split("\n").slice(0, n).join("\n    ");

/** Renders a run for the terminal. */
export const renderRun = (r: RunShow): string => {
  const out: string[] = [];
  out.push(`run ${r.id}  ${r.flow}  ${r.status}`);
  out.push(`  flow file  ${r.flowFile}`);
  out.push(`  started    ${formatTime(Date.parse(r.startedAt))}   duration ${formatDuration(r.durationMs)}   by ${r.user ?? "?"}@${r.host ?? "?"}`);
  if (r.targets.length > 0) out.push(`  targets    ${r.targets.join(", ")}`);
  out.push("");
  const rows = r.executions.map((e) => [
    e.task,
    e.status,
    formatDuration(e.durationMs),
    String(e.attempts),
    shortHash(e.outputHash),
    e.source ? `cached from run ${e.source.run}` : e.error ? (e.error.tag ?? "error") : "",
  ]);
  out.push(renderTable(["TASK", "STATUS", "DURATION", "ATTEMPTS", "OUTPUT", "NOTE"], rows).trimEnd());
  const section = (title: string, entries: Array<[string, string]>) => {
    if (entries.length === 0) return;
    out.push("", title);
    for (const [k, v] of entries) out.push(`  ${k}  ${v}`);
  };
  const width = Math.max(0, ...r.executions.map((e) => e.task.length));
  const pad = (s: string) => s.padEnd(width);
  section(
    "metrics",
    r.executions.filter((e) => Object.keys(e.metrics).length > 0).map((e) => [pad(e.task), Object.entries(e.metrics).map(([k, v]) => `${k}=${formatNumber(v)}`).join(" ")]),
  );
  section(
    "params",
    r.executions.filter((e) => Object.keys(e.params).length > 0).map((e) => [pad(e.task), Object.entries(e.params).map(([k, v]) => `${k}=${formatValue(v)}`).join(" ")]),
  );
  section(
    "tags",
    r.executions.filter((e) => Object.keys(e.tags).length > 0).map((e) => [pad(e.task), Object.entries(e.tags).map(([k, v]) => `${k}=${v}`).join(" ")]),
  );
  section(
    "input files",
    r.executions.flatMap((e) => e.inputs.filter((i) => i.kind === "file").map((i): [string, string] => [pad(e.task), `${i.path}  ${i.hash}  ${i.size ?? "?"} B`])),
  );
  section("models", r.models.map((m) => [m.name, `version ${m.version} (from ${m.task})`]));
  section("errors", r.executions.filter((e) => e.error).map((e) => [pad(e.task), firstLines(e.error!.text, 8)]));
  return out.join("\n") + "\n";
};

export const showCommand = async (ref: string, opts: { json?: boolean }, storeOpt: string | undefined): Promise<number> =>
  withStore(storeOpt, ({ store }) => {
    const r = showRun(store.db, ref);
    if (opts.json) printJson(r);
    else print(renderRun(r));
    return ExitCode.Ok;
  });
