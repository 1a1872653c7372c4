/** Running command tasks in real containers: outputs, exit codes, logs, OOM, cancellation, network. */
import { once } from "node:events";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DockerOomError, DockerOptionsError, DockerStartError, docker } from "../../../plugins/docker/index.js";
import {
  BUSYBOX_BINARY,
  BUSYBOX_IMAGE,
  cairnContainers,
  commandRequest,
  describeWithDocker,
  engine,
  ensureBusyboxImage,
  removeDir,
  runBusybox,
  tempDir,
  testRunId,
  type LoggedLine,
} from "./rig.js";

describeWithDocker("docker executor: running a command in a container", () => {
  let root: string;
  let n = 0;
  /** A fresh directory per test so outputs never mix. */
  const fresh = async (): Promise<string> => {
    const dir = join(root, `case-${++n}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    root = await tempDir("run");
    await ensureBusyboxImage();
  });
  afterAll(async () => {
    expect(await cairnContainers(testRunId)).toEqual([]);
    await removeDir(root);
  });

  it("runs the command in the image, mounts inputs under /cairn/in and collects what it writes to $CAIRN_OUT", async () => {
    const dir = await fresh();
    await writeFile(join(dir, "data.csv"), "a,b\n1,2\n");
    const logged: LoggedLine[] = [];
    const req = await commandRequest(
      dir,
      {
        command: { shell: 'echo "in=$CAIRN_IN_data out=$CAIRN_OUT"; cp "$CAIRN_IN_data" "$CAIRN_OUT/copy.csv"; echo \'{"accuracy":0.9}\' > "$CAIRN_OUT/metrics.json"' },
        inputs: [{ name: "data", envVar: "CAIRN_IN_data", hostPath: join(dir, "data.csv"), kind: "file" }],
      },
      logged,
    );
    const result = await runBusybox(req);
    expect(result.exitCode).toBe(0);
    expect(logged).toContainEqual({ stream: "stdout", line: "in=/cairn/in/data out=/cairn/out" });
    expect(await readFile(join(req.outDir, "copy.csv"), "utf8")).toBe("a,b\n1,2\n");
    expect(JSON.parse(await readFile(join(req.outDir, "metrics.json"), "utf8"))).toEqual({ accuracy: 0.9 });
    const st = await stat(join(req.outDir, "copy.csv"));
    expect([st.uid, st.gid]).toEqual([process.getuid?.(), process.getgid?.()]);
  });

  it("mounts inputs read-only", async () => {
    const dir = await fresh();
    await writeFile(join(dir, "data.csv"), "original\n");
    const req = await commandRequest(dir, {
      command: { shell: 'echo changed > "$CAIRN_IN_data"' },
      inputs: [{ name: "data", envVar: "CAIRN_IN_data", hostPath: join(dir, "data.csv"), kind: "file" }],
    });
    const result = await runBusybox(req);
    expect(result.exitCode).not.toBe(0);
    expect(result.tail.join("\n")).toMatch(/Read-only file system/);
    expect(await readFile(join(dir, "data.csv"), "utf8")).toBe("original\n");
  });

  it("passes declared env vars but keeps the image's PATH and points HOME and TMPDIR at /cairn/tmp", async () => {
    const dir = await fresh();
    const logged: LoggedLine[] = [];
    const req = await commandRequest(dir, { command: { shell: 'echo "$SEED|$PATH|$HOME|$TMPDIR|$CAIRN_TMP"' }, env: { SEED: "42" } }, logged);
    expect((await runBusybox(req)).exitCode).toBe(0);
    expect(logged.map((l) => l.line)).toEqual(["42|/bin|/cairn/tmp|/cairn/tmp|/cairn/tmp"]);
  });

  it("runs an argv command directly, without a shell", async () => {
    const dir = await fresh();
    const logged: LoggedLine[] = [];
    const req = await commandRequest(dir, { command: { argv: ["/bin/echo", "$CAIRN_OUT", "two words"] } }, logged);
    expect((await runBusybox(req)).exitCode).toBe(0);
    expect(logged.map((l) => l.line)).toEqual(["$CAIRN_OUT two words"]);
  });

  it("returns a non-zero exit code with the last 20 lines of output, stdout and stderr apart", async () => {
    const dir = await fresh();
    const logged: LoggedLine[] = [];
    const req = await commandRequest(dir, { command: { shell: "for i in $(seq 1 30); do echo line $i; done; echo oops >&2; exit 3" } }, logged);
    const result = await runBusybox(req);
    expect(result.exitCode).toBe(3);
    // stdout and stderr are separate pipes, so where "oops" lands among the last lines varies.
    expect(result.tail).toHaveLength(20);
    expect(result.tail.filter((l) => l !== "oops")).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).slice(-result.tail.filter((l) => l !== "oops").length));
    expect(result.tail.at(-1) === "oops" || result.tail.at(-1) === "line 30").toBe(true);
    expect(logged.filter((l) => l.stream === "stderr")).toEqual([{ stream: "stderr", line: "oops" }]);
    expect(logged.filter((l) => l.stream === "stdout")).toHaveLength(30);
  });

  it("delivers log lines while the container is still running", async () => {
    // The container waits for a file the test writes only after it has received the first line:
    // if lines arrived only at exit, this would never finish.
    const dir = await fresh();
    const req = await commandRequest(dir, {
      command: { shell: "echo waiting; until [ -f /cairn/tmp/go ]; do sleep 0.05; done; echo released" },
      log: (_stream, line) => {
        seen.push(line);
        if (line === "waiting") void writeFile(join(req.tmpDir, "go"), "");
      },
    });
    const seen: string[] = [];
    const result = await runBusybox(req);
    expect(result.exitCode).toBe(0);
    expect(seen).toEqual(["waiting", "released"]);
  });

  it("kills and removes the container when the task is cancelled", async () => {
    const dir = await fresh();
    const controller = new AbortController();
    const req = await commandRequest(dir, {
      task: "cancel-me",
      signal: controller.signal,
      command: { shell: "echo started; sleep 300; echo never" },
      log: (_s, line) => {
        if (line === "started") controller.abort();
      },
    });
    const result = await runBusybox(req);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe("SIGKILL");
    expect(result.tail).toEqual(["started"]);
    const left = (await cairnContainers(testRunId)).filter((c) => c.Labels["cairn.task"] === "cancel-me");
    expect(left).toEqual([]);
  });

  it("starts no container when the task was cancelled before it ran", async () => {
    const dir = await fresh();
    const controller = new AbortController();
    controller.abort();
    const events = await (await engine()).getEvents({ since: Math.floor(Date.now() / 1000) - 1, until: Math.floor(Date.now() / 1000) + 1 });
    const req = await commandRequest(dir, { task: "pre-cancelled", signal: controller.signal, command: { shell: "echo hi > /cairn/out/x" } });
    const result = await runBusybox(req);
    expect(result.exitCode).toBeNull();
    expect(existsSync(join(req.outDir, "x"))).toBe(false);
    const text = await new Promise<string>((done) => {
      let acc = "";
      events.on("data", (c: Buffer) => (acc += c.toString()));
      events.on("end", () => done(acc));
    });
    expect(text).not.toContain("pre-cancelled");
  });

  it("reports an OOM kill as DockerOomError naming the memory limit and resources.memory", async () => {
    const dir = await fresh();
    const req = await commandRequest(dir, {
      resources: { memory: "8m" },
      command: { shell: 'echo allocating; x=$(head -c 64000000 /dev/zero | tr "\\0" a); echo done' },
    });
    const error = await runBusybox(req).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DockerOomError);
    const oom = error as DockerOomError;
    expect(oom.retryable).toBe(false);
    expect(oom.message).toContain('resources.memory = "8m"');
    expect(oom.message).toContain("Raise resources.memory");
    expect(oom.tail).toContain("allocating");
  });

  it("keeps the network off unless the task opts in to bridge", async () => {
    // A TCP server on the host, reached through the bridge gateway: with network "bridge" the
    // container connects, with the default it cannot even open the socket.
    const server = createServer((s) => s.end("hello from host\n"));
    server.listen(0, "0.0.0.0");
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    // The host's own address: reachable from a bridged container, unreachable without a network.
    const hostIp = Object.values(networkInterfaces())
      .flat()
      .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address;
    expect(hostIp).toBeDefined();
    try {
      const cmd = { shell: `nc -w 5 ${hostIp} ${port} </dev/null; echo "exit=$?"` };
      const offLog: LoggedLine[] = [];
      await runBusybox(await commandRequest(await fresh(), { command: cmd }, offLog));
      const onLog: LoggedLine[] = [];
      await runBusybox(await commandRequest(await fresh(), { command: cmd }, onLog), { network: "bridge" });
      expect(onLog.map((l) => l.line)).toEqual(["hello from host", "exit=0"]);
      expect(offLog.map((l) => l.line)).toContain("exit=1");
      expect(offLog.map((l) => l.line).join("\n")).toMatch(/unreachable/i);
    } finally {
      server.close();
    }
  });

  it("runs as the configured user and hands it the output directory", async () => {
    const dir = await fresh();
    const logged: LoggedLine[] = [];
    const req = await commandRequest(dir, { command: { shell: 'id -u; id -g; echo x > "$CAIRN_OUT/made.txt"' } }, logged);
    expect((await runBusybox(req, { user: "1000:1000" })).exitCode).toBe(0);
    expect(logged.map((l) => l.line)).toEqual(["1000", "1000"]);
    const st = await stat(join(req.outDir, "made.txt"));
    expect([st.uid, st.gid]).toEqual([1000, 1000]);
  });

  it("makes glob inputs (a directory of links to files elsewhere) readable inside the container", async () => {
    const dir = await fresh();
    await mkdir(join(dir, "data", "nested"), { recursive: true });
    await writeFile(join(dir, "data", "a.txt"), "A\n");
    await writeFile(join(dir, "data", "nested", "b.txt"), "B\n");
    await mkdir(join(dir, "links", "nested"), { recursive: true });
    await symlink(join(dir, "data", "a.txt"), join(dir, "links", "a.txt"));
    await symlink(join(dir, "data", "nested", "b.txt"), join(dir, "links", "nested", "b.txt"));
    const logged: LoggedLine[] = [];
    const req = await commandRequest(
      dir,
      {
        command: { shell: 'cat "$CAIRN_IN_files/a.txt" "$CAIRN_IN_files/nested/b.txt"' },
        inputs: [{ name: "files", envVar: "CAIRN_IN_files", hostPath: join(dir, "links"), kind: "glob" }],
      },
      logged,
    );
    expect((await runBusybox(req)).exitCode).toBe(0);
    expect(logged.map((l) => l.line)).toEqual(["A", "B"]);
  });

  it("refuses to mount the Docker socket, even inside a declared directory", async () => {
    const dir = await fresh();
    for (const hostPath of ["/var/run/docker.sock", "/var/run"]) {
      const req = await commandRequest(dir, {
        command: { shell: "true" },
        inputs: [{ name: "sock", envVar: "CAIRN_IN_sock", hostPath, kind: "dir" }],
      });
      await expect(runBusybox(req)).rejects.toBeInstanceOf(DockerOptionsError);
    }
  });

  it("labels every container with run, task and project", async () => {
    const dir = await fresh();
    const executor = docker({ image: BUSYBOX_IMAGE });
    await executor.prepare({ projectDir: dir, runId: testRunId });
    const labels: Record<string, string>[] = [];
    const client = await engine();
    const req = await commandRequest(dir, {
      task: "labelled",
      command: { shell: "echo ready; until [ -f /cairn/tmp/go ]; do sleep 0.05; done" },
      log: (_s, line) => {
        if (line !== "ready") return;
        void client
          // all: the engine may still list a container that is already printing as "created".
          .listContainers({ all: true, filters: JSON.stringify({ label: [`cairn.run=${testRunId}`, "cairn.task=labelled"] }) })
          .then((cs) => labels.push(...cs.map((c) => c.Labels)))
          .finally(() => writeFile(join(req.tmpDir, "go"), ""));
      },
    });
    expect((await executor.run(req)).exitCode).toBe(0);
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({ "cairn.run": testRunId, "cairn.task": "labelled", "cairn.project": dir, "cairn.flow": "test-flow" });
  });
  it("explains that a string cmd needs /bin/sh when the image has no shell", async () => {
    // An image holding only /busybox: no /bin/sh, as in most FROM-scratch images.
    const ctx = join(root, "no-shell-image");
    await mkdir(ctx, { recursive: true });
    await copyFile(BUSYBOX_BINARY, join(ctx, "busybox"));
    await writeFile(join(ctx, "Dockerfile"), "FROM scratch\nCOPY busybox /busybox\n");
    const executor = docker({ build: { context: ctx, tag: "cairn-test/no-shell:latest" } });
    const dir = await fresh();
    const req = await commandRequest(dir, { command: { shell: "echo hi" } });
    const error = await executor.run(req).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DockerStartError);
    expect((error as Error).message).toContain("argv array");
    const logged: LoggedLine[] = [];
    const argv = await commandRequest(await fresh(), { command: { argv: ["/busybox", "echo", "no shell needed"] } }, logged);
    expect((await executor.run(argv)).exitCode).toBe(0);
    expect(logged.map((l) => l.line)).toEqual(["no shell needed"]);
    await (await engine()).getImage("cairn-test/no-shell:latest").remove({ force: true });
  });
});
