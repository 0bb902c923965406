// Helpers of the rules about where Python packages land: USER in effect, stage copies, word removal.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument, type DocumentModel, type InstructionInfo } from '../../server/src/model/document-model';
import { applyEdits } from '../../server/src/fix/apply';
import { copiesFrom, describeStage, hasUnreadableCopyFrom, insertLinesBelow, isRootUser, isVerbatim, removeWordsEdit, userBefore } from '../../server/src/rules/python-env-helpers';

function nth(model: DocumentModel, keyword: string, n = 0): InstructionInfo {
  const info = model.byKeyword(keyword)[n];
  assert.ok(info, `no ${keyword} #${n}`);
  return info;
}

/** Removes the words `from`..`to` (by value) of the first command of the first RUN. */
function removeWords(text: string, from: string, to: string = from): string | null {
  const model = parseDocument(text);
  const command = model.shellOf(nth(model, 'RUN'))?.commands[0];
  assert.ok(command);
  const first = command.words.find((w) => w.value === from);
  const last = command.words.find((w) => w.value === to);
  assert.ok(first && last);
  const edit = removeWordsEdit(model, command, first, last);
  return edit ? applyEdits(text, [edit]) : null;
}

describe('python-env helpers', () => {
  it('follows USER through the stage chain', () => {
    const model = parseDocument('FROM python:3.12-slim AS base\nUSER app\nFROM base\nRUN id\nUSER root:root\nRUN id\nFROM python:3.12-slim\nRUN id\n');
    assert.equal(userBefore(nth(model, 'RUN', 0)), 'app');
    assert.equal(userBefore(nth(model, 'RUN', 1)), 'root:root');
    assert.equal(userBefore(nth(model, 'RUN', 2)), null);
  });

  it('recognises root by name or UID, whatever the group', () => {
    for (const v of ['root', '0', 'root:app', '0:0']) assert.ok(isRootUser(v), v);
    for (const v of ['app', '10001:10001', 'rooty', '']) assert.ok(!isRootUser(v), v);
  });

  it('finds the COPY --from of later stages by alias and index', () => {
    const model = parseDocument('FROM python:3.12-slim AS build\nRUN true\nFROM python:3.12-slim AS other\nCOPY --from=build /opt/venv /opt/venv\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --from=0 /wheels ./wheels\nCOPY --from=other /x /x\n');
    const build = model.stages[0];
    assert.ok(build);
    const copies = copiesFrom(model, build);
    assert.deepEqual(copies.map((c) => [c.consumer.index, c.op.sources, c.op.dest, c.workdir?.dir]), [[1, ['/opt/venv'], '/opt/venv', '/'], [2, ['/wheels'], './wheels', '/app']]);
    assert.equal(hasUnreadableCopyFrom(model, build), false);
  });

  it('notices COPY --from whose operands it cannot read', () => {
    const model = parseDocument('FROM python:3.12-slim AS build\nFROM python:3.12-slim\nCOPY --from=build ["/opt/venv", "/opt/venv"]\n');
    const build = model.stages[0];
    assert.ok(build);
    assert.deepEqual(copiesFrom(model, build), []);
    assert.equal(hasUnreadableCopyFrom(model, build), true);
  });

  it('removes words with the blank that follows them, or the one before at the end', () => {
    assert.equal(removeWords('FROM x\nRUN pip install --user flask\n', '--user'), 'FROM x\nRUN pip install flask\n');
    assert.equal(removeWords('FROM x\nRUN pip install flask -i https://a/simple\n', '-i', 'https://a/simple'), 'FROM x\nRUN pip install flask\n');
    assert.equal(removeWords('FROM x\nRUN pip install \\\n    --user \\\n    flask\n', '--user'), 'FROM x\nRUN pip install \\\n    flask\n');
  });

  it('refuses to swallow redirections or comment lines', () => {
    assert.equal(removeWords('FROM x\nRUN pip install --user 2>/dev/null flask\n', '--user'), null);
    assert.equal(removeWords('FROM x\nRUN pip install -i \\\n# mirror\n    https://a/simple flask\n', '-i', 'https://a/simple'), null);
  });

  it('tells verbatim words from words split by a continuation', () => {
    const model = parseDocument('FROM x\nRUN pip install fla\\\nsk "a b"\n');
    const words = model.shellOf(nth(model, 'RUN'))?.commands[0]?.words ?? [];
    assert.deepEqual(words.map((w) => [w.value, isVerbatim(model, w)]), [['pip', true], ['install', true], ['flask', false], ['a b', true]]);
  });

  it('names stages by alias, as the final stage, or by index', () => {
    const model = parseDocument('FROM python:3.12-slim AS Build\nFROM python:3.12-slim\nFROM python:3.12-slim\n');
    assert.deepEqual(model.stages.map(describeStage), ['stage `build`', 'stage 1', 'the final stage']);
  });
});

describe('insertLinesBelow', () => {
  const below = (text: string): string => {
    const model = parseDocument(text);
    return applyEdits(text, [insertLinesBelow(model, nth(model, 'RUN'), ['ENV A=1'])]);
  };

  it('inserts at the start of the next line, keeping the line endings', () => {
    assert.equal(below('FROM x\nRUN a \\\n  && b\nCMD c\n'), 'FROM x\nRUN a \\\n  && b\nENV A=1\nCMD c\n');
    assert.equal(below('FROM x\r\nRUN a\r\nCMD c\r\n'), 'FROM x\r\nRUN a\r\nENV A=1\r\nCMD c\r\n');
    assert.equal(below('FROM x\nRUN a\n'), 'FROM x\nRUN a\nENV A=1\n');
  });

  it('appends after a last line without a line break', () => {
    assert.equal(below('FROM x\nRUN a'), 'FROM x\nRUN a\nENV A=1');
  });

  // A lone CR is no line break for Docker; an LF written after it would make it a CRLF in a file
  // without any (npm run fuzz, seed 1049695114, PYD209's ENV fix).
  it('inserts before a lone CR that ends the line, so it never becomes a CRLF', () => {
    assert.equal(below('FROM x\nRUN a \r'), 'FROM x\nRUN a \nENV A=1\r');
    assert.equal(below('FROM x\r\nRUN a\r'), 'FROM x\r\nRUN a\r\nENV A=1\r');
    assert.equal(below('FROM x\nRUN a\r\r'), 'FROM x\nRUN a\nENV A=1\r\r');
  });
});
