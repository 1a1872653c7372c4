/** `cairn runs`: the table (or JSON array) of recent runs with chosen metrics and params. */
import { ExitCode } from "../../cli/ExitCode.js";
import { queryRuns } from "../RunsQuery.js";
import { formatDuration, formatNumber, formatTime, formatValue, renderTable } from "../Table.js";
import { locateStore, parseLimit, print, printJson, withStore } from "./openStore.js";

interface RunsOptions {
  readonly flow?: string;
  readonly status?: string;
  readonly metrics?: string[];
  readonly params?: string[];
  readonly where?: string[];
  readonly sort?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

const taskCounts = (c: { executed: number; cached: number; failed: number; cancelled: number; skipped: number }): string =>
  [
    c.executed > 0 ? `${c.executed} ran` : "",
    c.cached > 0 ? `${c.cached} cached` : "",
    c.failed > 0 ? `${c.failed} failed` : "",
    c.cancelled > 0 ? `${c.cancelled} cancelled` : "",
    c.skipped > 0 ? `${c.skipped} skipped` : "",
  ]
    .filter((s) => s !== "")
    .join(", ") || "-";

export const runsCommand = async (raw: Record<string, unknown>, storeOpt: string | undefined): Promise<number> => {
  const opts = raw as RunsOptions;
  const limit = parseLimit("--limit", opts.limit, opts.json ? null : 20);
  if (!locateStore(storeOpt).exists) {
    // Nothing has run yet: an empty answer, not an error (scripts poll this).
    if (opts.json) printJson([]);
    else print("no runs recorded yet: run a flow with `cairn run <flow.ts>`");
    return ExitCode.Ok;
  }
  return withStore(storeOpt, ({ store }) => {
    const r = queryRuns(store.db, {
      flow: opts.flow,
      status: opts.status,
      metrics: opts.metrics ?? [],
      params: opts.params ?? [],
      where: opts.where ?? [],
      sort: opts.sort,
      limit,
    });
    if (opts.json) {
      printJson(r.runs);
      return ExitCode.Ok;
    }
    if (r.runs.length === 0) {
      const flows = store.db.prepare(`SELECT DISTINCT flow FROM runs ORDER BY flow`).pluck().all() as string[];
      print(
        (opts.where?.length ?? 0) > 0
          ? "no run matches the --where conditions"
          : opts.flow !== undefined && !flows.includes(opts.flow)
            ? `no runs of flow "${opts.flow}" (recorded flows: ${flows.join(", ") || "none"})`
            : "no runs recorded yet",
      );
      return ExitCode.Ok;
    }
    const labels = [...r.metricColumns, ...r.paramColumns].map((f) => f.label);
    const rows = r.runs.map((run) => {
      const cols = r.columns.get(run.id) ?? {};
      return [
        run.id,
        run.flow,
        run.status,
        formatTime(Date.parse(run.startedAt)),
        formatDuration(run.durationMs),
        taskCounts(run.counts),
        ...r.metricColumns.map((f) => formatNumber(cols[f.label] as number | undefined)),
        ...r.paramColumns.map((f) => formatValue(cols[f.label])),
      ];
    });
    let text = renderTable(["RUN", "FLOW", "STATUS", "STARTED", "DURATION", "TASKS", ...labels.map((l) => l.toUpperCase())], rows);
    if (r.matched > r.runs.length) text += `(${r.runs.length} of ${r.matched} matching runs; --limit 0 shows all)\n`;
    print(text);
    return ExitCode.Ok;
  });
};
