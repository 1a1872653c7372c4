/**
 * The example flow through the real CLI (needs `npm run build`): validation gates the drift check,
 * retraining runs only when the data drifted (`when`), and a failing validation stops the flow.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, describeResult, executed, makeProject, tasksWith } from "../../../helpers/CliRig.js";

beforeAll(assertBuilt);

const example = (rel: string) => readFileSync(fileURLToPath(new URL(`../../../../examples/drift/${rel}`, import.meta.url)), "utf8");
const FLOW = example("flow.ts");
const REFERENCE = example("data/reference.csv");
const CURRENT = example("data/current.csv");

describe("examples/drift/flow.ts", () => {
  it("retrains and gates the model when this month's customers drifted", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/reference.csv": REFERENCE, "data/current.csv": CURRENT });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["drift", "evaluate", "gate", "retrain", "validate_current"]);
  });

  it("skips retraining, and everything after it, when the current data matches the reference", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/reference.csv": REFERENCE, "data/current.csv": REFERENCE });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["drift", "validate_current"]);
    expect(tasksWith(r.events, "TaskSkipped")).toEqual(["evaluate", "gate", "retrain"]);
  });

  it("stops before the drift check when validation fails, naming the violation", async () => {
    const broken = CURRENT.replace(/\n100002,(\d+),/, "\n100002,7,");
    const p = await makeProject({ "flow.ts": FLOW, "data/reference.csv": REFERENCE, "data/current.csv": broken });
    const r = await p.run();
    expect(r.code, describeResult(r)).not.toBe(0);
    expect(executed(r)).toEqual([]);
    const failed = r.events.find((e) => e.type === "TaskFailed");
    expect(failed).toMatchObject({ task: "validate_current" });
    expect((failed as { message: string }).message).toContain('column "age": 1 value(s) below min 18 (row 2: "7")');
  });
});
