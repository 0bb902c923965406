// PYD411's unsafe fix in Optimize: the decision `fix:PYD411` adds `WORKDIR /app` to the most
// common Python Dockerfile (files copied into `/`), and nothing about WORKDIR changes without it.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { optimize, type OptimizeOptions } from '../../server/src/engine/optimize';
import { assertResultProperties, GOLDEN_TODAY } from './support';

const CANONICAL = 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python","app.py"]\n';

const env = { today: GOLDEN_TODAY };

function workdirs(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => /^WORKDIR\b/i.test(l));
}

function pyd411(text: string): string[] {
  return lint(text, { env })
    .findings.filter((f) => f.code === 'PYD411')
    .map((f) => `line ${f.range.start.line + 1}: ${f.message}`);
}

describe('Optimize: PYD411 `WORKDIR /app`', () => {
  it('with every default decision, the canonical file gets `WORKDIR /app` after its FROM and no PYD411 is left', () => {
    const options: OptimizeOptions = { env, unsafe: true };
    const result = optimize(CANONICAL, options);
    const lines = result.text.split('\n');
    assert.match(lines[0] ?? '', /^FROM python:3\.12-slim/);
    assert.equal(lines[1], 'WORKDIR /app');
    assert.deepEqual(workdirs(result.text), ['WORKDIR /app']);
    assert.deepEqual(pyd411(result.text), []);
    const decision = result.decisions.find((d) => d.id === 'fix:PYD411');
    assert.ok(decision, 'fix:PYD411 is offered as a decision');
    assert.equal(decision.default, true, 'ticked by default');
    assert.equal(decision.applied, true);
    assert.ok(!result.skipped.some((s) => s.step.includes('PYD411')), JSON.stringify(result.skipped));
    // Parses, a second Optimize changes nothing, no new warning.
    assertResultProperties(CANONICAL, result, options, 'canonical');
    assert.equal(optimize(result.text, options).text, result.text);
  });

  it('keeps CRLF line endings', () => {
    const crlf = CANONICAL.replace(/\n/g, '\r\n');
    const result = optimize(crlf, { env, unsafe: true });
    assert.ok(result.text.includes('\r\nWORKDIR /app\r\n'), JSON.stringify(result.text));
    assert.ok(!/(^|[^\r])\n/.test(result.text), 'a bare LF in a CRLF file');
  });

  it('without the decision nothing about WORKDIR changes', () => {
    const none = optimize(CANONICAL, { env, decisions: [] });
    assert.deepEqual(workdirs(none.text), []);
    assert.equal(pyd411(none.text).length, 2);
    const others = optimize(CANONICAL, { env, unsafe: true, decisions: ['fix:PYD501', 'fix:PYD102'] });
    assert.deepEqual(workdirs(others.text), []);
  });

  it('is not applied when a later instruction names a copied file by its absolute path', () => {
    const text = 'FROM python:3.12-slim\nCOPY requirements.txt /\nRUN pip install -r /requirements.txt\nCOPY . .\nCMD ["python","/app.py"]\n';
    const result = optimize(text, { env, unsafe: true });
    assert.deepEqual(workdirs(result.text), []);
    assert.equal(pyd411(result.text).length, 2);
  });

  it('runs before the multi-stage rewrite, whose venv then lives under /app', () => {
    const poetry = 'FROM python:3.12-slim\nRUN pip install poetry==1.8.3\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --only main --no-root\nCOPY . .\nCMD ["poetry","run","python","-m","app"]\n';
    const options: OptimizeOptions = { env, unsafe: true };
    const result = optimize(poetry, options);
    assert.ok(result.decisions.some((d) => d.id === 'multi-stage' && d.applied), result.skipped.map((s) => `${s.step}: ${s.reason}`).join('\n'));
    assert.ok(result.text.includes('/app/.venv'), result.text);
    assert.ok(!result.text.includes(' /.venv'), result.text);
    assert.deepEqual(pyd411(result.text), []);
    assertResultProperties(poetry, result, options, 'poetry');
  });
});
