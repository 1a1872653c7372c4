/**
 * The container's HostConfig: a task's `resources` (memory, cpus, shmSize, gpus) translated to
 * engine limits, plus the security defaults every cairn container gets.
 */
import type Dockerode from "dockerode";
import type { ResourceSpec } from "../../src/index.js";
import { DockerOptionsError } from "./DockerErrors.js";

const UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * Parses a byte size the way `docker run --memory` does: a number of bytes, or a string with a
 * binary unit ("512m", "2g", "1.5GiB", "2GB" — all powers of 1024, as in Docker).
 */
export const parseBytes = (value: number | string, field: string, task: string | undefined): number => {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return Math.floor(value);
  const m = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(value) : null;
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  if (m === null || unit === undefined || Number(m[1]) <= 0) {
    throw new DockerOptionsError({
      task,
      problem: `resources.${field} = ${JSON.stringify(value)} is not a size: write bytes as a number or a string like "512m" or "2g".`,
    });
  }
  return Math.floor(Number(m[1]) * unit);
};

/** GPUs to request: every GPU, a count, or specific device ids. */
export type GpuSpec = "all" | number | ReadonlyArray<string>;

/**
 * The DeviceRequests entry for `gpus`. Uses the nvidia driver with the capabilities training
 * needs (`compute` for CUDA, `utility` for nvidia-smi); `Count: -1` means all GPUs, as `--gpus all`.
 */
export const gpuDeviceRequests = (gpus: GpuSpec | undefined, task: string | undefined): Dockerode.DeviceRequest[] => {
  if (gpus === undefined || gpus === 0) return [];
  const base = { Driver: "nvidia", Capabilities: [["gpu", "compute", "utility"]] };
  if (gpus === "all") return [{ ...base, Count: -1 }];
  if (typeof gpus === "number" && Number.isInteger(gpus) && gpus > 0) return [{ ...base, Count: gpus }];
  if (Array.isArray(gpus) && gpus.length > 0 && gpus.every((d) => typeof d === "string" && d !== "")) {
    return [{ ...base, DeviceIDs: [...gpus] }];
  }
  throw new DockerOptionsError({
    task,
    problem: `resources.gpus = ${JSON.stringify(gpus)} is not valid: use "all", a positive whole number, or device ids such as "0,1".`,
  });
};

/** Reads `gpus` (or its alias `gpu`, the pool name DESIGN.md uses) from a task's resources. */
export const gpusOf = (resources: ResourceSpec): GpuSpec | undefined => {
  const raw = resources.gpus ?? resources.gpu;
  if (raw === undefined) return undefined;
  if (typeof raw === "number") return raw;
  if (raw === "all") return "all";
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(",").map((s: string) => s.trim());
};

/** The limits part of HostConfig for a task's resources. Keys other than these are scheduler pools and ignored here. */
export const resourceLimits = (resources: ResourceSpec, task: string | undefined): Dockerode.HostConfig => {
  const limits: Dockerode.HostConfig = {};
  if (resources.memory !== undefined) {
    limits.Memory = parseBytes(resources.memory, "memory", task);
    // Swap equal to memory means no swap: the limit is a hard limit, so an over-budget task is
    // OOM-killed with a clear error instead of crawling on swap.
    limits.MemorySwap = limits.Memory;
  }
  if (resources.cpus !== undefined) {
    const cpus = Number(resources.cpus);
    if (!Number.isFinite(cpus) || cpus <= 0) {
      throw new DockerOptionsError({ task, problem: `resources.cpus = ${JSON.stringify(resources.cpus)} must be a positive number of CPUs (e.g. 2 or 0.5).` });
    }
    limits.NanoCpus = Math.round(cpus * 1e9);
  }
  if (resources.shmSize !== undefined) limits.ShmSize = parseBytes(resources.shmSize, "shmSize", task);
  const devices = gpuDeviceRequests(gpusOf(resources), task);
  if (devices.length > 0) limits.DeviceRequests = devices;
  return limits;
};

/** Network modes a task may ask for. "none" is the default; "bridge" is the opt-in for tasks that download. */
export type NetworkMode = "none" | "bridge";

/**
 * The full HostConfig: limits, mounts, network, and security defaults that no option turns off —
 * never privileged, all capabilities dropped, no privilege escalation through setuid binaries.
 */
export const hostConfig = (args: {
  readonly resources: ResourceSpec;
  readonly network: NetworkMode;
  readonly mounts: ReadonlyArray<Dockerode.MountSettings>;
  readonly task: string | undefined;
}): Dockerode.HostConfig => ({
  ...resourceLimits(args.resources, args.task),
  NetworkMode: args.network,
  Mounts: [...args.mounts],
  Privileged: false,
  CapDrop: ["ALL"],
  SecurityOpt: ["no-new-privileges:true"],
  // A tiny init as PID 1 forwards signals and reaps zombies left by the training code's children.
  Init: true,
  AutoRemove: false,
});
