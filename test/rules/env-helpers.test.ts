// Tests for ENV lookups along a stage chain and the ENV/insertion edits runtime rules share.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/fix/apply';
import { parseDocument } from '../../server/src/model/document-model';
import { envSettings, insertLinesAbove, lastEnvSetting, removeEnvKeyEdit } from '../../server/src/rules/env-helpers';

/** Removes one ENV key (the last setting of that name in the final stage) and returns the new text. */
function removeKey(text: string, name: string): string | null {
  const model = parseDocument(text);
  const stage = model.finalStage;
  assert.ok(stage);
  const setting = lastEnvSetting(stage, name);
  assert.ok(setting, `no ENV ${name}`);
  const edit = removeEnvKeyEdit(model, setting);
  return edit ? applyEdits(text, [edit]) : null;
}

describe('envSettings', () => {
  it('lists ENV keys of the stage chain only, oldest first', () => {
    const model = parseDocument('FROM python:3.12 AS base\nENV A=1 B="x y"\nFROM python:3.12 AS other\nENV C=3\nFROM base\nENV A 2\n');
    const final = model.finalStage;
    assert.ok(final);
    assert.deepEqual(envSettings(final).map((s) => `${s.name}=${s.value}`), ['A=1', 'B=x y', 'A=2']);
    assert.equal(lastEnvSetting(final, 'A')?.value, '2');
    assert.equal(lastEnvSetting(final, 'C'), undefined);
  });
});

describe('removeEnvKeyEdit', () => {
  it('removes the whole instruction when it sets only that key', () => {
    assert.equal(removeKey('FROM python:3.12\nENV DEBUG=1\nCMD ["python"]\n', 'DEBUG'), 'FROM python:3.12\nCMD ["python"]\n');
    assert.equal(removeKey('FROM python:3.12\nENV DEBUG 1', 'DEBUG'), 'FROM python:3.12');
  });

  it('removes a first, middle or last key with its separator', () => {
    assert.equal(removeKey('FROM x\nENV DEBUG=1 A=2\n', 'DEBUG'), 'FROM x\nENV A=2\n');
    assert.equal(removeKey('FROM x\nENV A=1 DEBUG=1 B=2\n', 'DEBUG'), 'FROM x\nENV A=1 B=2\n');
    assert.equal(removeKey('FROM x\nENV A=1 DEBUG=1\n', 'DEBUG'), 'FROM x\nENV A=1\n');
  });

  it('keeps continuation lines and CRLF intact', () => {
    assert.equal(removeKey('FROM x\r\nENV A=1 \\\r\n    DEBUG=1 \\\r\n    B=2\r\n', 'DEBUG'), 'FROM x\r\nENV A=1 \\\r\n    B=2\r\n');
    assert.equal(removeKey('FROM x\nENV A=1 \\\n    DEBUG=1\nRUN true\n', 'DEBUG'), 'FROM x\nENV A=1\nRUN true\n');
  });

  it('refuses to swallow a comment line inside the instruction', () => {
    assert.equal(removeKey('FROM x\nENV A=1 \\\n# why debug\n    DEBUG=1\n', 'DEBUG'), null);
  });
});

describe('insertLinesAbove', () => {
  it('inserts above the comments attached to an instruction, with its indentation', () => {
    const text = 'FROM x\nRUN true\n\n  # pydockerfile ignore=PYD401\n  CMD python app.py\n';
    const model = parseDocument(text);
    const cmd = model.byKeyword('CMD')[0];
    assert.ok(cmd);
    assert.equal(applyEdits(text, [insertLinesAbove(model, cmd, ['ENV A=1'])]), 'FROM x\nRUN true\n\n  ENV A=1\n  # pydockerfile ignore=PYD401\n  CMD python app.py\n');
  });
});
