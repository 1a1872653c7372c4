/**
 * What `docker(...)` accepts, and its validation. Invalid options fail when the flow file is
 * loaded, naming the option and how to write it, instead of failing later inside a run.
 */
import { DockerOptionsError } from "./DockerErrors.js";
import type { NetworkMode } from "./HostConfig.js";

/** Build an image from a directory with a Dockerfile. */
export interface BuildOptions {
  /** The build context directory, relative to the flow file. */
  readonly context: string;
  /** The Dockerfile, relative to the context (default "Dockerfile"). */
  readonly dockerfile?: string;
  /** `--build-arg` values. They change the image, so they are part of the context hash. */
  readonly args?: Readonly<Record<string, string>>;
  /** A multi-stage build's target stage. */
  readonly target?: string;
  /** The tag given to the built image (default `cairn/<context dir>:<hash prefix>`). */
  readonly tag?: string;
}

/** Where the image comes from: a name the engine has (or can pull), or a context to build. */
export type ImageSourceOptions =
  | {
      /** An image reference, e.g. "python:3.12-slim" or "registry.example.com/train:1.4". */
      readonly image: string;
      /** "missing" (default): pull when the engine lacks the image; "never": fail instead. */
      readonly pull?: "missing" | "never";
    }
  | { readonly build: BuildOptions };

/** Options of the Docker executor. */
export type DockerOptions = (
  | { readonly image: string; readonly pull?: "missing" | "never"; readonly build?: undefined }
  | { readonly build: BuildOptions | string; readonly image?: undefined }
) & {
  /** "none" (default): the task cannot open network connections; "bridge": it can (e.g. to download data). */
  readonly network?: NetworkMode;
  /** "uid:gid" the command runs as (default: the user running cairn, so outputs are not owned by root). */
  readonly user?: string;
  /** Working directory inside the container (default: the image's WORKDIR). */
  readonly workdir?: string;
  /** The engine address, like DOCKER_HOST (`unix:///path.sock`, `tcp://host:2375`); default: DOCKER_HOST or the local socket. */
  readonly host?: string;
};

/** Options after validation, with the build shorthand expanded. */
export interface NormalisedOptions {
  readonly source: ImageSourceOptions;
  readonly network: NetworkMode;
  readonly user: string | undefined;
  readonly workdir: string | undefined;
  readonly host: string | undefined;
}

const problem = (text: string): DockerOptionsError => new DockerOptionsError({ task: undefined, problem: text });

const isStringRecord = (v: unknown): v is Record<string, string> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");

/** The user cairn runs as, "uid:gid", or undefined where the platform has no uids. */
export const invokingUser = (): string | undefined =>
  typeof process.getuid === "function" && typeof process.getgid === "function" ? `${process.getuid()}:${process.getgid()}` : undefined;

/** Validates `docker(...)` options; throws DockerOptionsError naming the first problem. */
export const normaliseOptions = (options: DockerOptions): NormalisedOptions => {
  if (options === null || typeof options !== "object") throw problem('pass an object: docker({ image: "name:tag" }) or docker({ build: { context: "docker/train" } }).');
  const hasImage = options.image !== undefined;
  const hasBuild = options.build !== undefined;
  if (hasImage === hasBuild) throw problem('give exactly one of `image` (e.g. "python:3.12-slim") or `build` (e.g. { context: "docker/train" }).');
  let source: ImageSourceOptions;
  if (hasImage) {
    if (typeof options.image !== "string" || options.image.trim() === "") throw problem("`image` must be a non-empty image reference such as \"python:3.12-slim\".");
    const pull = "pull" in options ? options.pull : undefined;
    if (pull !== undefined && pull !== "missing" && pull !== "never") throw problem('`pull` must be "missing" or "never".');
    source = { image: options.image, pull: pull ?? "missing" };
  } else {
    const raw = options.build!;
    const build: BuildOptions = typeof raw === "string" ? { context: raw } : raw;
    if (build === null || typeof build !== "object" || typeof build.context !== "string" || build.context === "") {
      throw problem("`build.context` must be a directory (relative to the flow file), e.g. { build: { context: \"docker/train\" } }.");
    }
    if (build.dockerfile !== undefined && (typeof build.dockerfile !== "string" || build.dockerfile.startsWith("/") || build.dockerfile.split("/").includes(".."))) {
      throw problem("`build.dockerfile` must be a path inside the context, e.g. \"Dockerfile.gpu\".");
    }
    if (build.args !== undefined && !isStringRecord(build.args)) throw problem("`build.args` must map names to string values.");
    if (build.tag !== undefined && !/^[a-z0-9][a-z0-9._\-/:]*$/.test(build.tag)) throw problem(`\`build.tag\` ${JSON.stringify(build.tag)} is not a valid image tag (lowercase, e.g. "myproj/train:dev").`);
    source = { build };
  }
  const network = options.network ?? "none";
  if (network !== "none" && network !== "bridge") throw problem('`network` must be "none" (default) or "bridge".');
  if (options.user !== undefined && (typeof options.user !== "string" || !/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(options.user))) {
    throw problem('`user` must be "uid:gid" (e.g. "1000:1000") or a user name the image knows.');
  }
  if (options.workdir !== undefined && (typeof options.workdir !== "string" || !options.workdir.startsWith("/"))) {
    throw problem("`workdir` must be an absolute path inside the container, e.g. \"/app\".");
  }
  if (options.host !== undefined && (typeof options.host !== "string" || options.host === "")) throw problem("`host` must be an engine address such as unix:///var/run/docker.sock.");
  return { source, network, user: options.user, workdir: options.workdir, host: options.host };
};
