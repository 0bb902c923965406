// The shortcuts taken for lint speed answer exactly what the longer way answered: a single
// variable lookup against the copied map, and the `<<` pre-check of BuildKit detection.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentModel } from '../../server/src/model/document-model';
import { definedVariable, definedVariables } from '../../server/src/rules/helpers';
import { usesBuildKit } from '../../server/src/rules/layer-helpers';

const DOCUMENTS = [
  // Redefinitions in one instruction and across stages, an ARG without default, a child stage.
  [
    'ARG GLOBAL=1',
    'FROM python:3.12-slim AS base',
    'ENV A=1 A=2 B=x',
    'ARG C',
    'ENV C=3',
    'RUN true',
    'FROM base AS build',
    'ARG A=9',
    'ENV B=',
    'RUN pip install .',
    'FROM python:3.12',
    'ENV D=4',
  ].join('\n'),
  'FROM python:3.12\nRUN true\n',
  '# no stage at all\n',
];

describe('definedVariable agrees with definedVariables(...).get', () => {
  DOCUMENTS.forEach((text, n) => {
    it(`document ${n + 1}: every stage, position, keyword set and name`, () => {
      const model = new DocumentModel(text);
      const names = ['A', 'B', 'C', 'D', 'GLOBAL', 'MISSING'];
      for (const stage of model.stages) {
        for (const keywords of [['ENV', 'ARG'], ['ENV'], ['ARG']]) {
          for (const before of [null, ...model.instructions]) {
            const map = definedVariables(stage, before, keywords);
            for (const name of names) {
              assert.equal(definedVariable(stage, before, name, keywords), map.get(name), `${name} in stage ${stage.index} before ${before?.index ?? 'end'} (${keywords.join('+')})`);
            }
          }
        }
      }
    });
  });
});

describe('BuildKit detection', () => {
  it('finds a heredoc RUN', () => {
    assert.equal(usesBuildKit(new DocumentModel('FROM python:3.12\nRUN <<EOF\npip install flask\nEOF\nCMD ["python"]\n')), true);
  });

  it('finds a heredoc after instructions without one', () => {
    assert.equal(usesBuildKit(new DocumentModel('FROM python:3.12\nRUN echo a\nCOPY <<EOF /app/x.txt\nhello\nEOF\n')), true);
  });

  it('finds a BuildKit flag without any heredoc', () => {
    assert.equal(usesBuildKit(new DocumentModel('FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n')), true);
  });

  it('is false for a classic Dockerfile', () => {
    assert.equal(usesBuildKit(new DocumentModel('FROM python:3.12\nRUN pip install flask\nCMD ["python", "app.py"]\n')), false);
  });
});
