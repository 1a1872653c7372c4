/**
 * Test rig for the Docker plugin: finds out whether an engine is reachable (skip or fail under
 * CAIRN_REQUIRE_DOCKER=1), builds the busybox test image FROM scratch, and hand-builds requests.
 */
import { existsSync, rmSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { describe, it } from "vitest";
import type { CommandInput, CommandRequest, CommandResult, FingerprintRequest } from "../../../src/index.js";
import { docker } from "../../../plugins/docker/index.js";
import { dockerClient, engineAddress } from "../../../plugins/docker/DockerClient.js";
import { LABEL_RUN } from "../../../plugins/docker/Labels.js";

/** The busybox shell image the tests run; `.ci/docker.sh` builds the same one. */
export const BUSYBOX_IMAGE = "cairn-test/busybox:latest";
export const BUSYBOX_BINARY = "/usr/bin/busybox";

/** Whether the Docker tests can run here, and if not, why (one line). */
export interface EngineProbe {
  readonly ok: boolean;
  readonly reason: string;
}

/** Pings the engine (DOCKER_HOST or the default socket) and checks the busybox binary exists. */
export const probeEngine = async (): Promise<EngineProbe> => {
  if (!existsSync(BUSYBOX_BINARY)) return { ok: false, reason: `${BUSYBOX_BINARY} is missing (apt-get install -y busybox-static)` };
  try {
    const client = await dockerClient(engineAddress(undefined));
    await client.ping();
    return { ok: true, reason: "" };
  } catch (e) {
    return { ok: false, reason: `no Docker engine at ${engineAddress(undefined).host} (${(e as Error).message}); run .ci/docker.sh` };
  }
};

/** True when CI demands Docker: a missing engine must fail the suite, not skip it. */
export const dockerRequired = (): boolean => process.env.CAIRN_REQUIRE_DOCKER === "1";

/** The client the tests use to look at the engine from outside the plugin. */
export const engine = (): Promise<Dockerode> => dockerClient(engineAddress(undefined));

/** A fresh temporary directory. */
export const tempDir = (prefix: string): Promise<string> => mkdtemp(join(tmpdir(), `cairn-docker-${prefix}-`));

/** Writes a busybox build context (binary + Dockerfile) into `dir`; `extra` lines go at the end of the Dockerfile. */
export const writeBusyboxContext = async (dir: string, extra: ReadonlyArray<string> = []): Promise<void> => {
  await mkdir(dir, { recursive: true });
  await copyFile(BUSYBOX_BINARY, join(dir, "busybox"));
  await writeFile(
    join(dir, "Dockerfile"),
    ["FROM scratch", "COPY busybox /bin/busybox", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', "ENV PATH=/bin", ...extra, ""].join("\n"),
  );
};

/** Returns the busybox image's ID, building it through the plugin when neither .ci/docker.sh nor an earlier run did. */
export const ensureBusyboxImage = async (): Promise<string> => {
  const existing = await (await engine()).getImage(BUSYBOX_IMAGE).inspect().catch(() => undefined);
  if (existing !== undefined) return existing.Id;
  const dir = join(tmpdir(), "cairn-docker-busybox-context");
  await writeBusyboxContext(dir);
  const fp = await docker({ build: { context: dir, tag: BUSYBOX_IMAGE } }).fingerprint(fingerprintRequest(dir));
  return fp.image;
};

/** A FingerprintRequest for a flow file living in `flowDir`; lines it logs are collected in `lines`. */
export const fingerprintRequest = (flowDir: string, lines: string[] = [], over: Partial<FingerprintRequest> = {}): FingerprintRequest => ({
  flow: "test-flow",
  task: "t",
  flowDir,
  resources: {},
  log: (line) => lines.push(line),
  ...over,
});

/** Output lines a request received, in order, with their stream. */
export type LoggedLine = { readonly stream: "stdout" | "stderr"; readonly line: string };

/** A CommandRequest with fresh out/tmp directories under `root`; `logged` collects its log lines. */
export const commandRequest = async (
  root: string,
  over: Partial<CommandRequest> & Pick<CommandRequest, "command">,
  logged: LoggedLine[] = [],
): Promise<CommandRequest> => {
  const outDir = join(root, "out");
  const tmp = join(root, "tmp");
  await mkdir(outDir, { recursive: true });
  await mkdir(tmp, { recursive: true });
  const inputs: CommandInput[] = [...(over.inputs ?? [])];
  const env: Record<string, string> = { PATH: "/usr/bin:/bin", HOME: "/root", CAIRN_OUT: outDir, CAIRN_TMP: tmp, CAIRN_RUN_ID: testRunId, CAIRN_TASK: over.task ?? "t" };
  for (const i of inputs) env[i.envVar] = i.hostPath;
  return {
    runId: testRunId,
    flow: "test-flow",
    task: "t",
    attempt: 1,
    env: { ...env, ...(over.env ?? {}) },
    inputs,
    outDir,
    tmpDir: tmp,
    cwd: root,
    resources: {},
    signal: new AbortController().signal,
    log: (stream, line) => logged.push({ stream, line }),
    ...over,
  };
};

/** The run id of every request this test process builds: the after-suite check looks for it. */
export const testRunId = `test-${process.pid}-${Date.now().toString(36)}`;

/** Containers (any state) carrying a `cairn.run` label, optionally of one run. */
export const cairnContainers = async (runId?: string): Promise<Dockerode.ContainerInfo[]> =>
  (await engine()).listContainers({
    all: true,
    filters: JSON.stringify({ label: [runId === undefined ? LABEL_RUN : `${LABEL_RUN}=${runId}`] }),
  });

/** Runs the busybox image with `req` through a fresh executor. */
export const runBusybox = (req: CommandRequest, options: Partial<Parameters<typeof docker>[0]> = {}): Promise<CommandResult> =>
  docker({ image: BUSYBOX_IMAGE, ...options } as Parameters<typeof docker>[0]).run(req);

/**
 * The plugin bundled into one ESM file (npm packages stay external and resolve from this
 * repository), for tests that must run it in a separate, fresh Node process.
 */
export const bundledPlugin = async (): Promise<string> => {
  const { build } = await import("esbuild");
  const dir = join(process.cwd(), "node_modules", ".cache", "cairn-docker-test");
  await mkdir(dir, { recursive: true });
  const outfile = join(dir, `plugin-${process.pid}.mjs`);
  await build({ entryPoints: [join(process.cwd(), "plugins/docker/index.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "silent" });
  process.once("exit", () => rmSync(outfile, { force: true }));
  return outfile;
};

/** Removes a temporary directory tree. */
export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

/** Whether the engine answered when this module loaded. */
export const probe: EngineProbe = await probeEngine();

/**
 * `describe` for tests that need a real engine: runs them when one answers; otherwise skips them
 * with the reason in the suite name — or, under CAIRN_REQUIRE_DOCKER=1, fails with it.
 */
export const describeWithDocker = (name: string, body: () => void): void => {
  if (probe.ok) describe(name, body);
  else if (dockerRequired()) {
    describe(name, () => {
      it("needs a reachable Docker engine because CAIRN_REQUIRE_DOCKER=1", () => {
        throw new Error(probe.reason);
      });
    });
  } else {
    console.warn(`[cairn docker tests] skipped "${name}": ${probe.reason}`);
    describe.skip(`${name} (skipped: ${probe.reason})`, body);
  }
};
