// Property: no catastrophic backtracking. Long runs of the characters regular expressions
// quantify over (spaces, backslashes, quotes, `$`, `=`, `,`…) in every kind of instruction
// must lint in bounded time, and never crash.
import { describe, it } from 'node:test';
import { assertProperty } from './assert-property';
import { pathological } from './generators';
import { checkLintTime } from './invariants';

describe('hostile long lines (issue #10)', () => {
  it('lint finishes within 2 s on up to 20,000 repeated hostile characters', () => {
    assertProperty('pathological', pathological, (input) => checkLintTime(input.text, 2000), 40, (input) => input.label);
  });
});
