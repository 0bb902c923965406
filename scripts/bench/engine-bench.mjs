// In-process timings: raw dockerfile-ast parse (the floor), our lint, dockerfile-utils and
// dockerfilelint, interleaved on the same inputs so machine noise hits every tool alike.
import { median, quantile, sum } from './stats.mjs';

/**
 * @typedef {{ name: string, run: (text: string) => unknown }} Tool
 * @typedef {{ p50: number, p95: number, mean: number, totalPerPass: number, passes: number, cpuP50: number }} TypicalStats
 */

/** Collects garbage between sections when the process runs with --expose-gc. */
export function settle() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

/**
 * Times every tool on every typical file. Each pass visits the files in order and runs the
 * tools on a file back to back, rotating which goes first; a first, shorter pass only warms up.
 * Stops early, after at least one measured pass, once `budgetMs` is spent, so slow rules
 * cannot push the whole benchmark past its time limit.
 * @param {readonly Tool[]} tools
 * @param {readonly string[]} files
 * @param {number} passes measured passes (after one warm-up pass)
 * @param {number} budgetMs
 * @returns {Record<string, TypicalStats>}
 */
export function benchTypical(tools, files, passes, budgetMs) {
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(tools.map((t) => [t.name, []]));
  // CPU time as well: on a busy machine wall time also counts waiting for a core.
  /** @type {Record<string, number[]>} */
  const cpuSamples = Object.fromEntries(tools.map((t) => [t.name, []]));
  const began = performance.now();
  let measured = 0;
  for (let pass = 0; pass <= passes; pass++) {
    if (pass > 1 && performance.now() - began > budgetMs) break;
    if (pass > 0) measured++;
    settle();
    // A few hundred files are plenty to warm the JIT up; the measured passes see all of them.
    (pass === 0 ? files.slice(0, 300) : files).forEach((text, i) => {
      for (let k = 0; k < tools.length; k++) {
        const tool = tools[(i + k + pass) % tools.length];
        const cpu = process.cpuUsage();
        const start = performance.now();
        tool.run(text);
        const ms = performance.now() - start;
        const used = process.cpuUsage(cpu);
        if (pass > 0) {
          samples[tool.name].push(ms);
          cpuSamples[tool.name].push((used.user + used.system) / 1000);
        }
      }
    });
  }
  return Object.fromEntries(
    tools.map((t) => {
      const s = samples[t.name];
      return [t.name, { p50: quantile(s, 0.5), p95: quantile(s, 0.95), mean: sum(s) / s.length, totalPerPass: sum(s) / measured, passes: measured, cpuP50: quantile(cpuSamples[t.name], 0.5) }];
    }),
  );
}

/**
 * Median time of each tool on one large text over `rounds` rounds, tools interleaved within a
 * round (rotating which goes first). The heap is collected once before the first round, then
 * `warmRounds` unmeasured rounds let V8 optimise every tool's code for this input size, so the
 * measured rounds are the steady state an editor or a CI run reaches: back to back, without
 * forced collections. Stops early once `budgetMs` is spent (after `minRounds` measured rounds).
 *
 * With `collectBeforeEachRun`, every run instead starts right after a forced full collection,
 * which makes V8 throw away optimised code that refers to objects the collection freed ("weak
 * objects" deoptimisations), so each run re-optimises and every tool measures 1.5–3× slower.
 * No tool runs like that in use; the bench reports it as a second row, not for a target.
 * @param {readonly Tool[]} tools
 * @param {string} text
 * @param {{ rounds: number, budgetMs: number, minRounds?: number, warmRounds?: number, collectBeforeEachRun?: boolean }} options
 * @returns {Record<string, { median: number, min: number, samples: number[] }>}
 */
export function benchLarge(tools, text, { rounds, budgetMs, minRounds = 3, warmRounds = 2, collectBeforeEachRun = false }) {
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(tools.map((t) => [t.name, []]));
  settle();
  let began = performance.now();
  for (let round = -warmRounds; round < rounds; round++) {
    if (round === 0) began = performance.now();
    if (round >= minRounds && performance.now() - began > budgetMs) break;
    for (let k = 0; k < tools.length; k++) {
      const tool = tools[(((k + round) % tools.length) + tools.length) % tools.length];
      if (collectBeforeEachRun) settle();
      const start = performance.now();
      tool.run(text);
      const ms = performance.now() - start;
      if (round >= 0) samples[tool.name].push(ms);
    }
  }
  return Object.fromEntries(tools.map((t) => [t.name, { median: median(samples[t.name]), min: Math.min(...samples[t.name]), samples: samples[t.name] }]));
}
