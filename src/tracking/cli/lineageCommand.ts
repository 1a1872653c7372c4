/** `cairn lineage <target> [--down] [--format tree|json|mermaid|dot]`. */
import { ExitCode } from "../../cli/ExitCode.js";
import type { Db } from "../../lineage/Database.js";
import { downstreamLineage, fileReaders, fileVersions } from "../../lineage/queries/Downstream.js";
import { resolveLineageTarget, type LineageTarget } from "../../lineage/queries/LineageTarget.js";
import { producerOf, upstreamLineage } from "../../lineage/queries/Upstream.js";
import { downstreamDiagram, renderDot, renderDownstream, renderMermaid, renderUpstreamTree, upstreamDiagram } from "../LineageFormat.js";
import { showModel } from "../ModelQueries.js";
import { resolveRunId } from "../RunRef.js";
import { formatNumber, formatTime } from "../Table.js";
import { InvalidOptionError, LineageTargetNotFoundError } from "../TrackingError.js";
import { print, printJson, withStore } from "./openStore.js";

type Format = "tree" | "json" | "mermaid" | "dot";
const FORMATS: ReadonlyArray<Format> = ["tree", "json", "mermaid", "dot"];

/** What the target is, for JSON output and headings (a model version carries its registry entry). */
const describeTarget = (db: Db, t: LineageTarget): Record<string, unknown> => {
  if (t.kind !== "model") return { ...t };
  const v = showModel(db, t.model, String(t.version)).versions[0]!;
  return { kind: "model", label: t.label, name: t.model, version: t.version, aliases: v.aliases, metrics: v.metrics, artifact: v.artifact, artifactPath: v.artifactPath, createdAt: v.createdAt, run: v.run, execution: t.execution };
};

const heading = (db: Db, t: LineageTarget): string => {
  if (t.kind === "model") {
    const v = showModel(db, t.model, String(t.version)).versions[0]!;
    const metrics = Object.entries(v.metrics).map(([k, x]) => `${k}=${formatNumber(x)}`).join(" ");
    return `model ${t.label}${v.aliases.length > 0 ? ` [${v.aliases.join(", ")}]` : ""}  artifact ${v.artifact}  registered ${formatTime(Date.parse(v.createdAt))} by run ${v.run}${metrics ? `  ${metrics}` : ""}`;
  }
  if (t.kind === "task") return `task ${t.label} (execution #${t.execution})`;
  if (t.kind === "artifact") return `artifact ${t.hash} (execution #${t.execution})`;
  return `file ${t.path}${t.hash ? ` version ${t.hash}` : ""}`;
};

export const lineageCommand = async (target: string, raw: Record<string, unknown>, storeOpt: string | undefined): Promise<number> => {
  const opts = raw as { down?: boolean; flow?: string; run?: string; format?: string; json?: boolean };
  const format = (opts.json ? "json" : (opts.format ?? "tree")) as Format;
  if (!FORMATS.includes(format)) throw new InvalidOptionError("--format", String(opts.format), FORMATS.join(", "));
  return withStore(storeOpt, ({ store, root }) => {
    const db = store.db;
    const run = opts.run === undefined ? undefined : resolveRunId(db, opts.run);
    const t = resolveLineageTarget(db, target, { root, flow: opts.flow, run });
    if (opts.down) {
      const start = t.kind === "file" ? fileReaders(db, t.path, t.hash) : [producerOf(db, t.execution)];
      if (t.kind === "file" && t.hash !== null && start.length === 0) {
        const known = fileVersions(db, t.path).map((v) => v.hash.slice(0, 12));
        throw new LineageTargetNotFoundError(t.label, `No recorded version of ${t.path} has a hash starting with "${t.hash}"; its versions: ${known.join(", ")}.`);
      }
      const impact = downstreamLineage(db, start);
      if (format === "json") printJson({ target: describeTarget(db, t), direction: "down", ...impact });
      else if (format === "tree") print(renderDownstream(`derived from ${heading(db, t)}`, impact));
      else {
        const g = downstreamDiagram(impact, { label: t.label, file: t.kind === "file" });
        print(format === "mermaid" ? renderMermaid(g) : renderDot(g));
      }
      return ExitCode.Ok;
    }
    if (t.kind === "file") {
      // A source file has no upstream: show the versions cairn has seen, and how to ask what depends on it.
      const versions = fileVersions(db, t.path).filter((v) => t.hash === null || v.hash.startsWith(t.hash));
      if (format === "json") printJson({ target: describeTarget(db, t), direction: "up", versions });
      else if (format === "tree") {
        print(
          [`file ${t.path} (a source: nothing upstream)`, ...versions.map((v) => `  ${v.hash}  ${v.size ?? "?"} B  read by ${v.executions} execution(s)  ${v.firstSeen} .. ${v.lastSeen}`), `what depends on it: cairn lineage --down ${target}`].join("\n"),
        );
      } else {
        const g = { nodes: versions.map((v, i) => ({ id: `f${i}`, label: `${t.path}\n${v.hash.slice(0, 12)}`, shape: "file" as const })), edges: [] };
        print(format === "mermaid" ? renderMermaid(g) : renderDot(g));
      }
      return ExitCode.Ok;
    }
    const g = upstreamLineage(db, t.execution);
    if (format === "json") printJson({ target: describeTarget(db, t), direction: "up", tasks: g.nodes, files: g.files, edges: g.edges });
    else if (format === "tree") print(renderUpstreamTree(heading(db, t), g));
    else {
      const d = upstreamDiagram(g, t.kind === "model" ? { label: t.label } : null);
      print(format === "mermaid" ? renderMermaid(d) : renderDot(d));
    }
    return ExitCode.Ok;
  });
};
