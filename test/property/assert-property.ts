// Runs a fast-check property and, on failure, reports what a person needs to reproduce and
// keep the case: the property's error, the shrunk input as text, the seed and the path.
import { AssertionError } from 'node:assert';
import fc from 'fast-check';
import { countCase, parameters } from './config';

/**
 * Checks `predicate` on `runs` generated values (FUZZ_RUNS under fuzzing). `describe` turns
 * the shrunk counterexample into the text to paste into regressions.ts.
 */
export function assertProperty<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, runs: number, describe: (value: T) => string): void {
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      countCase(name);
      predicate(value);
    }),
    parameters<[T]>(name, runs),
  );
  if (!details.failed) return;
  const counterexample = details.counterexample?.[0];
  const error = details.errorInstance;
  const reason = error instanceof Error ? error.message : String(error);
  const input = counterexample === undefined ? '(none)' : describe(counterexample);
  throw new AssertionError({
    message: [
      `property "${name}" failed after ${details.numRuns} case(s), shrunk ${details.numShrinks} time(s)`,
      reason,
      `minimal input: ${input}`,
      `reproduce: FUZZ_SEED=${String(details.seed)} (fast-check path "${details.counterexamplePath ?? ''}")`,
    ].join('\n'),
  });
}
