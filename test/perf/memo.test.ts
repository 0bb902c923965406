// The memos rules share: each model keeps its own values, and string memos stay bounded while
// always answering what the computation would.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentModel } from '../../server/src/model/document-model';
import { boundedMemo, perModelMemo } from '../../server/src/model/memo';

describe('perModelMemo', () => {
  it('gives each model its own value, made once, also when models alternate', () => {
    let made = 0;
    const valuesOf = perModelMemo(() => ({ id: ++made }));
    const a = new DocumentModel('FROM python:3.12-slim\n');
    const b = new DocumentModel('FROM python:3.12-slim\n');
    const first = valuesOf(a);
    assert.equal(valuesOf(a), first);
    const second = valuesOf(b);
    assert.notEqual(second, first);
    assert.equal(valuesOf(a), first, 'the model asked before the last one keeps its value');
    assert.equal(valuesOf(b), second);
    assert.equal(made, 2);
  });
});

describe('boundedMemo', () => {
  it('computes a key once, and again only after the memo was emptied at its bound', () => {
    const calls: string[] = [];
    const length = boundedMemo((key) => {
      calls.push(key);
      return key.length;
    }, 3);
    assert.equal(length('ab'), 2);
    assert.equal(length('ab'), 2);
    assert.deepEqual(calls, ['ab']);
    for (const key of ['c', 'def']) length(key);
    // Three keys held: a fourth empties the memo first, so 'ab' is computed anew afterwards.
    assert.equal(length('ghij'), 4);
    assert.equal(length('ab'), 2);
    assert.deepEqual(calls, ['ab', 'c', 'def', 'ghij', 'ab']);
  });

  it('remembers falsy answers too', () => {
    let calls = 0;
    const isEmpty = boundedMemo((key) => {
      calls++;
      return key === '' ? 0 : false;
    }, 10);
    assert.equal(isEmpty('x'), false);
    assert.equal(isEmpty('x'), false);
    assert.equal(isEmpty(''), 0);
    assert.equal(isEmpty(''), 0);
    assert.equal(calls, 2);
  });
});
