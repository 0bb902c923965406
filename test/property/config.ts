// How many cases the property suites run and with which seed: fixed and small under
// `npm test`, long and random under `npm run fuzz` (FUZZ_RUNS, FUZZ_SEED).
import type { Parameters } from 'fast-check';

/** The seed `npm test` uses, so CI failures reproduce exactly. */
export const DEFAULT_SEED = 20260125;

function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

/** The seed of this run (FUZZ_SEED, else DEFAULT_SEED). */
export const SEED = envInteger('FUZZ_SEED') ?? DEFAULT_SEED;

/** FUZZ_RUNS multiplies nothing: it replaces every property's default number of runs. */
const RUNS_OVERRIDE = envInteger('FUZZ_RUNS');

/** True under `npm run fuzz`: long runs, no time pressure. */
export const FUZZING = RUNS_OVERRIDE !== undefined;

/**
 * fast-check parameters for one property: `runs` cases under `npm test`, FUZZ_RUNS under
 * fuzzing. Each property gets its own seed derived from the run's seed and its name, so
 * adding a property does not change the cases of the others.
 */
export function parameters<T>(name: string, runs: number): Parameters<T> {
  let hash = SEED;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) | 0;
  return { seed: hash, numRuns: RUNS_OVERRIDE ?? runs, endOnFailure: false, verbose: 0 };
}

/** Counts generated cases per property, printed at the end of a fuzz run (see scripts/fuzz.mjs). */
export const caseCounts = new Map<string, number>();

/** Records one executed case of `property`. */
export function countCase(property: string): void {
  caseCounts.set(property, (caseCounts.get(property) ?? 0) + 1);
}

process.on('exit', () => {
  if (caseCounts.size === 0) return;
  const summary = [...caseCounts].map(([name, n]) => `${name}=${n}`).join(' ');
  // One parseable line per test process; the fuzz script adds them up.
  process.stdout.write(`# property-cases seed=${SEED} ${summary}\n`);
});
