// The configuration docs stay true: the README example parses without warnings, and every key is
// documented with its VS Code setting in the README and in `check --help`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CHECK_HELP } from '../../server/src/cli/help';
import { CONFIG_KEYS } from '../../server/src/config/config-layer';
import { parseConfigText } from '../../server/src/config/parse-config';
import { formatWarning } from '../../server/src/config/read-layer';
import { ALL_RULES } from '../../server/src/rules/index';
import { REPO_ROOT } from '../support/paths';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The text of a README section, from its `## ` heading to the next one. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = README.indexOf('\n## ', start + 4);
  return README.slice(start, end < 0 ? undefined : end);
}

describe('configuration docs', () => {
  it('has a README example that parses without a warning', () => {
    const example = /```toml\n([\s\S]*?)```/.exec(section('Configuration'))?.[1];
    assert.ok(example, 'no toml example');
    const parsed = parseConfigText(example, '/repo/pyproject.toml', 'pyproject', { rules: ALL_RULES, redirects: {} });
    assert.equal(parsed.kind, 'config');
    assert.deepEqual(parsed.kind === 'config' ? parsed.warnings.map(formatWarning) : [], []);
  });

  it('documents every key with its VS Code setting, in the README table and in check --help', () => {
    const text = section('Configuration');
    for (const key of CONFIG_KEYS) {
      assert.ok(text.includes(`| \`${key.file}\` | \`pydockerfile.${key.setting}\` |`), `README lacks the row of ${key.file}`);
      assert.ok(CHECK_HELP.includes(key.file), `check --help does not mention ${key.file}`);
    }
  });

  it('documents the CI integrations and the pre-commit hooks', () => {
    const ci = section('CI integration');
    for (const text of ['--format github', '--format sarif', 'upload-sarif', '--format codeclimate', 'codequality:', 'id: pydockerfile-fix']) assert.ok(ci.includes(text), `CI integration lacks ${text}`);
    assert.ok(section('Suppressing findings').includes('PYD001') && section('Suppressing findings').includes('PYD002'));
  });
});
