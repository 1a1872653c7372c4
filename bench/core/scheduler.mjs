// The scheduler alone: the layered DAG of N trivial tasks (each resolves on the next turn of the
// event loop) through cairn's Effect scheduler, against a plain ready-queue floor (a task starts
// once its deps are done and a slot is free). Shows what scheduling costs at N = 1000 and 5000
// in time and heap, without processes, hashing or SQLite.
// Usage: npm run build && node --expose-gc bench/core/scheduler.mjs [N…]
const dist = new URL(process.env.CAIRN_DIST ?? "../../dist/", import.meta.url);
const { schedule } = await import(new URL("src/scheduler/Scheduler.js", dist).href);
const { Effect } = await import(new URL("src/scheduler/effect.js", dist).href);

const CONCURRENCY = 2;
const sizes = process.argv.slice(2).map(Number);

/** Task (l,i) depends on (l-1,i) and (l-1,i+1 mod w), as in the core benchmark's flows. */
const layeredTasks = (n) => {
  const w = n / 10;
  const tasks = [];
  for (let l = 0; l < 10; l++)
    for (let i = 0; i < w; i++) tasks.push({ name: `t${l}_${i}`, deps: l === 0 ? [] : [`t${l - 1}_${i}`, `t${l - 1}_${(i + 1) % w}`], pools: {}, retry: { attempts: 1 }, timeoutMs: undefined });
  return tasks;
};

/** A trivial task body that samples the heap (after a GC, when exposed) every n/10 completions. */
const makeWork = (n) => {
  let done = 0;
  let peak = 0;
  const work = () =>
    new Promise((resolve) =>
      setImmediate(() => {
        if (++done % Math.max(1, Math.floor(n / 10)) === 0) {
          globalThis.gc?.();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
        resolve(done);
      }),
    );
  return { work, peakMb: () => peak / 2 ** 20 };
};

const viaCairn = async (tasks, work) => {
  const hooks = { prepare: () => "run", attempt: () => work(), retrying() {}, failed() {}, cancelled() {} };
  await Effect.runPromise(schedule(tasks, hooks, { concurrency: CONCURRENCY, keepGoing: false, pools: {} }));
};

const readyQueue = (tasks, work) =>
  new Promise((resolve) => {
    const waiting = new Map(tasks.map((t) => [t.name, t.deps.length]));
    const children = new Map(tasks.map((t) => [t.name, []]));
    for (const t of tasks) for (const d of t.deps) children.get(d).push(t.name);
    const ready = tasks.filter((t) => t.deps.length === 0).map((t) => t.name);
    let running = 0;
    let finished = 0;
    const pump = () => {
      while (running < CONCURRENCY && ready.length) {
        const name = ready.shift();
        running++;
        work().then(() => {
          running--;
          finished++;
          for (const c of children.get(name)) {
            const left = waiting.get(c) - 1;
            waiting.set(c, left);
            if (left === 0) ready.push(c);
          }
          if (finished === tasks.length) resolve();
          else pump();
        });
      }
    };
    pump();
  });

if (!globalThis.gc) console.log("(run with --expose-gc for heap numbers after GC)");
for (const n of sizes.length ? sizes : [1000, 5000]) {
  for (const [label, run] of [["cairn scheduler (Effect)", viaCairn], ["ready queue (floor)", readyQueue]]) {
    const { work, peakMb } = makeWork(n);
    const t0 = performance.now();
    await run(layeredTasks(n), work);
    console.log(`N=${String(n).padEnd(5)} ${label.padEnd(26)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms   peak heap ${peakMb().toFixed(0).padStart(4)} MB`);
  }
}
