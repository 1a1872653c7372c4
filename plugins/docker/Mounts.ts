/**
 * The container's view of a task: inputs read-only under /cairn/in/<name>, the output directory
 * read-write at /cairn/out, scratch at /cairn/tmp, and the environment rewritten to those paths.
 */
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type Dockerode from "dockerode";
import type { CommandRequest } from "../../src/index.js";
import { DockerOptionsError } from "./DockerErrors.js";

/** Where things are inside the container. */
export const CONTAINER_OUT = "/cairn/out";
export const CONTAINER_TMP = "/cairn/tmp";
export const CONTAINER_IN = "/cairn/in";

/** Host variables that describe the host, not the container: the image's own values win. */
const HOST_ONLY = new Set(["PATH", "HOME", "TMPDIR", "PWD", "SHELL", "USER", "LOGNAME"]);

/** At most this many extra mounts for link targets; beyond it, targets are grouped by directory. */
const MAX_LINK_MOUNTS = 256;

const inside = (child: string, parent: string): boolean => {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

/**
 * Real paths of the targets of symlinks under `dir` that point outside it. Glob inputs are a
 * directory of links and upstream outputs may be too; inside the container such links would
 * dangle, so their targets are mounted at the same absolute path.
 */
const outsideLinkTargets = async (dir: string): Promise<string[]> => {
  const found = new Set<string>();
  const walk = async (d: string): Promise<void> => {
    for (const ent of await readdir(d, { withFileTypes: true })) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (ent.isSymbolicLink()) {
        const target = await realpath(p).catch(() => undefined);
        if (target !== undefined && !inside(target, dir)) found.add(target);
      }
    }
  };
  await walk(dir);
  let targets = [...found].sort();
  while (targets.length > MAX_LINK_MOUNTS) targets = [...new Set(targets.map((t) => dirname(t)))];
  // Drop targets already covered by a mounted ancestor.
  return targets.filter((t) => !targets.some((o) => o !== t && inside(t, o)));
};

/** Where Docker sockets live on this machine (real paths), so no mount can expose one. */
const dockerSockets = async (): Promise<string[]> => {
  const candidates = ["/var/run/docker.sock", "/run/docker.sock"];
  const env = process.env.DOCKER_HOST;
  if (env?.startsWith("unix://")) candidates.push(env.slice("unix://".length));
  const real = await Promise.all(candidates.map((c) => realpath(c).catch(() => undefined)));
  return real.filter((r): r is string => r !== undefined);
};

/**
 * Refuses a mount that is a socket or contains the Docker socket: a container that can reach the
 * engine controls the host, and a read-only mount does not stop it from connecting.
 */
const refuseSocket = async (path: string, task: string, sockets: ReadonlyArray<string>): Promise<void> => {
  const st = await stat(path).catch(() => undefined);
  const real = await realpath(path).catch(() => path);
  const holds = sockets.find((s) => inside(s, real));
  if (st?.isSocket() || holds !== undefined) {
    const what = holds !== undefined ? `contains the Docker socket ${holds}` : "is a socket";
    throw new DockerOptionsError({ task, problem: `the input ${path} ${what}; cairn never mounts the Docker socket (or any socket) into a container. Remove it from the task's inputs or declare a narrower path.` });
  }
};

/** The bind mounts of a task's container. */
export const containerMounts = async (req: CommandRequest): Promise<Dockerode.MountSettings[]> => {
  const mounts: Dockerode.MountSettings[] = [
    { Type: "bind", Source: resolve(req.outDir), Target: CONTAINER_OUT, ReadOnly: false },
    { Type: "bind", Source: resolve(req.tmpDir), Target: CONTAINER_TMP, ReadOnly: false },
  ];
  const extra = new Set<string>();
  const sockets = await dockerSockets();
  for (const input of req.inputs) {
    if (!/^[A-Za-z0-9_.-]+$/.test(input.name) || input.name === "." || input.name === "..") {
      throw new DockerOptionsError({ task: req.task, problem: `input name ${JSON.stringify(input.name)} cannot be a path segment under ${CONTAINER_IN}; rename it (letters, digits, _ . -).` });
    }
    const source = resolve(input.hostPath);
    await refuseSocket(source, req.task, sockets);
    mounts.push({ Type: "bind", Source: source, Target: `${CONTAINER_IN}/${input.name}`, ReadOnly: true });
    if ((await lstat(source)).isDirectory()) for (const t of await outsideLinkTargets(source)) extra.add(t);
  }
  for (const target of extra) {
    if (target === sep || target.startsWith("/cairn")) continue;
    await refuseSocket(target, req.task, sockets);
    mounts.push({ Type: "bind", Source: target, Target: target, ReadOnly: true });
  }
  return mounts;
};

/**
 * The container environment: the request's variables minus host-only ones, with cairn's path
 * variables pointing into the container. HOME and TMPDIR point at the writable scratch
 * directory, because the invoking uid usually has no home in the image.
 */
export const containerEnv = (req: CommandRequest): string[] => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.env)) if (!HOST_ONLY.has(k)) env[k] = v;
  env.CAIRN_OUT = CONTAINER_OUT;
  env.CAIRN_TMP = CONTAINER_TMP;
  env.HOME = CONTAINER_TMP;
  env.TMPDIR = CONTAINER_TMP;
  for (const input of req.inputs) env[input.envVar] = `${CONTAINER_IN}/${input.name}`;
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
};
