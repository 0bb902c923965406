// `.dockerignore` matching with Docker's semantics (moby patternmatcher + dockerignore.ReadAll).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDockerignore } from '../../server/src/workspace/dockerignore';

/** [ignore file, path, excluded?] */
const CASES: [string, string, boolean][] = [
  // Plain names match the path and everything below it.
  ['.git', '.git', true],
  ['.git', '.git/HEAD', true],
  ['.git', 'src/.git', false],
  // Cleaning: `./`, a leading `/` and a trailing `/` go; `..` resolves.
  ['./build/', 'build/lib/x.py', true],
  ['/dist', 'dist/app.whl', true],
  ['a/../dist', 'dist/app.whl', true],
  // `*` and `?` stay within one path segment.
  ['*.pyc', 'main.pyc', true],
  ['*.pyc', 'app/main.pyc', false],
  ['app/?.py', 'app/a.py', true],
  ['app/?.py', 'app/ab.py', false],
  // `**` spans any number of folders, also none.
  ['**/__pycache__', '__pycache__/m.pyc', true],
  ['**/__pycache__', 'a/b/__pycache__/m.pyc', true],
  ['**/*.py[cod]', 'app/main.pyo', true],
  ['docs/**', 'docs/a/b.md', true],
  ['docs/**/*.md', 'docs/a/b/c.md', true],
  ['docs/**/*.md', 'docs/c.md', true],
  // Character classes and escapes.
  ['[a-c]*.txt', 'b1.txt', true],
  ['[^a]*.txt', 'a1.txt', false],
  // Go's `[!…]` is not a negation, and Docker compiles patterns to Go regexps: `!` is a member.
  ['[!a]*.txt', 'a1.txt', true],
  ['\\*.txt', '*.txt', true],
  ['\\*.txt', 'a.txt', false],
  // Regexp specials are literal.
  ['file(1).txt', 'file(1).txt', true],
  ['a+b', 'aab', false],
  // `!` re-includes; the last matching line wins.
  ['*.md\n!README.md', 'README.md', false],
  ['*.md\n!README.md', 'CHANGES.md', true],
  ['*.md\n!README.md\nREADME*', 'README.md', true],
  ['**\n!src', 'src/app.py', false],
  ['**\n!src', 'tests/t.py', true],
  // A pattern that matches a parent folder excludes the path, even after an exception for the path itself.
  ['build\n!build/keep.txt', 'build/keep.txt', false],
  // Comments only at the start of a line; blank lines and surrounding blanks are ignored.
  ['# .git\n  \n', '.git', false],
  ['  .venv  ', '.venv/pyvenv.cfg', true],
  // CRLF and a byte-order mark.
  ['\uFEFF.venv\r\n__pycache__\r\n', '.venv/x', true],
  ['\uFEFF.venv\r\n__pycache__\r\n', '__pycache__/x', true],
  // A malformed class matches nothing rather than everything.
  ['[', '[', false],
];

describe('parseDockerignore().excludes', () => {
  for (const [file, path, excluded] of CASES) {
    it(`${JSON.stringify(file)} ${excluded ? 'excludes' : 'keeps'} ${path}`, () => {
      assert.equal(parseDockerignore(file).excludes(path), excluded);
    });
  }

  it('keeps the cleaned patterns, their exceptions and lines', () => {
    const parsed = parseDockerignore('# comment\n/.git/\n! ./keep\n');
    assert.deepEqual(parsed.patterns.map((p) => [p.pattern, p.exception, p.line]), [['.git', false, 1], ['keep', true, 2]]);
  });
});
