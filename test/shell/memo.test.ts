// Per-command memoization (shell/memo.ts) and the option splitter shared by the pip and tool
// models (shell/options.ts): answers computed once, invisible on the command, same parses.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { perCommand } from '../../server/src/shell/memo';
import { splitOptions } from '../../server/src/shell/options';
import { parseShell, type SimpleCommand } from '../../server/src/shell/parser';
import { pipInstall } from '../../server/src/shell/pip';
import { effectiveWords } from '../../server/src/shell/query';
import { parseToolOptions, toolCommand } from '../../server/src/shell/tools';

function command(text: string): SimpleCommand {
  const cmd = parseShell(text, 0, text.length, '\\').commands[0];
  assert.ok(cmd, `no command in ${text}`);
  return cmd;
}

describe('perCommand', () => {
  it('computes once per command object, separately per memoized function', () => {
    let calls = 0;
    const count = perCommand((cmd) => {
      calls++;
      return cmd.words.length;
    });
    const other = perCommand(() => 'other');
    const a = command('pip install flask');
    const b = command('pip install flask');
    assert.equal(count(a), 3);
    assert.equal(count(a), 3);
    assert.equal(other(a), 'other');
    assert.equal(count(b), 3);
    assert.equal(calls, 2, 'one call per distinct command');
  });

  it('remembers null answers too', () => {
    let calls = 0;
    const none = perCommand(() => {
      calls++;
      return null;
    });
    const cmd = command('echo hi');
    assert.equal(none(cmd), null);
    assert.equal(none(cmd), null);
    assert.equal(calls, 1);
  });

  it('leaves the command looking as parsed: deep equality, keys and JSON are unchanged', () => {
    const cmd = command('sudo pip install -r requirements.txt');
    const twin = command('sudo pip install -r requirements.txt');
    const before = JSON.stringify(cmd);
    assert.ok(pipInstall(cmd));
    effectiveWords(cmd);
    toolCommand(cmd, 'uv', 'sync');
    assert.equal(JSON.stringify(cmd), before);
    assert.deepEqual(Object.keys(cmd), Object.keys(twin));
    assert.deepEqual(cmd, twin);
  });

  it('shares answers that callers cannot change by accident', () => {
    const cmd = command('env A=1 pip install flask');
    assert.equal(effectiveWords(cmd), effectiveWords(cmd));
    assert.throws(() => (effectiveWords(cmd) as unknown as string[]).push('x'), TypeError);
    assert.deepEqual(effectiveWords(cmd).map((w) => w.value), ['pip', 'install', 'flask']);
  });

  it('answers each tool subcommand question on its own', () => {
    const cmd = command('poetry install --only main');
    assert.equal(toolCommand(cmd, 'poetry', 'sync'), null);
    assert.deepEqual(toolCommand(cmd, 'poetry', 'install')?.values('--only'), ['main']);
    assert.equal(toolCommand(cmd, 'uv', 'install'), null);
  });
});

describe('splitOptions', () => {
  const VALUES = new Set(['-r', '--requirement', '-C']);
  const CASES: [string, [string, string | null][], string[]][] = [
    ['--requirement=a.txt x', [['--requirement', 'a.txt']], ['x']],
    ['--requirement a.txt x', [['--requirement', 'a.txt']], ['x']],
    ['-ra.txt x', [['-r', 'a.txt']], ['x']],
    ['-r=a.txt', [['-r', 'a.txt']], []],
    ['-qr a.txt x', [['-q', null], ['-r', 'a.txt']], ['x']],
    ['-qU x', [['-q', null], ['-U', null]], ['x']],
    ['--no-deps -- -r x', [['--no-deps', null]], ['-r', 'x']],
    ['-r', [['-r', null]], []],
  ];
  for (const [text, options, operands] of CASES) {
    it(`splits \`${text}\``, () => {
      const words = command(`tool ${text}`).words.slice(1);
      const split = splitOptions(words, VALUES);
      assert.deepEqual(split.options.map((o) => [o.name, o.value]), options);
      assert.deepEqual(split.operands.map((w) => w.value), operands);
      assert.deepEqual(parseToolOptions(words, VALUES), split, 'the tool models split the same way');
    });
  }

  it('gives pip the same split', () => {
    const pip = pipInstall(command('pip install -qr a.txt --index-url=https://x flask'));
    assert.deepEqual(pip?.options.map((o) => [o.name, o.value]), [['-q', null], ['-r', 'a.txt'], ['--index-url', 'https://x']]);
    assert.deepEqual(pip?.packages.map((w) => w.value), ['flask']);
  });
});
