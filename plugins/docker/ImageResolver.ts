/**
 * Resolves a task's image to the engine's image ID: inspects (and if allowed pulls) a named
 * image, or builds a context — unless an image built from a context with the same hash exists.
 */
import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Readable } from "node:stream";
import type Dockerode from "dockerode";
import { hashBuildContext, listBuildContext } from "./BuildContext.js";
import { engineCall, engineMessage, type EngineAddress } from "./DockerClient.js";
import { DockerBuildError, DockerImageNotFoundError, DockerOptionsError } from "./DockerErrors.js";
import type { BuildOptions, ImageSourceOptions } from "./DockerOptions.js";
import { engineGet, labelFilter } from "./EngineGet.js";
import { tarChunks } from "./Ustar.js";

/** The label holding the context hash an image was built from: the engine itself is the build cache. */
export const CONTEXT_HASH_LABEL = "cairn.context-hash";

/** A resolved image. */
export interface ResolvedImage {
  /** The engine's image ID (`sha256:…`): what runs, and what enters the cache key. */
  readonly id: string;
  /** What the user wrote, or the tag cairn gave a built image. */
  readonly ref: string;
  /** True when this call built the image. */
  readonly built: boolean;
}

interface Ctx {
  /** dockerode, loaded only when something must be built, pulled or tagged. */
  readonly docker: () => Promise<Dockerode>;
  readonly address: EngineAddress;
  readonly task: string;
  readonly flowDir: string;
  readonly log: (line: string) => void;
}

/** Builds started by this process, by engine and context hash: tasks sharing a context build once. */
const inflight = new Map<string, Promise<ResolvedImage>>();

/** Resolves `source` to an image ID, building or pulling when needed. */
export const resolveImage = (source: ImageSourceOptions, ctx: Ctx): Promise<ResolvedImage> =>
  "image" in source ? resolveNamed(source.image, source.pull ?? "missing", ctx) : resolveBuild(source.build, ctx);

const resolveNamed = async (ref: string, pull: "missing" | "never", ctx: Ctx): Promise<ResolvedImage> => {
  const inspect = (): Promise<Dockerode.ImageInspectInfo> =>
    engineCall("inspect image", ctx.task, ctx.address, () =>
      engineGet(ctx.address, `/images/${ref}/json`, async () => (await ctx.docker()).getImage(ref).inspect()),
    );
  try {
    return { id: (await inspect()).Id, ref, built: false };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  if (pull === "never") throw new DockerImageNotFoundError({ image: ref, task: ctx.task, reason: 'pulling is off (pull: "never")' });
  ctx.log(`pulling image ${ref}`);
  try {
    const client = await ctx.docker();
    const stream = await client.pull(ref);
    await new Promise<void>((done, fail) =>
      client.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = err ?? out.find((o) => typeof o.error === "string");
        if (failed) fail(failed instanceof Error ? failed : new Error(failed.error));
        else done();
      }),
    );
  } catch (e) {
    // An unreachable engine was already reported by the inspect above; anything failing here is
    // the registry's answer (unknown name, no network, no credentials).
    throw new DockerImageNotFoundError({ image: ref, task: ctx.task, reason: `pull failed: ${engineMessage(e)}` });
  }
  return { id: (await inspect()).Id, ref, built: false };
};

/** A tag for a built image that says where it came from: `cairn/<context dir>:<hash prefix>`. */
const defaultTag = (contextDir: string, hash: string): string => {
  const name = basename(contextDir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "") || "context";
  return `cairn/${name}:${hash.slice(0, 12)}`;
};

const resolveBuild = async (build: BuildOptions, ctx: Ctx): Promise<ResolvedImage> => {
  const contextDir = resolve(ctx.flowDir, build.context);
  const dockerfile = build.dockerfile ?? "Dockerfile";
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
    throw new DockerOptionsError({ task: ctx.task, problem: `build context ${contextDir} is not a directory (build.context is relative to the flow file).` });
  }
  if (!existsSync(resolve(contextDir, dockerfile))) {
    throw new DockerOptionsError({ task: ctx.task, problem: `no ${dockerfile} in the build context ${contextDir}: add one, or set build.dockerfile (relative to the context).` });
  }
  const context = await listBuildContext(contextDir, dockerfile);
  const args = build.args ?? {};
  const hash = await hashBuildContext(context, { dockerfile, args, target: build.target });
  const tag = build.tag ?? defaultTag(contextDir, hash);
  const key = `${ctx.address.host}\0${hash}\0${tag}`;
  const running = inflight.get(key);
  if (running !== undefined) return running;
  const work = (async (): Promise<ResolvedImage> => {
    const label = `${CONTEXT_HASH_LABEL}=${hash}`;
    const existing = await engineCall("list images", ctx.task, ctx.address, () =>
      engineGet(ctx.address, `/images/json?${labelFilter([label])}`, async () =>
        (await ctx.docker()).listImages({ filters: JSON.stringify({ label: [label] }) }),
      ),
    );
    const newest = [...existing].sort((a, b) => b.Created - a.Created)[0];
    if (newest !== undefined) {
      if (!(newest.RepoTags ?? []).includes(tag)) await tagImage(ctx, newest.Id, tag);
      return { id: newest.Id, ref: tag, built: false };
    }
    ctx.log(`building image ${tag} from ${contextDir}`);
    const id = await runBuild(ctx, { contextDir, dockerfile, tag, hash, args, target: build.target, entries: context.entries });
    return { id, ref: tag, built: true };
  })();
  inflight.set(key, work);
  try {
    return await work;
  } finally {
    inflight.delete(key);
  }
};

const tagImage = async (ctx: Ctx, id: string, tag: string): Promise<void> => {
  const colon = tag.lastIndexOf(":");
  const [repo, version] = colon > tag.lastIndexOf("/") ? [tag.slice(0, colon), tag.slice(colon + 1)] : [tag, "latest"];
  const client = await ctx.docker();
  await engineCall("tag image", ctx.task, ctx.address, () => client.getImage(id).tag({ repo, tag: version }));
};

/** One line of the engine's build progress stream. */
interface BuildMessage {
  readonly stream?: string;
  readonly error?: string;
  readonly aux?: { readonly ID?: string };
}

const runBuild = async (
  ctx: Ctx,
  b: { contextDir: string; dockerfile: string; tag: string; hash: string; args: Readonly<Record<string, string>>; target: string | undefined; entries: Parameters<typeof tarChunks>[0] },
): Promise<string> => {
  const tail: string[] = [];
  const fail = (reason: string): DockerBuildError =>
    new DockerBuildError({ task: ctx.task, context: b.contextDir, dockerfile: b.dockerfile, reason, tail: tail.slice(-20) });
  const options: Dockerode.ImageBuildOptions = {
    t: b.tag,
    dockerfile: b.dockerfile,
    buildargs: { ...b.args },
    labels: { [CONTEXT_HASH_LABEL]: b.hash },
    rm: true,
    forcerm: true,
    ...(b.target === undefined ? {} : { target: b.target }),
  };
  const client = await ctx.docker();
  const stream = await engineCall("build image", ctx.task, ctx.address, () => client.buildImage(Readable.from(tarChunks(b.entries)), options));
  const messages = await new Promise<BuildMessage[]>((done, reject) =>
    client.modem.followProgress(
      stream,
      (err: Error | null, out: BuildMessage[]) => (err ? reject(fail(engineMessage(err))) : done(out)),
      (m: BuildMessage) => {
        for (const line of (m.stream ?? "").split("\n")) {
          if (line.trim() === "") continue;
          tail.push(line);
          if (tail.length > 40) tail.shift();
          ctx.log(line);
        }
      },
    ),
  );
  const error = messages.find((m) => typeof m.error === "string");
  if (error !== undefined) throw fail(error.error!.trim());
  const id = messages.find((m) => typeof m.aux?.ID === "string")?.aux?.ID;
  if (id !== undefined) return id;
  // Older engines report only "Successfully built <short id>": ask for the tag instead.
  const info = await engineCall("inspect image", ctx.task, ctx.address, () => client.getImage(b.tag).inspect());
  return info.Id;
};
