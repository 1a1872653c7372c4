/**
 * The Docker plugin's tagged errors. Each message names the task, image or socket involved and
 * says what to do; `retryable` tells the scheduler whether the task's retry policy applies.
 */
import * as Data from "effect/Data";

/** The engine's socket or DOCKER_HOST does not answer (not running, wrong path, no permission). */
export class DockerEngineUnreachableError extends Data.TaggedError("DockerEngineUnreachableError")<{
  /** Where cairn tried to connect, e.g. `unix:///var/run/docker.sock`. */
  readonly host: string;
  /** "DOCKER_HOST" when the address came from that variable, "default" otherwise, "options" from `docker({ host })`. */
  readonly source: "DOCKER_HOST" | "default" | "options";
  /** The system error code (ENOENT, ECONNREFUSED, EACCES, …). */
  readonly code: string;
  readonly reason: string;
}> {
  /** A missing or refusing socket is not transient: retrying would only delay the report. */
  get retryable(): boolean {
    return false;
  }
  override get message(): string {
    const where = this.source === "DOCKER_HOST" ? `${this.host} (from DOCKER_HOST)` : this.host;
    const fix =
      this.code === "EACCES"
        ? "Your user may not open the socket: add it to the `docker` group (`sudo usermod -aG docker $USER`, then log in again) or run cairn with access to the socket."
        : "Start the engine (`sudo systemctl start docker`, or `sudo dockerd > /tmp/dockerd.log 2>&1 &`) and check it with `docker info`," +
          (this.source === "DOCKER_HOST" ? " or fix/unset DOCKER_HOST." : " or set DOCKER_HOST to a running engine (e.g. unix:///run/user/1000/docker.sock).");
    return `cannot reach the Docker engine at ${where}: ${this.reason}. ${fix}`;
  }
}

/** An `image` option names an image the engine does not have and cannot pull. */
export class DockerImageNotFoundError extends Data.TaggedError("DockerImageNotFoundError")<{
  readonly image: string;
  readonly task: string;
  /** Why the pull failed (or that pulling is off). */
  readonly reason: string;
}> {
  get retryable(): boolean {
    return false;
  }
  override get message(): string {
    return (
      `task "${this.task}": image "${this.image}" is not on the Docker engine and could not be pulled (${this.reason}). ` +
      `Build it (\`docker build -t ${this.image} <dir>\`), load it (\`docker load -i <file>.tar\`), ` +
      `or let cairn build it: executor: docker({ build: { context: "<dir with a Dockerfile>" } }).`
    );
  }
}

/** The kernel's OOM killer stopped the container: it needed more memory than it was given. */
export class DockerOomError extends Data.TaggedError("DockerOomError")<{
  readonly task: string;
  /** The limit as written in `resources.memory`, or undefined when no limit was set. */
  readonly memory: string | undefined;
  /** The last log lines before the kill. */
  readonly tail: ReadonlyArray<string>;
}> {
  /** Rerunning with the same limit fails the same way. */
  get retryable(): boolean {
    return false;
  }
  override get message(): string {
    const limit =
      this.memory === undefined
        ? "the memory the engine could give it (no resources.memory set)"
        : `its memory limit resources.memory = "${this.memory}"`;
    const tail = this.tail.length > 0 ? `\nlast output:\n${this.tail.join("\n")}` : "";
    return `task "${this.task}" was killed by the out-of-memory killer: the container exceeded ${limit}. Raise resources.memory (e.g. resources: { memory: "8g" }) or make the task use less memory.${tail}`;
  }
}

/** `docker build` of a `build` context failed. */
export class DockerBuildError extends Data.TaggedError("DockerBuildError")<{
  readonly task: string;
  readonly context: string;
  readonly dockerfile: string;
  readonly reason: string;
  /** The last lines of the build output. */
  readonly tail: ReadonlyArray<string>;
}> {
  get retryable(): boolean {
    return false;
  }
  override get message(): string {
    const tail = this.tail.length > 0 ? `\nbuild output (last lines):\n${this.tail.join("\n")}` : "";
    return `task "${this.task}": building the image from ${this.context} (${this.dockerfile}) failed: ${this.reason}. Fix the Dockerfile and run again; \`docker build -f ${this.dockerfile} ${this.context}\` shows the same error.${tail}`;
  }
}

/** The container was created but could not start (e.g. no /bin/sh in the image for a shell `cmd`). */
export class DockerStartError extends Data.TaggedError("DockerStartError")<{
  readonly task: string;
  readonly image: string;
  readonly reason: string;
}> {
  get retryable(): boolean {
    return false;
  }
  override get message(): string {
    const hint = /executable file not found|no such file or directory/i.test(this.reason)
      ? ` A string cmd runs through /bin/sh, which the image must contain; for images without a shell pass cmd as an argv array (["/app/train", "--out", "/cairn/out"]).`
      : "";
    return `task "${this.task}": the container (image ${this.image}) could not start: ${this.reason}.${hint}`;
  }
}

/** Options given to `docker(...)` or the task's `resources` are invalid. */
export class DockerOptionsError extends Data.TaggedError("DockerOptionsError")<{
  /** What is wrong and how to write it instead. */
  readonly problem: string;
  readonly task: string | undefined;
}> {
  get retryable(): boolean {
    return false;
  }
  override get message(): string {
    return this.task === undefined ? `docker(): ${this.problem}` : `task "${this.task}": docker executor: ${this.problem}`;
  }
}

/** Any other engine failure. `retryable` is true for transient ones (connection reset, HTTP 5xx). */
export class DockerEngineError extends Data.TaggedError("DockerEngineError")<{
  /** What cairn was doing, e.g. "create container", "inspect image". */
  readonly operation: string;
  readonly task: string | undefined;
  readonly statusCode: number | undefined;
  readonly reason: string;
  readonly retryable: boolean;
}> {
  override get message(): string {
    const who = this.task === undefined ? "" : `task "${this.task}": `;
    const status = this.statusCode === undefined ? "" : ` (HTTP ${this.statusCode})`;
    const advice = this.retryable
      ? " This looks transient; the task's retry policy applies (retry: { attempts: 3 })."
      : " Check `docker info` and the engine's log.";
    return `${who}Docker engine error during ${this.operation}${status}: ${this.reason}.${advice}`;
  }
}

/** Every error the plugin raises. */
export type DockerError =
  | DockerEngineUnreachableError
  | DockerImageNotFoundError
  | DockerOomError
  | DockerBuildError
  | DockerStartError
  | DockerOptionsError
  | DockerEngineError;
