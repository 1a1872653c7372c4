/**
 * The Docker executor through the real `cairn run` CLI on temp projects: outputs and metrics,
 * cache hits that start no container, image edits, failures, timeout and Ctrl-C.
 */
import { copyFile, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import {
  assertBuilt,
  cached,
  describeResult,
  executed,
  finished,
  makeProject,
  type Project,
} from "../../helpers/CliRig.js";
import { BUSYBOX_BINARY, describeWithDocker, engine, ensureBusyboxImage, tempDir } from "./rig.js";

const DOCKERFILE = ["FROM scratch", "COPY busybox /bin/busybox", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', "ENV PATH=/bin", ""].join("\n");

const FLOW = `import { flow, task, file } from "cairn";
import { docker } from "cairn/plugins/docker";

const image = docker({ build: { context: "image" } });
const prep = task("prep", {
  inputs: { csv: file("data/rows.csv") },
  params: { scale: 2 },
  executor: image,
  cmd: 'echo "rows=$(wc -l < $CAIRN_IN_csv) scale=$CAIRN_PARAM_scale"; cp $CAIRN_IN_csv $CAIRN_OUT/rows.csv',
});
const train = task("train", {
  deps: { prep },
  executor: image,
  cmd: 'wc -l < $CAIRN_IN_prep/rows.csv > $CAIRN_OUT/model.txt; echo "{\\\\"accuracy\\\\": 0.75}" > $CAIRN_OUT/metrics.json',
});
export default flow("dockerized", { targets: [train] });
`;

/** A project with the busybox build context and the two-task flow (or `flow`). */
const dockerProject = async (flow = FLOW): Promise<Project> => {
  const p = await makeProject({ "flow.ts": flow, "data/rows.csv": "a\nb\nc\n", "image/Dockerfile": DOCKERFILE });
  await copyFile(BUSYBOX_BINARY, p.path("image/busybox"));
  return p;
};

/** Names of containers the engine created for `project` between `since` and now (from the engine's event log). */
const containersCreated = async (project: string, since: number): Promise<string[]> => {
  const stream = await (await engine()).getEvents({
    since: Math.floor(since / 1000),
    until: Math.ceil(Date.now() / 1000) + 1,
    filters: JSON.stringify({ type: ["container"], event: ["create"], label: [`cairn.project=${project}`] }),
  });
  const text = await new Promise<string>((done) => {
    let acc = "";
    stream.on("data", (c: Buffer) => (acc += c.toString()));
    stream.on("end", () => done(acc));
  });
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => (JSON.parse(l) as { Actor: { Attributes: Record<string, string> } }).Actor.Attributes["cairn.task"]!);
};

/**
 * Polls until `check` holds. Not a timing assertion: the deadline only stops a broken engine
 * from hanging the suite.
 */
const until = async (check: () => Promise<boolean>, deadlineMs = 45_000): Promise<void> => {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("the awaited state never came");
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Containers of `project` still on the engine, in any state. */
const remaining = async (project: string) =>
  (await engine()).listContainers({ all: true, filters: JSON.stringify({ label: [`cairn.project=${project}`] }) });

describeWithDocker("docker executor through `cairn run`", () => {
  beforeAll(async () => {
    assertBuilt();
    await ensureBusyboxImage();
  });

  it("runs command tasks in containers, records metrics.json, and a rerun is a cache hit that starts no container", async () => {
    const p = await dockerProject();
    const since = Date.now();
    const first = await p.run();
    expect(first.code, describeResult(first)).toBe(0);
    expect(executed(first)).toEqual(["prep", "train"]);
    expect(first.events).toContainEqual(expect.objectContaining({ type: "TaskLogged", task: "prep", stream: "stdout", line: "rows=3 scale=2" }));
    expect(first.events).toContainEqual(expect.objectContaining({ type: "TaskMetricLogged", task: "train", name: "accuracy", value: 0.75 }));
    expect((await containersCreated(p.dir, since)).sort()).toEqual(["prep", "train"]);

    const again = Date.now();
    const second = await p.run();
    expect(second.code, describeResult(second)).toBe(0);
    expect(cached(second)).toEqual(["prep", "train"]);
    expect(finished(second)).toMatchObject({ executed: 0, cached: 2 });
    expect(await containersCreated(p.dir, again)).toEqual([]);
    expect(await remaining(p.dir)).toEqual([]);
  });

  it("reruns after a Dockerfile edit and not after the edit is undone", async () => {
    const p = await dockerProject();
    expect((await p.run()).code).toBe(0);
    await writeFile(p.path("image/Dockerfile"), `${DOCKERFILE}ENV FEATURE_FLAG=on\n`);
    const edited = await p.run();
    expect(edited.code, describeResult(edited)).toBe(0);
    expect(executed(edited)).toEqual(["prep", "train"]);
    const queued = edited.events.find((e) => e.type === "TaskQueued" && e.task === "prep");
    expect(queued).toMatchObject({ reason: { kind: "changed", changed: ["executor"] } });

    await writeFile(p.path("image/Dockerfile"), DOCKERFILE);
    const restored = await p.run();
    expect(restored.code, describeResult(restored)).toBe(0);
    // The original image still exists, so its ID — and the cache keys of the first run — come back.
    expect(cached(restored)).toEqual(["prep", "train"]);
  });

  it("fails a task on a non-zero exit with the exit code and the last output lines", async () => {
    const p = await dockerProject(
      FLOW.replace("cmd: 'wc -l", "cmd: 'for i in $(seq 1 25); do echo step $i; done; exit 4; wc -l"),
    );
    const r = await p.run();
    expect(r.code).not.toBe(0);
    const failed = r.events.find((e) => e.type === "TaskFailed");
    expect(failed, describeResult(r)).toMatchObject({ task: "train" });
    const f = failed as unknown as { message: string; tail: string[] };
    expect(f.message).toMatch(/4/);
    expect(f.tail).toContain("step 25");
    expect(f.tail).not.toContain("step 5");
    expect(await remaining(p.dir)).toEqual([]);
  });

  it("kills and removes the container when the task times out", async () => {
    const p = await dockerProject(
      FLOW.replace('executor: image,\n  cmd: \'wc', "executor: image,\n  timeout: \"1 second\",\n  cmd: 'echo started; sleep 300; wc"),
    );
    const r = await p.run();
    expect(r.code).not.toBe(0);
    expect(r.events).toContainEqual(expect.objectContaining({ type: "TaskFailed", task: "train" }));
    expect(await remaining(p.dir)).toEqual([]);
  });

  it("kills and removes the container on Ctrl-C", async () => {
    const p = await dockerProject(FLOW.replace("cmd: 'wc -l", "cmd: 'echo started; sleep 300; wc -l"));
    const running = p.start(["run", "flow.ts", "--json"]);
    await until(async () => (await remaining(p.dir)).some((c) => c.State === "running" && c.Labels["cairn.task"] === "train"));
    running.child.kill("SIGINT");
    const r = await running.result;
    expect(r.code).not.toBe(0);
    expect(r.events).toContainEqual(expect.objectContaining({ type: "TaskCancelled", task: "train" }));
    expect(await remaining(p.dir)).toEqual([]);
  });
  it("retries a task under its retry policy when the engine answers with a transient 5xx", async () => {
    // A flaky engine cannot be summoned on demand, so a real proxy in front of the real socket
    // answers the first "create container" with 503 and forwards everything else unchanged.
    const socket = join(await tempDir("flaky"), "engine.sock");
    let refused = 0;
    const proxy = createServer((client) => {
      const upstream = connect("/var/run/docker.sock");
      client.on("data", (chunk: Buffer) => {
        const head = chunk.subarray(0, 200).toString("latin1");
        if (refused === 0 && head.startsWith("POST ") && head.includes("/containers/create")) {
          refused++;
          const body = '{"message":"engine is restarting"}';
          client.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
      });
      upstream.on("data", (d) => client.write(d));
      upstream.on("end", () => client.end());
      client.on("close", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((done) => proxy.listen(socket, done));
    try {
      const flow = FLOW.replace('docker({ build: { context: "image" } })', `docker({ build: { context: "image" }, host: "unix://${socket}" })`)
        .replace('const prep = task("prep", {', 'const prep = task("prep", {\n  retry: { attempts: 2, delay: "10ms" },')
        .replace("targets: [train]", "targets: [prep]");
      const p = await dockerProject(flow);
      const r = await p.run();
      expect(r.code, describeResult(r)).toBe(0);
      expect(refused).toBe(1);
      expect(r.events).toContainEqual(expect.objectContaining({ type: "TaskRetrying", task: "prep" }));
      expect(r.events).toContainEqual(expect.objectContaining({ type: "TaskSucceeded", task: "prep", attempts: 2 }));
      expect(await remaining(p.dir)).toEqual([]);
    } finally {
      proxy.close();
    }
  });
  it("removes the containers of a crashed run when the project runs again", async () => {
    const p = await dockerProject(FLOW.replace("cmd: 'wc -l", "cmd: 'sleep 300; wc -l"));
    const crashed = p.start(["run", "flow.ts", "--json"]);
    await until(async () => (await remaining(p.dir)).some((c) => c.State === "running" && c.Labels["cairn.task"] === "train"));
    crashed.child.kill("SIGKILL"); // no chance to clean up: the container outlives its cairn process
    await crashed.result;
    const orphans = await remaining(p.dir);
    expect(orphans.map((c) => c.Labels["cairn.task"])).toEqual(["train"]);

    await writeFile(p.path("flow.ts"), FLOW);
    const next = await p.run();
    expect(next.code, describeResult(next)).toBe(0);
    expect(await remaining(p.dir)).toEqual([]);
    const ids = new Set((await (await engine()).listContainers({ all: true })).map((c) => c.Id));
    expect(ids.has(orphans[0]!.Id)).toBe(false);
  });
});
