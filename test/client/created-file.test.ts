// Files Optimize creates (.dockerignore) are written with their text by the file creation itself
// (client/src/created-file.ts), so one undo removes them and one redo brings them back whole.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createdFileContent } from '../../client/src/created-file';

const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });

describe('content of a created file', () => {
  it('joins inserts at the start of the file in their order', () => {
    assert.equal(createdFileContent([{ range: at(0, 0), newText: '.git\n' }, { range: at(0, 0), newText: '.venv\n' }]), '.git\n.venv\n');
  });

  it('is empty for a file created without edits', () => {
    assert.equal(createdFileContent([]), '');
  });

  it('answers nothing when an edit needs existing text (the edits are applied to the file instead)', () => {
    assert.equal(createdFileContent([{ range: at(0, 0), newText: 'a' }, { range: at(1, 0), newText: 'b' }]), undefined);
    assert.equal(createdFileContent([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, newText: 'b' }]), undefined);
  });
});
