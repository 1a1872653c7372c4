/** The plain reporter: one line per task start/finish, a summary, and task reports under it. */
import { describe, expect, it } from "vitest";
import { EventBus } from "../../src/events/EventBus.js";
import { startPlainReporter } from "../../src/reporters/PlainReporter.js";

describe("plain reporter", () => {
  it("prints task reports (such as a drift table) under the run summary, once", () => {
    const bus = new EventBus();
    let out = "";
    startPlainReporter(bus, (s) => void (out += s));
    const runId = "r1";
    bus.publish({ type: "RunStarted", runId, at: 0, flow: "f", flowFile: "/f.ts", tasks: [{ name: "drift", kind: "function", deps: [] }] });
    bus.publish({ type: "TaskReported", runId, at: 1, task: "drift", title: "drift: DRIFTED", text: "feature  drift\nage      DRIFT" });
    bus.publish({ type: "TaskSucceeded", runId, at: 2, task: "drift", key: "k", durationMs: 5, attempts: 1, outputHash: "h" });
    bus.publish({ type: "RunFinished", runId, at: 3, status: "succeeded", executed: 1, cached: 0, failed: 0, cancelled: 0, skipped: 0, durationMs: 3 });
    const lines = out.split("\n");
    const summary = lines.findIndex((l) => l.startsWith("succeeded: 1 executed"));
    expect(summary).toBeGreaterThan(0);
    expect(lines.slice(summary + 1).join("\n")).toContain("── drift: DRIFTED (drift) ──\nfeature  drift\nage      DRIFT");
    bus.publish({ type: "RunFinished", runId: "r2", at: 4, status: "succeeded", executed: 0, cached: 1, failed: 0, cancelled: 0, skipped: 0, durationMs: 1 });
    expect(out.match(/drift: DRIFTED/g)).toHaveLength(1);
  });
});
