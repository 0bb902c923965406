// The shortcuts taken for parse speed keep what users see: instructions around heredocs, the
// line ending fixes insert, and the shell words of RUNs with continuations, escapes and globs.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentModel } from '../../server/src/model/document-model';
import { detectEol } from '../../server/src/model/text';
import { logicalText, tokenize } from '../../server/src/shell/lexer';

/** Keyword, first and last line of every instruction. */
function outline(text: string): [string, number, number][] {
  return new DocumentModel(text).instructions.map((i) => [i.keyword, i.range.start.line, i.range.end.line]);
}

describe('instructions with and without heredocs (the skipped heredoc probe)', () => {
  const CASES: [string, string, [string, number, number][]][] = [
    ['a heredoc body is not read as instructions', 'FROM python:3.12-slim\nRUN <<EOF\nFROM inside\nEOF\nRUN echo done\n', [['FROM', 0, 0], ['RUN', 1, 3], ['RUN', 4, 4]]],
    [
      'ONBUILD and COPY heredocs',
      'FROM python:3.12-slim\nONBUILD RUN <<EOF\nCMD inside\nEOF\nCOPY <<EOF /app/conf\nENV inside=1\nEOF\nCMD ["python"]\n',
      [['FROM', 0, 0], ['ONBUILD', 1, 3], ['COPY', 4, 6], ['CMD', 7, 7]],
    ],
    ['a `<` redirection is no heredoc', 'FROM python:3.12-slim\nRUN cat < /etc/os-release \\\n    && echo ok\nENV A=1\n', [['FROM', 0, 0], ['RUN', 1, 2], ['ENV', 3, 3]]],
    [
      'continuations and comment lines without any `<`',
      'FROM python:3.12-slim AS build\n# comment\nRUN pip install \\\n    # inside\n    flask\nCOPY . /app\n',
      [['FROM', 0, 0], ['RUN', 2, 4], ['COPY', 5, 5]],
    ],
    ['the backtick escape', '# escape=`\nFROM python:3.12-slim\nRUN echo a `\n    b\nRUN cat <<EOF\nx\nEOF\n', [['FROM', 1, 1], ['RUN', 2, 3], ['RUN', 4, 6]]],
    ['CRLF line endings', 'FROM python:3.12-slim\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\nUSER app\r\n', [['FROM', 0, 0], ['RUN', 1, 2], ['USER', 3, 3]]],
  ];
  for (const [title, text, expected] of CASES) {
    it(title, () => assert.deepEqual(outline(text), expected));
  }
});

describe('the text reuses the parsed copy\'s line index', () => {
  it('keeps the byte-order mark in the text while positions stay those of the original', () => {
    const content = '\uFEFFFROM python:3.12-slim\r\nRUN echo a \\\r\n  b\rUSER app';
    const { text, instructions } = new DocumentModel(content);
    assert.equal(text.lineCount, 4);
    assert.equal(text.lineText(0), '\uFEFFFROM python:3.12-slim');
    assert.deepEqual(text.positionAt(content.indexOf('USER')), { line: 3, character: 0 });
    assert.equal(text.offsetAt({ line: 2, character: 2 }), content.indexOf('b\r'));
    assert.deepEqual(instructions.map((i) => [i.keyword, i.start, i.end]), [
      ['FROM', 1, content.indexOf('\r\n')],
      ['RUN', content.indexOf('RUN'), content.indexOf('\rUSER')],
      ['USER', content.indexOf('USER'), content.length],
    ]);
  });
});

describe('comments go to the stage whose lines contain them (ranges computed once)', () => {
  const text = '# top comment\nARG V=1\n# before from\nFROM python:3.12 AS a\n# in a\nRUN true\n\n# between\nFROM a AS b\nRUN echo \\\n  # inside continuation\n  done\n# trailing\n';
  const commentLines = (line: number): number[] | undefined =>
    new DocumentModel(text).ast.getContainingImage({ line, character: 0 })?.getComments().map((c) => c.getRange().start.line);
  it('the ARGs before the first FROM hold none of them', () => assert.deepEqual(commentLines(1), []));
  it('the first stage holds the comment between its instructions', () => assert.deepEqual(commentLines(4), [4]));
  it('the second stage holds the comment inside its continuation', () => assert.deepEqual(commentLines(9), [10]));
});

describe('detectEol counts each line ending once', () => {
  const CASES: [string, string, '\n' | '\r\n'][] = [
    ['LF only', 'a\nb\n', '\n'],
    ['CRLF only', 'a\r\nb\r\n', '\r\n'],
    ['more CRLF than LF', 'a\r\nb\r\nc\n', '\r\n'],
    ['a tie keeps LF', 'a\r\nb\n', '\n'],
    ['lone CRs are no CRLF', 'a\rb\r\nc\n', '\n'],
    ['a text starting with LF', '\n\r\n\r\n', '\r\n'],
    ['no line ending at all', 'FROM x', '\n'],
  ];
  for (const [title, text, eol] of CASES) it(title, () => assert.equal(detectEol(text), eol));
});

describe('shell words read in runs of plain characters', () => {
  const words = (text: string, escapeChar = '\\'): [string, string, number, number, boolean][] =>
    tokenize(logicalText(text, 0, text.length, escapeChar)).tokens.flatMap((t) => (t.kind === 'word' ? [[t.value, t.raw, t.start, t.end, t.hasGlob] as [string, string, number, number, boolean]] : []));
  it('keeps document offsets across a continuation inside a word', () => {
    assert.deepEqual(words('pip install fla\\\nsk'), [
      ['pip', 'pip', 0, 3, false],
      ['install', 'install', 4, 11, false],
      ['flask', 'flask', 12, 19, false],
    ]);
  });
  it('marks globs anywhere in a word, and only there', () => {
    assert.deepEqual(words('rm -rf /var/lib/apt/lists/* a?b x[1] plain'), [
      ['rm', 'rm', 0, 2, false],
      ['-rf', '-rf', 3, 6, false],
      ['/var/lib/apt/lists/*', '/var/lib/apt/lists/*', 7, 27, true],
      ['a?b', 'a?b', 28, 31, true],
      ['x[1]', 'x[1]', 32, 36, true],
      ['plain', 'plain', 37, 42, false],
    ]);
  });
  it('splits runs at quotes, escapes, expansions and operators', () => {
    assert.deepEqual(words('a"b c"d\\ e$HOME/f>g'), [
      ['ab cd e$HOME/f', 'a"b c"d\\ e$HOME/f', 0, 17, false],
      ['g', 'g', 18, 19, false],
    ]);
  });
  it('with the backtick escape, a backslash is an ordinary character of the logical text', () => {
    const text = 'a\\b`\n c';
    assert.deepEqual(logicalText(text, 0, text.length, '`'), { chars: 'a\\b c', offsets: [0, 1, 2, 5, 6] });
  });
});
