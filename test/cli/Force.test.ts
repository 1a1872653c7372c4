/** `--force`: bare (every task) and with task names (those tasks, even when cached). */
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, makeProject } from "../helpers/CliRig.js";

beforeAll(assertBuilt);

const FLOW = `import { flow, task } from "cairn";
const a = task("a", { run: () => 1 });
const b = task("b", { deps: { a }, run: ({ a }) => a + 1 });
const c = task("c", { cmd: "echo c > $CAIRN_OUT/c" });
export default flow("force", { tasks: [b, c] });
`;

describe("--force", () => {
  it("executes every task when given without a task name", async () => {
    const p = await makeProject({ "flow.ts": FLOW });
    expect((await p.run()).code).toBe(0);
    const r = await p.run(["--force"]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["a", "b", "c"]);
  });

  it("executes only the named tasks, even though they are cached, and restores the rest", async () => {
    const p = await makeProject({ "flow.ts": FLOW });
    expect((await p.run()).code).toBe(0);
    const r = await p.run(["--force", "a", "--force", "c"]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["a", "c"]);
    // a produced the same value again, so b is still a cache hit.
    expect(cached(r)).toEqual(["b"]);
  });
});
