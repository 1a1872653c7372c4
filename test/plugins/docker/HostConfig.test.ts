/** Task resources → HostConfig, and the security defaults no option can turn off. */
import { describe, expect, it } from "vitest";
import { gpuDeviceRequests, hostConfig, parseBytes, resourceLimits } from "../../../plugins/docker/HostConfig.js";
import { DockerOptionsError } from "../../../plugins/docker/DockerErrors.js";

describe("resourceLimits", () => {
  it("parses sizes the way docker run --memory does (binary units)", () => {
    expect(parseBytes("512m", "memory", "t")).toBe(512 * 1024 ** 2);
    expect(parseBytes("2g", "memory", "t")).toBe(2 * 1024 ** 3);
    expect(parseBytes("1.5GiB", "memory", "t")).toBe(1.5 * 1024 ** 3);
    expect(parseBytes("64KB", "memory", "t")).toBe(64 * 1024);
    expect(parseBytes(1000, "memory", "t")).toBe(1000);
    expect(() => parseBytes("lots", "memory", "train")).toThrow(DockerOptionsError);
    expect(() => parseBytes("lots", "memory", "train")).toThrow(/task "train".*resources.memory = "lots".*"2g"/);
  });

  it("maps memory (without swap), cpus and shmSize to engine limits", () => {
    expect(resourceLimits({ memory: "2g", cpus: 2, shmSize: "1g" }, "t")).toEqual({
      Memory: 2 * 1024 ** 3,
      MemorySwap: 2 * 1024 ** 3,
      NanoCpus: 2_000_000_000,
      ShmSize: 1024 ** 3,
    });
    expect(resourceLimits({ cpus: "0.5" }, "t")).toEqual({ NanoCpus: 500_000_000 });
    expect(() => resourceLimits({ cpus: -1 }, "t")).toThrow(/resources.cpus/);
  });

  it("ignores resource names that are scheduler pools", () => {
    expect(resourceLimits({ licenses: 1, db: 2 }, "t")).toEqual({});
  });
});

describe("GPU requests", () => {
  // There is no GPU (nor the NVIDIA runtime) on this machine, so a GPU container cannot start
  // here: these tests check the DeviceRequests shape the engine's nvidia driver expects.
  const caps = [["gpu", "compute", "utility"]];

  it("requests every GPU for gpus: \"all\", as docker run --gpus all", () => {
    expect(resourceLimits({ gpus: "all" }, "t").DeviceRequests).toEqual([{ Driver: "nvidia", Count: -1, Capabilities: caps }]);
  });

  it("requests a number of GPUs, accepting the gpu alias and numeric strings", () => {
    expect(resourceLimits({ gpus: 2 }, "t").DeviceRequests).toEqual([{ Driver: "nvidia", Count: 2, Capabilities: caps }]);
    expect(resourceLimits({ gpu: 1 }, "t").DeviceRequests).toEqual([{ Driver: "nvidia", Count: 1, Capabilities: caps }]);
    expect(resourceLimits({ gpus: "3" }, "t").DeviceRequests).toEqual([{ Driver: "nvidia", Count: 3, Capabilities: caps }]);
  });

  it("requests specific devices by id, and nothing for zero", () => {
    expect(resourceLimits({ gpus: "0,2" }, "t").DeviceRequests).toEqual([{ Driver: "nvidia", DeviceIDs: ["0", "2"], Capabilities: caps }]);
    expect(resourceLimits({ gpus: 0 }, "t").DeviceRequests).toBeUndefined();
    expect(() => gpuDeviceRequests(1.5, "train")).toThrow(/resources.gpus = 1.5/);
  });
});

describe("hostConfig", () => {
  it("is never privileged, drops capabilities, forbids privilege escalation and has no network by default", () => {
    const hc = hostConfig({ resources: {}, network: "none", mounts: [], task: "t" });
    expect(hc).toMatchObject({
      NetworkMode: "none",
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      Init: true,
      AutoRemove: false,
      Mounts: [],
    });
    expect(hc.Binds).toBeUndefined();
    expect(hc.CapAdd).toBeUndefined();
  });
});
