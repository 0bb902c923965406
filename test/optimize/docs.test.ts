// docs/optimize.md documents every named decision with its codes and default.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/rules/index';
import { decisionById, decisionForCode, NAMED_DECISIONS } from '../../server/src/optimize/decisions';
import { REPO_ROOT } from '../support/paths';

const DOC = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'optimize.md'), 'utf8');

describe('docs/optimize.md', () => {
  it('has a table row per named decision with its first code and its default', () => {
    for (const d of NAMED_DECISIONS) {
      const row = DOC.split('\n').find((line) => line.startsWith(`| \`${d.id}\` |`));
      assert.ok(row, `no row for ${d.id}`);
      assert.ok(row.includes(d.codes[0] as string), `${d.id}: row does not name ${d.codes[0]}`);
      assert.equal(row.includes('**off**'), !d.defaultOn, `${d.id}: default in the docs differs`);
    }
  });

  it('names every unsafe fix that is off by default', () => {
    const off = ALL_RULES.map((r) => decisionForCode(r.code)).filter((d) => d.id.startsWith('fix:') && !d.defaultOn);
    assert.ok(off.length > 0);
    for (const d of off) assert.match(DOC, new RegExp(`\`${d.id}\``), `${d.id} is off by default but not documented`);
  });

  it('titles a fix decision whose rule offers two choices by the edit a tick makes', () => {
    // Ticking fix:PYD209 applies the first fix: the ENV line that puts the venv on PATH.
    assert.match(decisionForCode('PYD209').title, /^Put each unused virtual environment on PATH with ENV .*\(PYD209\)$/);
  });

  it('resolves decision ids: named ones, fix:PYDnnn for codes without a name, nothing else', () => {
    assert.equal(decisionById('multi-stage')?.id, 'multi-stage');
    assert.equal(decisionById('fix:PYD304')?.codes[0], 'PYD304');
    assert.equal(decisionById('fix:PYD101'), undefined, 'PYD101 is ticked as slim-runtime');
    assert.equal(decisionById('PYD304'), undefined);
  });
});
