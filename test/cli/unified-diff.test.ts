// The unified diff printer, checked against the format `patch` and `git apply` expect.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { diffPath, headerName, unifiedDiff } from '../../server/src/cli/unified-diff';
import { runCli, tempDir } from './run-cli';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('FROM a\n', 'FROM a\n', 'a/x', 'b/x'), '');
  });

  it('prints one hunk with three lines of context around a change', () => {
    const before = ['FROM python:3.12-slim', 'A', 'B', 'C', 'D', 'RUN pip install flask', 'E', 'F', 'G', 'H', ''].join('\n');
    const after = before.replace('pip install', 'pip install --no-cache-dir');
    assert.equal(unifiedDiff(before, after, 'a/Dockerfile', 'b/Dockerfile'), [
      '--- a/Dockerfile',
      '+++ b/Dockerfile',
      '@@ -3,7 +3,7 @@',
      ' B',
      ' C',
      ' D',
      '-RUN pip install flask',
      '+RUN pip install --no-cache-dir flask',
      ' E',
      ' F',
      ' G',
      '',
    ].join('\n'));
  });

  it('splits distant changes into separate hunks and merges close ones', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `L${i + 1}`);
    const before = `${lines.join('\n')}\n`;
    const after = `${lines.map((l) => (l === 'L2' || l === 'L18' ? `${l}!` : l)).join('\n')}\n`;
    const hunks = unifiedDiff(before, after, 'a', 'b').split('\n').filter((l) => l.startsWith('@@'));
    assert.deepEqual(hunks, ['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    const close = `${lines.map((l) => (l === 'L5' || l === 'L10' ? `${l}!` : l)).join('\n')}\n`;
    assert.deepEqual(unifiedDiff(before, close, 'a', 'b').split('\n').filter((l) => l.startsWith('@@')), ['@@ -2,12 +2,12 @@']);
  });

  it('handles insertions and deletions at the edges', () => {
    assert.equal(unifiedDiff('', 'FROM a\n', 'a/x', 'b/x'), '--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+FROM a\n');
    assert.equal(unifiedDiff('FROM a\nRUN b\n', 'FROM a\n', 'a/x', 'b/x'), '--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n FROM a\n-RUN b\n');
  });

  it('marks a missing final newline and keeps carriage returns in lines', () => {
    assert.equal(unifiedDiff('FROM a\r\nRUN b', 'FROM a\r\nRUN c', 'a/x', 'b/x'), '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n FROM a\r\n-RUN b\n\\ No newline at end of file\n+RUN c\n\\ No newline at end of file\n');
    assert.equal(unifiedDiff('FROM a', 'FROM a\n', 'a/x', 'b/x'), '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-FROM a\n\\ No newline at end of file\n+FROM a\n');
  });
});

describe('diffPath', () => {
  it('normalises user-typed paths for a/ and b/ headers', () => {
    assert.equal(diffPath('./examples/flask-app/Dockerfile'), 'examples/flask-app/Dockerfile');
    assert.equal(diffPath('services\\api\\Dockerfile'), 'services/api/Dockerfile');
    assert.equal(diffPath('/tmp/Dockerfile'), 'tmp/Dockerfile');
  });
});

describe('diff header names', () => {
  it('writes names the way git diff does: a tab after a name with a space, C quotes for special characters', () => {
    assert.equal(headerName('a/services/api/Dockerfile'), 'a/services/api/Dockerfile');
    assert.equal(headerName('/dev/null'), '/dev/null');
    assert.equal(headerName('a/my app/Dockerfile'), 'a/my app/Dockerfile\t');
    assert.equal(headerName('a/ünï/Dockerfile'), 'a/ünï/Dockerfile');
    assert.equal(headerName('a/we"ird\\x\t/Dockerfile'), '"a/we\\"ird\\\\x\\t/Dockerfile"');
    assert.equal(headerName('a/bell\u0007'), '"a/bell\\007"');
  });

  const hasPatch = spawnSync('patch', ['--version']).status === 0;
  it('check --diff for a path with a space and non-ASCII letters applies with patch -p1', { skip: hasPatch ? false : 'no patch program' }, () => {
    const dir = tempDir('diff-space');
    const folder = path.join(dir, 'my app', 'ünï');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'Dockerfile'), 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n');
    const run = runCli(['check', '--select', 'PYD201', '--diff'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.ok(run.stdout.startsWith('--- a/my app/ünï/Dockerfile\t\n+++ b/my app/ünï/Dockerfile\t\n'), run.stdout);
    const applied = spawnSync('patch', ['-p1', '--batch', '--forward'], { cwd: dir, input: run.stdout, encoding: 'utf8' });
    assert.equal(applied.status, 0, `${applied.stdout}${applied.stderr}`);
    assert.equal(fs.readFileSync(path.join(folder, 'Dockerfile'), 'utf8'), 'FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir flask==3.0.3\n');
  });
});
