// Removing one command from a RUN's script: the rest must run as before, and the RUN must still
// end where it ended.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/fix/apply';
import { parseDocument, type DocumentModel } from '../../server/src/model/document-model';
import { removeCommandEdit } from '../../server/src/rules/edit-helpers';

/** The text after removing command `index` of the RUN on line `line`, or null when refused. */
function removed(text: string, line: number, index: number): string | null {
  const model: DocumentModel = parseDocument(text);
  const info = model.instructions.find((i) => i.range.start.line === line);
  assert.ok(info);
  const script = model.shellOf(info);
  assert.ok(script);
  const edit = removeCommandEdit(model, script, index);
  return edit ? applyEdits(text, [edit]) : null;
}

describe('removeCommandEdit', () => {
  it('removes a command with its connector, first, middle or last', () => {
    const text = 'FROM python:3.12-slim\nRUN a && b && c\n';
    assert.equal(removed(text, 1, 0), 'FROM python:3.12-slim\nRUN b && c\n');
    assert.equal(removed(text, 1, 1), 'FROM python:3.12-slim\nRUN a && c\n');
    assert.equal(removed(text, 1, 2), 'FROM python:3.12-slim\nRUN a && b\n');
  });

  it('refuses pipes and `||`, whose neighbours would run differently', () => {
    assert.equal(removed('FROM python:3.12-slim\nRUN a | b && c\n', 1, 1), null);
    assert.equal(removed('FROM python:3.12-slim\nRUN a || b\n', 1, 1), null);
  });

  it('refuses to leave the escape character at the end of the line, where Docker would continue it', () => {
    const text = '# escape=`\nFROM python:3.12-slim\nRUN echo `whoami` && uv venv /opt/venv\nFROM python:3.12-slim\n';
    assert.equal(removed(text, 2, 1), null);
    // With the default escape character the same text is fine to cut.
    assert.equal(removed('FROM python:3.12-slim\nRUN echo `whoami` && uv venv /opt/venv\n', 1, 1), 'FROM python:3.12-slim\nRUN echo `whoami`\n');
  });
});
