// Tests for the shared RUN-script helpers: which RUNs rules read, flag keys, option values, paths.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument, type DocumentModel } from '../../server/src/model/document-model';
import { stageChainInstructions } from '../../server/src/model/stages';
import type { CommandSite } from '../../server/src/rules/helpers';
import { changesDirectoryBefore, flagKey, optionValue, parsedRuns, resolveRunPath, scriptAppendOffset } from '../../server/src/rules/run-scripts';

/** The command of the RUNs whose first word is `program`, as a site. */
function siteOf(model: DocumentModel, program: string): CommandSite {
  for (const { info, script } of parsedRuns(model)) {
    const command = script.commands.find((c) => c.words[0]?.value === program);
    if (command) return { info, script, command };
  }
  assert.fail(`no RUN runs ${program}`);
}

describe('parsedRuns', () => {
  it('yields the shell-form RUNs with their stage, in document order', () => {
    const model = parseDocument('FROM python:3.12-slim AS build\nRUN pip wheel -w /w .\nCOPY . .\nFROM python:3.12-slim\nRUN pip install /w/*.whl && rm -rf /w\n');
    const runs = [...parsedRuns(model)];
    assert.deepEqual(runs.map((r) => [r.stage.index, r.script.commands.length]), [[0, 1], [1, 2]]);
  });

  it('skips exec form, scripts that fail to parse and a RUN before the first FROM', () => {
    const model = parseDocument('RUN echo early\nFROM python:3.12-slim\nRUN ["pip", "install", "flask"]\nRUN echo "unclosed\nRUN pip install flask\n');
    assert.deepEqual([...parsedRuns(model)].map((r) => r.info.range.start.line), [4]);
  });

  it('reads only the instructions it is given, such as a stage chain', () => {
    const model = parseDocument('FROM python:3.12-slim AS base\nRUN echo base\nFROM base AS app\nRUN echo app\nFROM python:3.12-slim\nRUN echo other\n');
    const app = model.stages[1];
    assert.ok(app);
    const words = [...parsedRuns(model, stageChainInstructions(app))].map((r) => r.script.commands[0]?.words[1]?.value);
    assert.deepEqual(words, ['base', 'app']);
  });
});

describe('RUN command helpers', () => {
  it('compares RUN flags whatever their order', () => {
    const model = parseDocument('FROM x\nRUN --network=none --mount=type=cache,target=/root/.cache true\nRUN --mount=type=cache,target=/root/.cache --network=none true\nRUN true\n');
    const [a, b, c] = model.byKeyword('RUN');
    assert.ok(a && b && c);
    assert.equal(flagKey(a), flagKey(b));
    assert.notEqual(flagKey(a), flagKey(c));
    assert.equal(flagKey(c), '');
  });

  it('reads the value of the first option named, written apart or with `=`', () => {
    const words = (line: string): { value: string }[] => line.split(' ').map((value) => ({ value }));
    assert.equal(optionValue(words('uv sync --link-mode copy'), ['--link-mode']), 'copy');
    assert.equal(optionValue(words('poetry install --directory=app'), ['-C', '--directory']), 'app');
    assert.equal(optionValue(words('poetry install -C'), ['-C']), null);
    assert.equal(optionValue(words('pip install flask'), ['--cache-dir']), null);
  });

  it('notices a directory change only before the command', () => {
    const model = parseDocument('FROM x\nRUN python -m venv .venv && cd /srv && pushd lib && true\n');
    const site = siteOf(model, 'python');
    assert.equal(changesDirectoryBefore(site.script, site.command.index), false);
    assert.equal(changesDirectoryBefore(site.script, site.command.index + 2), true);
  });

  it('resolves a written path against the WORKDIR, and gives up where that is unknown', () => {
    const model = parseDocument('FROM python:3.12-slim\nWORKDIR /app\nRUN python -m venv .venv\nRUN cd /srv && virtualenv env\n');
    const venv = siteOf(model, 'python');
    assert.equal(resolveRunPath(model, venv, '.venv'), '/app/.venv');
    assert.equal(resolveRunPath(model, venv, '/opt/../venv'), '/venv');
    assert.equal(resolveRunPath(model, siteOf(model, 'virtualenv'), 'env'), null);
  });

  it('knows the default working directory of python images only', () => {
    const python = parseDocument('FROM python:3.12-slim\nRUN python -m venv .venv\n');
    assert.equal(resolveRunPath(python, siteOf(python, 'python'), '.venv'), '/.venv');
    const other = parseDocument('FROM debian:bookworm-slim\nRUN python3 -m venv .venv\n');
    assert.equal(resolveRunPath(other, siteOf(other, 'python3'), '.venv'), null);
  });
});

describe('scriptAppendOffset', () => {
  /** The text before the append point of the first RUN's script, or null. */
  const before = (text: string): string | null => {
    const model = parseDocument(text);
    const info = model.instructions.find((i) => i.keyword === 'RUN');
    const script = info ? model.shellOf(info) : null;
    assert.ok(info && script, text);
    const at = scriptAppendOffset(model, script.start, info.end);
    return at === null ? null : text.slice(0, at);
  };

  it('goes right after the last command, past trailing blanks and a continuation with comment lines', () => {
    assert.equal(before('FROM x\nRUN a && b   \n'), 'FROM x\nRUN a && b');
    assert.equal(before('FROM x\nRUN a \\\n  # note\n\n'), 'FROM x\nRUN a');
  });

  it('goes before a trailing `;`, and nowhere after a background `&` or an empty script', () => {
    assert.equal(before('FROM x\nRUN a ;\n'), 'FROM x\nRUN a');
    assert.equal(before('FROM x\nRUN a &\n'), null);
    assert.equal(before('FROM x\nRUN a \\&\n'), 'FROM x\nRUN a \\&');
  });

  it('maps the point through continuations with another escape character', () => {
    assert.equal(before('# escape=`\nFROM x\nRUN a `\n  && b ;\n'), '# escape=`\nFROM x\nRUN a `\n  && b');
  });
});
