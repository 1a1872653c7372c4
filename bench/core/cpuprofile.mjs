// Summaries of a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function,
// self time per file or package, so a profile reads as "where the time goes" in a few lines.
import * as path from "node:path";
import { CAIRN_ROOT } from "./project.mjs";

/** A readable location: dist/src/… for cairn, the package name for node_modules, node: for core. */
export const shortUrl = (url) => {
  if (!url) return "";
  let u = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = u.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = u.slice(nm + "/node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}/${rest.slice(2).join("/")}` : `${rest[0]}/${rest.slice(1).join("/")}`;
  }
  if (u.startsWith(CAIRN_ROOT)) u = path.relative(CAIRN_ROOT, u);
  return u;
};

/** The group a location belongs to: a cairn dist file, an npm package, node internals, or V8. */
const groupOf = (url) => {
  const s = shortUrl(url);
  if (!s) return "(v8/native)";
  if (s.startsWith("node:")) return "node: internals";
  if (url.includes("/node_modules/")) return `pkg ${s.split("/")[0].startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]}`;
  return s;
};

const keyOf = (cf) => `${cf.functionName || "(anonymous)"}  ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;

/**
 * Summarises a parsed .cpuprofile: `{ totalMs, selfByFunction, inclusiveByFunction, selfByFile }`,
 * each a list of `[name, ms]` sorted by time, descending, and `span`: each function's first and
 * last sample (ms since the profile started), a rough timeline of the phases.
 */
export const summarise = (profile) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const incl = new Map();
  const files = new Map();
  const span = new Map();
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  let clock = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    clock += profile.timeDeltas[i] / 1000;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    total += dt;
    const leaf = byId.get(profile.samples[i]);
    add(self, keyOf(leaf.callFrame), dt);
    add(files, ["(idle)", "(garbage collector)", "(program)"].includes(leaf.callFrame.functionName) ? leaf.callFrame.functionName : groupOf(leaf.callFrame.url), dt);
    const seen = new Set();
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id).callFrame);
      if (!seen.has(k)) {
        seen.add(k);
        add(incl, k, dt);
        const sp = span.get(k);
        if (sp) sp[1] = clock;
        else span.set(k, [clock, clock]);
      }
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, selfByFunction: sorted(self), inclusiveByFunction: sorted(incl), selfByFile: sorted(files), span };
};

/** The summary as text: the top `top` entries of each list. */
export const formatSummary = (s, top = 20) => {
  const when = (k) => (s.span.has(k) ? `  [${s.span.get(k).map((x) => x.toFixed(0)).join("–")} ms]` : "");
  const fmt = (list, skip = () => false, showSpan = false) =>
    list.filter(([k]) => !skip(k)).slice(0, top).map(([k, ms]) => `  ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%  ${k}${showSpan ? when(k) : ""}`).join("\n");
  const boring = (k) => k.startsWith("(root)") || k.startsWith("(program)") || k.startsWith("(idle)");
  return [
    `profiled ${s.totalMs.toFixed(0)} ms on the main thread`,
    "self time by file / package:", fmt(s.selfByFile),
    "self time by function:", fmt(s.selfByFunction),
    "inclusive time by function [first–last sample]:", fmt(s.inclusiveByFunction, boring, true),
  ].join("\n");
};
