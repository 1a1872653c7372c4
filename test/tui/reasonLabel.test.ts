// RunReason → the words the TUI shows for why a task ran.
import { describe, expect, it } from "vitest";
import { reasonDetail, reasonLabel } from "../../src/tui/reasonLabel.js";

describe("reasonLabel", () => {
  it.each([
    [{ kind: "changed", changed: ["code"] }, "code changed"],
    [{ kind: "changed", changed: ["inputs"] }, "input changed"],
    [{ kind: "changed", changed: ["params"] }, "params changed"],
    [{ kind: "changed", changed: ["deps"] }, "dep changed"],
    [{ kind: "forced" }, "forced"],
    [{ kind: "no-cache" }, "no cache"],
    [{ kind: "new" }, "new"],
    [{ kind: "heal" }, "outputs missing"],
  ] as const)("renders %j as '%s'", (reason, label) => {
    expect(reasonLabel(reason)).toBe(label);
  });

  it("names the first of several changed ingredients and counts the others", () => {
    expect(reasonLabel({ kind: "changed", changed: ["code", "params", "env"] })).toBe("code changed +2");
  });

  it("spells out every changed ingredient and the detail line in the detail view", () => {
    expect(reasonDetail({ kind: "changed", changed: ["inputs", "params"], detail: "input data/churn.csv changed" })).toBe(
      "input changed, params changed: input data/churn.csv changed",
    );
    expect(reasonDetail({ kind: "forced" })).toBe("forced");
  });

  it("names an ingredient it has no label for rather than hiding it", () => {
    expect(reasonLabel({ kind: "changed", changed: ["gpuDriver"] })).toBe("gpuDriver changed");
  });
});
