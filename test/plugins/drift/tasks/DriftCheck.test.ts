/** The driftCheck task: JSON and HTML reports, the logged table, and the three onDrift modes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { file } from "../../../../src/index.js";
import { DriftDetectedError, driftCheck } from "../../../../plugins/drift/index.js";
import { runTask, tempFile } from "../TaskHarness.js";

const csv = (rows: number, shift: number, label: string) => {
  const lines = ["amount,segment"];
  for (let i = 0; i < rows; i++) lines.push(`${((i * 37) % 101) / 10 + shift},${i % 3 === 0 ? label : "<b>&co</b>"}`);
  return lines.join("\n") + "\n";
};
const ref = tempFile("ref.csv", csv(200, 0, "retail"));
const same = tempFile("same.csv", csv(150, 0, "retail"));
const moved = tempFile("moved.csv", csv(150, 4, "online"));
const args = (current: string) => ({ reference: { path: ref }, current: { path: current } });

describe("driftCheck", () => {
  it("returns the report, writes report.json and report.html, logs a table and records a metric", async () => {
    const t = driftCheck("drift", { reference: file("ref.csv"), current: file("same.csv") });
    const { value, harness } = await runTask(t, args(same));
    expect(value.drifted).toBe(false);
    expect(Object.keys(value.features)).toEqual(["amount", "segment"]);
    expect(JSON.parse(readFileSync(join(harness.outDir, "report.json"), "utf8"))).toEqual(value);
    const html = readFileSync(join(harness.outDir, "report.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("&lt;b&gt;&amp;co&lt;/b&gt;");
    expect(html).not.toContain("<b>&co</b>");
    expect(harness.artifacts["drift-report"]).toBe(join(harness.outDir, "report.html"));
    expect(harness.logs[0]).toBe("drift: no drift (0% of features)");
    expect(harness.logs[1]).toMatch(/^feature\s+test\s+statistic\s+p-value\s+threshold\s+drift$/);
    expect(harness.logs.at(-1)).toBe("0/2 features drifted (share 0.000): no dataset drift");
    expect(harness.metrics.drifted_share).toBe(0);
  });

  it("fails with the table in the message under onDrift: fail, after writing the reports", async () => {
    const t = driftCheck("drift", { reference: file("ref.csv"), current: file("moved.csv"), onDrift: "fail" });
    const error = await runTask(t, args(moved)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftDetectedError);
    expect((error as Error).message).toMatch(/dataset drift — 2 feature\(s\) drifted \(amount, segment\)[\s\S]*amount\s+ks[\s\S]*DRIFT/);
  });

  it("warns by default and stays silent under onDrift: continue", async () => {
    const warned = await runTask(driftCheck("drift", { reference: file("ref.csv"), current: file("moved.csv") }), args(moved));
    expect(warned.value.drifted).toBe(true);
    expect(warned.harness.logs.at(-1)).toBe("warning: dataset drift in amount, segment");
    const quiet = await runTask(driftCheck("drift", { reference: file("ref.csv"), current: file("moved.csv"), onDrift: "continue" }), args(moved));
    expect(quiet.harness.logs.some((l) => l.startsWith("warning"))).toBe(false);
  });

  it("rejects invalid options at definition time, all at once", () => {
    expect(() =>
      driftCheck("drift", { reference: file("a.csv"), current: file("b.csv"), numeric: "t-test" as never, correction: "holm" as never, threshold: -1 }),
    ).toThrow(/numeric is "t-test"[\s\S]*correction is "holm"[\s\S]*thresholds must be positive/);
  });
});
