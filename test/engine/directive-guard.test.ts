// Fixes never turn a comment into a parser directive: BuildKit reads `# escape=` and `# syntax=`
// only at the top of a file, so deleting the lines above such a comment would change how the
// whole file is read.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directiveGuard, directivesKept } from '../../server/src/engine/directive-guard';
import { lint } from '../../server/src/engine/lint';
import { DocumentModel, honouredDirectives } from '../../server/src/model/document-model';
import type { Fix } from '../../server/src/rules/types';

const env = { today: '2026-11-25' };

/** A fix replacing lines [from, to) with `text`. */
function lineFix(from: number, to: number, text: string): Fix {
  return { title: 'test', applicability: 'safe', edits: [{ range: { start: { line: from, character: 0 }, end: { line: to, character: 0 } }, newText: text }] };
}

describe('honouredDirectives', () => {
  it('reads the known directives at the very top, as BuildKit does', () => {
    assert.deepEqual([...honouredDirectives('# syntax=docker/dockerfile:1\n# escape=`\nFROM python:3.12\n')], [['syntax', 'docker/dockerfile:1'], ['escape', '`']]);
    assert.deepEqual([...honouredDirectives('\uFEFF# escape=`\r\nFROM python:3.12\r\n')], [['escape', '`']]);
  });

  it('stops at the first line that is no known directive', () => {
    assert.equal(honouredDirectives('# pydockerfile ignore=PYD101\n# escape=`\nFROM python:3.12').size, 0);
    assert.equal(honouredDirectives('# foo=bar\n# escape=`\nFROM python:3.12').size, 0);
    assert.equal(honouredDirectives('\n# escape=`\nFROM python:3.12').size, 0);
    assert.equal(honouredDirectives('FROM python:3.12\n# escape=`').size, 0);
  });

  it('takes a byte-order mark only where the file starts, as Go does not count it as white space', () => {
    assert.equal(honouredDirectives('  \uFEFF# escape=`\nFROM python:3.12').size, 0);
    assert.deepEqual([...honouredDirectives('# syntax=docker/dockerfile:1\n\uFEFF# escape=`\nFROM python:3.12')], [['syntax', 'docker/dockerfile:1']]);
    assert.equal(new DocumentModel('  \uFEFF# escape=`\nFROM python:3.12\nRUN a `\n b\n').escapeChar, '\\');
  });
});

describe("DocumentModel's escape character, as BuildKit reads it", () => {
  const escapeOf = (content: string): string => new DocumentModel(content).escapeChar;

  it('takes the first escape directive at the top', () => {
    assert.equal(escapeOf('# escape=`\nFROM python:3.12'), '`');
    assert.equal(escapeOf('# syntax=docker/dockerfile:1\n#  ESCAPE = `\nFROM python:3.12'), '`');
    assert.equal(escapeOf('\uFEFF# escape=`\r\nFROM python:3.12'), '`');
  });

  it('ignores an escape line after a comment BuildKit does not take for a directive', () => {
    assert.equal(escapeOf('# pydockerfile ignore=PYD201\n# escape=`\nFROM python:3.12'), '\\');
    assert.equal(escapeOf('# foo=bar\n# escape=`\nFROM python:3.12'), '\\');
  });

  // dockerfile-ast skips an invalid value and takes a later escape line; BuildKit fails the build
  // on the invalid value (and on a second escape directive), and a later line never counts.
  // Reading it as the default keeps the answer from changing when a fix edits the lines between
  // (npm run fuzz, seed 945322355: removing a pragma switched the escape character).
  it('reads an invalid first escape directive as the default, whatever escape lines follow', () => {
    assert.equal(escapeOf('# escape=x\n# escape=`\nFROM python:3.12'), '\\');
    assert.equal(escapeOf('# escape=x\n#pydockerfile ignore=pyd201\n# escape=`\nFROM python:3.12'), '\\');
    assert.equal(escapeOf('# escape=x\n\n# escape=`\nFROM python:3.12'), '\\');
  });

  it('keeps the first of two escape directives', () => {
    assert.equal(escapeOf('# escape=`\n# escape=\\\nFROM python:3.12'), '`');
    assert.equal(escapeOf('# escape=\\\n# escape=`\nFROM python:3.12'), '\\');
  });
});

// BuildKit trims Go's `unicode.IsSpace` from the start of a line (NBSP, NEL, U+2028, …), and
// dockerfile-ast only blanks and tabs: to it `<U+2028># escape=\`` was an instruction ` #`, so
// the escape directive was missed and PYD003 reported the line; its ignore pragma, inserted
// above, then pushed the directive out of the directives (npm run fuzz, seed 1330973048).
describe('DocumentModel: white space BuildKit trims in front of an instruction or comment', () => {
  it('reads an escape directive behind such white space', () => {
    for (const space of ['\u2028', '\u0085', '\u00a0', '  \u3000']) {
      const text = `${space}# escape=\`\nFROM python:3.12\nRUN pip install \`\n    flask\n`;
      assert.equal(new DocumentModel(text).escapeChar, '`', JSON.stringify(space));
      assert.deepEqual([...honouredDirectives(text)], [['escape', '`']], JSON.stringify(space));
    }
  });

  it('reads a comment or an instruction behind it, and reports no invalid instruction', () => {
    const text = 'FROM python:3.12\n\u00a0# a comment\n\u2028RUN pip install flask\n\u3000\nCMD ["python", "app.py"]\n';
    const model = new DocumentModel(text);
    assert.deepEqual(model.instructions.map((i) => i.keyword), ['FROM', 'RUN', 'CMD']);
    assert.equal(model.content, text);
    assert.deepEqual(lint(text, { env }).findings.filter((f) => f.code === 'PYD003'), []);
  });

  it('keeps it inside a continuation line, where BuildKit keeps it too', () => {
    const model = new DocumentModel('FROM python:3.12\nRUN echo a \\\n\u00a0b\n');
    assert.deepEqual(model.instructions.map((i) => i.keyword), ['FROM', 'RUN']);
    assert.ok(model.content.slice(model.instructions[1]?.start, model.instructions[1]?.end).includes('\u00a0b'));
  });

  it('still reads a byte-order mark in mid-file as no white space', () => {
    assert.deepEqual(new DocumentModel('FROM python:3.12\n\uFEFFRUN true\n').instructions.map((i) => i.keyword), ['FROM', '\uFEFFRUN']);
  });
});

describe('directiveGuard', () => {
  it('has nothing to check in a file without a directive-like comment below the top', () => {
    assert.equal(directiveGuard(new DocumentModel('# escape=`\nFROM python:3.12\nRUN pip install flask\n')), undefined);
    assert.equal(directiveGuard(new DocumentModel('FROM python:3.12\n# just a comment\nRUN pip install flask\n')), undefined);
  });

  it('rejects a fix that moves a dormant `# escape=` up to the top, and keeps others', () => {
    const model = new DocumentModel('RUN python -m venv /opt/venv\n# escape=`\nFROM python:3.12-slim\nRUN pip install flask\n');
    const keeps = directiveGuard(model);
    assert.ok(keeps);
    assert.equal(keeps(lineFix(0, 1, '')), false, 'deleting the first line promotes the escape comment');
    assert.equal(keeps(lineFix(3, 4, '')), true, 'an edit below leaves the directives alone');
    assert.equal(keeps(lineFix(0, 0, '# syntax=docker/dockerfile:1\n')), true, 'a fix may write a directive itself');
  });

  it('drops such a fix from lint findings while the finding stays (PYD209 on a RUN before FROM)', () => {
    const text = 'RUN python -m venv /opt/venv\n# escape=`\nFROM python:3.12-slim-bookworm\n# escape=`';
    const finding = lint(text, { env, only: ['PYD209'] }).findings.find((f) => f.code === 'PYD209');
    assert.ok(finding, 'PYD209 still reports the unused environment');
    assert.deepEqual(finding.fixes, []);
    // Without the comment below, the same RUN gets its fix.
    const plain = lint('RUN python -m venv /opt/venv\nFROM python:3.12-slim-bookworm\n', { env, only: ['PYD209'] }).findings.find((f) => f.code === 'PYD209');
    assert.ok(plain && plain.fixes.length > 0);
  });
});

describe('directivesKept (what fix-all checks for the fixes it combines)', () => {
  const before = honouredDirectives('# syntax=docker/dockerfile:1\nFROM python:3.12\n# escape=`\n');
  const edit = (newText: string) => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText });

  it('accepts a text with the same directives, and a directive the edits write themselves', () => {
    assert.equal(directivesKept(before, '# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN true\n', [edit('RUN true\n')]), true);
    assert.equal(directivesKept(new Map(), '# syntax=docker/dockerfile:1\nFROM python:3.12\n', [edit('# syntax=docker/dockerfile:1\n')]), true);
  });

  it('rejects a directive that appears, changes or goes without the edits writing it', () => {
    assert.equal(directivesKept(before, '# syntax=docker/dockerfile:1\n# escape=`\nFROM python:3.12\n', [edit('')]), false, 'a comment promoted to escape');
    assert.equal(directivesKept(before, '# syntax=docker/dockerfile:1.7\nFROM python:3.12\n', [edit('')]), false, 'the frontend changed');
    assert.equal(directivesKept(before, 'FROM python:3.12\n', [edit('')]), false, 'the syntax directive went');
  });
});
