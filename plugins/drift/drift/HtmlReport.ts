/**
 * The drift report people look at: one self-contained HTML page with, per feature, the reference
 * and current distributions as inline SVG (overlaid histograms, or category bars), the test, the
 * statistic and the verdict. No scripts, no external assets.
 */
import { categoryCounts, columnNamed, isNumeric, presentNumbers, type Column, type Dataset } from "../data/Dataset.js";
import type { DriftReport, FeatureDrift } from "./ComputeDrift.js";

const WIDTH = 420;
const HEIGHT = 160;
const BINS = 30;
const MAX_CATEGORIES = 20;
const REF_COLOR = "#4c78a8";
const CUR_COLOR = "#f58518";

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const fmt = (x: number | undefined): string =>
  x === undefined ? "–" : x === 0 ? "0" : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(3) : x.toFixed(4);

/** Bar heights as shares of each sample, so samples of different sizes compare. */
const shares = (counts: ArrayLike<number>): number[] => {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  return Array.from(counts, (c) => (total === 0 ? 0 : c / total));
};

const bars = (series: ReadonlyArray<{ values: number[]; color: string }>, labels: ReadonlyArray<string>, axisLabels = false): string => {
  const n = series[0]!.values.length;
  const max = Math.max(1e-12, ...series.flatMap((s) => s.values));
  const slot = WIDTH / n;
  const barWidth = series.length > 1 && n <= MAX_CATEGORIES ? slot / 2 : slot;
  const rects = series.flatMap((s, k) =>
    s.values.map((v, i) => {
      const h = (v / max) * (HEIGHT - 20);
      const x = i * slot + (barWidth < slot ? k * barWidth : 0);
      const title = `${labels[i] ?? ""}: ${(v * 100).toFixed(1)}%`;
      return `<rect x="${x.toFixed(1)}" y="${(HEIGHT - 16 - h).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}" fill-opacity="${barWidth < slot ? 0.9 : 0.55}"><title>${escapeHtml(title)}</title></rect>`;
    }),
  );
  const texts = axisLabels
    ? labels.map((l, i) => `<text x="${(i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 3}" font-size="10" text-anchor="middle" fill="#555">${escapeHtml(l.length > 12 ? l.slice(0, 11) + "…" : l)}</text>`).join("")
    : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">${rects.join("")}${texts}<line x1="0" y1="${HEIGHT - 16}" x2="${WIDTH}" y2="${HEIGHT - 16}" stroke="#999"/></svg>`;
};

/** Overlaid histograms over the pooled range, BINS equal-width bins. */
const numericChart = (ref: Column, cur: Column): string => {
  if (!isNumeric(ref) || !isNumeric(cur)) return "";
  const a = presentNumbers(ref);
  const b = presentNumbers(cur);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [a, b]) for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) (lo = Math.min(lo, v[i]!), hi = Math.max(hi, v[i]!));
  if (!(hi > lo)) hi = lo + 1;
  const count = (v: Float64Array) => {
    const c = new Float64Array(BINS);
    for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) c[Math.min(BINS - 1, Math.floor(((v[i]! - lo) / (hi - lo)) * BINS))]! += 1;
    return c;
  };
  const width = (hi - lo) / BINS;
  const labels = Array.from({ length: BINS }, (_, i) => `${fmt(lo + i * width)} – ${fmt(lo + (i + 1) * width)}`);
  return bars([{ values: shares(count(a)), color: REF_COLOR }, { values: shares(count(b)), color: CUR_COLOR }], labels) +
    `<div class="axis"><span>${escapeHtml(fmt(lo))}</span><span>${escapeHtml(fmt(hi))}</span></div>`;
};

/** Side-by-side bars for the most frequent categories. */
const categoricalChart = (ref: Column, cur: Column): string => {
  const rc = categoryCounts(ref);
  const cc = categoryCounts(cur);
  const all = [...new Set([...rc.keys(), ...cc.keys()])];
  const top = all.sort((x, y) => (rc.get(y) ?? 0) + (cc.get(y) ?? 0) - ((rc.get(x) ?? 0) + (cc.get(x) ?? 0))).slice(0, MAX_CATEGORIES);
  const rs = shares(all.map((k) => rc.get(k) ?? 0)).slice(0, top.length);
  const cs = shares(all.map((k) => cc.get(k) ?? 0)).slice(0, top.length);
  const note = all.length > MAX_CATEGORIES ? `<p class="note">${MAX_CATEGORIES} most frequent of ${all.length} categories</p>` : "";
  return bars([{ values: rs, color: REF_COLOR }, { values: cs, color: CUR_COLOR }], top, true) + note;
};

const card = (name: string, f: FeatureDrift, reference: Dataset, current: Dataset): string => {
  const ref = columnNamed(reference, name)!;
  const cur = columnNamed(current, name)!;
  const chart = f.kind === "numeric" ? numericChart(ref, cur) : categoricalChart(ref, cur);
  const p = f.pValue === undefined ? "" : `<dt>p-value</dt><dd>${fmt(f.pValue)}${f.adjustedPValue !== f.pValue ? ` (adjusted ${fmt(f.adjustedPValue)})` : ""}</dd>`;
  return `<section class="feature ${f.drifted ? "drifted" : "stable"}">
<h2>${escapeHtml(name)} <span class="verdict">${f.drifted ? "drift" : "no drift"}</span></h2>
<dl><dt>test</dt><dd>${f.test}</dd><dt>statistic</dt><dd>${fmt(f.statistic)}</dd>${p}<dt>threshold</dt><dd>${fmt(f.threshold)}</dd>
<dt>values</dt><dd>${f.reference.count} reference (${f.reference.missing} missing), ${f.current.count} current (${f.current.missing} missing)</dd></dl>
${chart}
</section>`;
};

/**
 * Renders the report page.
 *
 * @example
 * writeFileSync(join(ctx.outDir, "report.html"), renderDriftHtml("drift", report, reference, current));
 */
export const renderDriftHtml = (title: string, report: DriftReport, reference: Dataset, current: Dataset): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — drift report</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
.summary{font-size:16px}.feature{display:inline-block;vertical-align:top;border:1px solid #ddd;border-radius:6px;padding:0 1em 1em;margin:0 1em 1em 0;width:${WIDTH + 20}px}
.drifted{border-color:#d62728}.verdict{font-size:12px;padding:2px 6px;border-radius:4px;background:#2ca02c;color:#fff}
.drifted .verdict{background:#d62728}dl{display:grid;grid-template-columns:max-content auto;gap:2px 1em}dt{color:#666}dd{margin:0}
.axis{display:flex;justify-content:space-between;color:#666;font-size:11px}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}.note{color:#666;font-size:11px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="summary">${report.drifted ? "<strong>Dataset drift detected</strong>" : "No dataset drift"}: ${report.driftedFeatures.length} of ${Object.keys(report.features).length} features drifted (share ${report.driftedShare.toFixed(3)}, threshold ${report.settings.driftShare}).</p>
<p>Reference: ${escapeHtml(report.reference.source)} (${report.reference.rows} rows) · Current: ${escapeHtml(report.current.source)} (${report.current.rows} rows) · correction: ${report.settings.correction}</p>
<p class="legend"><span style="background:${REF_COLOR}"></span>reference<span style="background:${CUR_COLOR}"></span>current</p>
${Object.entries(report.features).map(([name, f]) => card(name, f, reference, current)).join("\n")}
</body></html>
`;
