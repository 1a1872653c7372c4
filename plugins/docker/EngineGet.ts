/**
 * Read-only engine queries (inspect an image, list images or containers) as plain HTTP GETs.
 * Planning a fully cached run needs only these, and loading dockerode costs 0.3–1 s per process;
 * everything that changes state (build, create, run, remove) goes through dockerode.
 */
import { request, type RequestOptions } from "node:http";
import type { EngineAddress } from "./DockerClient.js";

/**
 * How to reach `address` with node:http, or undefined when only dockerode can (TLS, ssh, npipe):
 * those need certificates or tunnels that dockerode already handles.
 */
const plainTransport = (address: EngineAddress): Pick<RequestOptions, "socketPath" | "host" | "port"> | undefined => {
  const h = address.host;
  if (h.startsWith("unix://")) return { socketPath: h.slice("unix://".length) || "/var/run/docker.sock" };
  if (h.startsWith("/")) return { socketPath: h };
  if (address.source !== "options" && (process.env.DOCKER_TLS_VERIFY === "1" || process.env.DOCKER_CERT_PATH)) return undefined;
  if (!/^(tcp|http):\/\//.test(h)) return undefined;
  const url = new URL(h.replace(/^tcp:/, "http:"));
  if (url.port === "2376") return undefined; // the TLS port, by convention
  return { host: url.hostname, port: url.port === "" ? 2375 : Number(url.port) };
};

/** An error shaped like dockerode's (statusCode, json), so one classifier handles both. */
const httpError = (status: number, body: string): Error => {
  let json: unknown = body;
  try {
    json = JSON.parse(body);
  } catch {
    // not JSON: keep the text
  }
  const message = typeof (json as { message?: unknown })?.message === "string" ? (json as { message: string }).message : body;
  return Object.assign(new Error(`(HTTP code ${status}) ${message}`), { statusCode: status, json });
};

const get = (transport: Pick<RequestOptions, "socketPath" | "host" | "port">, path: string): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const req = request({ ...transport, path, method: "GET", headers: { accept: "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        if (status >= 400) return reject(httpError(status, body));
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on("error", reject);
    req.end();
  });

/**
 * GETs `path` (e.g. `/images/json?filters=…`) as JSON over the engine's socket, or runs
 * `viaDockerode` where plain HTTP cannot reach the engine. Failures look like dockerode's.
 */
export const engineGet = <A>(address: EngineAddress, path: string, viaDockerode: () => Promise<A>): Promise<A> => {
  const transport = plainTransport(address);
  return transport === undefined ? viaDockerode() : (get(transport, path) as Promise<A>);
};

/** `?filters=…` for a label filter list. */
export const labelFilter = (labels: ReadonlyArray<string>): string => `filters=${encodeURIComponent(JSON.stringify({ label: labels }))}`;
