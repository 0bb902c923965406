// `check --format …`: a golden file per output format (and for --statistics, --show-source and
// colors), all from one project whose findings cover warnings, hints, safe and unsafe fixes.
// Run with UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review the diff.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { escapeData, escapeProperty } from '../../server/src/cli/github-format';
import { escapeXml } from '../../server/src/cli/checkstyle';
import { docsUrl, ruleByCode } from '../../server/src/rules/index';
import { REPO_ROOT } from '../support/paths';
import { runCli, tempDir, type CliRun } from './run-cli';

const GOLDEN_DIR = path.join(REPO_ROOT, 'test', 'cli', 'golden');
const PROJECT = path.join(GOLDEN_DIR, 'project');
/** Three rules with stable messages: a meta rule, an unsafe fix, and a safe fix with two severities. */
const SELECT = ['--select', 'PYD001,PYD106,PYD201'];

/** Compares with a golden file, or rewrites it when UPDATE_GOLDEN is set. */
function assertGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(file, actual);
  assert.ok(fs.existsSync(file), `missing golden file ${name}: run the tests with UPDATE_GOLDEN=1`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs (intended? rerun with UPDATE_GOLDEN=1 and review the diff)`);
}

function check(args: readonly string[], env: Record<string, string | undefined> = {}): CliRun {
  return runCli(['check', ...SELECT, ...args], PROJECT, { env });
}

/**
 * What varies by machine or by an unrelated docs edit is replaced: the working folder, the
 * version, and the rule documentation texts (tested against the rules separately below).
 */
function normalizeSarif(stdout: string): string {
  const log = JSON.parse(stdout) as { runs: { tool: { driver: Record<string, unknown> & { rules: Record<string, unknown>[] } }; originalUriBaseIds: Record<string, { uri: string }> }[] };
  for (const run of log.runs) {
    run.tool.driver['version'] = '<version>';
    if ('semanticVersion' in run.tool.driver) run.tool.driver['semanticVersion'] = '<version>';
    for (const rule of run.tool.driver.rules) {
      rule['fullDescription'] = { text: '<docs.whatItDoes>' };
      rule['help'] = { text: '<docs>', markdown: '<docs>' };
    }
    // %SRCROOT% is the repository root the project folder sits in (see cli/report-root.ts).
    for (const base of Object.values(run.originalUriBaseIds)) base.uri = base.uri.replace(pathToFileURL(REPO_ROOT).href, 'file:///<repo>');
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

function normalizeCodeClimate(stdout: string): string {
  const issues = JSON.parse(stdout) as { content: { body: string } }[];
  for (const issue of issues) issue.content.body = '<docs>';
  return `${JSON.stringify(issues, null, 2)}\n`;
}

describe('check output formats (golden files)', () => {
  it('text', () => {
    const run = check([]);
    assert.equal(run.status, 1, run.stderr);
    assertGolden('check.text.txt', run.stdout);
  });

  it('text with --show-source', () => {
    assertGolden('check.show-source.txt', check(['--show-source']).stdout);
  });

  it('text with colors when FORCE_COLOR is set', () => {
    const run = check(['--show-source'], { FORCE_COLOR: '1' });
    assert.match(run.stdout, /\u001b\[/, 'colored');
    assertGolden('check.color.txt', run.stdout);
    assert.equal(run.stdout.replace(/\u001b\[\d+m/g, ''), check(['--show-source']).stdout, 'colors change nothing but the escapes');
  });

  it('json', () => {
    assertGolden('check.json', check(['--format', 'json']).stdout);
  });

  it('sarif', () => {
    assertGolden('check.sarif', normalizeSarif(check(['--format', 'sarif']).stdout));
  });

  it('github', () => {
    const run = check(['--format', 'github']);
    assert.equal(run.status, 1);
    assertGolden('check.github.txt', run.stdout);
  });

  it('codeclimate', () => {
    assertGolden('check.codeclimate.json', normalizeCodeClimate(check(['--format', 'codeclimate']).stdout));
  });

  it('checkstyle', () => {
    assertGolden('check.checkstyle.xml', check(['--format', 'checkstyle']).stdout);
  });

  it('statistics in text and json', () => {
    assertGolden('check.statistics.txt', check(['--statistics']).stdout);
    assertGolden('check.statistics.json', check(['--statistics', '--format', 'json']).stdout);
  });

  it('unsafe fixes shown with --unsafe-fixes', () => {
    assertGolden('check.unsafe-fixes.txt', check(['--unsafe-fixes']).stdout);
  });
});

describe('check output format details', () => {
  it('fills SARIF rule help and Code Climate bodies from the rule docs', () => {
    const sarif = JSON.parse(check(['--format', 'sarif']).stdout) as { runs: { tool: { driver: { rules: { id: string; fullDescription: { text: string }; help: { text: string; markdown: string } }[] } } }[] };
    for (const descriptor of sarif.runs[0]?.tool.driver.rules ?? []) {
      const rule = ruleByCode(descriptor.id);
      assert.ok(rule);
      assert.equal(descriptor.fullDescription.text, rule.docs.whatItDoes);
      assert.ok(descriptor.help.text.startsWith(rule.docs.whyItMatters));
      assert.ok(descriptor.help.markdown.includes(docsUrl(rule)));
    }
    const issues = JSON.parse(check(['--format', 'codeclimate']).stdout) as { check_name: string; content: { body: string }; fingerprint: string }[];
    for (const issue of issues) {
      const rule = ruleByCode(issue.check_name);
      assert.ok(rule);
      assert.ok(issue.content.body.startsWith(`${rule.title}: `));
      assert.ok(issue.content.body.includes(docsUrl(rule)));
    }
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length, 'fingerprints are unique');
  });

  it('keeps Code Climate fingerprints when unrelated lines move', () => {
    // Both runs in temp folders outside any repository, so the path (part of the fingerprint) is the same.
    const original = tempDir('original');
    const text = fs.readFileSync(path.join(PROJECT, 'Dockerfile'), 'utf8');
    fs.writeFileSync(path.join(original, 'Dockerfile'), text);
    const before = JSON.parse(runCli(['check', ...SELECT, '--format', 'codeclimate'], original).stdout) as { fingerprint: string; location: { lines: { begin: number } } }[];
    const dir = tempDir('moved');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), text.replace('\nFROM python:3.12-slim-bookworm AS build', '\n# a new comment\n\nFROM python:3.12-slim-bookworm AS build'));
    const after = JSON.parse(runCli(['check', ...SELECT, '--format', 'codeclimate'], dir).stdout) as { fingerprint: string; location: { lines: { begin: number } } }[];
    assert.deepEqual(after.map((i) => i.fingerprint), before.map((i) => i.fingerprint));
    assert.notDeepEqual(after.map((i) => i.location.lines.begin), before.map((i) => i.location.lines.begin), 'lines did move');
  });

  it('escapes workflow-command and XML special characters', () => {
    assert.equal(escapeData('50% done\r\nnext'), '50%25 done%0D%0Anext');
    assert.equal(escapeProperty('dir:a,b/Dockerfile'), 'dir%3Aa%2Cb/Dockerfile');
    assert.equal(escapeXml('a < b & "c" \'d\'\u0001\n'), 'a &lt; b &amp; &quot;c&quot; &apos;d&apos;&#10;');
  });
});
