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
  const input = counterexample === undefined ? '(none)' : visible(describe(counterexample));
  throw new AssertionError({
    message: [
      `property "${name}" failed after ${details.numRuns} case(s), shrunk ${details.numShrinks} time(s)`,
      reason,
      `minimal input: ${input}`,
      `reproduce: FUZZ_SEED=${String(details.seed)} (fast-check path "${details.counterexamplePath ?? ''}")`,
    ].join('\n'),
  });
}

/**
 * Writes the invisible characters JSON.stringify leaves as they are (byte-order mark, NBSP,
 * NEL, U+2028, zero-width and lone surrogates) as `\uXXXX` escapes, so the minimal input that
 * is printed can be read and pasted as it is: a U+2028 printed raw looked like a space (seed
 * 1330973048).
 */
export function visible(text: string): string {
  return text.replace(/[\u0080-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff0-\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
