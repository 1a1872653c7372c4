/**
 * One command in one container: create (labelled, mounted, limited), attach before start so no
 * output is lost, stream lines as they come, wait, detect OOM, and always remove the container.
 */
import type Dockerode from "dockerode";
import type { CommandRequest, CommandResult } from "../../src/index.js";
import { classifyEngineError, engineCall, engineMessage, statusOf, type EngineAddress } from "./DockerClient.js";
import { DockerOomError, DockerStartError } from "./DockerErrors.js";
import { hostConfig } from "./HostConfig.js";
import { containerLabels, containerName } from "./Labels.js";
import { LineSplitter, LogTail } from "./LogLines.js";
import { containerEnv, containerMounts } from "./Mounts.js";
import type { NormalisedOptions } from "./DockerOptions.js";

/** How many lines a failure message shows. */
const TAIL_LINES = 20;
/** Longest wait for the last output after the container exited. */
const STREAM_DRAIN_MS = 10_000;

/** What a run needs besides the request. */
export interface ContainerRunArgs {
  readonly docker: Dockerode;
  readonly address: EngineAddress;
  readonly req: CommandRequest;
  readonly imageId: string;
  readonly imageRef: string;
  readonly options: NormalisedOptions;
  /** User the container runs as ("uid:gid"); undefined: the image's user. */
  readonly user: string | undefined;
  readonly projectDir: string;
}

/** Entrypoint and Cmd: a shell string runs through /bin/sh -c, an argv runs directly; the image's ENTRYPOINT never wraps either. */
const commandOf = (command: CommandRequest["command"]): { Entrypoint: string[]; Cmd: string[] } =>
  "shell" in command
    ? { Entrypoint: ["/bin/sh", "-c"], Cmd: [command.shell] }
    : { Entrypoint: command.argv.slice(0, 1), Cmd: command.argv.slice(1) };

/** Removes a container, tolerating one that is already gone or being removed. */
const removeQuietly = async (container: Dockerode.Container): Promise<void> => {
  try {
    await container.remove({ force: true, v: true });
  } catch (e) {
    const s = statusOf(e);
    if (s !== 404 && s !== 409) throw e;
  }
};

/** Runs `req` in a new container and returns its exit status; see the file comment for the steps. */
export const runContainer = async (a: ContainerRunArgs): Promise<CommandResult> => {
  const { docker, address, req } = a;
  const task = req.task;
  const tail = new LogTail(TAIL_LINES);
  if (req.signal.aborted) return { exitCode: null, signal: "SIGKILL", tail: [] };

  const create: Dockerode.ContainerCreateOptions = {
    name: containerName(req.runId, task, req.attempt),
    Image: a.imageId,
    ...commandOf(req.command),
    Env: containerEnv(req),
    Labels: containerLabels({ runId: req.runId, task, flow: req.flow, attempt: req.attempt, projectDir: a.projectDir }),
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: hostConfig({ resources: req.resources, network: a.options.network, mounts: await containerMounts(req), task }),
    ...(a.user === undefined ? {} : { User: a.user }),
    ...(a.options.workdir === undefined ? {} : { WorkingDir: a.options.workdir }),
  };
  const container = await engineCall("create container", task, address, () => docker.createContainer(create));

  let aborted = false;
  let running = false;
  const kill = (): void => {
    aborted = true;
    // Only a started container can be killed; one that has not started yet is stopped below.
    if (running) container.kill({ signal: "SIGKILL" }).catch(() => undefined);
  };
  req.signal.addEventListener("abort", kill, { once: true });
  if (req.signal.aborted) aborted = true;
  try {
    // Attach before start: output written in the first milliseconds is not lost.
    const raw = await engineCall("attach to container", task, address, () =>
      container.attach({ stream: true, stdout: true, stderr: true, logs: false }),
    );
    const streamEnded = new Promise<void>((done) => {
      raw.on("end", done);
      raw.on("close", done);
      raw.on("error", () => done());
    });
    const splitOut = new LineSplitter((line) => {
      tail.push(line);
      req.log("stdout", line);
    });
    const splitErr = new LineSplitter((line) => {
      tail.push(line);
      req.log("stderr", line);
    });
    // The demuxer only calls write(): plain sinks keep every line synchronous and in order.
    const sink = (splitter: LineSplitter) => ({ write: (c: Buffer) => (splitter.write(c), true) }) as unknown as NodeJS.WritableStream;
    docker.modem.demuxStream(raw, sink(splitOut), sink(splitErr));

    if (aborted) return { exitCode: null, signal: "SIGKILL", tail: tail.value };
    // "next-exit" because the container has not started yet ("not-running" would return at once).
    const exited = container.wait({ condition: "next-exit" }) as Promise<{ StatusCode: number }>;
    exited.catch(() => undefined);
    try {
      await container.start();
      running = true;
    } catch (e) {
      const status = statusOf(e);
      if (status !== undefined && status < 500) throw new DockerStartError({ task, image: a.imageRef, reason: engineMessage(e) });
      if (status !== undefined && /OCI runtime|exec format|executable file not found|no such file/i.test(engineMessage(e))) {
        throw new DockerStartError({ task, image: a.imageRef, reason: engineMessage(e) });
      }
      throw classifyEngineError(e, "start container", task, address);
    }
    // An abort that came between create and start could not kill yet: do it now.
    if (aborted) container.kill({ signal: "SIGKILL" }).catch(() => undefined);

    const status = await engineCall("wait for container", task, address, () => exited);
    // The attach stream ends right after the exit once buffered output is delivered; the bound
    // only keeps an engine that never closes it from hanging the run.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([streamEnded, new Promise<void>((done) => (bound = setTimeout(done, STREAM_DRAIN_MS)))]);
    clearTimeout(bound);
    splitOut.end();
    splitErr.end();
    if (aborted) return { exitCode: null, signal: "SIGKILL", tail: tail.value };
    const exitCode = status.StatusCode;
    if (exitCode === 0) return { exitCode, signal: null, tail: tail.value };
    // The init process reports a command it could not exec (no /bin/sh, a missing binary) as
    // exit 127 with this line: that is a start failure, not the task's own exit status.
    const execFailure = tail.value.find((l) => /^\[FATAL tini \(\d+\)\] exec .* failed: /.test(l));
    if (exitCode === 127 && execFailure !== undefined) {
      throw new DockerStartError({ task, image: a.imageRef, reason: execFailure.replace(/^\[FATAL tini \(\d+\)\] /, "") });
    }
    // Only a failed container can have been OOM-killed in a way that matters: ask only then.
    const info = await engineCall("inspect container", task, address, () => container.inspect());
    if (info.State.OOMKilled) {
      const memory = req.resources.memory === undefined ? undefined : String(req.resources.memory);
      throw new DockerOomError({ task, memory, tail: tail.value });
    }
    return { exitCode, signal: null, tail: tail.value };
  } finally {
    req.signal.removeEventListener("abort", kill);
    await removeQuietly(container).catch(() => undefined);
  }
};
