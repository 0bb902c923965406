// The memoized "what is in effect before this instruction" lookups (copy-paths.ts, helpers.ts)
// against a plain walk of the stage chain, and lint time on the stage shapes that used to be
// cubic (PYD301 moving COPYs over every RUN, PYD503 pairing COPYs and RUNs after `USER`).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { DocumentModel, type InstructionInfo } from '../../server/src/model/document-model';
import { stageChainInstructions } from '../../server/src/model/stages';
import { substitute, variableLookupBefore, variablesBefore, workdirBefore, joinPath, type WorkdirState } from '../../server/src/rules/copy-paths';
import { definedVariables } from '../../server/src/rules/helpers';

/** ENV/ARG values before `info`, by walking the chain as the code did before memoization. */
function walkVariables(model: DocumentModel, info: InstructionInfo): Map<string, string> {
  const vars = new Map<string, string>(model.globalArgs);
  if (!info.stage) return vars;
  for (const i of stageChainInstructions(info.stage)) {
    if (i.index >= info.index) break;
    if (i.keyword !== 'ENV' && i.keyword !== 'ARG') continue;
    const props = (i.node as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties();
    for (const p of props) {
      const value = p.getValue();
      if (value !== null) vars.set(p.getName(), substitute(value, vars));
      else if (i.keyword === 'ARG' && model.globalArgs.has(p.getName())) vars.set(p.getName(), model.globalArgs.get(p.getName()) as string);
      else vars.delete(p.getName());
    }
  }
  return vars;
}

function walkWorkdir(model: DocumentModel, info: InstructionInfo): WorkdirState | null {
  if (!info.stage) return null;
  const state: WorkdirState = { dir: '/', fromImage: true };
  for (const i of stageChainInstructions(info.stage)) {
    if (i.index >= info.index) break;
    if (i.keyword !== 'WORKDIR') continue;
    const raw = (i.node.getArgumentsContent() ?? '').trim();
    if (raw === '' || /["'\\]/.test(raw)) return null;
    const value = substitute(raw, walkVariables(model, i));
    if (value.includes('$')) return null;
    state.dir = joinPath(state.dir, value);
    state.fromImage = false;
  }
  return state;
}

const DOCUMENTS = [
  // Stage chains, relative WORKDIRs, variables in WORKDIR, an ARG re-declaring a global, an ENV
  // overriding itself, an ARG without default removing a value, and an unresolvable WORKDIR.
  [
    'ARG BASE=/srv',
    'ARG TAG',
    'FROM python:3.12-slim AS base',
    'ENV APP=$BASE/app A=1 A=2',
    'WORKDIR $APP',
    'WORKDIR sub',
    'ARG BASE',
    'COPY . .',
    'FROM base AS build',
    'ENV APP=/build',
    'WORKDIR ${APP}/x',
    'ARG APP',
    'RUN pip install .',
    'WORKDIR $UNKNOWN',
    'COPY a b',
    'FROM base',
    'ENV A=3',
    'WORKDIR ../up',
    'COPY . .',
  ].join('\n'),
  // A stage without WORKDIR and one whose first WORKDIR has quotes.
  'FROM python:3.12\nENV X=1\nCOPY . .\nFROM python:3.12 AS two\nWORKDIR "/q"\nENV Y=$X\nRUN true\n',
];

describe('memoized stage scopes agree with a walk of the stage chain', () => {
  DOCUMENTS.forEach((text, n) => {
    it(`document ${n + 1}: variables and WORKDIR before every instruction`, () => {
      const model = new DocumentModel(text);
      for (const info of model.instructions) {
        const expected = walkVariables(model, info);
        const got = variablesBefore(model, info);
        assert.deepEqual([...got], [...expected], `variables before line ${info.range.start.line + 1}`);
        const lookup = variableLookupBefore(model, info);
        for (const [name, value] of expected) assert.equal(lookup.get(name), value, `${name} before line ${info.range.start.line + 1}`);
        assert.equal(lookup.get('NOT_DEFINED'), undefined);
        assert.deepEqual(workdirBefore(model, info), walkWorkdir(model, info), `WORKDIR before line ${info.range.start.line + 1}`);
      }
    });

    it(`document ${n + 1}: definedVariables for every stage, instruction and keyword set`, () => {
      const model = new DocumentModel(text);
      for (const stage of model.stages) {
        for (const keywords of [['ENV', 'ARG'], ['ENV'], ['ARG']]) {
          for (const before of [null, ...model.instructions]) {
            const expected = new Map<string, string | null>();
            for (const info of stageChainInstructions(stage)) {
              if (before && info.index >= before.index) break;
              if (!keywords.includes(info.keyword)) continue;
              const props = (info.node as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties();
              for (const p of props) expected.set(p.getName(), p.getValue());
            }
            assert.deepEqual([...definedVariables(stage, before, keywords)], [...expected]);
          }
        }
      }
    });
  });

  it('hands every caller its own map and WORKDIR state', () => {
    const model = new DocumentModel('FROM python:3.12\nENV A=1\nWORKDIR /app\nRUN true\n');
    const run = model.instructions[3] as InstructionInfo;
    variablesBefore(model, run).set('A', 'changed');
    const state = workdirBefore(model, run) as WorkdirState;
    state.dir = '/elsewhere';
    assert.equal(variablesBefore(model, run).get('A'), '1');
    assert.equal(workdirBefore(model, run)?.dir, '/app');
  });
});

/** CPU milliseconds of one lint. */
function lintCpu(text: string): number {
  const started = process.cpuUsage();
  lint(text, { env: { today: '2026-11-25' } });
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/**
 * Stages where every group copies the whole context and installs, as a non-root user from the
 * start: each install could move every COPY before it, and each COPY meets every later RUN.
 */
function userFirstStage(groups: number): string {
  const body = Array.from({ length: groups }, (_, i) => `ENV V${i}=/app/${i}\nWORKDIR /app\nCOPY requirements.txt $V${i}/\nRUN pip install -r requirements.txt && mkdir -p /app/x${i}\nCOPY . .\n`).join('');
  return `FROM python:3.12-slim-bookworm\nUSER 10001\n${body}CMD ["python", "app.py"]\n`;
}

describe('lint stays near-linear on long stages of COPYs and RUNs', () => {
  it('doubling a stage of 150 COPY/RUN groups at most triples the lint time', () => {
    const small = userFirstStage(150);
    const large = userFirstStage(300);
    lintCpu(small); // warm up: compile the rules' code before timing
    let [a, b] = [lintCpu(small), lintCpu(large)];
    // Noise on a busy machine: measure a failing pair once more and keep the smaller times.
    if (b > 3 * a + 150) [a, b] = [Math.min(a, lintCpu(small)), Math.min(b, lintCpu(large))];
    // This input took 1.5 s at 750 lines and 88 s at 3,000 lines before (PYD301 was cubic).
    assert.ok(b <= 3 * a + 150, `750 lines took ${Math.round(a)} ms of CPU, 1,500 lines ${Math.round(b)} ms (${(b / a).toFixed(1)}×): super-linear`);
  });
});
