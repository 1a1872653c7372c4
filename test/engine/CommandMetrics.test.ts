/**
 * Metrics from command tasks: `$CAIRN_OUT/metrics.json` and `cairn:metric` stdout lines are
 * recorded; an invalid metrics file fails the task with a message naming the task and the file,
 * while its other outputs are still stored and recorded.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, describeResult, makeProject } from "../helpers/CliRig.js";
import { objectExists, withDb } from "../helpers/StoreInspect.js";

beforeAll(assertBuilt);

const flowWith = (cmd: string) => `import { flow, task } from "cairn";
const train = task("train", { cmd: ${JSON.stringify(cmd)} });
export default flow("metrics", { tasks: [train] });
`;

const metricsOf = (dir: string) =>
  withDb(dir, (db) => db.prepare(`SELECT m.name, m.value, m.step FROM metrics m JOIN executions e ON e.id = m.execution_id WHERE e.task = 'train' ORDER BY m.name, m.step`).all()) as Array<{ name: string; value: number; step: number | null }>;

describe("metrics of command tasks", () => {
  it("records metrics.json values and series, and cairn:metric lines printed as the task runs", async () => {
    const p = await makeProject({
      "flow.ts": flowWith(`echo "cairn:metric loss=0.5 step=1"; echo "cairn:metric loss=0.25 step=2"; echo '{"accuracy": 0.93, "f1": [{"step": 1, "value": 0.8}]}' > $CAIRN_OUT/metrics.json`),
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(0);
    const live = r.events.filter((e) => e.type === "TaskMetricLogged").map((e) => `${(e as { name: string }).name}=${(e as { value: number }).value}`);
    expect(live).toEqual(["loss=0.5", "loss=0.25", "accuracy=0.93", "f1=0.8"]);
    expect(metricsOf(p.dir)).toEqual([
      { name: "accuracy", value: 0.93, step: null },
      { name: "f1", value: 0.8, step: 1 },
      { name: "loss", value: 0.5, step: 1 },
      { name: "loss", value: 0.25, step: 2 },
    ]);
  });

  it("fails a task whose metrics.json is not valid JSON, naming the task and the file, and keeps its other outputs", async () => {
    const p = await makeProject({ "flow.ts": flowWith(`echo model-bytes > $CAIRN_OUT/model.bin; echo '{"accuracy": 0.9,' > $CAIRN_OUT/metrics.json`) });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    const failed = r.events.find((e) => e.type === "TaskFailed") as { task: string; error: string; message: string };
    expect(failed).toMatchObject({ task: "train", error: "MetricsFileError" });
    expect(failed.message).toContain(`task "train"`);
    expect(failed.message).toContain("metrics.json");
    const outputs = withDb(p.dir, (db) => db.prepare(`SELECT o.name, o.hash FROM execution_outputs o JOIN executions e ON e.id = o.execution_id WHERE e.task = 'train' AND e.status = 'failed'`).all()) as Array<{ name: string; hash: string }>;
    const model = outputs.find((o) => o.name === "model.bin");
    expect(model, JSON.stringify(outputs)).toBeDefined();
    expect(objectExists(p.dir, model!.hash)).toBe(true);
  });
});
