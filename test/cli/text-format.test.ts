// The text format's finding lines and summary: one line per finding whatever the message holds,
// and summary counts that match the findings (severities, files, fixable at each level).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTextFinding, formatTextSummary, type FileFinding } from '../../server/src/cli/format';
import type { Finding } from '../../server/src/engine/lint';
import type { Fix, Severity } from '../../server/src/rules/types';

const at = { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } };

function finding(severity: Severity, message: string, fixes: Fix['applicability'][] = []): Finding {
  return {
    code: 'PYD201',
    name: 'pip-install-with-cache',
    severity,
    message,
    range: at,
    fixes: fixes.map((applicability) => ({ title: `Fix (${applicability})`, applicability, edits: [] })),
    docsUrl: 'https://example.invalid/PYD201',
    unnecessary: false,
  };
}

describe('formatTextFinding', () => {
  it('prints a one-line message as it is', () => {
    assert.equal(formatTextFinding({ file: 'Dockerfile', finding: finding('warning', 'Keeps  its   cache') }, false), 'Dockerfile:3:5: PYD201 Keeps  its   cache');
  });

  it('folds line breaks and the blanks around them into one space, so `path:line:col` stays parseable', () => {
    const line = formatTextFinding({ file: 'Dockerfile', finding: finding('warning', 'First part \r\n   second part\nthird', ['safe']) }, false);
    assert.equal(line, 'Dockerfile:3:5: PYD201 First part second part third [*]');
  });
});

describe('formatTextSummary', () => {
  it('counts severities, files with findings, and what each fix level can fix', () => {
    const findings: FileFinding[] = [
      { file: 'a/Dockerfile', finding: finding('error', 'x', ['safe']) },
      { file: 'a/Dockerfile', finding: finding('warning', 'x', ['unsafe', 'safe']) },
      { file: 'b/Dockerfile', finding: finding('warning', 'x', ['unsafe']) },
      { file: 'b/Dockerfile', finding: finding('info', 'x') },
      { file: 'c/Dockerfile', finding: finding('hint', 'x', ['unsafe']) },
    ];
    assert.deepEqual(formatTextSummary({ filesChecked: 4, findings, threshold: 'warning', showUnsafe: false }), [
      'Found 5 problems (1 error, 2 warnings, 1 info, 1 hint) in 3 of 4 files; 3 at or above `warning`',
      '[*] 2 problems fixable with `--fix`',
      '2 more problems have unsafe fixes (they may change what the image does): show them with `--unsafe-fixes`',
    ]);
    assert.deepEqual(formatTextSummary({ filesChecked: 4, findings: findings.slice(2, 3), threshold: undefined, failing: 0, showUnsafe: true }), [
      "Found 1 problem (1 warning) in 1 of 4 files; 0 at or above their file's failure threshold",
      '[unsafe fix] 1 problem fixable with `--fix --unsafe-fixes` (review the change)',
    ]);
    assert.deepEqual(formatTextSummary({ filesChecked: 1, findings: [], threshold: 'warning', showUnsafe: false }), ['All checks passed (1 file checked)']);
  });
});
