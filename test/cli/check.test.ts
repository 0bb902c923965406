// `pydockerfile check` end to end: formats, positions, exit codes, discovery, unreadable input.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { localToday } from '../../server/src/cli/io';
import { contextReader, readInputFile } from '../../server/src/cli/read-input';
import type { JsonFinding } from '../../server/src/cli/format';
import { lint } from '../../server/src/engine/lint';
import { ALL_RULES, ruleByCode } from '../../server/src/rules/index';
import { REPO_ROOT } from '../support/paths';
import { assertUsageFailure, CLI_FIXTURES, EXAMPLE_DIR, runCli, tempDir } from './run-cli';

/** The codes the example app is written to demonstrate (README and catalogue §4.9 example 1). */
const EXAMPLE_CODES = ['PYD101', 'PYD102', 'PYD103', 'PYD201', 'PYD202', 'PYD208', 'PYD301', 'PYD302', 'PYD307', 'PYD313', 'PYD401', 'PYD402', 'PYD412', 'PYD501'];
const EXAMPLE = 'examples/flask-app/Dockerfile';
const CLEAN = 'test/cli/fixtures/clean.Dockerfile';

function parseJson(stdout: string): JsonFinding[] {
  const parsed: unknown = JSON.parse(stdout);
  assert.ok(Array.isArray(parsed), 'json output is one array');
  return parsed as JsonFinding[];
}

describe('check on the example app', () => {
  const run = runCli(['check', EXAMPLE, '--format', 'json']);
  const findings = parseJson(run.stdout);

  it('exits 1 and reports every registered code the example demonstrates', () => {
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    const registered = EXAMPLE_CODES.filter((code) => ruleByCode(code));
    assert.ok(registered.length > 0);
    const reported = new Set(findings.map((f) => f.code));
    assert.deepEqual(registered.filter((code) => !reported.has(code)), [], 'codes missing from the example report');
  });

  it('uses 1-based lines and columns that point at the same text as the engine', () => {
    const text = fs.readFileSync(path.join(EXAMPLE_DIR, 'Dockerfile'), 'utf8');
    const engine = lint(text, { env: { today: localToday(), readContextFile: contextReader(path.join(EXAMPLE_DIR, 'Dockerfile')) } }).findings;
    assert.equal(findings.length, engine.length);
    findings.forEach((f, i) => {
      const e = engine[i];
      assert.ok(e);
      assert.equal(f.file, EXAMPLE);
      assert.equal(f.code, e.code);
      assert.equal(f.name, e.name);
      assert.equal(f.severity, e.severity);
      assert.equal(f.message, e.message);
      assert.deepEqual([f.line, f.column, f.endLine, f.endColumn], [e.range.start.line + 1, e.range.start.character + 1, e.range.end.line + 1, e.range.end.character + 1], `${f.code} position`);
    });
    // Anchors that do not depend on the engine: the line that starts with `ADD` (column 1),
    // and the `gunicorn` word of the unpinned install.
    const lines = text.split('\n');
    const addLine = lines.findIndex((l) => l.startsWith('ADD ')) + 1;
    if (ruleByCode('PYD313')) assert.ok(findings.some((f) => f.code === 'PYD313' && f.line === addLine && f.column === 1), `PYD313 at ${addLine}:1`);
    const pinLine = lines.findIndex((l) => l === 'RUN pip install gunicorn') + 1;
    if (ruleByCode('PYD202')) assert.ok(findings.some((f) => f.code === 'PYD202' && f.line === pinLine && f.column === 17 && f.endColumn === 25), `PYD202 at ${pinLine}:17-25`);
  });

  it('describes the fix `optimize` would apply, safe ones only by default', () => {
    for (const f of findings) {
      if (f.fix === null) continue;
      assert.equal(f.fix.applicability, 'safe', `${f.code}: unsafe fixes appear only with --unsafe-fixes`);
      assert.match(f.fix.title, /\S/);
    }
    const withUnsafe = parseJson(runCli(['check', EXAMPLE, '--format', 'json', '--unsafe-fixes']).stdout);
    assert.equal(withUnsafe.length, findings.length);
    assert.ok(withUnsafe.filter((f) => f.fix !== null).length >= findings.filter((f) => f.fix !== null).length);
    if (ALL_RULES.some((r) => r.fix.applicability === 'unsafe' && EXAMPLE_CODES.includes(r.code))) {
      assert.ok(withUnsafe.some((f) => f.fix?.applicability === 'unsafe'), 'some unsafe fix is shown with --unsafe-fixes');
    }
  });

  it('prints path:line:col: CODE message lines, [*] markers and a summary in text format', () => {
    const text = runCli(['check', EXAMPLE]);
    assert.equal(text.status, 1);
    const lines = text.stdout.trimEnd().split('\n');
    const findingLines = lines.slice(0, findings.length);
    findingLines.forEach((line, i) => {
      const f = findings[i] as JsonFinding;
      assert.equal(line, `${EXAMPLE}:${f.line}:${f.column}: ${f.code} ${f.message}${f.fix ? ' [*]' : ''}`);
    });
    const summary = lines[findings.length] ?? '';
    assert.match(summary, new RegExp(`^Found ${findings.length} problems .* in 1 of 1 file; \\d+ at or above \`warning\`$`));
  });
});

describe('check exit codes', () => {
  it('exits 0 with no output findings on a clean Dockerfile', () => {
    const json = runCli(['check', CLEAN, '--format', 'json']);
    assert.equal(json.status, 0, json.stdout + json.stderr);
    assert.deepEqual(parseJson(json.stdout), []);
    const text = runCli(['check', CLEAN]);
    assert.equal(text.status, 0);
    assert.equal(text.stdout, 'All checks passed (1 file checked)\n');
  });

  it('exits 2 with one line on stderr for a missing file, after checking the others', () => {
    const run = runCli(['check', 'no/such/Dockerfile', CLEAN, '--format', 'json']);
    assertUsageFailure(run, 'cannot read no/such/Dockerfile: no such file or directory');
    assert.deepEqual(parseJson(run.stdout), [], 'the readable file is still reported');
  });

  it('fails only at or above the severity threshold', () => {
    // pip in a builder stage that does not ship is only a hint (PYD201).
    const dir = tempDir('threshold');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.12-slim-bookworm AS build\nRUN pip install --prefix /install flask==3.0.3\nFROM python:3.12-slim-bookworm\nCOPY --from=build /install /usr/local\n');
    const byDefault = runCli(['check', '--select', 'PYD201', '--format', 'json'], dir);
    assert.equal(byDefault.status, 0, 'hints never fail by default');
    assert.deepEqual(parseJson(byDefault.stdout).map((f) => [f.code, f.severity, f.line]), [['PYD201', 'hint', 2]]);
    assert.equal(runCli(['check', '--select', 'PYD201', '--severity-threshold', 'hint'], dir).status, 1);
    assert.equal(runCli(['check', '--select', 'pip-install-with-cache', '--severity-threshold=info'], dir).status, 0);
  });

  it('applies --select and --ignore by code or name', () => {
    const dir = tempDir('select');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n');
    const selected = runCli(['check', '--select', 'pyd201', '--format', 'json'], dir);
    assert.deepEqual(parseJson(selected.stdout).map((f) => f.code), ['PYD201']);
    assert.equal(selected.status, 1);
    const ignored = runCli(['check', '--select', 'PYD201', '--ignore', 'pip-install-with-cache', '--format', 'json'], dir);
    assert.deepEqual(parseJson(ignored.stdout), []);
    assert.equal(ignored.status, 0);
  });

  it('rejects usage errors with exit 2 and one line', () => {
    assertUsageFailure(runCli(['check', '--frobnicate']), 'unknown option `--frobnicate`');
    assertUsageFailure(runCli(['check', '--format', 'xml']), 'invalid value `xml` for `--format`');
    assertUsageFailure(runCli(['check', '--select', 'PYD999']), 'unknown rule `PYD999`');
    assertUsageFailure(runCli(['check', '--severity-threshold']), '`--severity-threshold` needs a value');
    assertUsageFailure(runCli([]), 'missing command');
    assertUsageFailure(runCli(['lint']), 'unknown command `lint`');
  });
});

describe('check input handling', () => {
  it('searches folders for Dockerfile names, skipping node_modules and .git', () => {
    const dir = tempDir('discover');
    const flagged = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';
    const files: Record<string, string> = {
      'Dockerfile': flagged,
      'api/Dockerfile.prod': flagged,
      'api/worker.Dockerfile': flagged,
      'legacy/Containerfile': flagged,
      'legacy/Containerfile.fedora': flagged,
      'api/Dockerfile.dockerignore': flagged,
      'api/notes.txt': flagged,
      'node_modules/pkg/Dockerfile': flagged,
      '.git/Dockerfile': flagged,
    };
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const run = runCli(['check', '--select', 'PYD201', '--format', 'json'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(parseJson(run.stdout).map((f) => f.file), ['Dockerfile', path.join('api', 'Dockerfile.prod'), path.join('api', 'worker.Dockerfile'), path.join('legacy', 'Containerfile'), path.join('legacy', 'Containerfile.fedora')]);
    const sub = runCli(['check', 'api', '--select', 'PYD201', '--format', 'json'], dir);
    assert.deepEqual(parseJson(sub.stdout).map((f) => f.file), [path.join('api', 'Dockerfile.prod'), path.join('api', 'worker.Dockerfile')]);
    // A file named explicitly is checked whatever its name.
    assert.deepEqual(parseJson(runCli(['check', 'api/notes.txt', '--select', 'PYD201', '--format', 'json'], dir).stdout).map((f) => f.file), ['api/notes.txt']);
  });

  it('skips virtual environments (folders with pyvenv.cfg) in folders and ** globs, unless named', () => {
    const dir = tempDir('venv');
    const flagged = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';
    const files: Record<string, string> = {
      'Dockerfile': flagged,
      // A package's template in site-packages: not the project's Dockerfile.
      'venv/pyvenv.cfg': 'home = /usr/bin\n',
      'venv/lib/python3.12/site-packages/pkg/Dockerfile.j2': flagged,
      '.venv/pyvenv.cfg': 'home = /usr/bin\n',
      '.venv/lib/pkg/Dockerfile': flagged,
      // A folder merely named venv is an ordinary folder.
      'tools/venv/Dockerfile': flagged,
    };
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const files0 = (args: readonly string[]): string[] => parseJson(runCli(['check', ...args, '--select', 'PYD201', '--format', 'json'], dir).stdout).map((f) => f.file);
    assert.deepEqual(files0([]), ['Dockerfile', path.join('tools', 'venv', 'Dockerfile')]);
    assert.deepEqual(files0(['**/Dockerfile*']), ['Dockerfile', path.join('tools', 'venv', 'Dockerfile')]);
    // Named on the command line, a virtual environment is searched.
    assert.deepEqual(files0(['venv']), [path.join('venv', 'lib', 'python3.12', 'site-packages', 'pkg', 'Dockerfile.j2')]);
  });

  it('exits 2 when a folder holds no Dockerfile', () => {
    const dir = tempDir('empty');
    fs.writeFileSync(path.join(dir, 'README.md'), '# nothing here\n');
    assertUsageFailure(runCli(['check'], dir), 'no Dockerfiles found in .');
  });

  it('skips binary and non-UTF-8 files with a message, failing only when nothing was checked', () => {
    const dir = tempDir('binary');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x00, 0x01, 0x02]));
    fs.writeFileSync(path.join(dir, 'latin1.Dockerfile'), Buffer.from('FROM python:3.12-slim-bookworm\nLABEL author="J\xe9r\xf4me"\n', 'latin1'));
    fs.copyFileSync(path.join(REPO_ROOT, CLEAN), path.join(dir, 'good.Dockerfile'));
    fs.copyFileSync(path.join(CLI_FIXTURES, 'requirements.txt'), path.join(dir, 'requirements.txt'));
    fs.copyFileSync(path.join(CLI_FIXTURES, '.dockerignore'), path.join(dir, '.dockerignore'));
    const alone = runCli(['check', 'Dockerfile'], dir);
    assertUsageFailure(alone, 'skipping Dockerfile: binary file (contains NUL bytes)');
    const mixed = runCli(['check', '--format', 'json'], dir);
    assert.equal(mixed.status, 0, mixed.stderr);
    assert.deepEqual(parseJson(mixed.stdout), []);
    assert.deepEqual(mixed.stderr.trimEnd().split('\n'), [
      'pydockerfile: skipping Dockerfile: binary file (contains NUL bytes)',
      'pydockerfile: skipping latin1.Dockerfile: not valid UTF-8 text',
    ]);
  });

  it('skips a huge file without reading it whole, and names a symlink loop in one line', () => {
    const dir = tempDir('huge');
    const huge = path.join(dir, 'Dockerfile.bak');
    // Sparse: 64 MB on paper, nothing on disk; reading it whole cost twice its size in memory.
    fs.writeFileSync(huge, 'FROM python:3.12-slim-bookworm\n');
    fs.truncateSync(huge, 64 * 1024 * 1024);
    assertUsageFailure(runCli(['check', 'Dockerfile.bak'], dir), 'skipping Dockerfile.bak: too large to lint: 67,108,864 bytes (the limit is 750,000 characters)');
    assert.deepEqual(readInputFile(huge), { kind: 'skipped', reason: 'too large to lint: 67,108,864 bytes (the limit is 750,000 characters)' });
    // Just under the byte cap, the character limit still applies with its own message.
    const near = path.join(dir, 'near.Dockerfile');
    fs.writeFileSync(near, `FROM python:3.12-slim-bookworm\n#${'x'.repeat(800_000)}\n`);
    assert.equal(readInputFile(near).kind, 'skipped');
    fs.symlinkSync('b.Dockerfile', path.join(dir, 'a.Dockerfile'));
    fs.symlinkSync('a.Dockerfile', path.join(dir, 'b.Dockerfile'));
    assertUsageFailure(runCli(['check', 'a.Dockerfile'], dir), 'cannot read a.Dockerfile: too many levels of symbolic links (a symlink loop?)');
  });

  it('reports columns as editors show them for CRLF files with a byte-order mark', () => {
    const dir = tempDir('bom');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), '\uFEFFFROM python:3.12-slim-bookworm\r\nRUN pip install flask==3.0.3\r\n');
    const found = parseJson(runCli(['check', '--select', 'PYD201', '--format', 'json'], dir).stdout);
    assert.deepEqual(found.map((f) => [f.line, f.column, f.endLine, f.endColumn]), [[2, 5, 2, 29]]);
  });
});
