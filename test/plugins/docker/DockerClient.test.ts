/** Reaching the engine: an unreachable socket is reported with its address and the fix; failures are classified. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { classifyEngineError, engineAddress } from "../../../plugins/docker/DockerClient.js";
import { DockerEngineError, DockerEngineUnreachableError, docker } from "../../../plugins/docker/index.js";
import { commandRequest, fingerprintRequest } from "./rig.js";

describe("docker executor: engine connection", () => {
  const saved = process.env.DOCKER_HOST;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-docker-client-"));
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it("reports an unreachable engine with the DOCKER_HOST socket and how to start the engine, without retrying", async () => {
    // Needs no engine: the socket really does not exist, and the connection really fails.
    process.env.DOCKER_HOST = "unix:///nonexistent.sock";
    const executor = docker({ image: "anything:1" });
    for (const attempt of [
      () => executor.fingerprint(fingerprintRequest(dir)),
      async () => executor.run(await commandRequest(dir, { command: { shell: "true" } })),
      () => executor.prepare({ projectDir: dir, runId: "r1" }),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DockerEngineUnreachableError);
      const unreachable = error as DockerEngineUnreachableError;
      expect(unreachable.retryable).toBe(false);
      expect(unreachable.message).toContain("unix:///nonexistent.sock (from DOCKER_HOST)");
      expect(unreachable.message).toContain("dockerd");
      expect(unreachable.message).toContain("docker info");
    }
  });

  it("uses the host option over DOCKER_HOST", async () => {
    process.env.DOCKER_HOST = "unix:///also-missing.sock";
    const error = await docker({ image: "x:1", host: "unix:///tmp/cairn-no-such-engine.sock" })
      .fingerprint(fingerprintRequest(dir))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerEngineUnreachableError);
    expect((error as Error).message).toContain("unix:///tmp/cairn-no-such-engine.sock");
    expect(engineAddress(undefined)).toEqual({ host: "unix:///also-missing.sock", source: "DOCKER_HOST" });
  });

  it("says how to get permission when the socket refuses the user", () => {
    const e = Object.assign(new Error("connect EACCES /var/run/docker.sock"), { code: "EACCES" });
    const classified = classifyEngineError(e, "ping", undefined, { host: "unix:///var/run/docker.sock", source: "default" });
    expect(classified).toBeInstanceOf(DockerEngineUnreachableError);
    expect(classified.message).toContain("docker` group");
  });

  it("marks connection resets and 5xx answers retryable and 4xx answers not", () => {
    const address = { host: "unix:///var/run/docker.sock", source: "default" } as const;
    const reset = classifyEngineError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "create container", "train", address);
    const busy = classifyEngineError(
      Object.assign(new Error("(HTTP code 503) unexpected"), { statusCode: 503, json: { message: "engine is shutting down" } }),
      "create container",
      "train",
      address,
    );
    const bad = classifyEngineError(
      Object.assign(new Error("(HTTP code 400) bad parameter"), { statusCode: 400, json: { message: "invalid mount config" } }),
      "create container",
      "train",
      address,
    );
    expect([reset, busy, bad].map((e) => e instanceof DockerEngineError && e.retryable)).toEqual([true, true, false]);
    expect(busy.message).toBe(
      'task "train": Docker engine error during create container (HTTP 503): engine is shutting down. This looks transient; the task\'s retry policy applies (retry: { attempts: 3 }).',
    );
  });
});
