// Property: generated Dockerfiles (grammar-based) never crash, corrupt or lose the user's text.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProperty } from './assert-property';
import fc from 'fast-check';
import { Util } from 'dockerfile-ast/lib/util';
import { DocumentModel } from '../../server/src/model/document-model';
import { commentedStages, contextReader, dockerfile, render } from './generators';
import { checkDocument } from './invariants';

/** A document of `commentedStages` lines, with the escape directive when it is a backtick. */
function renderCommented(lines: string[], eol: '\n' | '\r\n', escape: '\\' | '`'): string {
  return render({ layout: { bom: false, eol, directives: escape === '`' ? ['# escape=`'] : [], continuation: 'declared', ending: 'eol' }, lines });
}

describe('generated Dockerfiles (issue #10)', () => {
  it('lint, fixes, fix-all, optimize and editor features keep every invariant', () => {
    assertProperty(
      'generated',
      dockerfile,
      (doc) => checkDocument(render(doc), { env: { today: doc.today, readContextFile: contextReader(doc.files) }, features: true }),
      60,
      (doc) => `${JSON.stringify(render(doc))} with context ${JSON.stringify(doc.files)}, today ${doc.today}`,
    );
  });

  // The parse hands comments to stages by binary search (model/parse-speedups.ts); the library
  // asked every stage. Same answer: each stage holds exactly the comments its lines contain.
  it('comments of many stages go to the stage whose lines contain them', () => {
    assertProperty(
      'generated-comments',
      fc.record({ lines: commentedStages, eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'), escape: fc.constantFrom<'\\' | '`'>('\\', '`') }),
      ({ lines, eol, escape }) => {
        const model = new DocumentModel(renderCommented(lines, eol, escape));
        const comments = model.ast.getComments();
        for (const from of model.ast.getFROMs()) {
          const stage = model.ast.getContainingImage(from.getRange().start);
          const range = stage?.getRange();
          if (!stage || !range) continue;
          const expected = comments.filter((c) => Util.isInsideRange(c.getRange().start, range)).map((c) => c.getRange().start.line);
          assert.deepEqual(stage.getComments().map((c) => c.getRange().start.line), expected, `stage at line ${range.start.line}`);
        }
      },
      60,
      ({ lines, eol, escape }) => JSON.stringify(renderCommented(lines, eol, escape)),
    );
  });

  it('renders what the layout asks for', () => {
    const text = render({ layout: { bom: true, eol: '\r\n', directives: ['# escape=`'], continuation: 'declared', ending: 'eol' }, lines: ['FROM python:3.12', 'RUN a \uE000    b'] });
    assert.equal(text, '\uFEFF# escape=`\r\nFROM python:3.12\r\nRUN a `\r\n    b\r\n');
  });
});
