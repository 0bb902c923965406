// Tests of the helpers shared by the Poetry, Pipenv and uv rules: variables, stage reach, tool installs, edits.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument, type DocumentModel } from '../../server/src/model/document-model';
import { applyEdits } from '../../server/src/fix/apply';
import { runCommands, type CommandSite } from '../../server/src/rules/helpers';
import {
  copiedStages,
  isTruthy,
  removeOptionEdit,
  requiresMajorAtLeast,
  stagesReachingImage,
  toolInstall,
  toolSites,
  variableAt,
} from '../../server/src/rules/tool-helpers';

/** The command site whose text starts with `prefix`. */
function site(model: DocumentModel, prefix: string): CommandSite {
  const found = [...runCommands(model)].find((s) => model.content.slice(s.command.start).startsWith(prefix));
  assert.ok(found, `no command starting with ${prefix}`);
  return found;
}

/** Stage aliases (or indices) of a set, sorted. */
function names(stages: Set<{ alias: string | null; index: number }>): string[] {
  return [...stages].map((s) => s.alias ?? String(s.index)).sort();
}

describe('isTruthy', () => {
  for (const v of ['1', 'true', 'TRUE', 'yes', 'on', ' 1 ']) it(`${JSON.stringify(v)} is true`, () => assert.equal(isTruthy(v), true));
  for (const v of ['0', 'false', 'no', 'off', '', '2', 'copy']) it(`${JSON.stringify(v)} is false`, () => assert.equal(isTruthy(v), false));
});

describe('requiresMajorAtLeast', () => {
  const CASES: [string, boolean][] = [
    ['poetry==2.1.3', true],
    ['poetry==2.*', true],
    ['poetry>=2', true],
    ['poetry>=2.0,<3', true],
    ['poetry~=2.1', true],
    ['poetry>1.8', false],
    ['poetry>=1.8,<3', false],
    ['poetry<3', false],
    ['poetry!=1.8.0', false],
    ['poetry', false],
    ['poetry==1.8.5', false],
    ['poetry[plugins]>=2.0; python_version >= "3.9"', true],
    ['==2.0.1', true],
  ];
  for (const [spec, expected] of CASES) it(spec, () => assert.equal(requiresMajorAtLeast(spec, 2), expected));
});

describe('variableAt sees inline, exported, ENV and ARG values', () => {
  const model = parseDocument(
    [
      'FROM python:3.12-slim-bookworm AS base',
      'ENV A=from-env B=$OTHER',
      'ARG C',
      'ARG D=from-arg',
      'FROM base',
      'RUN export E=exported && A=inline env F=wrapped probe && probe2',
      'RUN probe3',
    ].join('\n'),
  );
  const first = site(model, 'A=inline');
  const later = site(model, 'probe2');
  const third = site(model, 'probe3');
  it('an inline assignment wins', () => assert.equal(variableAt(first, 'A'), 'inline'));
  it('env wrappers count as inline', () => assert.equal(variableAt(first, 'F'), 'wrapped'));
  it('an earlier export in the same RUN counts', () => assert.equal(variableAt(later, 'E'), 'exported'));
  it('an export does not outlive its RUN', () => assert.equal(variableAt(third, 'E'), undefined));
  it('ENV from the parent stage counts', () => assert.equal(variableAt(later, 'A'), 'from-env'));
  it('ARG defaults count', () => assert.equal(variableAt(third, 'D'), 'from-arg'));
  it('an ARG without default is unknown', () => assert.equal(variableAt(third, 'C'), null));
  it('an unresolved expansion is unknown', () => assert.equal(variableAt(third, 'B'), null));
  it('an unset name is undefined', () => assert.equal(variableAt(third, 'Z'), undefined));
});

describe('stage reach', () => {
  const model = parseDocument(
    [
      'FROM python:3.12-slim-bookworm AS deps',
      'FROM python:3.12-slim-bookworm AS builder',
      'COPY --from=deps /x /x',
      'FROM builder AS test',
      'FROM python:3.12-slim-bookworm AS tools',
      'FROM python:3.12-slim-bookworm AS base',
      'FROM base AS final',
      'COPY --from=builder /opt/venv /opt/venv',
      'RUN --mount=from=tools,source=/t,target=/t true',
    ].join('\n'),
  );
  it('follows copies and FROM parents from the final stage, transitively', () => {
    assert.deepEqual(names(stagesReachingImage(model)), ['base', 'builder', 'deps', 'final', 'tools']);
  });
  it('copied stages exclude stages that are only built upon', () => {
    assert.deepEqual(names(copiedStages(model)), ['builder', 'deps', 'tools']);
  });
});

describe('toolInstall', () => {
  const model = parseDocument(
    [
      'FROM python:3.12-slim-bookworm',
      'RUN pip install --no-cache-dir "Poetry==2.1.3" poetry-plugin-export',
      'RUN pipx install --force pipenv',
      'RUN uv tool install uv==0.8.4',
      'RUN pip install poetry-core',
      'RUN pipx run poetry --version',
    ].join('\n'),
  );
  it('finds the package word of a pip install, case-insensitively', () => {
    const found = toolInstall(site(model, 'pip install --no-cache-dir'), 'poetry');
    assert.equal(found?.word.value, 'Poetry==2.1.3');
    assert.ok(found?.pip);
  });
  it('finds pipx and uv tool installs', () => {
    assert.equal(toolInstall(site(model, 'pipx install'), 'pipenv')?.word.value, 'pipenv');
    assert.equal(toolInstall(site(model, 'uv tool'), 'uv')?.pip, null);
  });
  it('ignores other distributions and pipx run', () => {
    assert.equal(toolInstall(site(model, 'pip install poetry-core'), 'poetry'), null);
    assert.equal(toolInstall(site(model, 'pipx run'), 'poetry'), null);
  });
});

describe('removeOptionEdit', () => {
  const CASES: [string, string, string][] = [
    ['FROM x\nRUN poetry export --without-hashes -o r.txt', '--without-hashes', 'FROM x\nRUN poetry export -o r.txt'],
    ['FROM x\nRUN poetry export -o r.txt --without-hashes', '--without-hashes', 'FROM x\nRUN poetry export -o r.txt'],
    ['FROM x\nRUN poetry export \\\n    --without-hashes \\\n    -o r.txt', '--without-hashes', 'FROM x\nRUN poetry export \\\n    -o r.txt'],
  ];
  for (const [text, option, expected] of CASES) {
    it(JSON.stringify(text), () => {
      const model = parseDocument(text);
      const s = site(model, 'poetry');
      const word = s.command.words.find((w) => w.value === option);
      assert.ok(word);
      const edit = removeOptionEdit(model, s, word);
      assert.ok(edit);
      assert.equal(applyEdits(text, [edit]), expected);
    });
  }
});

describe('toolSites', () => {
  const text = [
    'FROM python:3.12-slim-bookworm AS build',
    'RUN apt-get update && /usr/local/bin/pip install --no-cache-dir wheel==0.45.1',
    'RUN sudo -u app uv sync --locked && rm -rf /tmp/x',
    'FROM python:3.12-slim-bookworm',
    'RUN env PIPENV_DEPLOY=1 pipenv install && chmod +x /app/run.sh',
    'RUN python3 -m venv /opt/venv && pipx install poetry==2.1.3 && virtualenv /opt/v2',
    '',
  ].join('\n');
  const programs = (sites: readonly CommandSite[]): string[] => sites.map((s) => s.command.words.map((w) => w.value).join(' '));

  it('keeps the commands that may run pip, uv, Pipenv, Poetry, pipx or python, in order', () => {
    const model = parseDocument(text);
    assert.deepEqual(programs(toolSites(model)), [
      '/usr/local/bin/pip install --no-cache-dir wheel==0.45.1',
      'sudo -u app uv sync --locked',
      'env PIPENV_DEPLOY=1 pipenv install',
      'python3 -m venv /opt/venv',
      'pipx install poetry==2.1.3',
    ]);
  });

  it('lists a stage\'s commands alone when given the stage', () => {
    const model = parseDocument(text);
    const final = model.stages[1];
    assert.ok(final);
    assert.deepEqual(programs(toolSites(model, final)), ['env PIPENV_DEPLOY=1 pipenv install', 'python3 -m venv /opt/venv', 'pipx install poetry==2.1.3']);
  });

  it('finds every tool install that a walk over all commands finds', () => {
    const model = parseDocument(text);
    const all = runCommands(model).filter((s) => toolInstall(s, 'wheel') !== null || toolInstall(s, 'poetry') !== null);
    const listed = toolSites(model).filter((s) => toolInstall(s, 'wheel') !== null || toolInstall(s, 'poetry') !== null);
    assert.deepEqual(listed, all);
    assert.equal(listed.length, 2);
  });
});
