/**
 * The connection to the Docker engine: dockerode loaded on first use (so `cairn` start-up never
 * pays for it), where the engine is, and how engine failures become the plugin's tagged errors.
 */
import type Dockerode from "dockerode";
import {
  DockerEngineError,
  DockerEngineUnreachableError,
  type DockerError,
} from "./DockerErrors.js";

/** Where the engine is and who said so, for error messages. */
export interface EngineAddress {
  /** As a URL: `unix:///var/run/docker.sock`, `tcp://host:2375`. */
  readonly host: string;
  readonly source: "DOCKER_HOST" | "default" | "options";
}

/** Resolves the engine address: `docker({ host })`, else DOCKER_HOST, else the default socket. */
export const engineAddress = (hostOption: string | undefined): EngineAddress => {
  if (hostOption !== undefined) return { host: hostOption, source: "options" };
  const env = process.env.DOCKER_HOST;
  if (env !== undefined && env !== "") return { host: env, source: "DOCKER_HOST" };
  return { host: "unix:///var/run/docker.sock", source: "default" };
};

const clients = new Map<string, Promise<Dockerode>>();

/** Connection options for dockerode from an address URL (unix socket, tcp, http/https). */
const connectionOptions = (address: EngineAddress): Dockerode.DockerOptions => {
  // Without explicit options dockerode reads DOCKER_HOST (and TLS variables) itself; only an
  // explicit `host` option needs translating.
  if (address.source !== "options") return {};
  const h = address.host;
  if (h.startsWith("unix://")) return { socketPath: h.slice("unix://".length) };
  if (h.startsWith("/")) return { socketPath: h };
  const url = new URL(h.includes("://") ? h : `tcp://${h}`);
  const protocol = url.protocol === "https:" ? "https" : url.protocol === "ssh:" ? "ssh" : "http";
  return { host: url.hostname, port: url.port === "" ? 2375 : Number(url.port), protocol };
};

/** A dockerode client for `address`, created once per address. Constructing it does not touch the socket. */
export const dockerClient = (address: EngineAddress): Promise<Dockerode> => {
  const key = `${address.source}:${address.host}`;
  let client = clients.get(key);
  if (client === undefined) {
    client = import("dockerode").then(({ default: Docker }) => new Docker(connectionOptions(address)));
    clients.set(key, client);
  }
  return client;
};

/** Connection-level error codes meaning "no engine there". */
const UNREACHABLE = new Set(["ENOENT", "ECONNREFUSED", "EACCES", "EPERM", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** Connection-level error codes of a transient fault worth retrying. */
const TRANSIENT = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT"]);

/** The engine's own message from a dockerode error (the JSON body), else the error's message. */
export const engineMessage = (e: unknown): string => {
  const json = (e as { json?: unknown }).json;
  if (json !== null && typeof json === "object" && typeof (json as { message?: unknown }).message === "string") {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === "string" && json.trim() !== "") return json.trim();
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString("utf8").trim();
  return e instanceof Error ? e.message : String(e);
};

/** The HTTP status of a dockerode error, if it came from the engine. */
export const statusOf = (e: unknown): number | undefined => {
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === "number" ? s : undefined;
};

const isDockerError = (e: unknown): e is DockerError =>
  typeof (e as { _tag?: unknown })?._tag === "string" && String((e as { _tag: string })._tag).startsWith("Docker");

/**
 * Turns anything dockerode throws into a tagged error. Connection refusals name the socket;
 * resets and 5xx answers are retryable (the engine was restarting or overloaded); 4xx are not.
 */
export const classifyEngineError = (
  e: unknown,
  operation: string,
  task: string | undefined,
  address: EngineAddress,
): DockerError => {
  if (isDockerError(e)) return e;
  const code = String((e as { code?: unknown })?.code ?? "");
  const reason = engineMessage(e);
  if (UNREACHABLE.has(code)) return new DockerEngineUnreachableError({ host: address.host, source: address.source, code, reason });
  const status = statusOf(e);
  const transient = TRANSIENT.has(code) || /socket hang up/i.test(reason) || (status !== undefined && status >= 500);
  return new DockerEngineError({ operation, task, statusCode: status, reason, retryable: transient });
};

/** Runs one engine call, classifying its failure. */
export const engineCall = async <A>(
  operation: string,
  task: string | undefined,
  address: EngineAddress,
  call: () => Promise<A>,
): Promise<A> => {
  try {
    return await call();
  } catch (e) {
    throw classifyEngineError(e, operation, task, address);
  }
};
