// Docker executor overhead: (1) one small container task through the executor vs `docker run
// --rm` of the same image and command (median wall time, ratio), (2) 20 small container tasks
// through `cairn run --concurrency 2` vs the time of 20 sequential `docker run`s / 2.
// Usage: npm run build && node bench/docker.mjs [reps=15]. Skips (exit 0) when no engine answers.
import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const REPO = new URL("..", import.meta.url).pathname;
const dist = new URL(process.env.CAIRN_DIST ?? "../dist/", import.meta.url);
const { docker } = await import(new URL("plugins/docker/index.js", dist).href);
const IMAGE = "cairn-test/busybox:latest";
const REPS = Number(process.argv[2] ?? 15);
const TASKS = 20;
const CONCURRENCY = 2;
const COMMAND = "echo hello from the container";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

// The engine and the image: skip cleanly where there is no engine (run .ci/docker.sh first).
try {
  await exec("docker", ["info"]);
} catch {
  console.log("bench/docker.mjs: skipped, no Docker engine answers (`docker info` fails); run .ci/docker.sh");
  process.exit(0);
}
if ((await exec("docker", ["image", "inspect", IMAGE]).then(() => true, () => false)) === false) {
  const ctx = mkdtempSync(join(tmpdir(), "cairn-bench-busybox-"));
  copyFileSync("/usr/bin/busybox", join(ctx, "busybox"));
  writeFileSync(join(ctx, "Dockerfile"), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/bin\n');
  await exec("docker", ["build", "-t", IMAGE, ctx]);
  rmSync(ctx, { recursive: true, force: true });
}
const { stdout: version } = await exec("docker", ["version", "--format", "{{.Server.Version}}"]);
console.log(`engine ${version.trim()}, image ${IMAGE}, ${REPS} repetitions, command: ${COMMAND}`);

// 1. Per-task overhead, interleaved so both sides see the same machine load.
const root = mkdtempSync(join(tmpdir(), "cairn-bench-docker-"));
const executor = docker({ image: IMAGE });
let n = 0;
const request = () => {
  const dir = join(root, `t${n++}`);
  mkdirSync(join(dir, "out"), { recursive: true });
  mkdirSync(join(dir, "tmp"), { recursive: true });
  return {
    runId: "bench", flow: "bench", task: `t${n}`, attempt: 1, command: { shell: COMMAND }, env: {}, inputs: [],
    outDir: join(dir, "out"), tmpDir: join(dir, "tmp"), cwd: dir, resources: {}, signal: new AbortController().signal, log: () => {},
  };
};
const uid = `${process.getuid()}:${process.getgid()}`;
/** `docker run` with the same mounts, user and security options the executor uses. */
const sameFlags = () => {
  const dir = join(root, `c${n++}`);
  mkdirSync(join(dir, "out"), { recursive: true });
  mkdirSync(join(dir, "tmp"), { recursive: true });
  return ["run", "--rm", "--network", "none", "--init", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "--user", uid,
    "--mount", `type=bind,src=${dir}/out,dst=/cairn/out`, "--mount", `type=bind,src=${dir}/tmp,dst=/cairn/tmp`, "--entrypoint", "/bin/sh", IMAGE, "-c", COMMAND];
};
const plainFlags = () => ["run", "--rm", IMAGE, "sh", "-c", COMMAND];

await executor.run(request()); // warm-up: loads dockerode, opens the socket
await exec("docker", plainFlags());
const viaExecutor = [];
const viaRunSame = [];
const viaRunPlain = [];
for (let i = 0; i < REPS; i++) {
  viaExecutor.push(await time(() => executor.run(request())));
  viaRunSame.push(await time(() => exec("docker", sameFlags())));
  viaRunPlain.push(await time(() => exec("docker", plainFlags())));
}
const [e, s, p] = [median(viaExecutor), median(viaRunSame), median(viaRunPlain)];
console.log("\nper-task (median wall time)");
console.log(`  executor.run()                          ${ms(e)}`);
console.log(`  docker run --rm, same flags and mounts  ${ms(s)}   ratio ${(e / s).toFixed(2)}x`);
console.log(`  docker run --rm, plain                  ${ms(p)}   ratio ${(e / p).toFixed(2)}x`);

// 2. 20 small container tasks through the CLI at concurrency 2 vs 20 sequential docker runs / 2.
const project = mkdtempSync(join(tmpdir(), "cairn-bench-docker-flow-"));
mkdirSync(join(project, "node_modules"));
symlinkSync(REPO, join(project, "node_modules", "cairn"), "dir");
writeFileSync(join(project, "package.json"), '{ "name": "bench", "private": true, "type": "module" }\n');
const tasks = Array.from({ length: TASKS }, (_, i) => `const t${i} = task("t${i}", { executor: image, cmd: "echo task ${i} > $CAIRN_OUT/out.txt" });`);
writeFileSync(
  join(project, "flow.ts"),
  `import { flow, task } from "cairn";\nimport { docker } from "cairn/plugins/docker";\nconst image = docker({ image: ${JSON.stringify(IMAGE)} });\n${tasks.join("\n")}\nexport default flow("bench-docker", { targets: [${tasks.map((_, i) => `t${i}`).join(", ")}] });\n`,
);
/** One cold `cairn run` (fresh store): wall time of the process and the run's own duration. */
const cairnRun = () =>
  new Promise((resolve, reject) => {
    rmSync(join(project, ".cairn"), { recursive: true, force: true });
    const t = performance.now();
    const child = spawn(process.execPath, [join(REPO, "bin/cairn.js"), "run", "flow.ts", "--json", "--concurrency", String(CONCURRENCY)], { cwd: project });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wall = performance.now() - t;
      const last = JSON.parse(out.trim().split("\n").at(-1));
      if (code !== 0 || last.executed !== TASKS) reject(new Error(`cairn run failed (exit ${code}): ${out.slice(-500)}`));
      else resolve({ wall, run: last.durationMs });
    });
  });
const flowReps = Math.max(3, Math.floor(REPS / 5));
const flowRuns = [];
const sequential = [];
const pairs = [];
for (let i = 0; i < flowReps; i++) {
  flowRuns.push(await cairnRun());
  sequential.push(await time(async () => {
    for (let k = 0; k < TASKS; k++) await exec("docker", plainFlags());
  }));
  // The engine's own parallelism: the same 20 docker runs, two at a time.
  pairs.push(await time(() => Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let k = 0; k < TASKS / CONCURRENCY; k++) await exec("docker", plainFlags());
  }))));
}
const wall = median(flowRuns.map((r) => r.wall));
const run = median(flowRuns.map((r) => r.run));
const half = median(sequential) / 2;
console.log(`\n${TASKS} container tasks, concurrency ${CONCURRENCY} (median of ${flowReps})`);
console.log(`  cairn run (whole process, cold store)   ${ms(wall)}   ratio ${(wall / half).toFixed(2)}x`);
console.log(`  cairn run (RunStarted → RunFinished)    ${ms(run)}   ratio ${(run / half).toFixed(2)}x`);
console.log(`  ${TASKS} sequential docker runs / 2          ${ms(half)}`);
console.log(`  ${TASKS} docker runs, 2 at a time            ${ms(median(pairs))}   (cairn run RunStarted → RunFinished: ${(run / median(pairs)).toFixed(2)}x)`);

rmSync(root, { recursive: true, force: true });
rmSync(project, { recursive: true, force: true });
const left = (await exec("docker", ["ps", "-aq", "--filter", "label=cairn.run"])).stdout.trim();
if (left !== "") {
  console.error(`containers left behind: ${left}`);
  process.exit(1);
}
