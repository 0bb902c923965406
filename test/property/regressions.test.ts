// The seeds of failing cases: fixed bugs stay fixed, and every pending rule bug still fails
// exactly the property it is excluded from (so a fix is noticed and the case moved over).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextReader } from './generators';
import { checkDocument, checkLintTime, PropertyViolation } from './invariants';
import { PENDING } from './pending';
import { REGRESSIONS } from './regressions';

const TODAY = '2026-11-25';

describe('regressions found by the property suites (issue #10)', () => {
  for (const r of REGRESSIONS) {
    it(r.name, () => {
      if (r.budgetMs !== undefined) checkLintTime(r.input, r.budgetMs);
      else checkDocument(r.input, { env: { today: r.today ?? TODAY, readContextFile: contextReader(r.files ?? {}) }, features: true });
    });
  }
});

describe('pending rule bugs (excluded from one property each until fixed)', () => {
  for (const bug of PENDING) {
    it(`${bug.code} still breaks ${bug.property}: ${bug.bug}`, () => {
      const env = { today: bug.today ?? TODAY, readContextFile: contextReader(bug.files ?? {}) };
      let violation: unknown;
      // Only this bug's exclusion is lifted: another pending bug on the same input must not hide it.
      const others = PENDING.filter((other) => other !== bug);
      try {
        if (bug.property === 'lint-time-bound') checkLintTime(bug.input, bug.budgetMs ?? 2000, others);
        else checkDocument(bug.input, { env, features: true, pending: others });
      } catch (error) {
        violation = error;
      }
      const fixed = `the bug looks fixed: move this input from PENDING (test/property/pending.ts) to REGRESSIONS (test/property/regressions.ts)`;
      assert.ok(violation instanceof PropertyViolation, `${fixed} (no property failed)`);
      assert.equal(violation.property, bug.property, `${fixed} (now ${violation.message.split('\n')[0] ?? ''})`);
      // A time bound names no rule; the next test shows the input is fast without this one.
      if (bug.code !== '*' && bug.property !== 'lint-time-bound') assert.ok(violation.code?.split(', ').includes(bug.code), `expected ${bug.code} to be blamed, got ${violation.code ?? 'no code'}`);
    });

    // A time bound of a bug below the rules has no rule to leave out, so nothing else to show.
    if (bug.code === '*' && bug.property === 'lint-time-bound') continue;
    it(`${bug.code}: with the exclusion, the input keeps every other property`, () => {
      if (bug.property === 'lint-time-bound') checkLintTime(bug.input, bug.budgetMs ?? 2000);
      else checkDocument(bug.input, { env: { today: bug.today ?? TODAY, readContextFile: contextReader(bug.files ?? {}) }, features: true });
    });
  }
});
