// The unified diff printer, checked against the format `patch` and `git apply` expect.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffPath, unifiedDiff } from '../../server/src/cli/unified-diff';

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
