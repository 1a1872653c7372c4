/** The executor's fingerprint against a real engine: builds, the context-hash short-circuit, missing images. */
import { execFileSync } from "node:child_process";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DockerBuildError, DockerImageNotFoundError, CONTEXT_HASH_LABEL, docker } from "../../../plugins/docker/index.js";
import {
  BUSYBOX_IMAGE,
  bundledPlugin,
  cairnContainers,
  commandRequest,
  describeWithDocker,
  engine,
  ensureBusyboxImage,
  fingerprintRequest,
  removeDir,
  tempDir,
  testRunId,
  writeBusyboxContext,
  type LoggedLine,
} from "./rig.js";

describeWithDocker("docker executor: image resolution and fingerprint", () => {
  let root: string;
  /** Tags of images these tests built, removed afterwards. */
  const builtTags = new Set<string>();

  const fingerprintOf = async (flowDir: string, context: string, lines: string[] = [], tag?: string) => {
    const executor = docker({ build: { context, ...(tag === undefined ? {} : { tag }) } });
    const fp = await executor.fingerprint(fingerprintRequest(flowDir, lines));
    for (const t of (await (await engine()).getImage(fp.image).inspect()).RepoTags ?? []) if (t !== BUSYBOX_IMAGE) builtTags.add(t);
    return fp;
  };

  beforeAll(async () => {
    root = await tempDir("image");
    await ensureBusyboxImage();
  });
  afterAll(async () => {
    const client = await engine();
    for (const tag of builtTags) await client.getImage(tag).remove({ force: true }).catch(() => undefined);
    expect(await cairnContainers(testRunId)).toEqual([]);
    await removeDir(root);
  });

  it("builds a context, labels the image with its context hash and does not rebuild an unchanged context", async () => {
    const ctx = join(root, "same");
    await writeBusyboxContext(ctx, ["COPY train.sh /app/train.sh"]);
    await writeFile(join(ctx, "train.sh"), "echo training\n");
    const first: string[] = [];
    const a = await fingerprintOf(root, "same", first);
    expect(a).toEqual({ kind: "docker", image: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), gpus: null, network: "none" });
    expect(first.some((l) => l.startsWith("building image"))).toBe(true);
    const info = await (await engine()).getImage(a.image).inspect();
    expect(info.Config.Labels?.[CONTEXT_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);

    const second: string[] = [];
    const b = await fingerprintOf(root, "same", second);
    expect(b.image).toBe(a.image);
    expect(second).toEqual([]);
  });

  it("gives a different image ID after a Dockerfile edit, and the old ID again when the edit is undone", async () => {
    const ctx = join(root, "edit");
    await writeBusyboxContext(ctx);
    const original = await fingerprintOf(root, "edit");
    const dockerfile = await readFile(join(ctx, "Dockerfile"), "utf8");
    await appendFile(join(ctx, "Dockerfile"), "ENV MODEL_VARIANT=b\n");
    const edited = await fingerprintOf(root, "edit");
    expect(edited.image).not.toBe(original.image);
    await writeFile(join(ctx, "Dockerfile"), dockerfile);
    const lines: string[] = [];
    const restored = await fingerprintOf(root, "edit", lines);
    expect(restored.image).toBe(original.image);
    expect(lines).toEqual([]);
  });

  it("ignores files listed in .dockerignore when deciding whether to rebuild", async () => {
    const ctx = join(root, "ignore");
    await writeBusyboxContext(ctx, ["COPY . /ctx"]);
    await writeFile(join(ctx, ".dockerignore"), "notes/\n*.log\n!keep.log\n");
    await mkdir(join(ctx, "notes"));
    await writeFile(join(ctx, "notes", "todo.md"), "v1");
    await writeFile(join(ctx, "debug.log"), "v1");
    await writeFile(join(ctx, "keep.log"), "v1");
    const a = await fingerprintOf(root, "ignore");
    await writeFile(join(ctx, "notes", "todo.md"), "v2");
    await writeFile(join(ctx, "debug.log"), "v2");
    const lines: string[] = [];
    expect((await fingerprintOf(root, "ignore", lines)).image).toBe(a.image);
    expect(lines).toEqual([]);
    await writeFile(join(ctx, "keep.log"), "v2");
    expect((await fingerprintOf(root, "ignore")).image).not.toBe(a.image);

    // What the engine received is what was hashed: the ignored files are not in the image.
    const logged: LoggedLine[] = [];
    const req = await commandRequest(join(root, "ignore-run"), { command: { shell: "ls -A /ctx" } }, logged);
    await docker({ build: { context: ctx } }).run(req);
    expect(logged.map((l) => l.line).sort()).toEqual([".dockerignore", "Dockerfile", "busybox", "keep.log"]);
  });

  it("runs exactly the image that was fingerprinted, even if the tag moves afterwards", async () => {
    const ctxA = join(root, "move-a");
    const ctxB = join(root, "move-b");
    await writeBusyboxContext(ctxA, ["ENV WHICH=a"]);
    await writeBusyboxContext(ctxB, ["ENV WHICH=b"]);
    const tag = "cairn-test/moving:latest";
    builtTags.add(tag);
    await fingerprintOf(root, "move-a", [], tag);
    const executor = docker({ image: tag });
    const fp = await executor.fingerprint(fingerprintRequest(root));
    await fingerprintOf(root, "move-b", [], tag);
    const logged: LoggedLine[] = [];
    const req = await commandRequest(join(root, "move-run"), { command: { shell: "echo $WHICH" } }, logged);
    await executor.run({ ...req, flow: "test-flow", task: "t" });
    expect(logged.map((l) => l.line)).toEqual(["a"]);
    expect((await docker({ image: tag }).fingerprint(fingerprintRequest(root))).image).not.toBe(fp.image);
  });

  it("fails a broken build with DockerBuildError carrying the build output", async () => {
    const ctx = join(root, "broken");
    await writeBusyboxContext(ctx, ['RUN ["/bin/sh", "-c", "echo compiling the model; exit 7"]']);
    const error = await fingerprintOf(root, "broken").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DockerBuildError);
    const build = error as DockerBuildError;
    expect(build.retryable).toBe(false);
    expect(build.tail).toContain("compiling the model");
    expect(build.message).toContain(ctx);
    expect(build.message).toMatch(/returned a non-zero code: 7/);
  });

  it("names the image and how to build or load it when an image is missing and cannot be pulled", async () => {
    const executor = docker({ image: "cairn-test/does-not-exist:1.0" });
    const error = await executor.fingerprint(fingerprintRequest(root, [], { task: "train" })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DockerImageNotFoundError);
    const msg = (error as Error).message;
    expect(msg).toContain('task "train"');
    expect(msg).toContain('"cairn-test/does-not-exist:1.0"');
    expect(msg).toContain("docker build -t cairn-test/does-not-exist:1.0");
    expect(msg).toContain("docker load");
    await expect(docker({ image: "cairn-test/does-not-exist:1.0", pull: "never" }).fingerprint(fingerprintRequest(root))).rejects.toThrow(
      /pulling is off/,
    );
  });

  it("puts GPUs and network in the fingerprint but not memory, CPU or shm limits", async () => {
    const executor = docker({ image: BUSYBOX_IMAGE });
    const plain = await executor.fingerprint(fingerprintRequest(root));
    const limited = await executor.fingerprint(fingerprintRequest(root, [], { resources: { memory: "2g", cpus: 2, shmSize: "1g" } }));
    const gpu = await executor.fingerprint(fingerprintRequest(root, [], { resources: { gpus: "all" } }));
    const bridged = await docker({ image: BUSYBOX_IMAGE, network: "bridge" }).fingerprint(fingerprintRequest(root));
    expect(limited).toEqual(plain);
    expect(gpu).toEqual({ ...plain, gpus: "all" });
    expect(bridged).toEqual({ ...plain, network: "bridge" });
  });
  it("plans with an existing image and prepares a run without loading dockerode", async () => {
    // In a fresh process: a fully cached `cairn run` only fingerprints and prepares, and dockerode
    // (0.3–1 s to load) must not be paid for then.
    const contextDir = join(root, "plan-only");
    await writeBusyboxContext(contextDir);
    await fingerprintOf(root, "plan-only");
    const bundle = await bundledPlugin();
    const script = join(root, "plan-only.mjs");
    await writeFile(
      script,
      `import { createRequire } from "node:module";
import { docker } from ${JSON.stringify(bundle)};
const ctx = ${JSON.stringify(contextDir)};
for (const ex of [docker({ image: ${JSON.stringify(BUSYBOX_IMAGE)} }), docker({ build: { context: ctx } })]) {
  await ex.prepare({ projectDir: ${JSON.stringify(root)}, runId: "plan-only" });
  await ex.fingerprint({ flow: "f", task: "t", flowDir: ${JSON.stringify(root)}, resources: {}, log: (l) => console.log(l) });
}
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/node_modules/dockerode/"));
console.log(JSON.stringify({ loaded: loaded.length }));`,
    );
    const out = execFileSync(process.execPath, [script], { encoding: "utf8" }).trim().split("\n");
    expect(out).toEqual([JSON.stringify({ loaded: 0 })]);
  });
});
