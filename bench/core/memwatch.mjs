// A preload (`node --import ./bench/core/memwatch.mjs …`) that samples the process's memory every
// CAIRN_MEMWATCH_MS (100) ms and, at exit, prints to stderr the sample with the peak RSS and a
// coarse timeline: is the peak JS heap, Buffers (external / arrayBuffers), or native (SQLite, V8)?
const every = Number(process.env.CAIRN_MEMWATCH_MS ?? 100);
const t0 = performance.now();
const samples = [];
const sample = () => {
  const m = process.memoryUsage();
  samples.push({ t: performance.now() - t0, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
};
const timer = setInterval(sample, every);
timer.unref();
const mb = (x) => `${(x / 2 ** 20).toFixed(0)}`.padStart(5);
process.on("exit", () => {
  sample();
  const peak = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
  const line = (s) => `  ${(s.t / 1000).toFixed(1).padStart(6)} s  rss ${mb(s.rss)}  heapUsed ${mb(s.heapUsed)}  heapTotal ${mb(s.heapTotal)}  external ${mb(s.external)}  arrayBuffers ${mb(s.arrayBuffers)} MB`;
  const step = Math.max(1, Math.floor(samples.length / 12));
  process.stderr.write(`memwatch: peak\n${line(peak)}\nmemwatch: timeline\n${samples.filter((_, i) => i % step === 0).map(line).join("\n")}\n`);
});
