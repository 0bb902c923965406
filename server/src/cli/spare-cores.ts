// How many worker threads a `check` over many files may start: cores that sat idle while the CLI
// started and checked its first files, measured rather than guessed from the load average.
import type { CpuInfo } from 'node:os';

/** A snapshot of the machine's CPU times (`os.cpus()`) and when it was taken. */
export interface CpuSample {
  cpus: readonly Pick<CpuInfo, 'times'>[];
  atMs: number;
}

/** Below this window the kernel's 10 ms accounting ticks make the idle share too coarse to use. */
export const MIN_WINDOW_MS = 50;
/** At most this many workers: each loads and warms up the engine anew. */
export const MAX_WORKERS = 3;
/**
 * A core counts as spare from this share of it idle. Over 130 ms of one busy thread, two idle
 * cores showed 0.86 to 1.0 idle core-equivalents besides it, and 0.00 when another process kept
 * the second core busy; the kernel counts in 10 ms ticks. A worker started on a busy machine
 * costs more (a quarter of the run) than one missed on an idle machine saves, hence above half.
 */
export const SPARE_FROM = 0.7;

/** Total and idle milliseconds of one core. */
function totals(times: CpuInfo['times']): { total: number; idle: number } {
  return { total: times.user + times.nice + times.sys + times.idle + times.irq, idle: times.idle };
}

/**
 * Core-equivalents that were idle between two samples (0 to the number of cores), or undefined
 * when the samples cannot tell: a window under MIN_WINDOW_MS, cores that changed, or no ticks.
 */
export function idleCores(before: CpuSample, after: CpuSample): number | undefined {
  if (after.atMs - before.atMs < MIN_WINDOW_MS || before.cpus.length === 0 || before.cpus.length !== after.cpus.length) return undefined;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < after.cpus.length; i++) {
    const a = totals((after.cpus[i] as Pick<CpuInfo, 'times'>).times);
    const b = totals((before.cpus[i] as Pick<CpuInfo, 'times'>).times);
    total += a.total - b.total;
    idle += a.idle - b.idle;
  }
  return total > 0 ? (after.cpus.length * Math.max(0, idle)) / total : undefined;
}

/**
 * Worker threads besides the main one. From the idle share between `before` and `after` when
 * it can be measured: one per core-equivalent that sat idle while this thread worked (so
 * `make -l`-like, cores busy with other processes do not count). Otherwise from the load
 * average: the cores besides this thread's that the last minute's load leaves idle.
 */
export function spareCores(before: CpuSample, after: CpuSample, loadAverage: number): number {
  const idle = idleCores(before, after);
  const spare = idle !== undefined ? Math.floor(idle + (1 - SPARE_FROM)) : after.cpus.length - 1 - Math.floor(loadAverage);
  return Math.max(0, Math.min(spare, MAX_WORKERS));
}
