// `pydockerfile rules`, `--help` and `--version` for the tool and every command.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { JsonRule } from '../../server/src/cli/format';
import { ALL_RULES } from '../../server/src/rules/index';
import { REPO_ROOT } from '../support/paths';
import { assertUsageFailure, runCli } from './run-cli';

const FIX_LABELS = ['none', 'safe', 'unsafe', 'sometimes safe'];

describe('rules', () => {
  it('lists every registered rule as JSON', () => {
    const run = runCli(['rules', '--format', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const rules = JSON.parse(run.stdout) as JsonRule[];
    const listed = ALL_RULES.filter((r) => r.status !== 'removed');
    assert.deepEqual(rules.map((r) => r.code), listed.map((r) => r.code));
    rules.forEach((r, i) => {
      const rule = listed[i];
      assert.ok(rule);
      assert.deepEqual([r.name, r.title, r.severity, r.category], [rule.name, rule.title, rule.defaultSeverity, rule.category]);
      assert.ok(FIX_LABELS.includes(r.fix), `${r.code}: fix ${r.fix}`);
      assert.equal(r.fix === 'none', rule.fix.availability === 'none', `${r.code}: fix label vs declaration`);
      assert.ok(r.url.endsWith(`/docs/rules/${rule.name}.md`));
    });
  });

  it('prints an aligned table in text format', () => {
    const run = runCli(['rules']);
    assert.equal(run.status, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^CODE +NAME +SEVERITY +CATEGORY +FIX +TITLE$/);
    assert.equal(lines.length, ALL_RULES.filter((r) => r.status !== 'removed').length + 1);
    const titleColumn = (lines[0] ?? '').indexOf('TITLE');
    for (const [i, rule] of ALL_RULES.entries()) {
      assert.ok(lines[i + 1]?.startsWith(`${rule.code}  ${rule.name}`), lines[i + 1]);
      assert.equal(lines[i + 1]?.slice(titleColumn), rule.title);
    }
    assertUsageFailure(runCli(['rules', 'PYD201']), '`rules` takes no arguments');
  });
});

describe('help and version', () => {
  const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  it('prints the package version for the tool and each command', () => {
    for (const args of [['--version'], ['check', '--version'], ['optimize', '--version'], ['rules', '--version']]) {
      const run = runCli(args);
      assert.equal(run.status, 0);
      assert.equal(run.stdout, `${version}\n`, args.join(' '));
    }
  });

  it('prints usage with examples for the tool and each command', () => {
    const main = runCli(['--help']);
    assert.equal(main.status, 0);
    for (const command of ['check', 'optimize', 'rules']) assert.match(main.stdout, new RegExp(`^  ${command} `, 'm'));
    assert.equal(runCli(['-h']).stdout, main.stdout);
    assert.equal(runCli(['help']).stdout, main.stdout);
    for (const command of ['check', 'optimize', 'rules']) {
      const run = runCli([command, '--help']);
      assert.equal(run.status, 0);
      assert.ok(run.stdout.startsWith(`Usage: pydockerfile ${command}`), run.stdout);
      assert.match(run.stdout, new RegExp(`\\nExamples:\\n  pydockerfile ${command}`));
      assert.equal(runCli(['help', command]).stdout, run.stdout);
    }
    assert.match(runCli(['check', '--help']).stdout, /--severity-threshold LEVEL +hint\|info\|warning\|error \(default: warning\)/);
  });
});
