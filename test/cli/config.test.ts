// Configuration files on the command line: discovery per Dockerfile, `--config`/`--no-config`,
// precedence (flags > config file > defaults), and warnings that name the file and the key.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { JsonFinding } from '../../server/src/cli/format';
import { runCli, tempDir } from './run-cli';

const UNCACHED = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\nCMD ["python", "-m", "app"]\n';

function project(files: Record<string, string>): string {
  const dir = tempDir('config');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function json(args: readonly string[], dir: string): { status: number | null; findings: JsonFinding[]; stderr: string } {
  const run = runCli(['check', ...args, '--format', 'json'], dir);
  return { status: run.status, findings: run.stdout === '' ? [] : (JSON.parse(run.stdout) as JsonFinding[]), stderr: run.stderr };
}

const summary = (findings: JsonFinding[]): string[] => findings.map((f) => `${f.file} ${f.code} ${f.severity}`).sort();

describe('check with configuration files', () => {
  it('applies the nearest config file of each Dockerfile', () => {
    const dir = project({
      'pyproject.toml': '[tool.pydockerfile]\nselect = ["PYD201"]\nseverity = { PYD201 = "error" }\n',
      'Dockerfile': UNCACHED,
      'worker/.pydockerfile.toml': 'select = ["PYD201"]\nseverity = { PYD201 = "info" }\n',
      'worker/Dockerfile': UNCACHED,
    });
    assert.deepEqual(summary(json([], dir).findings), ['Dockerfile PYD201 error', `${path.join('worker', 'Dockerfile')} PYD201 info`]);
  });

  it('lets command-line flags override the file, and the file override the defaults', () => {
    const dir = project({ '.pydockerfile.toml': 'ignore = ["PYD201"]\nfailure-threshold = "error"\nselect = ["PYD201", "PYD501"]\n', Dockerfile: UNCACHED });
    const fromFile = json([], dir);
    assert.deepEqual(summary(fromFile.findings), ['Dockerfile PYD501 warning']);
    assert.equal(fromFile.status, 0, 'a warning is below the file\'s failure threshold');
    const flags = json(['--select', 'PYD201', '--severity-threshold', 'warning'], dir);
    assert.deepEqual(summary(flags.findings), ['Dockerfile PYD201 warning'], '--select replaces the file\'s select and re-enables what it ignored');
    assert.equal(flags.status, 1);
    const defaults = json(['--no-config', '--select', 'PYD201,PYD501'], dir);
    assert.deepEqual(summary(defaults.findings), ['Dockerfile PYD201 warning', 'Dockerfile PYD501 warning']);
    assert.equal(defaults.status, 1);
  });

  it('uses the file given with --config for every Dockerfile', () => {
    const dir = project({ 'ci/lint.toml': 'select = ["PYD201"]\nseverity = { PYD201 = "hint" }\n', 'app/.pydockerfile.toml': 'select = ["PYD501"]\n', 'app/Dockerfile': UNCACHED });
    assert.deepEqual(summary(json(['--config', 'ci/lint.toml'], dir).findings), [`${path.join('app', 'Dockerfile')} PYD201 hint`]);
    const missing = runCli(['check', '--config', 'ci/none.toml'], dir);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, `pydockerfile: ${path.join(dir, 'ci', 'none.toml')}: no such configuration file\n`);
  });

  it('warns once per file about unknown keys and rules, naming the file and the key, and still checks', () => {
    const dir = project({
      'pyproject.toml': '[tool.pydockerfile]\nselct = ["PYD201"]\nignore = ["PYD999"]\n',
      'Dockerfile': UNCACHED,
      'other/Dockerfile': UNCACHED,
    });
    const run = runCli(['check', '--select', 'PYD201', '--format', 'json'], dir);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, [
      'pydockerfile: warning: pyproject.toml: unknown rule `PYD999` in `tool.pydockerfile.ignore`',
      'pydockerfile: warning: pyproject.toml: unknown key `tool.pydockerfile.selct` (did you mean `select`?)',
      '',
    ].join('\n'));
    assert.equal((JSON.parse(run.stdout) as JsonFinding[]).length, 2);
  });

  it('refuses (exit 2) a Dockerfile whose config select names no known rule', () => {
    // The unknown code is dropped with a warning; the empty select would then pass CI green
    // without checking anything.
    const dir = project({ 'typo/.pydockerfile.toml': 'select = ["PYD9999"]\n', 'typo/Dockerfile': UNCACHED, 'good/Dockerfile': UNCACHED });
    const run = runCli(['check', '--format', 'json'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown rule `PYD9999` in `select`/);
    assert.match(run.stderr, /^pydockerfile: cannot check typo[\\/]Dockerfile: `select` in typo[\\/]\.pydockerfile\.toml names no known rule, so nothing would be checked$/m);
    assert.ok((JSON.parse(run.stdout) as JsonFinding[]).every((f) => f.file === path.join('good', 'Dockerfile')), 'the other Dockerfile is still checked');
    // A select the command line fixes is fine.
    assert.equal(runCli(['check', '--select', 'PYD201'], path.join(dir, 'typo')).status, 1);
  });

  it('refuses to check Dockerfiles under a broken config file (exit 2), and checks the others', () => {
    const dir = project({ 'bad/.pydockerfile.toml': 'select = ["PYD201"\n', 'bad/Dockerfile': UNCACHED, 'good/Dockerfile': UNCACHED });
    const run = runCli(['check', '--select', 'PYD201', '--format', 'json'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^pydockerfile: cannot check bad[\\/]Dockerfile: bad[\\/]\.pydockerfile\.toml:\d+:\d+: invalid TOML: /);
    assert.deepEqual((JSON.parse(run.stdout) as JsonFinding[]).map((f) => f.file), [path.join('good', 'Dockerfile')]);
  });

  it('takes preview, trusted registries and the UID from the file', () => {
    const dir = project({
      '.pydockerfile.toml': 'preview = true\ntrusted-registries = ["registry.example.com"]\nuid = 1001\nselect = ["PYD106", "PYD107", "PYD501"]\noptimize.include-unsafe = true\n',
      Dockerfile: 'FROM registry.example.com/tools:latest AS tools\nFROM python:3.12-slim-bookworm\nCMD ["python", "-m", "app"]\n',
    });
    const { findings } = json([], dir);
    assert.deepEqual(summary(findings), ['Dockerfile PYD107 hint', 'Dockerfile PYD501 warning'], 'the trusted image is not judged; the python one is (preview PYD107)');
    assert.equal(findings.find((f) => f.code === 'PYD501')?.fix?.title, 'Create user `app` (UID 1001) and add `USER 1001:1001`');
  });
});

describe('optimize.include-unsafe', () => {
  const files = { '.pydockerfile.toml': '[optimize]\ninclude-unsafe = true\n', Dockerfile: UNCACHED };

  it('makes check --fix apply unsafe fixes, unless --no-unsafe-fixes says otherwise', () => {
    const dir = project(files);
    runCli(['check', '--fix', '--select', 'PYD501', '--no-unsafe-fixes'], dir);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /USER/);
    const run = runCli(['check', '--fix', '--select', 'PYD501'], dir);
    assert.equal(run.status, 0, run.stdout);
    assert.match(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /^USER 10001:10001$/m);
  });

  it('makes optimize apply unsafe fixes, unless --no-unsafe says otherwise', () => {
    const dir = project(files);
    assert.match(runCli(['optimize', 'Dockerfile'], dir).stdout, /^USER 10001:10001$/m);
    assert.doesNotMatch(runCli(['optimize', 'Dockerfile', '--no-unsafe'], dir).stdout, /^USER/m);
    assert.doesNotMatch(runCli(['optimize', 'Dockerfile', '--no-config'], dir).stdout, /^USER/m);
  });
});
