// Optimize lints each text once: the number of lints per run does not grow with the file.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimize, type OptimizeOptions } from '../../server/src/engine/optimize';
import { MAX_FIX_PASSES } from '../../server/src/fix/apply';
import { ALL_RULES } from '../../server/src/rules/index';
import type { Rule } from '../../server/src/rules/types';
import { caseOptions, goldenCases } from './support';

/** The registry with its first rule counting how often it runs: once per lint. */
function countingRules(): { rules: Rule[]; lints: () => number } {
  let count = 0;
  const [first, ...rest] = ALL_RULES;
  assert.ok(first);
  const probe: Rule = { ...first, check: (ctx) => { count++; first.check(ctx); } };
  return { rules: [probe, ...rest], lints: () => count };
}

/** A final stage with `blocks` repetitions of a source copy, a pip install and two RUNs to merge. */
function repetitive(blocks: number): string {
  const lines = ['FROM python:3.12-slim-bookworm', 'WORKDIR /app'];
  for (let i = 0; i < blocks; i++) {
    lines.push(
      `# Block ${i}`,
      `COPY part${i}/ ./part${i}/`,
      `RUN pip install flask==3.0.${i}`,
      `RUN mkdir -p /var/lib/app/${i}`,
      `RUN echo ${i} > /tmp/step-${i}.txt`,
    );
  }
  lines.push('CMD ["python", "-m", "app"]');
  return `${lines.join('\n')}\n`;
}

/** Lints of one run: the fix-loop passes plus a few per decision step, whatever the size. */
function lintsOf(text: string, options: OptimizeOptions): number {
  const counting = countingRules();
  optimize(text, { ...options, rules: counting.rules });
  return counting.lints();
}

describe('Optimize lint budget', () => {
  it('lints a small and a ten times larger file the same number of times', () => {
    const env = { today: '2026-11-25' };
    const small = lintsOf(repetitive(4), { env, unsafe: true });
    const large = lintsOf(repetitive(40), { env, unsafe: true });
    assert.ok(small > 0, 'the probe rule never ran');
    // Safe phases (two fix loops), the non-root decision and its check: each text is linted once.
    assert.ok(small <= 6, `${small} lints for 4 blocks`);
    assert.equal(large, small, `${large} lints for 40 blocks, ${small} for 4`);
  });

  it('stays within the budget on every golden pair', () => {
    for (const c of goldenCases()) {
      const lints = lintsOf(c.before, caseOptions(c));
      assert.ok(lints <= 4 * MAX_FIX_PASSES, `${c.name}: ${lints} lints`);
    }
  });

  it('lints an unchanged text once per run when nothing is ticked', () => {
    const text = 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY app.py .\nCMD ["python", "app.py"]\n';
    const lints = lintsOf(text, { env: { today: '2026-11-25' }, decisions: [] });
    assert.ok(lints <= 2, `${lints} lints for a file with nothing to change`);
  });
});
