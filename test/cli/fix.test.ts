// `check --fix`, `--unsafe-fixes` and `--diff`: fixed files are clean for the fixed codes, keep
// CRLF and the byte-order mark, and are never left half-written.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { commitFiles, writeFileAtomic } from '../../server/src/cli/atomic-write';
import type { JsonFinding } from '../../server/src/cli/format';
import { ALL_RULES } from '../../server/src/rules/index';
import { parseFixture } from '../support/fixtures';
import { FIXTURE_DIR, REPO_ROOT } from '../support/paths';
import { runInProcess } from './in-process';
import { runCli, tempDir } from './run-cli';

const GOLDEN_PROJECT = path.join(REPO_ROOT, 'test', 'cli', 'golden', 'project');

/** A temp copy of the golden project's Dockerfile, optionally transformed. */
function projectCopy(transform: (text: string) => string = (t) => t): { dir: string; file: string; before: string } {
  const dir = tempDir('fix');
  const file = path.join(dir, 'Dockerfile');
  const before = transform(fs.readFileSync(path.join(GOLDEN_PROJECT, 'Dockerfile'), 'utf8'));
  fs.writeFileSync(file, before);
  return { dir, file, before };
}

function jsonOf(stdout: string): JsonFinding[] {
  return JSON.parse(stdout) as JsonFinding[];
}

describe('check --fix', () => {
  it('applies the safe fixes in place and reports what is left, with an exit code for what is left', () => {
    const { dir, file } = projectCopy();
    const run = runCli(['check', '--fix', '--select', 'PYD201,PYD106'], dir);
    assert.equal(run.status, 1, 'PYD106 has no safe fix, so a warning is left');
    const after = fs.readFileSync(file, 'utf8');
    assert.equal((after.match(/pip install --no-cache-dir /g) ?? []).length, 2);
    assert.match(after, /^FROM alpine:latest AS certs$/m, 'the unsafe fix was not applied');
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      'Dockerfile:2:13: PYD106 `alpine:latest` moves to every new release of the image, so rebuilds are not reproducible',
      'Fixed 2 problems in 1 file',
      'Found 1 problem (1 warning) in 1 of 1 file; 1 at or above `warning`',
      '1 more problem has an unsafe fix (it may change what the image does): show it with `--unsafe-fixes`',
    ]);
    const again = runCli(['check', '--fix', '--select', 'PYD201'], dir);
    assert.equal(again.status, 0);
    assert.equal(again.stdout, 'All checks passed (1 file checked)\n', 'nothing left to fix');
    assert.equal(fs.readFileSync(file, 'utf8'), after);
  });

  it('applies unsafe fixes too with --unsafe-fixes', () => {
    const { dir, file } = projectCopy();
    const run = runCli(['check', '--fix', '--unsafe-fixes', '--select', 'PYD001,PYD106,PYD201', '--format', 'json'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(jsonOf(run.stdout), []);
    const after = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(after, /PYD999|alpine:latest/);
    assert.match(run.stderr, /^pydockerfile: fixed 4 problems in 1 file$/m, 'machine formats keep the fix summary off stdout');
  });

  it('keeps CRLF line endings and the byte-order mark', () => {
    const { dir, file, before } = projectCopy((text) => `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    const run = runCli(['check', '--fix', '--select', 'PYD201'], dir);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const after = fs.readFileSync(file, 'utf8');
    assert.notEqual(after, before);
    assert.ok(after.startsWith('\uFEFF# pydockerfile'), 'the BOM is still the first character');
    assert.equal(after.indexOf('\uFEFF', 1), -1, 'no second BOM');
    assert.doesNotMatch(after, /(^|[^\r])\n/, 'a line lost its CR');
    assert.equal(after.replace(/pip install --no-cache-dir /g, 'pip install '), before);
  });

  it('prints the fixed text of standard input on stdout and the report on stderr', () => {
    const text = 'FROM python:3.12-slim-bookworm\r\nRUN pip install flask==3.0.3\r\n';
    const run = runCli(['check', '-', '--fix', '--select', 'PYD201'], REPO_ROOT, { input: text });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'FROM python:3.12-slim-bookworm\r\nRUN pip install --no-cache-dir flask==3.0.3\r\n');
    assert.match(run.stderr, /All checks passed/);
  });

  it('creates the files of fixes that need one (a .dockerignore) next to the Dockerfile', () => {
    const dir = tempDir('fix-files');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\n');
    const before = runCli(['check', '--format', 'json', '--select', 'PYD311'], dir);
    const flagged = jsonOf(before.stdout).filter((f) => f.fix?.applicability === 'safe');
    // Only meaningful while some registered rule offers such a fix; PYD311 does today.
    if (flagged.length === 0) return assert.equal(ALL_RULES.some((r) => r.code === 'PYD311'), false);
    const run = runCli(['check', '--fix', '--select', 'PYD311'], dir);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.ok(fs.existsSync(path.join(dir, '.dockerignore')), '.dockerignore was created');
    assert.match(run.stderr, /^pydockerfile: created \.dockerignore \(a fix for Dockerfile\)$/m);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'temp files left behind');
  });
});

describe('fix counts', () => {
  // Two PYD405 findings (PYTHONUNBUFFERED, PYTHONFAULTHANDLER) share one ENV edit: the edit goes
  // in once, but it fixes two problems, and every count the user reads is of problems.
  const SHARED_FIX = 'FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nCMD python /app/app.py\n';
  const UNSAFE_LINE = '4 more problems have unsafe fixes (they may change what the image does): show them with `--unsafe-fixes`';

  function sharedFixDir(): { dir: string; file: string } {
    const dir = tempDir('fix-counts');
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, SHARED_FIX);
    return { dir, file };
  }

  it('check, check --fix and check --diff count the same problems', () => {
    const { dir, file } = sharedFixDir();
    const check = runCli(['check', 'Dockerfile'], dir);
    assert.equal(check.stdout.match(/ PYD405 /g)?.length, 2, check.stdout);
    assert.deepEqual(check.stdout.trimEnd().split('\n').slice(-3), [
      'Found 9 problems (6 warnings, 2 info, 1 hint) in 1 of 1 file; 6 at or above `warning`',
      '[*] 5 problems fixable with `--fix`',
      UNSAFE_LINE,
    ]);
    const diff = runCli(['check', '--diff', 'Dockerfile'], dir);
    assert.equal(diff.stderr, 'pydockerfile: would fix 5 problems in 1 file\n');
    assert.equal(fs.readFileSync(file, 'utf8'), SHARED_FIX);
    const json = runCli(['check', '--fix', '--format', 'json', 'Dockerfile'], sharedFixDir().dir);
    assert.match(json.stderr, /^pydockerfile: fixed 5 problems in 1 file$/m);
    assert.equal(JSON.parse(json.stdout).length, 4);
    const fix = runCli(['check', '--fix', 'Dockerfile'], dir);
    assert.match(fs.readFileSync(file, 'utf8'), /^ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1$/m, 'one ENV line for both findings');
    const lines = fix.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4 + 3, 'the four findings left, then the summary');
    assert.deepEqual(lines.slice(-3), [
      'Fixed 5 problems in 1 file',
      'Found 4 problems (3 warnings, 1 info) in 1 of 1 file; 3 at or above `warning`',
      UNSAFE_LINE,
    ]);
  });

  it('standard input counts only what it fixes: a fix that needs another file is left out', () => {
    const { dir } = sharedFixDir();
    // PYD311's fix creates `.dockerignore`, which `check --fix -` never writes.
    const run = runCli(['check', '--fix', '-', '--stdin-filename', 'Dockerfile'], dir, { input: SHARED_FIX });
    assert.equal(fs.existsSync(path.join(dir, '.dockerignore')), false);
    assert.match(run.stdout, /^ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1$/m);
    const lines = run.stderr.trimEnd().split('\n');
    assert.ok(lines.some((l) => / PYD311 .*\[\*\]$/.test(l)), 'PYD311 is still reported');
    assert.ok(lines.includes('Fixed 4 problems in 1 file'), run.stderr);
    assert.ok(lines.includes('Found 5 problems (4 warnings, 1 info) in 1 of 1 file; 4 at or above `warning`'), run.stderr);
  });

  it('optimize counts the same problems', () => {
    const { dir } = sharedFixDir();
    const run = runCli(['optimize', 'Dockerfile'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^Dockerfile: fixed 5 problems\n/);
    assert.match(run.stderr, /^ {2}PYD405 {2}2x {2}missing-python-runtime-env$/m);
    assert.match(run.stderr, /^ {2}4 more problems have unsafe fixes: /m);
  });
});

describe('check --diff', () => {
  it('prints the changes --fix would make, writes nothing, and exits 1 only when there are changes', () => {
    const { dir, file, before } = projectCopy();
    const run = runCli(['check', '--diff', '--select', 'PYD201'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'nothing written');
    const lines = run.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['--- a/Dockerfile', '+++ b/Dockerfile']);
    assert.ok(lines.includes('-RUN pip install gunicorn==23.0.0') && lines.includes('+RUN pip install --no-cache-dir gunicorn==23.0.0'));
    assert.equal(run.stderr, 'pydockerfile: would fix 2 problems in 1 file\n');
    runCli(['check', '--fix', '--select', 'PYD201'], dir);
    const clean = runCli(['check', '--diff', '--select', 'PYD201'], dir);
    assert.equal(clean.status, 0);
    assert.equal(clean.stdout, '');
  });

  it('is a usage error together with another format or --statistics', () => {
    assert.equal(runCli(['check', '--diff', '--format', 'json'], GOLDEN_PROJECT).status, 2);
    assert.equal(runCli(['check', '--diff', '--statistics'], GOLDEN_PROJECT).status, 2);
  });
});

describe('never a partial file', () => {
  it('writeFileAtomic leaves the target and no temp file behind when the final rename fails', () => {
    const dir = tempDir('atomic');
    const target = path.join(dir, 'Dockerfile');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    assert.throws(() => writeFileAtomic(target, 'FROM scratch\n'));
    assert.deepEqual(fs.readdirSync(dir), ['Dockerfile']);
    assert.deepEqual(fs.readdirSync(target), ['keep']);
  });

  it('commitFiles changes nothing when one of several writes fails', () => {
    const dir = tempDir('commit');
    const dockerfile = path.join(dir, 'Dockerfile');
    fs.writeFileSync(dockerfile, 'FROM scratch\n');
    // A dangling link where a new file must go: creating it must fail, not follow the link.
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, '.dockerignore'));
    assert.throws(() => commitFiles([
      { file: path.join(dir, '.dockerignore'), content: '.git\n', create: true },
      { file: dockerfile, content: 'FROM scratch\nUSER 10001\n', create: false },
    ]));
    assert.equal(fs.readFileSync(dockerfile, 'utf8'), 'FROM scratch\n');
    assert.equal(fs.existsSync(path.join(dir, 'nowhere')), false);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.dockerignore', 'Dockerfile']);
  });

  it('commitFiles replaces and creates files, keeping the mode of replaced ones', () => {
    const dir = tempDir('commit-ok');
    const dockerfile = path.join(dir, 'Dockerfile');
    fs.writeFileSync(dockerfile, 'FROM scratch\n');
    fs.chmodSync(dockerfile, 0o640);
    commitFiles([
      { file: path.join(dir, 'sub', 'entry.sh'), content: '#!/bin/sh\n', create: true },
      { file: dockerfile, content: 'FROM scratch\nUSER 10001\n', create: false },
    ]);
    assert.equal(fs.readFileSync(dockerfile, 'utf8'), 'FROM scratch\nUSER 10001\n');
    assert.equal(fs.statSync(dockerfile).mode & 0o777, 0o640);
    assert.equal(fs.readFileSync(path.join(dir, 'sub', 'entry.sh'), 'utf8'), '#!/bin/sh\n');
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
  });

  it('check --fix exits 2 and leaves the Dockerfile as it was when a fix cannot be written', () => {
    const { dir, file, before } = projectCopy((text) => text.replace('FROM python:3.12-slim-bookworm\nCOPY', 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nCOPY'));
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, '.dockerignore'));
    const plan = jsonOf(runCli(['check', '--format', 'json', '--select', 'PYD201,PYD311'], dir).stdout);
    // Needs a rule whose safe fix creates a file next to the Dockerfile (PYD311 today).
    if (!plan.some((f) => f.code === 'PYD311' && f.fix?.applicability === 'safe')) return assert.equal(ALL_RULES.some((r) => r.code === 'PYD311'), false);
    const run = runCli(['check', '--fix', '--select', 'PYD201,PYD311'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^pydockerfile: cannot write the fixes of Dockerfile, which was left unchanged: /m);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
  });
});

describe('check --fix on every rule fixture', () => {
  const FIXTURE_TODAY = '2026-11-25';
  for (const rule of ALL_RULES) {
    const fixture = path.join(FIXTURE_DIR, `${rule.name}.md`);
    if (!fs.existsSync(fixture)) continue;
    const cases = parseFixture(fs.readFileSync(fixture, 'utf8')).filter((c) => c.fixed !== undefined);
    if (cases.length === 0) continue;
    it(`${rule.code} ${rule.name}: fixed files check clean for ${rule.code} and match the fixture`, () => {
      for (const c of cases) {
        for (const eol of ['\n', '\r\n']) {
          const dir = tempDir(rule.code);
          for (const [name, content] of Object.entries(c.options.files ?? {})) {
            fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            fs.writeFileSync(path.join(dir, name), content);
          }
          const file = path.join(dir, 'Dockerfile');
          fs.writeFileSync(file, c.text.replace(/\n/g, eol));
          const where = `${c.title} (line ${c.sourceLine}, ${eol === '\n' ? 'LF' : 'CRLF'})`;
          const fixed = runInProcess(['check', 'Dockerfile', '--fix', '--no-config', '--select', rule.code, '--format', 'json'], dir, { today: c.options.today ?? FIXTURE_TODAY });
          assert.notEqual(fixed.status, 2, `${where}: ${fixed.stderr}`);
          assert.equal(fs.readFileSync(file, 'utf8'), (c.fixed as string).replace(/\n/g, eol), `${where}: the fixed file differs from the fixture`);
          const recheck = runInProcess(['check', 'Dockerfile', '--no-config', '--select', rule.code, '--format', 'json'], dir, { today: c.options.today ?? FIXTURE_TODAY });
          const left = jsonOf(recheck.stdout).filter((f) => f.code === rule.code && f.fix !== null);
          assert.deepEqual(left.map((f) => `${f.line}:${f.column} ${f.message}`), [], `${where}: ${rule.code} still has fixable findings after --fix`);
        }
      }
    });
  }
});
