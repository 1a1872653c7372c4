// Benchmark projects in temp dirs: the layered flow of N command or function tasks (a TypeScript
// flow built in loops, as a user writes it), the 1 GiB input project, and the cone arithmetic.
import { randomFillSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The cairn checkout the generated projects import from (`node_modules/cairn` links to it). */
export const CAIRN_ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
/** The benchmark always builds 10 layers; width = N / 10. */
export const LAYERS = 10;

/** Creates `dir` as a project whose flows can `import { task, flow, file } from "cairn"`. */
export const makeProjectDir = (dir) => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.symlinkSync(CAIRN_ROOT, path.join(dir, "node_modules", "cairn"), "dir");
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: path.basename(dir), private: true, type: "module" }, null, 2)}\n`);
};

const commandFlow = (width) => `// Benchmark flow: ${LAYERS} layers of ${width} command tasks; task (l,i) hashes its own source and
// the outputs of (l-1,i) and (l-1,i+1 mod width).
import { flow, task, file, type Task } from "cairn";

const LAYERS = ${LAYERS};
const WIDTH = ${width};

const all: Task<unknown>[] = [];
let previous: Task<unknown>[] = [];
for (let l = 0; l < LAYERS; l++) {
  const layer: Task<unknown>[] = [];
  for (let i = 0; i < WIDTH; i++) {
    const inputs = { src: file(\`src/l\${l}_\${i}.txt\`) };
    layer.push(
      l === 0
        ? task(\`t\${l}_\${i}\`, { inputs, cmd: 'cat "$CAIRN_IN_src" | sha256sum > "$CAIRN_OUT/out"' })
        : task(\`t\${l}_\${i}\`, {
            inputs,
            deps: { a: previous[i]!, b: previous[(i + 1) % WIDTH]! },
            cmd: 'cat "$CAIRN_IN_src" "$CAIRN_IN_a/out" "$CAIRN_IN_b/out" | sha256sum > "$CAIRN_OUT/out"',
          }),
    );
  }
  all.push(...layer);
  previous = layer;
}

export default flow("bench-command", { tasks: all });
`;

const functionFlow = (width) => `// Benchmark flow: ${LAYERS} layers of ${width} function tasks; task (l,i) hashes its own source and
// the values of (l-1,i) and (l-1,i+1 mod width) with node:crypto.
import { createHash } from "node:crypto";
import { flow, task, file, type Task } from "cairn";

const LAYERS = ${LAYERS};
const WIDTH = ${width};

const sha256 = (...parts: Array<string | Buffer>): string => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
};

const all: Task<string>[] = [];
let previous: Task<string>[] = [];
for (let l = 0; l < LAYERS; l++) {
  const layer: Task<string>[] = [];
  for (let i = 0; i < WIDTH; i++) {
    const inputs = { src: file(\`src/l\${l}_\${i}.txt\`) };
    layer.push(
      l === 0
        ? task(\`t\${l}_\${i}\`, { inputs, run: async ({ src }) => sha256(await src.bytes()) })
        : task(\`t\${l}_\${i}\`, {
            inputs,
            deps: { a: previous[i]!, b: previous[(i + 1) % WIDTH]! },
            run: async ({ src, a, b }) => sha256(await src.bytes(), a, b),
          }),
    );
  }
  all.push(...layer);
  previous = layer;
}

export default flow("bench-function", { tasks: all });
`;

/**
 * Writes the layered project of `n` tasks (`kind`: "command" | "function") into `dir`: one
 * source file per task and `flow.ts`. Returns the flow file name and the source of task (0,0).
 */
export const makeLayeredProject = (dir, kind, n) => {
  const width = n / LAYERS;
  if (!Number.isInteger(width) || width < 2) throw new Error(`N=${n}: N must be a multiple of ${LAYERS} with width ≥ 2`);
  makeProjectDir(dir);
  fs.mkdirSync(path.join(dir, "src"));
  for (let l = 0; l < LAYERS; l++) for (let i = 0; i < width; i++) fs.writeFileSync(path.join(dir, "src", `l${l}_${i}.txt`), `source of task ${l},${i}\n`);
  fs.writeFileSync(path.join(dir, "flow.ts"), kind === "command" ? commandFlow(width) : functionFlow(width));
  return { flow: "flow.ts", firstSource: path.join(dir, "src", "l0_0.txt"), width };
};

/**
 * How many tasks must rerun after the source of (0, i0) changes: (0, i0) and every task that has
 * it as an ancestor, walking the edges (l-1,i) → (l,i) and (l-1,i+1 mod w) → (l,i).
 */
export const coneSize = (width, i0 = 0, layers = LAYERS) => {
  let frontier = new Set([i0]);
  let total = frontier.size;
  for (let l = 1; l < layers; l++) {
    const next = new Set();
    for (let i = 0; i < width; i++) if (frontier.has(i) || frontier.has((i + 1) % width)) next.add(i);
    total += next.size;
    frontier = next;
  }
  return total;
};

const bigFlow = (input) => `// One command task over ${input}: it reads only the file's size, so the run measures cairn's hashing.
import { flow, task, file } from "cairn";

const consume = task("consume", { inputs: { data: file("${input}") }, cmd: 'stat -c %s "$CAIRN_IN_data" > "$CAIRN_OUT/size"' });

export default flow("bench-${path.parse(input).name}", { tasks: [consume] });
`;

/**
 * Writes the large-input project: `big.bin` (`bytes` random bytes), `small.bin` (1 byte) and two
 * identical one-task flows over each, so their difference isolates the cost of the big input.
 */
export const makeBigFileProject = (dir, bytes) => {
  makeProjectDir(dir);
  const big = path.join(dir, "big.bin");
  const block = Buffer.allocUnsafe(64 * 1024 * 1024);
  const fd = fs.openSync(big, "w");
  try {
    for (let off = 0; off < bytes; off += block.length) {
      // Fresh random bytes for every block: no repeated content a chunked hasher could shortcut.
      randomFillSync(block);
      fs.writeSync(fd, block, 0, Math.min(block.length, bytes - off));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(path.join(dir, "small.bin"), "x");
  fs.writeFileSync(path.join(dir, "flow-big.ts"), bigFlow("big.bin"));
  fs.writeFileSync(path.join(dir, "flow-small.ts"), bigFlow("small.bin"));
  return { big, bigFlow: "flow-big.ts", smallFlow: "flow-small.ts" };
};
