// Property: mutated rule fixtures (lines deleted, duplicated, shuffled, continuations cut,
// garbage injected, directives added, line endings changed) never crash or corrupt anything.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertProperty } from './assert-property';
import { contextReader } from './generators';
import { checkDocument } from './invariants';
import { applyFinish, finish, loadCorpus, mutate, mutation, type CorpusEntry, type Finish, type Mutation } from './mutations';

const corpus = loadCorpus();

interface Mutant {
  entry: CorpusEntry;
  mutations: Mutation[];
  finish: Finish;
}

const mutant: fc.Arbitrary<Mutant> = fc.record({
  entry: fc.constantFrom(...corpus),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  finish,
});

const textOf = (m: Mutant): string => applyFinish(m.mutations.reduce(mutate, m.entry.text), m.finish);

describe('mutated rule fixtures (issue #10)', () => {
  it('has a corpus: every fixture case and its expected fixes', () => {
    assert.ok(corpus.length > 200, `only ${corpus.length} fixture cases found`);
  });

  it('lint, fixes, fix-all, optimize and editor features keep every invariant', () => {
    assertProperty(
      'fixture-mutations',
      mutant,
      (m) => checkDocument(textOf(m), { env: { today: m.entry.today, readContextFile: contextReader(m.entry.files) }, features: true }),
      120,
      (m) => `${JSON.stringify(textOf(m))} (from ${m.entry.origin}, context ${JSON.stringify(m.entry.files)}, today ${m.entry.today})`,
    );
  });

  it('mutations do what they say', () => {
    const text = 'FROM python:3.12\nRUN pip install \\\n    flask\nCMD ["python"]';
    assert.equal(mutate(text, { kind: 'delete-line', at: 0 }), 'RUN pip install \\\n    flask\nCMD ["python"]');
    assert.equal(mutate(text, { kind: 'cut-continuation', at: 0, inLine: 0.75 }), 'FROM python:3.12\nRUN pip install \\\n    fl');
    assert.equal(applyFinish('a\nb\nc', { eol: 'crlf', bom: true }), '\uFEFFa\r\nb\r\nc');
  });
});
