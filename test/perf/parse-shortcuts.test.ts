// The shortcuts taken for parse speed keep what users see: instructions around heredocs, the
// line ending fixes insert, and the shell words of RUNs with continuations, escapes and globs.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Instruction, Property, type Argument } from 'dockerfile-ast';
import { DocumentModel, isJsonStringArray, type InstructionInfo } from '../../server/src/model/document-model';
import { LIBRARY_IS_BOM, LIBRARY_PROPERTY_VALUE, LIBRARY_RAW_ARGUMENTS } from '../../server/src/model/parse-speedups';
import { Util } from 'dockerfile-ast/lib/util';
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

describe('comments in a file of many stages land where the library puts them', () => {
  // The library asks every stage about every comment; ours searches the ordered stages. Same
  // answers on comments before, between, inside and after stages, in continuations and heredocs.
  const parts: string[] = ['# syntax=docker/dockerfile:1', '# top', 'ARG BASE=python:3.12-slim'];
  for (let k = 0; k < 40; k++) {
    parts.push(`# before stage ${k}`, `FROM \${BASE} AS s${k}`, `# in ${k}`, 'RUN echo a \\', `  # continuation ${k}`, '  b');
    if (k % 3 === 0) parts.push('RUN <<EOF', `# heredoc line ${k}`, 'EOF');
    if (k % 4 === 0) parts.push('', `# blank above ${k}`);
  }
  parts.push('# trailing');
  const model = new DocumentModel(parts.join('\n'));
  const stages = model.ast.getFROMs().map((from) => model.ast.getContainingImage(from.getRange().start));
  it('every stage holds exactly the comments inside its lines', () => {
    for (const stage of stages) {
      assert.ok(stage);
      const range = stage.getRange();
      assert.ok(range);
      const expected = model.ast.getComments().filter((c) => Util.isInsideRange(c.getRange().start, range)).map((c) => c.getRange().start.line);
      assert.deepEqual(stage.getComments().map((c) => c.getRange().start.line), expected);
    }
  });
  it('comments between stages belong to none', () => {
    const held = new Set(stages.flatMap((stage) => stage?.getComments().map((c) => c.getRange().start.line) ?? []));
    const between = parts.flatMap((line, i) => (line.startsWith('# before stage') || line === '# trailing' ? [i] : []));
    assert.ok(between.length > 40);
    for (const line of between) assert.ok(!held.has(line), `line ${line} is held by a stage`);
  });
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
    const { chars, offsets } = logicalText(text, 0, text.length, '`');
    assert.deepEqual({ chars, offsets }, { chars: 'a\\b c', offsets: [0, 1, 2, 5, 6] });
  });
});

describe('one-line arguments read directly equal the library\'s scan', () => {
  const library = (Instruction.prototype as unknown as Record<symbol, unknown>)[LIBRARY_RAW_ARGUMENTS] as (this: Instruction) => Argument[];
  const current = (node: Instruction): Argument[] => (node as unknown as { getRawArguments(): Argument[] }).getRawArguments();
  const shape = (args: Argument[]): [string, number, number, number, number][] =>
    args.map((a) => [a.getValue(), a.getRange().start.line, a.getRange().start.character, a.getRange().end.line, a.getRange().end.character]);
  const ARGUMENTS = [
    'pip install --no-cache-dir flask==3.0.0',
    '  a\tb   c  ',
    '\t\t# not a comment here',
    '["python", "-m", "app"]',
    '[ "a b", "c" ]',
    '[]',
    '--mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
    'echo $HOME ${A:-b} "quoted words" \'single\'',
    'cat < in > out',
    'a\\ b',
    'C:\\path\\to a`b',
    'x \\\n  y',
    'line one \\\r\n  # comment\r\n  two',
    'tab\tseparated\tvalues',
    'pip install \\\n    flask \\\n\tgunicorn',
    '\\\n  pip install a',
    'a \\  \t\n  b',
    'a\\\nb',
    'a \\\n\n  b',
    'a \\\n  # c\n  b',
    'x ` \n y `\n z',
    'a \\ b \\\n c',
    '',
  ];
  const KEYWORDS = ['RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'WORKDIR', 'USER', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'VOLUME', 'UNKNOWN'];
  for (const escape of ['', '# escape=`\n']) {
    for (const eol of ['\n', '\r\n']) {
      it(`every keyword and argument shape (${escape === '' ? 'backslash' : 'backtick'} escape, ${eol === '\n' ? 'LF' : 'CRLF'})`, () => {
        const lines = KEYWORDS.flatMap((k) => ARGUMENTS.map((a) => `${k} ${a}`.replace(/\n/g, eol)));
        const text = `${escape}FROM python:3.12-slim${eol}${lines.join(eol)}${eol}`;
        const model = new DocumentModel(text);
        assert.ok(model.instructions.length > KEYWORDS.length * 10);
        for (const info of model.instructions) {
          assert.deepEqual(shape(current(info.node)), shape(library.call(info.node)), info.node.getTextContent());
          assert.deepEqual(current(info.node), library.call(info.node));
        }
      });
    }
  }
  it('arguments across continuation lines keep their lines and columns', () => {
    const model = new DocumentModel('FROM python:3.12\nRUN pip install \\\n    flask \\\n\tgunicorn\n');
    const run = model.instructions[1] as InstructionInfo;
    assert.deepEqual(shape(current(run.node)), [['pip', 1, 4, 1, 7], ['install', 1, 8, 1, 15], ['flask', 2, 4, 2, 9], ['gunicorn', 3, 1, 3, 9]]);
    assert.deepEqual(current(run.node), library.call(run.node));
  });
  it('the instruction an ONBUILD triggers', () => {
    const text = 'FROM python:3.12\nONBUILD RUN pip install  flask\tgunicorn\nONBUILD COPY a b\nONBUILD RUN a \\\n  b\n';
    const triggers = new DocumentModel(text).instructions.flatMap((i) => {
      const trigger = (i.node as unknown as { getTriggerInstruction?(): Instruction | null }).getTriggerInstruction?.();
      return trigger ? [trigger] : [];
    });
    assert.equal(triggers.length, 3);
    for (const trigger of triggers) assert.deepEqual(current(trigger), library.call(trigger));
    assert.deepEqual(shape(current(triggers[0] as Instruction)), [['pip', 1, 12, 1, 15], ['install', 1, 16, 1, 23], ['flask', 1, 25, 1, 30], ['gunicorn', 1, 31, 1, 39]]);
  });
  it('a text without a final line break, and one starting with a byte-order mark', () => {
    for (const text of ['FROM python:3.12\nRUN a  b', '\uFEFFFROM python:3.12 AS x\nRUN a\tb']) {
      for (const info of new DocumentModel(text).instructions) assert.deepEqual(current(info.node), library.call(info.node));
    }
  });
});

describe('the byte-order mark test answers as the library\'s', () => {
  const library = (Util as unknown as Record<symbol, unknown>)[LIBRARY_IS_BOM] as (char: string) => boolean;
  const CASES: [string, boolean][] = [['\uFEFF', true], ['\uFEFFFROM', true], ['', false], ['F', false], ['\uD800', false], ['\uDBFF\uDFFF', false], ['\u00EF', false], ['\uFFFE', false], ['\uFEFE', false]];
  for (const [char, expected] of CASES) {
    it(`U+${(char.charCodeAt(0) || 0).toString(16).toUpperCase()} (${char.length} code units)`, () => {
      assert.equal(library(char), expected);
      assert.equal(Util.isUTF8BOM(char), expected);
    });
  }
});

describe('verbatim ENV, ARG and LABEL values read directly equal the library\'s reading', () => {
  const statics = Property as unknown as Record<string | symbol, unknown>;
  const library = statics[LIBRARY_PROPERTY_VALUE] as (value: string, escapeChar: string) => string;
  const current = statics['getValue'] as (value: string, escapeChar: string) => string;
  const PIECES = ['a', 'PYTHONUNBUFFERED', '1', '/opt/venv/bin:$PATH', '${A:-b}', ' ', '\t', '\\', '`', '"', "'", '#', '\n', '\r\n', '=', 'é', ''];
  it('every value of up to three pieces, with either escape character', () => {
    let compared = 0;
    for (const escape of ['\\', '`']) {
      for (const a of PIECES) for (const b of PIECES) for (const c of PIECES) {
        const value = a + b + c;
        assert.equal(current(value, escape), library(value, escape), JSON.stringify([value, escape]));
        compared++;
      }
    }
    assert.ok(compared > 9000);
  });
  it('properties of parsed instructions', () => {
    const text = 'FROM python:3.12\nARG A=1 B\nENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1\nENV X "quoted value"\nLABEL a.b="c d" e=f\\ g\n';
    const props = new DocumentModel(text).instructions.flatMap((i) => (i.node as unknown as { getProperties?(): Property[] }).getProperties?.() ?? []);
    assert.deepEqual(props.map((p) => [p.getName(), p.getValue()]), [['A', '1'], ['B', null], ['PATH', '/opt/venv/bin:$PATH'], ['PYTHONDONTWRITEBYTECODE', '1'], ['X', 'quoted value'], ['a.b', 'c d'], ['e', 'f g']]);
  });
});

describe('the JSON array-of-strings test answers as JSON.parse', () => {
  const byParse = (text: string): boolean => {
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string');
    } catch {
      return false;
    }
  };
  const PIECES = ['[', ']', '"', '["', '"]', '", "', "'", ',', ' ', '\t', '\n', '\u00a0', 'a', '1', '\\', '\\"', '\\u00e9', '\\u12', '\\x', '"a"', '{}', '\u0001', '\ud800'];
  it('every text of up to four pieces', () => {
    let compared = 0;
    for (const a of PIECES) for (const b of PIECES) for (const c of PIECES) for (const d of PIECES) {
      const text = a + b + c + d;
      assert.equal(isJsonStringArray(text), byParse(text), JSON.stringify(text));
      compared++;
    }
    assert.ok(compared > 200000);
  });
  it('exec-form instructions as Docker reads them', () => {
    const CASES: [string, boolean][] = [['["python", "-m", "app"]', true], ['[ "a\\"b", "c\\\\d", "\\u00e9" ]', true], ['[]', true], ["['python', 'app.py']", false], ['["python" "app.py"]', false], ['["a", 1]', false], ['[["a"]]', false], ['["a",]', false]];
    for (const [args, exec] of CASES) {
      const model = new DocumentModel(`FROM python:3.12\nCMD ${args}\n`);
      assert.equal(model.isExecForm(model.instructions[1] as InstructionInfo), exec, args);
    }
  });
});
