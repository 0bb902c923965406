// Property: generated Dockerfiles (grammar-based) never crash, corrupt or lose the user's text.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProperty } from './assert-property';
import { contextReader, dockerfile, render } from './generators';
import { checkDocument } from './invariants';

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

  it('renders what the layout asks for', () => {
    const text = render({ layout: { bom: true, eol: '\r\n', directives: ['# escape=`'], continuation: 'declared', ending: 'eol' }, lines: ['FROM python:3.12', 'RUN a \uE000    b'] });
    assert.equal(text, '\uFEFF# escape=`\r\nFROM python:3.12\r\nRUN a `\r\n    b\r\n');
  });
});
