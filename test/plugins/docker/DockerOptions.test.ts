/** Validation of docker(...) options: mistakes fail when the flow loads, saying how to write it. */
import { describe, expect, it } from "vitest";
import { docker, DockerOptionsError, type DockerOptions } from "../../../plugins/docker/index.js";

describe("docker(options)", () => {
  it("accepts an image or a build context (also as a plain directory string)", () => {
    expect(docker({ image: "python:3.12-slim" }).options).toEqual({
      source: { image: "python:3.12-slim", pull: "missing" },
      network: "none",
      user: undefined,
      workdir: undefined,
      host: undefined,
    });
    expect(docker({ build: "docker/train" }).options.source).toEqual({ build: { context: "docker/train" } });
    expect(docker({ build: { context: "d", dockerfile: "Dockerfile.gpu", args: { V: "1" } }, network: "bridge", user: "1000:1000" }).name).toBe("docker");
  });

  it.each<[string, unknown, RegExp]>([
    ["neither image nor build", {}, /exactly one of `image`/],
    ["both image and build", { image: "a", build: "b" }, /exactly one of `image`/],
    ["an empty image", { image: " " }, /non-empty image reference/],
    ["a Dockerfile outside the context", { build: { context: "d", dockerfile: "../Dockerfile" } }, /inside the context/],
    ["an unknown network", { image: "a", network: "host" }, /"none" \(default\) or "bridge"/],
    ["a relative workdir", { image: "a", workdir: "app" }, /absolute path/],
    ["non-string build args", { build: { context: "d", args: { N: 1 } } }, /build.args/],
    ["a bad pull policy", { image: "a", pull: "always" }, /"missing" or "never"/],
  ])("rejects %s", (_what, options, message) => {
    expect(() => docker(options as DockerOptions)).toThrow(DockerOptionsError);
    expect(() => docker(options as DockerOptions)).toThrow(message);
  });
});
