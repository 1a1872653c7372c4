/** `cairn models list | show | promote | rollback | history`. */
import { ExitCode } from "../../cli/ExitCode.js";
import { parseCondition, splitConditions } from "../Condition.js";
import { listModels, modelHistory, resolveVersion, showModel, splitModelRef } from "../ModelQueries.js";
import { promote, rollback, type AliasChange } from "../ModelRegistry.js";
import { RequirementSyntaxError } from "../RegistryError.js";
import { formatNumber, formatTime, renderTable, shortHash } from "../Table.js";
import { InvalidOptionError } from "../TrackingError.js";
import { parseLimit, print, printJson, withStore } from "./openStore.js";

const aliasText = (aliases: Readonly<Record<string, number | ReadonlyArray<number>>>): string =>
  Object.entries(aliases)
    .map(([a, v]) => `${a}=${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join(" ") || "-";

export const modelsListCommand = async (opts: { json?: boolean }, storeOpt: string | undefined): Promise<number> =>
  withStore(storeOpt, ({ store }) => {
    const models = listModels(store.db);
    if (opts.json) printJson(models);
    else if (models.length === 0) print("no models registered yet: call ctx.registerModel(name, output) in a task");
    else print(renderTable(["MODEL", "VERSIONS", "LATEST", "ALIASES", "UPDATED"], models.map((m) => [m.name, String(m.versions), String(m.latest), aliasText(m.aliases), formatTime(Date.parse(m.updatedAt))])));
    return ExitCode.Ok;
  });

export const modelsShowCommand = async (text: string, opts: { json?: boolean; limit?: string }, storeOpt: string | undefined): Promise<number> => {
  const limit = parseLimit("--limit", opts.limit, 20);
  return withStore(storeOpt, ({ store }) => {
    const { model, ref } = splitModelRef(text);
    const view = showModel(store.db, model, ref);
    if (opts.json) {
      printJson(view);
      return ExitCode.Ok;
    }
    const shown = limit === null ? view.versions : view.versions.slice(0, limit);
    const metricNames = [...new Set(shown.flatMap((v) => Object.keys(v.metrics)))].sort();
    let out = `model ${view.name}\n` + renderTable(
      ["VERSION", "ALIASES", ...metricNames.map((m) => m.toUpperCase()), "ARTIFACT", "RUN", "TASK", "CREATED"],
      shown.map((v) => [String(v.version), v.aliases.join(",") || "-", ...metricNames.map((m) => formatNumber(v.metrics[m])), shortHash(v.artifact), v.run, v.task ?? "-", formatTime(Date.parse(v.createdAt))]),
    );
    if (shown.length < view.versions.length) out += `(newest ${shown.length} of ${view.versions.length} versions; --limit 0 shows all)\n`;
    print(out);
    return ExitCode.Ok;
  });
};

const changeText = (c: AliasChange, verb: "promoted" | "rolled back"): string =>
  !c.changed
    ? `${c.model}@${c.to} already holds ${c.alias}; nothing changed`
    : verb === "promoted"
      ? `${c.model}@${c.to} is now ${c.alias}${c.from === null ? "" : ` (was ${c.from})`}`
      : `${c.model}: ${c.alias} rolled back from ${c.from} to ${c.to}`;

export const modelsPromoteCommand = async (model: string, versionText: string, raw: Record<string, unknown>, storeOpt: string | undefined): Promise<number> => {
  const opts = raw as { to?: string; reason?: string; require?: string[]; json?: boolean };
  const require = (opts.require ?? []).flatMap(splitConditions).map((text) => {
    const c = parseCondition(text);
    if (!c || typeof c.value !== "number") throw new RequirementSyntaxError(text);
    return c;
  });
  return withStore(storeOpt, ({ store }) => {
    // A version may be named by number or by an alias ("promote churn staging --to production").
    const version = resolveVersion(store.db, model, versionText);
    const change = promote(store, { model, version, alias: opts.to ?? "production", reason: opts.reason ?? null, require });
    if (opts.json) printJson(change);
    else print(changeText(change, "promoted"));
    return ExitCode.Ok;
  });
};

export const modelsRollbackCommand = async (model: string, raw: Record<string, unknown>, storeOpt: string | undefined): Promise<number> => {
  const opts = raw as { to?: string; alias?: string; reason?: string; json?: boolean };
  if (opts.to !== undefined && !/^v?\d+$/.test(opts.to)) throw new InvalidOptionError("--to", opts.to, "a version number, e.g. --to 3");
  return withStore(storeOpt, ({ store }) => {
    const change = rollback(store, {
      model,
      alias: opts.alias ?? "production",
      ...(opts.to === undefined ? {} : { to: Number(opts.to.replace(/^v/, "")) }),
      reason: opts.reason ?? null,
    });
    if (opts.json) printJson(change);
    else print(changeText(change, "rolled back"));
    return ExitCode.Ok;
  });
};

export const modelsHistoryCommand = async (model: string, opts: { json?: boolean }, storeOpt: string | undefined): Promise<number> =>
  withStore(storeOpt, ({ store }) => {
    const entries = modelHistory(store.db, model);
    if (opts.json) printJson(entries);
    else
      print(
        renderTable(
          ["WHEN", "ACTION", "ALIAS", "FROM", "TO", "WHO", "REASON"],
          entries.map((e) => [formatTime(Date.parse(e.at)), e.action, e.alias ?? "-", e.from === null ? "-" : String(e.from), e.to === null ? "-" : String(e.to), `${e.user}@${e.host}`, e.reason ?? ""]),
        ),
      );
    return ExitCode.Ok;
  });
