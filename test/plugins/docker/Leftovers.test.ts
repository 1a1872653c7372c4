/**
 * Containers a crashed run left behind are removed by the next run's `prepare`; and by default a
 * container runs as the user who started cairn, so outputs belong to that user.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chown, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { docker } from "../../../plugins/docker/index.js";
import { BUSYBOX_IMAGE, bundledPlugin, cairnContainers, describeWithDocker, engine, ensureBusyboxImage, removeDir, tempDir, testRunId } from "./rig.js";

/** A pid that belonged to a process which has exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  return child.pid!;
};

describeWithDocker("docker executor: leftovers and ownership", () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir("leftovers");
    await ensureBusyboxImage();
  });
  afterAll(async () => {
    expect(await cairnContainers(testRunId)).toEqual([]);
    await removeDir(root);
  });

  it("removes containers of this project whose cairn process died, and keeps those of live runs", async () => {
    const project = join(root, "project");
    const client = await engine();
    const labelled = (runId: string, pid: number, projectDir = project) =>
      client.createContainer({
        Image: BUSYBOX_IMAGE,
        Cmd: ["sleep", "300"],
        Labels: { "cairn.run": runId, "cairn.task": "train", "cairn.project": projectDir, "cairn.owner-host": hostname(), "cairn.owner-pid": String(pid) },
        HostConfig: { NetworkMode: "none" },
      });
    const live = spawn("sleep", ["300"]);
    const crashed = await labelled(`${testRunId}-crashed`, deadPid());
    await crashed.start();
    const stopped = await labelled(`${testRunId}-crashed`, deadPid());
    const running = await labelled(`${testRunId}-live`, live.pid!);
    const otherProject = await labelled(`${testRunId}-other`, deadPid(), join(root, "elsewhere"));
    try {
      await docker({ image: BUSYBOX_IMAGE }).prepare({ projectDir: project, runId: `${testRunId}-next` });
      const ids = new Set((await client.listContainers({ all: true })).map((c) => c.Id));
      expect(ids.has(crashed.id)).toBe(false);
      expect(ids.has(stopped.id)).toBe(false);
      expect(ids.has(running.id)).toBe(true);
      expect(ids.has(otherProject.id)).toBe(true);
    } finally {
      live.kill();
      for (const c of [crashed, stopped, running, otherProject]) await c.remove({ force: true }).catch(() => undefined);
    }
  });

  it.skipIf(process.getuid?.() !== 0)(
    "runs as the invoking user by default, so outputs belong to them (cairn started as uid 1000)",
    async () => {
      // Starting a process as another user needs root; the test then runs the executor in a real
      // child process with uid 1000 and the docker group (to open the socket).
      const bundle = await bundledPlugin();
      const dockerGid = Number(execFileSync("getent", ["group", "docker"], { encoding: "utf8" }).split(":")[2]);
      const work = await tempDir("as-1000"); // directly under /tmp: uid 1000 cannot enter root's 0700 temp dirs
      await mkdir(join(work, "out"), { recursive: true });
      await mkdir(join(work, "tmp"), { recursive: true });
      for (const d of [work, join(work, "out"), join(work, "tmp")]) await chown(d, 1000, dockerGid);
      const script = join(work, "run.mjs");
      await writeFile(
        script,
        `import { docker } from ${JSON.stringify(bundle)};
const req = { runId: ${JSON.stringify(testRunId)}, flow: "f", task: "owned", attempt: 1, command: { shell: "id -u; id -g; echo model > $CAIRN_OUT/model.txt" },
  env: {}, inputs: [], outDir: ${JSON.stringify(join(work, "out"))}, tmpDir: ${JSON.stringify(join(work, "tmp"))}, cwd: ${JSON.stringify(work)},
  resources: {}, signal: new AbortController().signal, log: (_s, line) => console.log(line) };
const result = await docker({ image: ${JSON.stringify(BUSYBOX_IMAGE)} }).run(req);
console.log(JSON.stringify(result));`,
      );
      const child = spawnSync(process.execPath, [script], { uid: 1000, gid: dockerGid, encoding: "utf8", cwd: work });
      expect(child.stderr).toBe("");
      const lines = child.stdout.trim().split("\n");
      expect(lines.slice(0, 2)).toEqual(["1000", String(dockerGid)]);
      expect(JSON.parse(lines[2]!)).toMatchObject({ exitCode: 0 });
      const st = await stat(join(work, "out", "model.txt"));
      expect([st.uid, st.gid]).toEqual([1000, dockerGid]);
      expect(await readFile(join(work, "out", "model.txt"), "utf8")).toBe("model\n");
      await removeDir(work);
    },
  );
});
