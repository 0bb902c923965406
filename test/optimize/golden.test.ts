// Golden pairs of "Optimize this Dockerfile": before/after written by us, one folder per case.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimize } from '../../server/src/engine/optimize';
import { applyEdits } from '../../server/src/fix/apply';
import { assertResultProperties, caseOptions, goldenCases, toCrlf } from './support';

describe('Optimize golden pairs', () => {
  const cases = goldenCases();
  it('covers every project type and the special cases of issue #5', () => {
    const names = cases.map((c) => c.name);
    for (const wanted of ['requirements', 'poetry-in-project', 'poetry-export', 'pipenv', 'uv', 'pip-project', 'alpine-to-debian', 'psycopg2-build-deps', 'already-optimal', 'test-and-docs-stages', 'precondition-entry-script', 'precondition-editable', 'escape-directive']) {
      assert.ok(names.includes(wanted), `missing golden case ${wanted}`);
    }
  });
  for (const c of cases) {
    describe(c.name, () => {
      const options = caseOptions(c);
      const result = optimize(c.before, options);
      it('produces the expected Dockerfile', () => {
        assert.equal(result.text, c.after);
        assert.equal(applyEdits(c.before, result.edits), result.text, 'the edits do not reproduce the text');
        assert.equal(result.changed, c.after !== c.before);
      });
      it('parses, is idempotent and adds no warning', () => {
        assertResultProperties(c.before, result, options, c.name);
      });
      it('keeps CRLF line endings', () => {
        const crlf = optimize(toCrlf(c.before), caseOptions({ decisions: c.decisions, files: c.files }));
        assert.equal(crlf.text, toCrlf(c.after));
      });
      it('reports what the case expects', () => {
        const reasons = result.skipped.map((s) => `${s.step}: ${s.reason}`);
        for (const text of c.expect.skipped ?? []) assert.ok(reasons.some((r) => r.includes(text)), `no skipped step mentions "${text}": ${JSON.stringify(reasons, null, 1)}`);
        const codes = result.applied.map((a) => a.code);
        for (const code of c.expect.applied ?? []) assert.ok(codes.includes(code), `${code} not applied: ${codes.join(', ')}`);
        for (const code of c.expect.notApplied ?? []) assert.ok(!codes.includes(code), `${code} applied`);
        for (const [id, applied] of Object.entries(c.expect.decisions ?? {})) {
          const decision = result.decisions.find((d) => d.id === id);
          assert.ok(decision, `decision ${id} not listed: ${result.decisions.map((d) => d.id).join(', ')}`);
          assert.equal(decision.applied, applied, `decision ${id} applied`);
        }
        for (const text of c.expect.estimate ?? []) assert.ok(result.estimate.lines.some((l) => l.includes(text)), `no estimate line mentions "${text}": ${result.estimate.lines.join(' | ')}`);
      });
    });
  }
});
