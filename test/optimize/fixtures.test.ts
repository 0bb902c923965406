// Properties of Optimize over every rule fixture: the result parses, is a fixpoint, adds no
// warning, leaves none of the codes it claims to fix, and keeps the behaviour invariants.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { optimize, type OptimizeOptions } from '../../server/src/engine/optimize';
import { ALL_RULES } from '../../server/src/rules/index';
import { behaviourOfText, checkInvariants } from '../../server/src/optimize/invariants';
import { parseFixture } from '../support/fixtures';
import { FIXTURE_DIR } from '../support/paths';
import { assertResultProperties, GOLDEN_TODAY, reader } from './support';

for (const rule of ALL_RULES) {
  const file = path.join(FIXTURE_DIR, `${rule.name}.md`);
  if (!fs.existsSync(file)) continue;
  describe(`Optimize over the ${rule.code} fixture`, () => {
    for (const c of parseFixture(fs.readFileSync(file, 'utf8'))) {
      it(`${c.title} (line ${c.sourceLine})`, () => {
        const env = { today: c.options.today ?? GOLDEN_TODAY, readContextFile: reader(c.options.files ?? {}) };
        const options: OptimizeOptions = { env, unsafe: true };
        const result = optimize(c.text, options);
        assertResultProperties(c.text, result, options, c.title);
        const applied = new Set(result.decisions.filter((d) => d.applied).map((d) => d.id));
        const before = behaviourOfText(c.text, env);
        const after = behaviourOfText(result.text, env);
        const removable = applied.has('fix:PYD410') || applied.has('fix:PYD406') ? [...before.env.keys()].filter((k) => !after.env.has(k)) : [];
        const violations = checkInvariants(before, after, {
          pythonMinor: applied.has('python-upgrade'),
          removableEnv: new Set(removable),
          serverOptionsToEnv: applied.has('gunicorn-env'),
          appWorkdir: applied.has('fix:PYD411'),
        });
        assert.deepEqual(violations, [], 'the result breaks a behaviour invariant');
      });
    }
  });
}
