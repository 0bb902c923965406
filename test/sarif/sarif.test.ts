// `check --format sarif`: the log validates against the official SARIF 2.1.0 schema for the
// example app and for every case of every rule fixture, and says what GitHub code scanning needs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CheckedFile, JsonFinding } from '../../server/src/cli/format';
import { withoutBomColumns } from '../../server/src/cli/format';
import { toSarif } from '../../server/src/cli/sarif';
import { lint } from '../../server/src/engine/lint';
import { applyEdits } from '../../server/src/fix/apply';
import { ALL_RULES, docsUrl, ruleByCode } from '../../server/src/rules/index';
import { runCli, tempDir } from '../cli/run-cli';
import { parseFixture } from '../support/fixtures';
import { FIXTURE_DIR, REPO_ROOT } from '../support/paths';
import { sarifErrors } from './sarif-validator';

const EXAMPLE = 'examples/flask-app/Dockerfile';
const FIXTURE_TODAY = '2026-11-25';

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: SarifRegion } }[];
  fixes?: { description: { text: string }; artifactChanges: { replacements: { deletedRegion: SarifRegion; insertedContent: { text: string } }[] }[] }[];
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; helpUri: string; shortDescription: { text: string } }[] } };
    invocations: { executionSuccessful: boolean }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    results: SarifResult[];
  }[];
}

function parseLog(stdout: string): SarifLog {
  return JSON.parse(stdout) as SarifLog;
}

function runOf(log: SarifLog): SarifLog['runs'][number] {
  const run = log.runs[0];
  assert.ok(run, 'the log has a run');
  return run;
}

/** Applies SARIF replacements (1-based, end column exclusive) to a text, as a SARIF viewer would. */
function applyReplacements(text: string, replacements: { deletedRegion: SarifRegion; insertedContent: { text: string } }[]): string {
  return applyEdits(
    text,
    replacements.map((r) => ({
      range: { start: { line: r.deletedRegion.startLine - 1, character: r.deletedRegion.startColumn - 1 }, end: { line: r.deletedRegion.endLine - 1, character: r.deletedRegion.endColumn - 1 } },
      newText: r.insertedContent.text,
    })),
  );
}

describe('the SARIF validator', () => {
  it('rejects logs that break the schema, so passing means something', () => {
    assert.deepEqual(sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] }), []);
    assert.notDeepEqual(sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), []);
    assert.notDeepEqual(sarifErrors({ version: '2.0.0', runs: [] }), []);
    assert.notDeepEqual(sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x', informationUri: 'not a uri' } } }] }), []);
    assert.notDeepEqual(
      sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a b' } } }] }] }] }),
      [],
      'a URI with a space',
    );
  });
});

describe('SARIF of the example app', () => {
  const run = runCli(['check', EXAMPLE, '--format', 'sarif']);
  const log = parseLog(run.stdout);
  const json = JSON.parse(runCli(['check', EXAMPLE, '--format', 'json']).stdout) as JsonFinding[];

  it('validates against the SARIF 2.1.0 schema, with and without unsafe fixes', () => {
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(sarifErrors(log), []);
    const unsafe = runCli(['check', EXAMPLE, '--format', 'sarif', '--unsafe-fixes']);
    assert.deepEqual(sarifErrors(JSON.parse(unsafe.stdout)), []);
  });

  it('describes the rules that ran, each with its docs page as help URI', () => {
    const { driver } = runOf(log).tool;
    assert.equal(driver.name, 'pydockerfile');
    assert.match(driver.version, /^\d+\.\d+\.\d+/);
    const stable = ALL_RULES.filter((r) => r.status === 'stable').map((r) => r.code);
    assert.deepEqual(stable.filter((code) => !driver.rules.some((r) => r.id === code)), [], 'stable rules missing from tool.driver.rules');
    for (const descriptor of driver.rules) {
      const rule = ruleByCode(descriptor.id);
      assert.ok(rule, descriptor.id);
      assert.equal(descriptor.helpUri, docsUrl(rule));
      assert.equal(descriptor.shortDescription.text, rule.title);
    }
  });

  it('reports the same findings and positions as the JSON format, linked to their rules', () => {
    const { results, tool } = runOf(log);
    assert.equal(results.length, json.length);
    results.forEach((result, i) => {
      const f = json[i] as JsonFinding;
      assert.equal(result.ruleId, f.code);
      assert.equal(tool.driver.rules[result.ruleIndex ?? -1]?.id, f.code, 'ruleIndex points at the rule');
      assert.equal(result.message.text, f.message);
      const location = result.locations[0]?.physicalLocation;
      assert.deepEqual(location?.artifactLocation, { uri: EXAMPLE, uriBaseId: '%SRCROOT%' });
      assert.deepEqual(location?.region, { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
      assert.equal(result.level, { error: 'error', warning: 'warning', info: 'note', hint: 'note' }[f.severity]);
    });
    assert.equal(runOf(log).originalUriBaseIds['%SRCROOT%']?.uri, `${new URL(`file://${REPO_ROOT.replace(/\\/g, '/')}/`).href}`);
  });

  it('carries safe fixes as SARIF fixes whose replacements turn the file into the fixed text', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
    const withFix = runOf(log).results.filter((r) => r.fixes !== undefined);
    assert.equal(withFix.length, json.filter((f) => f.fix !== null).length);
    const pip = withFix.find((r) => r.ruleId === 'PYD201');
    assert.ok(pip?.fixes?.[0], 'a PYD201 fix');
    assert.equal(pip.fixes[0].description.text, 'Add `--no-cache-dir`');
    const fixed = applyReplacements(text, pip.fixes[0].artifactChanges[0]?.replacements ?? []);
    const line = pip.locations[0]?.physicalLocation.region.startLine ?? 0;
    assert.match(fixed.split('\n')[line - 1] ?? '', /pip install --no-cache-dir /);
  });
});

describe('SARIF of edge cases', () => {
  it('uses file URIs for paths outside the working folder, encodes spaces, and counts BOM columns like editors', () => {
    const dir = tempDir('sarif paths');
    const file = path.join(dir, 'my app', 'Dockerfile');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, '\uFEFFFROM python:3.12-slim-bookworm\r\nRUN pip install flask==3.0.3\r\n');
    const inside = parseLog(runCli(['check', 'my app/Dockerfile', '--select', 'PYD201', '--format', 'sarif'], dir).stdout);
    assert.deepEqual(sarifErrors(inside), []);
    const result = runOf(inside).results[0];
    assert.equal(result?.locations[0]?.physicalLocation.artifactLocation.uri, 'my%20app/Dockerfile');
    assert.deepEqual(result?.locations[0]?.physicalLocation.region, { startLine: 2, startColumn: 5, endLine: 2, endColumn: 29 });
    const outside = parseLog(runCli(['check', file, '--select', 'PYD201', '--format', 'sarif'], REPO_ROOT).stdout);
    assert.deepEqual(sarifErrors(outside), []);
    const location = runOf(outside).results[0]?.locations[0]?.physicalLocation.artifactLocation;
    assert.equal(location?.uriBaseId, undefined);
    assert.match(location?.uri ?? '', /^file:\/\/.*my%20app\/Dockerfile$/);
  });

  it('says the run was not successful when an input could not be read, and still validates', () => {
    const run = runCli(['check', 'no/such/Dockerfile', 'test/cli/fixtures/clean.Dockerfile', '--format', 'sarif']);
    assert.equal(run.status, 2);
    const log = parseLog(run.stdout);
    assert.deepEqual(sarifErrors(log), []);
    assert.equal(runOf(log).invocations[0]?.executionSuccessful, false);
  });
});

/** The SARIF log of one fixture case, linted with only its rule, unsafe fixes included. */
function fixtureLog(code: string, text: string, files: Record<string, string>): unknown {
  const { findings, otherFiles } = lint(text, { only: [code], env: { today: FIXTURE_TODAY, readContextFile: (p: string) => files[p.replace(/^\.\//, '')] } });
  const checked: CheckedFile[] = [{ file: 'Dockerfile', absolute: undefined, text, findings: findings.map((f) => withoutBomColumns(f, text)), level: 'unsafe' }];
  for (const name of [...new Set(otherFiles.map((f) => f.file ?? ''))]) {
    checked.push({ file: name, absolute: undefined, text: files[name] ?? '', findings: otherFiles.filter((f) => f.file === name), level: 'unsafe' });
  }
  return toSarif(checked, { version: '0.0.0-test', cwd: REPO_ROOT, rules: ALL_RULES.filter((r) => r.code === code), successful: true });
}

describe('SARIF of every rule fixture', () => {
  for (const rule of ALL_RULES) {
    const file = path.join(FIXTURE_DIR, `${rule.name}.md`);
    if (!fs.existsSync(file)) continue;
    it(`${rule.code} ${rule.name}: every case validates`, () => {
      const cases = parseFixture(fs.readFileSync(file, 'utf8'));
      assert.ok(cases.length > 0);
      let results = 0;
      for (const c of cases) {
        for (const text of [c.text, c.text.replace(/\n/g, '\r\n')]) {
          const log = fixtureLog(rule.code, text, c.options.files ?? {}) as SarifLog;
          assert.deepEqual(sarifErrors(log), [], `${c.title} (line ${c.sourceLine})`);
          results += runOf(log).results.length;
        }
      }
      assert.ok(results > 0, 'the fixture produced no result at all');
    });
  }
});
