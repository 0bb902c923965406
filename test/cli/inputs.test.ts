// `check` inputs and terminal behaviour: standard input, glob patterns, colors, option combinations, help.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { colorEnabled } from '../../server/src/cli/color';
import type { JsonFinding } from '../../server/src/cli/format';
import { expandGlob, segmentRegExp } from '../../server/src/cli/glob';
import { runInProcess } from './in-process';
import { assertUsageFailure, runCli, tempDir } from './run-cli';

const UNCACHED = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';

function write(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

function jsonOf(stdout: string): JsonFinding[] {
  return JSON.parse(stdout) as JsonFinding[];
}

describe('check reading standard input', () => {
  it('reports findings under `-`, or under the name given with --stdin-filename', () => {
    const plain = runCli(['check', '-', '--select', 'PYD201'], tempDir('stdin'), { input: UNCACHED });
    assert.equal(plain.status, 1, plain.stderr);
    assert.match(plain.stdout, /^-:2:5: PYD201 /);
    const named = runCli(['check', '-', '--stdin-filename', 'services/api/Dockerfile', '--select', 'PYD201', '--format', 'json'], tempDir('stdin'), { input: UNCACHED });
    assert.deepEqual(jsonOf(named.stdout).map((f) => f.file), ['services/api/Dockerfile']);
  });

  it('uses the configuration next to the --stdin-filename path', () => {
    const dir = tempDir('stdin-config');
    write(dir, { 'services/api/.pydockerfile.toml': 'ignore = ["PYD201"]\n' });
    const input = 'FROM python:3.12-slim-bookworm\nRUN pip install flask\n';
    const inApi = runCli(['check', '--stdin-filename', 'services/api/Dockerfile', '--format', 'json'], dir, { input });
    const codes = jsonOf(inApi.stdout).map((f) => f.code);
    assert.ok(!codes.includes('PYD201') && codes.includes('PYD202'), codes.join());
    const elsewhere = runCli(['check', '--stdin-filename', 'services/web/Dockerfile', '--format', 'json'], dir, { input });
    assert.ok(jsonOf(elsewhere.stdout).some((f) => f.code === 'PYD201'), 'the config of services/api does not apply to services/web');
  });

  it('rejects `-` mixed with paths, and --stdin-filename with paths', () => {
    assertUsageFailure(runCli(['check', '-', 'Dockerfile'], tempDir('stdin'), { input: UNCACHED }), '`-` (standard input) cannot be combined with other paths');
    assertUsageFailure(runCli(['check', 'Dockerfile', '--stdin-filename', 'x/Dockerfile'], tempDir('stdin')), '`--stdin-filename` names standard input');
  });

  it('refuses binary standard input with exit code 2', () => {
    const run = runInProcess(['check', '-'], tempDir('stdin'), { stdin: new Uint8Array([0x46, 0x00, 0x01]) });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'pydockerfile: cannot check standard input: binary file (contains NUL bytes)\n');
  });
});

describe('check with glob patterns', () => {
  const dir = tempDir('glob');
  write(dir, {
    'services/api/Dockerfile': UNCACHED,
    'services/worker/worker.Dockerfile': UNCACHED,
    'services/worker/notes.txt': UNCACHED,
    'services/node_modules/pkg/Dockerfile': UNCACHED,
    'tools/Dockerfile.dev': UNCACHED,
  });
  const files = (args: readonly string[]): string[] => jsonOf(runCli(['check', ...args, '--select', 'PYD201', '--format', 'json'], dir).stdout).map((f) => f.file);

  it('expands quoted globs: `*` in a segment, `**` across folders, never into node_modules', () => {
    assert.deepEqual(files(['services/*/Dockerfile']), [path.join('services', 'api', 'Dockerfile')]);
    assert.deepEqual(files(['**/*Dockerfile*']), [path.join('services', 'api', 'Dockerfile'), path.join('services', 'worker', 'worker.Dockerfile'), path.join('tools', 'Dockerfile.dev')]);
    assert.deepEqual(files(['services/*']), [path.join('services', 'api', 'Dockerfile'), path.join('services', 'worker', 'worker.Dockerfile')], 'folders matched by a glob are searched for Dockerfiles only');
  });

  it('fails with exit code 2 when a pattern matches nothing', () => {
    const run = runCli(['check', 'apps/**/Dockerfile'], dir);
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'pydockerfile: cannot read apps/**/Dockerfile: no files match this pattern\n');
  });

  it('matches like a shell: `?`, classes, alternatives, hidden names only by a leading dot', () => {
    assert.ok(segmentRegExp('Dockerfile.{dev,prod}').test('Dockerfile.prod'));
    assert.ok(segmentRegExp('Dockerfile.[dp]*').test('Dockerfile.dev'));
    assert.ok(segmentRegExp('?ockerfile').test('Dockerfile'));
    assert.ok(!segmentRegExp('*').test('.hidden'));
    assert.ok(segmentRegExp('.*').test('.hidden'));
    assert.deepEqual(expandGlob('tools/Dockerfile.*', dir), [path.join('tools', 'Dockerfile.dev')]);
  });
});

describe('check colors', () => {
  it('follows FORCE_COLOR, then NO_COLOR, then the terminal', () => {
    assert.equal(colorEnabled({}, true), true);
    assert.equal(colorEnabled({}, false), false);
    assert.equal(colorEnabled({ NO_COLOR: '1' }, true), false);
    assert.equal(colorEnabled({ NO_COLOR: '' }, true), true, 'an empty NO_COLOR does not count');
    assert.equal(colorEnabled({ TERM: 'dumb' }, true), false);
    assert.equal(colorEnabled({ FORCE_COLOR: '1' }, false), true);
    assert.equal(colorEnabled({ FORCE_COLOR: '1', NO_COLOR: '1' }, false), true);
    assert.equal(colorEnabled({ FORCE_COLOR: '0' }, true), false);
    assert.equal(colorEnabled({ FORCE_COLOR: 'false' }, true), false);
  });

  it('colors text output on a terminal only, and never machine formats', () => {
    const dir = tempDir('color');
    write(dir, { Dockerfile: UNCACHED });
    const ansi = /\u001b\[/;
    assert.match(runInProcess(['check', '--select', 'PYD201'], dir, { stdoutIsTTY: true }).stdout, ansi);
    assert.doesNotMatch(runInProcess(['check', '--select', 'PYD201'], dir, { stdoutIsTTY: true, env: { NO_COLOR: '1' } }).stdout, ansi);
    assert.doesNotMatch(runInProcess(['check', '--select', 'PYD201'], dir, { stdoutIsTTY: false }).stdout, ansi);
    assert.doesNotMatch(runInProcess(['check', '--select', 'PYD201', '--format', 'json'], dir, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } }).stdout, ansi);
  });
});

describe('check option combinations and help', () => {
  it('rejects options that do not fit the format', () => {
    assertUsageFailure(runCli(['check', '--show-source', '--format', 'json']), '`--show-source` works with `--format text` only');
    assertUsageFailure(runCli(['check', '--statistics', '--format', 'sarif']), '`--statistics` works with `--format text` or `json`');
    assertUsageFailure(runCli(['check', '--unsafe-fixes', '--no-unsafe-fixes']), 'cannot be combined');
    assertUsageFailure(runCli(['check', '--config', 'a.toml', '--no-config']), '`--config` and `--no-config` cannot be combined');
  });

  it('documents every format, --fix, standard input, configuration and exit codes, with examples', () => {
    const help = runCli(['check', '--help']).stdout;
    for (const text of ['text (default), json, sarif', 'github', 'codeclimate', 'checkstyle', '--fix', '--diff', '--statistics', '--show-source', '--stdin-filename PATH', '--config FILE', '--no-config', 'NO_COLOR', '[tool.pydockerfile]', 'Exit codes: 0 = nothing at or above the threshold, 1 = problems']) {
      assert.ok(help.includes(text), `check --help lacks ${text}`);
    }
    assert.ok(help.split('\n').filter((l) => l.startsWith('  pydockerfile check')).length >= 8, 'examples');
    const main = runCli(['--help']).stdout;
    assert.match(main, /^ {2}2 {2}usage error, a broken config file, or input that could not be read or written$/m);
  });
});
