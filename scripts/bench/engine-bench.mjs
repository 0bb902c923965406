// In-process timings: raw dockerfile-ast parse (the floor), our lint, dockerfile-utils and
// dockerfilelint, interleaved on the same inputs so machine noise hits every tool alike.
import { median, quantile, sum } from './stats.mjs';

/**
 * @typedef {{ name: string, run: (text: string) => unknown }} Tool
 * @typedef {{ p50: number, p95: number, mean: number, totalPerPass: number }} TypicalStats
 */

/** Collects garbage between sections when the process runs with --expose-gc. */
export function settle() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

/**
 * Times every tool on every typical file. Each pass visits the files in order and runs the
 * tools on a file back to back, rotating which goes first; the first pass only warms up.
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
  const began = performance.now();
  let measured = 0;
  for (let pass = 0; pass <= passes; pass++) {
    if (pass > 1 && performance.now() - began > budgetMs) break;
    if (pass > 0) measured++;
    settle();
    files.forEach((text, i) => {
      for (let k = 0; k < tools.length; k++) {
        const tool = tools[(i + k + pass) % tools.length];
        const start = performance.now();
        tool.run(text);
        const ms = performance.now() - start;
        if (pass > 0) samples[tool.name].push(ms);
      }
    });
  }
  return Object.fromEntries(
    tools.map((t) => {
      const s = samples[t.name];
      return [t.name, { p50: quantile(s, 0.5), p95: quantile(s, 0.95), mean: sum(s) / s.length, totalPerPass: sum(s) / measured, passes: measured }];
    }),
  );
}

/**
 * Median time of each tool on one large text over `rounds` rounds (plus a warm-up round),
 * tools interleaved within a round; stops early once `budgetMs` is spent (after three rounds).
 * @param {readonly Tool[]} tools
 * @param {string} text
 * @param {number} rounds
 * @param {number} budgetMs
 * @returns {Record<string, { median: number, min: number, samples: number[] }>}
 */
export function benchLarge(tools, text, rounds, budgetMs) {
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(tools.map((t) => [t.name, []]));
  const began = performance.now();
  for (let round = 0; round <= rounds; round++) {
    if (round > 3 && performance.now() - began > budgetMs) break;
    settle();
    for (let k = 0; k < tools.length; k++) {
      const tool = tools[(k + round) % tools.length];
      const start = performance.now();
      tool.run(text);
      const ms = performance.now() - start;
      if (round > 0) samples[tool.name].push(ms);
    }
  }
  return Object.fromEntries(tools.map((t) => [t.name, { median: median(samples[t.name]), min: Math.min(...samples[t.name]), samples: samples[t.name] }]));
}
