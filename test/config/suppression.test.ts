// Inline suppression: renamed codes (redirect table, tested with an injected entry), and the
// "Ignore <CODE> for this instruction" quick fix writing a correct pragma whatever is already there.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ignoreEdit } from '../../server/src/features/code-actions';
import { lint } from '../../server/src/engine/lint';
import { applyEdits, fixAll } from '../../server/src/fix/apply';
import { DocumentModel } from '../../server/src/model/document-model';
import { codesRedirectingTo, redirectTarget, RULE_REDIRECTS } from '../../server/src/rules/redirects';
import { normalizeSettings } from '../../server/src/settings';

const TODAY = '2026-11-25';
const REDIRECTS = { PYD099: 'PYD201' };

function findings(text: string, only: string[], redirects: Record<string, string> = {}): string[] {
  return lint(text, { only, redirects, env: { today: TODAY } }).findings.map((f) => `${f.code} ${f.range.start.line + 1}: ${f.message}`);
}

describe('renamed codes', () => {
  it('has no renames yet', () => {
    assert.deepEqual(RULE_REDIRECTS, {});
  });

  it('resolves chains and stops at cycles', () => {
    assert.equal(redirectTarget('pyd099', REDIRECTS), 'PYD201');
    assert.equal(redirectTarget('PYD201', REDIRECTS), undefined);
    assert.equal(redirectTarget('PYD098', { PYD098: 'PYD099', PYD099: 'PYD201' }), 'PYD201');
    assert.ok(redirectTarget('PYD098', { PYD098: 'PYD097', PYD097: 'PYD098' }) !== undefined, 'a cycle ends');
    assert.deepEqual(codesRedirectingTo('PYD201', { PYD098: 'PYD099', PYD099: 'PYD201' }).sort(), ['PYD098', 'PYD099']);
  });

  it('keeps an old code working in a pragma, with a deprecation note and a safe fix to the new code', () => {
    const text = 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD099\nRUN pip install flask==3.0.3\n';
    assert.deepEqual(findings(text, ['PYD201'], REDIRECTS), [], 'the old code still silences the rule');
    assert.deepEqual(findings(text, ['PYD001'], REDIRECTS), ['PYD001 2: `PYD099` was renamed to `PYD201`: the old code still works but is deprecated']);
    const fixed = fixAll(text, { only: ['PYD001'], redirects: REDIRECTS, level: 'safe', env: { today: TODAY } }).text;
    assert.equal(fixed, text.replace('PYD099', 'PYD201'));
    const both = 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD201,PYD099\nRUN pip install flask==3.0.3\n';
    assert.equal(fixAll(both, { only: ['PYD001'], redirects: REDIRECTS, level: 'safe', env: { today: TODAY } }).text, text.replace('PYD099', 'PYD201'));
    assert.deepEqual(findings(text, ['PYD001']), ['PYD001 2: `PYD099` is not a pydockerfile rule code, so it silences nothing'], 'without the rename it is unknown');
  });

  it('maps an old code in the editor settings', () => {
    const settings = normalizeSettings({ rules: { pyd099: 'error' }, select: ['PYD099'], ignore: 'PYD099' }, REDIRECTS);
    assert.deepEqual(settings.rules, { PYD201: 'error' });
    assert.deepEqual(settings.select, ['PYD201']);
    assert.deepEqual(settings.ignore, ['PYD201']);
  });
});

/** Applies the "Ignore <code> for this instruction" edit for the finding on `line` (1-based). */
function ignore(text: string, code: string, line: number): string {
  const edit = ignoreEdit(new DocumentModel(text), code, line - 1);
  assert.ok(edit, `no ignore edit for line ${line}`);
  return applyEdits(text, [edit.edit]);
}

/** After the quick fix: the finding is gone and the pragma is a correct one (no PYD001, no PYD002). */
function assertSilenced(text: string, code: string): void {
  assert.deepEqual(findings(text, [code]), [], `${code} still reported:\n${text}`);
  assert.deepEqual(findings(text, ['PYD001', 'PYD002']), [], `the pragma is not clean:\n${text}`);
}

describe('the "Ignore <CODE> for this instruction" quick fix', () => {
  it('inserts a pragma above the instruction, with its indentation, the file\'s line ending and after a BOM', () => {
    const text = '\uFEFFFROM python:3.12-slim-bookworm\r\n  RUN pip install flask==3.0.3\r\n';
    const ignored = ignore(text, 'PYD201', 2);
    assert.equal(ignored, '\uFEFFFROM python:3.12-slim-bookworm\r\n  # pydockerfile ignore=PYD201\r\n  RUN pip install flask==3.0.3\r\n');
    assertSilenced(ignored, 'PYD201');
  });

  it('extends a pragma that already applies to the instruction, even across comment lines', () => {
    const direct = 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202\nRUN pip install flask\n';
    assert.equal(ignore(direct, 'PYD201', 3), 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202,PYD201\nRUN pip install flask\n');
    assertSilenced(ignore(direct, 'PYD201', 3), 'PYD201');
    const commented = 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202\n# flask comes from our mirror\nRUN pip install flask\n';
    const extended = ignore(commented, 'PYD201', 4);
    assert.equal(extended, 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202,PYD201\n# flask comes from our mirror\nRUN pip install flask\n');
    assertSilenced(extended, 'PYD201');
    const trailingComma = 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202,  \nRUN pip install flask\n';
    assert.equal(ignore(trailingComma, 'PYD201', 3), 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202,PYD201  \nRUN pip install flask\n');
  });

  it('writes its own pragma when the one above is hadolint\'s, global, or not attached to the instruction', () => {
    const hadolint = 'FROM python:3.12-slim-bookworm\n# hadolint ignore=DL3013\nRUN pip install flask==3.0.3\n';
    const afterHadolint = ignore(hadolint, 'PYD201', 3);
    assert.equal(afterHadolint, 'FROM python:3.12-slim-bookworm\n# hadolint ignore=DL3013\n# pydockerfile ignore=PYD201\nRUN pip install flask==3.0.3\n');
    assertSilenced(afterHadolint, 'PYD201');
    const global = '# pydockerfile global ignore=PYD102\nFROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';
    const afterGlobal = ignore(global, 'PYD201', 3);
    assert.equal(afterGlobal, '# pydockerfile global ignore=PYD102\nFROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD201\nRUN pip install flask==3.0.3\n');
    assert.deepEqual(findings(afterGlobal, ['PYD201', 'PYD001']), []);
    const detached = 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202\n\nRUN pip install flask==3.0.3\n';
    assert.equal(ignore(detached, 'PYD201', 4), 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD202\n\n# pydockerfile ignore=PYD201\nRUN pip install flask==3.0.3\n');
  });

  it('puts the pragma above the first line of an instruction flagged on a continuation line', () => {
    const text = 'FROM python:3.12-slim-bookworm\nRUN apt-get update && \\\n    pip install flask==3.0.3\n';
    const ignored = ignore(text, 'PYD201', 3);
    assert.equal(ignored, 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD201\nRUN apt-get update && \\\n    pip install flask==3.0.3\n');
    assertSilenced(ignored, 'PYD201');
  });

  it('keeps an unknown code already in the pragma, which PYD001 still reports', () => {
    const text = 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD999\nRUN pip install flask==3.0.3\n';
    const ignored = ignore(text, 'PYD201', 3);
    assert.equal(ignored, 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD999,PYD201\nRUN pip install flask==3.0.3\n');
    assert.deepEqual(findings(ignored, ['PYD201']), []);
    assert.deepEqual(findings(ignored, ['PYD001']), ['PYD001 2: `PYD999` is not a pydockerfile rule code, so it silences nothing']);
  });
});
