// The CLI under bad conditions (issue #10): a reader that closes the pipe early, read-only
// files for `--write`, paths that cannot be read, folders without Dockerfiles, files too large
// to lint. Runs the built bundle, as users and CI do.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { assertUsageFailure, CLI_BUNDLE, runCli, tempDir } from '../cli/run-cli';

const FIXABLE = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';

describe('CLI robustness', () => {
  it('exits quietly when the reader closes the pipe early (`check … | head -1`)', () => {
    const dir = tempDir('epipe');
    // Enough findings that the output overflows the pipe buffer after `head` has gone.
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM python:3.12\n${'RUN pip install flask\n'.repeat(3000)}`);
    const script = `"${process.execPath}" "${CLI_BUNDLE}" check Dockerfile | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const run = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.stdout.split('\n').filter((l) => l !== '').length, 1, 'head printed its one line');
    const status = /status=(\d+)/.exec(run.stderr)?.[1];
    assert.ok(status === '0' || status === '1', `exit status ${status ?? '?'} (stderr: ${run.stderr})`);
    assert.equal(run.stderr.replace(/status=\d+\n/, ''), '', 'no EPIPE error or stack trace');
  });

  it('refuses `--write` to a read-only file with one clear line, leaving it untouched', () => {
    const dir = tempDir('read-only');
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, FIXABLE);
    fs.chmodSync(file, 0o444);
    const run = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assertUsageFailure(run, 'cannot write Dockerfile: the file is read-only');
    assert.equal(fs.readFileSync(file, 'utf8'), FIXABLE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o444);
    assert.deepEqual(fs.readdirSync(dir), ['Dockerfile'], 'no temp file left behind');
  });

  it('replaces the file atomically: the result is complete and no temp file remains', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, FIXABLE.replace(/\n/g, '\r\n'));
    const before = fs.statSync(file).ino;
    const run = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assert.equal(run.status, 0, run.stderr);
    // A new inode: the new text was renamed over the file, not written into it in place.
    assert.notEqual(fs.statSync(file).ino, before, 'replaced by a rename');
    const after = fs.readFileSync(file, 'utf8');
    assert.ok(after.includes('--no-cache-dir'));
    assert.doesNotMatch(after, /(^|[^\r])\n/, 'CRLF kept');
    assert.deepEqual(fs.readdirSync(dir), ['Dockerfile']);
  });

  it('reports paths it cannot read and folders without Dockerfiles with exit 2, after checking the rest', () => {
    const dir = tempDir('unreadable');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), FIXABLE);
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.Dockerfile'));
    fs.mkdirSync(path.join(dir, 'docs'));
    const run = runCli(['check', '--format', 'json', 'Dockerfile', 'dangling.Dockerfile', 'docs', 'missing'], dir);
    assert.equal(run.status, 2, run.stderr);
    assert.deepEqual(run.stderr.trimEnd().split('\n').sort(), [
      'pydockerfile: cannot read dangling.Dockerfile: no such file or directory',
      'pydockerfile: cannot read missing: no such file or directory',
      'pydockerfile: no Dockerfiles found in docs',
    ]);
    const findings = JSON.parse(run.stdout) as { file: string; code: string }[];
    assert.ok(findings.some((f) => f.file === 'Dockerfile' && f.code === 'PYD201'), 'the readable file was still checked');
    assertUsageFailure(runCli(['optimize', 'docs'], dir), 'cannot read docs: is a directory');
  });

  it('skips a file too large to lint with the reason, and fails when nothing was checked', () => {
    const dir = tempDir('too-large');
    fs.writeFileSync(path.join(dir, 'big.Dockerfile'), `FROM python:3.12\n${'RUN x\n'.repeat(30_000)}`);
    const started = Date.now();
    const run = runCli(['check', 'big.Dockerfile'], dir);
    assert.ok(Date.now() - started < 10_000, 'not linted, so fast');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^pydockerfile: skipping big\.Dockerfile: too large to lint: more than 25,000 lines\n/);
    assertUsageFailure(runCli(['optimize', 'big.Dockerfile', '--write'], dir), 'cannot optimize big.Dockerfile: too large to lint');
  });
});
