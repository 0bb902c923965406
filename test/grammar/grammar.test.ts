// Grammar tests in `npm test`: the scope assertions of test/grammar/cases pass with our injection grammar,
// every scope the grammar assigns is asserted somewhere, and the assertions depend on the injection.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  REPO_ROOT,
  STAND_IN_BASE_GRAMMAR,
  caseFiles,
  contributedGrammars,
  requiredScopesIn,
  runGrammarCasesOn,
  scopesAssignedBy,
} from './grammar-harness';

const INJECTION_SCOPE = 'pydockerfile.pragmas.injection';

test('package.json injects the pragma grammar into source.dockerfile', () => {
  const injection = contributedGrammars().find((grammar) => grammar.scopeName === INJECTION_SCOPE);
  assert.ok(injection, `a grammar contribution with scopeName ${INJECTION_SCOPE}`);
  assert.deepEqual(injection.injectTo, ['source.dockerfile']);
  assert.ok(injection.path.startsWith(path.join(REPO_ROOT, 'syntaxes') + path.sep), 'the grammar ships from syntaxes/');
  const grammar: unknown = JSON.parse(fs.readFileSync(injection.path, 'utf8'));
  assert.equal((grammar as { scopeName?: unknown }).scopeName, INJECTION_SCOPE);
});

test('every scope assertion in test/grammar/cases holds on the stand-in base grammar', () => {
  const run = runGrammarCasesOn(STAND_IN_BASE_GRAMMAR, contributedGrammars());
  assert.equal(run.status, 0, run.output);
  assert.deepEqual(run.passed.sort(), caseFiles(), run.output);
});

test('every scope the injection grammar assigns is required by some assertion', () => {
  const injection = contributedGrammars().find((grammar) => grammar.scopeName === INJECTION_SCOPE);
  assert.ok(injection);
  const assigned = scopesAssignedBy(JSON.parse(fs.readFileSync(injection.path, 'utf8')));
  const asserted = new Set<string>();
  for (const file of caseFiles()) {
    for (const scope of requiredScopesIn(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'))) asserted.add(scope);
  }
  const untested = [...assigned].filter((scope) => !asserted.has(scope));
  assert.deepEqual(untested, [], 'add a positive assertion for each of these scopes to test/grammar/cases');
  assert.ok(assigned.size >= 15, `found only ${assigned.size} scopes: the scope collector is broken`);
});

test('without the injection grammar the pragma and directive assertions fail', () => {
  // Guards against assertions that pass whatever the injection does.
  const run = runGrammarCasesOn(STAND_IN_BASE_GRAMMAR, []);
  assert.notEqual(run.status, 0, run.output);
  for (const file of ['pragmas', 'directives'].map((name) => `test/grammar/cases/${name}.test.dockerfile`)) {
    assert.ok(!run.passed.includes(file), `${file} should fail without the injection:\n${run.output}`);
  }
});
