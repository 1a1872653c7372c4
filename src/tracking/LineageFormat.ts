/**
 * Renders lineage for people and for diagram tools: an indented tree (upstream) or grouped list
 * (downstream), Mermaid `graph LR`, or Graphviz DOT.
 */
import type { DownstreamImpact } from "../lineage/queries/Downstream.js";
import type { LineageNode, UpstreamLineage } from "../lineage/queries/Upstream.js";
import { formatDuration, formatNumber, formatValue, shortHash } from "./Table.js";

const bytes = (n: number | null): string =>
  n === null ? "?" : n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`;

const kv = (o: Record<string, unknown>, fmt: (v: unknown) => string): string =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(" ");

/** The upstream tree under a heading line; shared subtrees print once and are referenced after. */
export const renderUpstreamTree = (heading: string, g: UpstreamLineage): string => {
  const byId = new Map(g.nodes.map((n) => [n.execution, n]));
  const lines: string[] = [heading];
  const printed = new Set<number>();
  const walk = (n: LineageNode, prefix: string, last: boolean): void => {
    const branch = prefix + (last ? "└─ " : "├─ ");
    const body = prefix + (last ? "   " : "│  ");
    const when = n.startedAt.replace("T", " ").replace(/\.\d+Z$/, "Z");
    if (printed.has(n.execution)) {
      lines.push(`${branch}${n.task}  (execution #${n.execution}, shown above)`);
      return;
    }
    printed.add(n.execution);
    lines.push(`${branch}${n.task}  [${n.status}]  run ${n.run}  ${when}  ${formatDuration(n.durationMs)}  output ${shortHash(n.outputHash)}`);
    const codeBits = [`code ${shortHash(n.code.hash)}`, n.code.kind ?? "", n.code.command ? `\`${n.code.command}\`` : ""].filter((s) => s !== "");
    if (n.code.changed.length > 0) codeBits.push(`changed: ${n.code.changed.map((c) => `${c.path} (${c.change})`).join(", ")}`);
    lines.push(`${body}${codeBits.join("  ")}`);
    if (n.code.modules.length > 0) lines.push(`${body}modules ${n.code.modules.map((m) => `${m.path}@${shortHash(m.hash)}`).join(" ")}`);
    if (Object.keys(n.params).length > 0) lines.push(`${body}params ${kv(n.params, formatValue)}`);
    if (Object.keys(n.metrics).length > 0) lines.push(`${body}metrics ${kv(n.metrics, (v) => formatNumber(v as number))}`);
    if (n.image) lines.push(`${body}image ${n.image}`);
    if (n.env.length > 0) lines.push(`${body}env ${n.env.join(" ")} (values not stored)`);
    const children: Array<() => void> = [];
    const total = n.deps.length + n.inputs.length;
    let i = 0;
    for (const d of n.deps) {
      const child = d.execution === null ? undefined : byId.get(d.execution);
      const isLast = ++i === total;
      children.push(() =>
        child ? walk(child, body, isLast) : lines.push(`${body}${isLast ? "└─ " : "├─ "}${d.task}  (output ${shortHash(d.outputHash)}; producing execution not recorded)`),
      );
    }
    for (const f of n.inputs) {
      const isLast = ++i === total;
      children.push(() => lines.push(`${body}${isLast ? "└─ " : "├─ "}file ${f.path}  ${f.hash}  ${bytes(f.size)}`));
    }
    for (const c of children) c();
  };
  if (g.nodes[0]) walk(g.nodes[0], "", true);
  return lines.join("\n") + "\n";
};

/** The downstream impact as grouped lists. */
export const renderDownstream = (heading: string, d: DownstreamImpact): string => {
  const out = [heading];
  if (d.executions.length === 0) return out.concat("  nothing recorded depends on it", "").join("\n");
  out.push("tasks");
  for (const t of d.tasks) out.push(`  ${t.flow}/${t.task}  ${t.executions} execution${t.executions === 1 ? "" : "s"}, in ${t.runs} run${t.runs === 1 ? "" : "s"}`);
  out.push("artifacts");
  for (const e of d.executions) if (e.outputHash) out.push(`  ${e.outputHash}  ${e.flow}/${e.task}  run ${e.run}${e.reusedBy.length > 0 ? `  (reused by ${e.reusedBy.length} run${e.reusedBy.length === 1 ? "" : "s"})` : ""}`);
  out.push("models");
  if (d.models.length === 0) out.push("  (none)");
  for (const m of d.models) out.push(`  ${m.name}@${m.version}${m.aliases.length > 0 ? ` [${m.aliases.join(", ")}]` : ""}  artifact ${shortHash(m.artifact)}`);
  return out.join("\n") + "\n";
};

const esc = (s: string): string => s.replace(/"/g, "'");
// Mermaid breaks lines inside a label with <br/>, not "\n".
const mermaidLabel = (s: string): string => esc(s).replace(/\n/g, "<br/>");

/** A Mermaid flowchart of executions and files (`--format mermaid`). */
export const renderMermaid = (g: { nodes: ReadonlyArray<{ id: string; label: string; shape: "task" | "file" | "model" }>; edges: ReadonlyArray<{ from: string; to: string }> }): string => {
  const shape = (n: { id: string; label: string; shape: string }) =>
    n.shape === "file" ? `${n.id}[("${mermaidLabel(n.label)}")]` : n.shape === "model" ? `${n.id}{{"${mermaidLabel(n.label)}"}}` : `${n.id}["${mermaidLabel(n.label)}"]`;
  return ["graph LR", ...g.nodes.map((n) => `  ${shape(n)}`), ...g.edges.map((e) => `  ${e.from} --> ${e.to}`)].join("\n") + "\n";
};

/** A Graphviz digraph of executions and files (`--format dot`). */
export const renderDot = (g: { nodes: ReadonlyArray<{ id: string; label: string; shape: "task" | "file" | "model" }>; edges: ReadonlyArray<{ from: string; to: string }> }): string =>
  [
    "digraph lineage {",
    "  rankdir=LR;",
    ...g.nodes.map((n) => `  ${n.id} [label="${esc(n.label).replace(/\n/g, "\\n")}", shape=${n.shape === "file" ? "note" : n.shape === "model" ? "hexagon" : "box"}];`),
    ...g.edges.map((e) => `  ${e.from} -> ${e.to};`),
    "}",
  ].join("\n") + "\n";

/** Nodes and edges of an upstream lineage for Mermaid/DOT. */
export const upstreamDiagram = (g: UpstreamLineage, model: { label: string } | null) => {
  const nodes: Array<{ id: string; label: string; shape: "task" | "file" | "model" }> = [];
  const edges: Array<{ from: string; to: string }> = [];
  const fileIds = new Map<string, string>();
  for (const n of g.nodes) nodes.push({ id: `e${n.execution}`, label: `${n.task}\n${shortHash(n.outputHash)}`, shape: "task" });
  for (const n of g.nodes) {
    for (const f of n.inputs) {
      const k = `${f.path}@${f.hash}`;
      if (!fileIds.has(k)) {
        fileIds.set(k, `f${fileIds.size}`);
        nodes.push({ id: fileIds.get(k)!, label: `${f.path}\n${shortHash(f.hash)}`, shape: "file" });
      }
      edges.push({ from: fileIds.get(k)!, to: `e${n.execution}` });
    }
  }
  for (const e of g.edges) edges.push({ from: `e${e.from}`, to: `e${e.to}` });
  if (model && g.nodes[0]) {
    nodes.push({ id: "m0", label: model.label, shape: "model" });
    edges.push({ from: `e${g.nodes[0].execution}`, to: "m0" });
  }
  return { nodes, edges };
};

/** Nodes and edges of a downstream impact for Mermaid/DOT, rooted at `source` (a file or an execution). */
export const downstreamDiagram = (d: DownstreamImpact, source: { label: string; file: boolean }) => {
  const nodes: Array<{ id: string; label: string; shape: "task" | "file" | "model" }> = [];
  const edges: Array<{ from: string; to: string }> = [];
  if (source.file) nodes.push({ id: "src", label: source.label, shape: "file" });
  for (const e of d.executions) {
    nodes.push({ id: `e${e.execution}`, label: `${e.task}\n${shortHash(e.outputHash)}`, shape: "task" });
    if (source.file && e.depth === 0) edges.push({ from: "src", to: `e${e.execution}` });
  }
  const seen = new Set<string>();
  for (const e of d.edges) {
    const k = `${e.from}>${e.to}`;
    if (!seen.has(k)) edges.push({ from: `e${e.from}`, to: `e${e.to}` });
    seen.add(k);
  }
  d.models.forEach((m, i) => {
    nodes.push({ id: `m${i}`, label: `${m.name}@${m.version}`, shape: "model" });
    edges.push({ from: `e${m.execution}`, to: `m${i}` });
  });
  return { nodes, edges };
};
