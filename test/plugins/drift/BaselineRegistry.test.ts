/**
 * compareToBaseline against the registered production model, through the real CLI: the baseline
 * comes from the model registry in the project's lineage database.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, describeResult, makeProject } from "../../helpers/CliRig.js";

beforeAll(assertBuilt);

const flow = (accuracy: number) => `import { flow, task } from "cairn";
import { compareToBaseline } from "cairn/plugins/drift";
const train = task("train", {
  params: { accuracy: ${accuracy} },
  run: (_a, ctx) => {
    ctx.registerModel("churn", { weights: [1, 2] }, { metrics: { accuracy: ctx.params.accuracy } });
    return { accuracy: ctx.params.accuracy };
  },
});
const gate = compareToBaseline("gate", { metrics: train, baseline: "production", model: "churn", maxDrop: 0.05 });
export default flow("registry-gate", { tasks: [gate] });
`;

describe("compareToBaseline with baseline: \"production\"", () => {
  it("fails with a clear message while the model has no production version", async () => {
    const p = await makeProject({ "flow.ts": flow(0.9) });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    const failed = r.events.find((e) => e.type === "TaskFailed" && e.task === "gate") as { message?: string } | undefined;
    expect(failed?.message).toContain(`model "churn" has no production version yet`);
  });

  it("passes a model as good as production and fails one that dropped more than maxDrop", async () => {
    const p = await makeProject({ "flow.ts": flow(0.9) });
    await p.run();
    const promoted = await p.cairn(["models", "promote", "churn", "1", "--to", "production"]);
    expect(promoted.code, describeResult(promoted)).toBe(0);
    const same = await p.run();
    expect(same.code, describeResult(same)).toBe(0);
    await p.write({ "flow.ts": flow(0.8) });
    const worse = await p.run();
    expect(worse.code, describeResult(worse)).toBe(1);
    const failed = worse.events.find((e) => e.type === "TaskFailed" && e.task === "gate") as { error?: string; message?: string } | undefined;
    expect(failed?.error).toBe("ModelDegradedError");
    expect(failed?.message).toContain("production model");
  });
});
