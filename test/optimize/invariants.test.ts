// The reasons Optimize gives for a skipped step: they are shown to the user, so they must name
// both sides of a change.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { behaviourOfText, checkInvariants } from '../../server/src/optimize/invariants';
import { optimize } from '../../server/src/engine/optimize';

describe('invariant messages', () => {
  it('names a command the entry walk could not follow instead of leaving it blank', () => {
    // An exec-form ENTRYPOINT receives the shell-form CMD as `/bin/sh -c …`; the script is unknown.
    const before = behaviourOfText('FROM python:3.12-slim-bookworm\nENTRYPOINT ["/app/entrypoint.sh"]\nCMD python app.py\n');
    const after = behaviourOfText('FROM python:3.12-slim-bookworm\nENTRYPOINT ["/app/entrypoint.sh"]\nCMD ["python", "app.py"]\n');
    const problems = checkInvariants(before, after);
    const command = problems.find((p) => p.includes('container command'));
    assert.ok(command, `expected a command violation, got ${JSON.stringify(problems)}`);
    assert.doesNotMatch(command, /from {2}to|from\s+to\b/);
    assert.match(command, /could not be followed/);
  });

  it('shows the skipped exec-form rewrite with a readable reason in Optimize', () => {
    const result = optimize('FROM python:3.12-slim-bookworm\nENTRYPOINT ["/app/entrypoint.sh"]\nCMD python app.py\n', { unsafe: true });
    const skipped = result.skipped.find((s) => s.step.startsWith('PYD401'));
    assert.ok(skipped, `PYD401 should be skipped: ${JSON.stringify(result.skipped)}`);
    assert.match(skipped.reason, /from a command that could not be followed to `python app\.py`/);
  });
});
