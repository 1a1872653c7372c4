/**
 * `cairn/plugins/docker`: runs command tasks in Docker containers. The image ID is part of the
 * task's cache key; inputs are mounted read-only, outputs collected from /cairn/out.
 */
import { chown } from "node:fs/promises";
import type { CommandRequest, CommandResult, ExecutorPlugin, FingerprintRequest } from "../../src/index.js";
import { runContainer } from "./ContainerRun.js";
import { dockerClient, engineAddress } from "./DockerClient.js";
import { invokingUser, normaliseOptions, type DockerOptions, type NormalisedOptions } from "./DockerOptions.js";
import { gpusOf, resourceLimits, type GpuSpec, type NetworkMode } from "./HostConfig.js";
import { resolveImage, type ResolvedImage } from "./ImageResolver.js";
import { removeLeftovers } from "./Leftovers.js";

export * from "./DockerErrors.js";
export type { BuildOptions, DockerOptions, ImageSourceOptions, NormalisedOptions } from "./DockerOptions.js";
export type { GpuSpec, NetworkMode } from "./HostConfig.js";
export { gpuDeviceRequests, parseBytes, resourceLimits } from "./HostConfig.js";
export { CONTAINER_IN, CONTAINER_OUT, CONTAINER_TMP } from "./Mounts.js";
export { LABEL_PROJECT, LABEL_RUN, LABEL_TASK } from "./Labels.js";
export { CONTEXT_HASH_LABEL } from "./ImageResolver.js";

/**
 * The executor's cache-key contribution. Only what changes results is here: the image ID (its
 * content), the GPUs (GPU and CPU code paths differ numerically) and the network mode (a task
 * with network can read the outside world). Memory, CPU quota and shm size decide whether and
 * how fast a run finishes, not what it produces, so raising them does not rerun finished tasks.
 */
export interface DockerFingerprint {
  readonly kind: "docker";
  /** The engine's image ID, `sha256:…`. */
  readonly image: string;
  readonly gpus: GpuSpec | null;
  readonly network: NetworkMode;
}

/** The Docker executor: an ExecutorPlugin with its validated options. */
export interface DockerExecutor extends ExecutorPlugin {
  readonly name: "docker";
  readonly options: NormalisedOptions;
  fingerprint(req: FingerprintRequest): Promise<DockerFingerprint>;
  run(req: CommandRequest): Promise<CommandResult>;
  prepare(ctx: { readonly projectDir: string; readonly runId: string }): Promise<void>;
}

const NUMERIC_USER = /^(\d+)(?::(\d+))?$/;

/**
 * Makes the output and scratch directories writable by an explicitly configured container user.
 * Only root can give files away; otherwise the directories must already be writable by that user.
 */
const handOver = async (req: CommandRequest, user: string | undefined): Promise<void> => {
  const m = user === undefined ? null : NUMERIC_USER.exec(user);
  if (m === null || typeof process.getuid !== "function" || process.getuid() !== 0) return;
  const uid = Number(m[1]);
  const gid = Number(m[2] ?? m[1]);
  await chown(req.outDir, uid, gid);
  await chown(req.tmpDir, uid, gid);
};

/**
 * Runs a command task in a container.
 *
 * @example
 * import { task } from "cairn";
 * import { docker } from "cairn/plugins/docker";
 * const train = task("train", {
 *   inputs: { data: file("data/iris.csv") },
 *   resources: { memory: "2g", cpus: 2 },
 *   executor: docker({ build: { context: "docker/train" } }),
 *   cmd: "node /app/train.mjs --data $CAIRN_IN_data --out $CAIRN_OUT",
 * });
 */
export const docker = (options: DockerOptions): DockerExecutor => {
  const opts = normaliseOptions(options);
  /** Images resolved at plan time, per flow and task: run() executes exactly the image that was hashed. */
  const resolved = new Map<string, ResolvedImage>();
  let projectDir: string | undefined;

  /** The engine address is read per call, so DOCKER_HOST set after the flow loaded still applies. */
  const connect = () => {
    const address = engineAddress(opts.host);
    return { address, docker: () => dockerClient(address) };
  };

  return {
    name: "docker",
    options: opts,

    async fingerprint(req) {
      // Invalid limits fail at plan time, before anything runs.
      resourceLimits(req.resources, req.task);
      const { address, docker: client } = connect();
      const image = await resolveImage(opts.source, { docker: client, address, task: req.task, flowDir: req.flowDir, log: req.log });
      resolved.set(`${req.flow}\0${req.task}`, image);
      return { kind: "docker", image: image.id, gpus: gpusOf(req.resources) ?? null, network: opts.network };
    },

    async run(req) {
      const { address, docker: client } = connect();
      // The engine fingerprints before it runs; a direct call without a plan resolves now, with
      // relative build contexts taken from the working directory.
      const image =
        resolved.get(`${req.flow}\0${req.task}`) ??
        (await resolveImage(opts.source, {
          docker: client,
          address,
          task: req.task,
          flowDir: req.cwd,
          log: (line) => req.log("stderr", line),
        }));
      const user = opts.user ?? invokingUser();
      if (opts.user !== undefined) await handOver(req, opts.user);
      return runContainer({
        docker: await client(),
        address,
        req,
        imageId: image.id,
        imageRef: image.ref,
        options: opts,
        user,
        projectDir: projectDir ?? req.cwd,
      });
    },

    async prepare(ctx) {
      projectDir = ctx.projectDir;
      const { address, docker: client } = connect();
      await removeLeftovers(client, address, ctx.projectDir, ctx.runId);
    },
  };
};
