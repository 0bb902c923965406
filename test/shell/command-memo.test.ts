// The per-command answers rules share (effective words, program name, pip/apt/apk models): each
// asked once per command, the same answer every time, null answers included, and the command
// left looking as parsed.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apkCommand, aptCommand } from '../../server/src/shell/apt';
import { parseShell, type SimpleCommand } from '../../server/src/shell/parser';
import { pipInstall } from '../../server/src/shell/pip';
import { effectiveWords, programName } from '../../server/src/shell/query';

function commands(text: string): SimpleCommand[] {
  return parseShell(text, 0, text.length, '\\').commands;
}

/** Every memoized question, by name. */
const QUESTIONS: [string, (cmd: SimpleCommand) => unknown][] = [
  ['effectiveWords', effectiveWords],
  ['programName', programName],
  ['pipInstall', pipInstall],
  ['aptCommand', aptCommand],
  ['apkCommand', apkCommand],
];

const SCRIPT = 'sudo -u app pip install flask && apt-get install -y curl && apk add --no-cache git && A=1 && echo done';

describe('memoized command answers', () => {
  it('answer the same (identical) value on every ask, null answers included', () => {
    for (const cmd of commands(SCRIPT)) {
      for (const [name, ask] of QUESTIONS) {
        const first = ask(cmd);
        assert.equal(ask(cmd), first, `${name} of \`${cmd.words.map((w) => w.value).join(' ')}\``);
      }
    }
  });

  it('answer what a fresh command answers, whatever was asked before', () => {
    const asked = commands(SCRIPT);
    // Ask in reverse order first, so that no answer depends on which question came first.
    for (const cmd of asked) for (const [, ask] of [...QUESTIONS].reverse()) ask(cmd);
    const fresh = commands(SCRIPT);
    asked.forEach((cmd, i) => {
      const twin = fresh[i] as SimpleCommand;
      assert.deepEqual(effectiveWords(cmd), effectiveWords(twin));
      assert.equal(programName(cmd), programName(twin));
      assert.equal(pipInstall(cmd)?.installWord.value, pipInstall(twin)?.installWord.value);
      assert.equal(aptCommand(cmd)?.sub, aptCommand(twin)?.sub);
      assert.equal(apkCommand(cmd)?.noCache, apkCommand(twin)?.noCache);
    });
    assert.deepEqual(
      asked.map((c) => [programName(c), pipInstall(c) !== null, aptCommand(c) !== null, apkCommand(c) !== null]),
      [
        ['pip', true, false, false],
        ['apt-get', false, true, false],
        ['apk', false, false, true],
        ['', false, false, false],
        ['echo', false, false, false],
      ],
    );
  });

  it('leave the command deep-equal to a fresh parse, with the same keys and JSON', () => {
    const [cmd] = commands('env A=1 apt-get install -y curl');
    const [twin] = commands('env A=1 apt-get install -y curl');
    assert.ok(cmd && twin);
    const json = JSON.stringify(cmd);
    for (const [, ask] of QUESTIONS) ask(cmd);
    assert.equal(JSON.stringify(cmd), json);
    assert.deepEqual(Object.keys(cmd), Object.keys(twin));
    assert.deepEqual(cmd, twin);
  });
});

describe('pipInstall recognises every runner, and nothing else', () => {
  const RECOGNISED: [string, string][] = [
    ['pip install flask', 'pip'],
    ['/usr/local/bin/pip3.12 install flask', 'pip'],
    ['python3 -m pip install flask', 'python-m-pip'],
    ['/opt/venv/bin/python -Im pip install flask', 'python-m-pip'],
    ['uv pip install flask', 'uv'],
    ['poetry run pip install flask', 'poetry-run'],
    ['pipenv run python -m pip install flask', 'pipenv-run'],
    ['sudo -u app nice -n 5 pip install flask', 'pip'],
  ];
  for (const [text, runner] of RECOGNISED) {
    it(`\`${text}\` is run by ${runner}`, () => {
      const [cmd] = commands(text);
      assert.ok(cmd);
      assert.equal(pipInstall(cmd)?.runner, runner);
    });
  }

  for (const text of ['PIP install flask', 'Python -m pip install flask', 'easy_install flask', './install.sh pip install x', 'A=1', 'uvx pip install flask', 'pipx install flask']) {
    it(`\`${text}\` is no pip install`, () => {
      const [cmd] = commands(text);
      assert.ok(cmd);
      assert.equal(pipInstall(cmd), null);
    });
  }
});
