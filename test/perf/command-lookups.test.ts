// The shortcuts of the command lookups rules run per word answer exactly what the plain
// reading answers: `optionValue` without a `name=` string per word, the directory-change scan,
// and the option queries of the pip model.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changesDirectoryBefore, optionValue } from '../../server/src/rules/run-scripts';
import { parseShell } from '../../server/src/shell/parser';
import { pipInstall } from '../../server/src/shell/pip';

/** The plain reading `optionValue` shortcuts: the first word naming an option, apart or with `=`. */
function plainOptionValue(words: readonly { value: string }[], names: readonly string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const v = (words[i] as { value: string }).value;
    for (const name of names) {
      if (v === name) return words[i + 1]?.value ?? null;
      if (v.startsWith(`${name}=`)) return v.slice(name.length + 1);
    }
  }
  return null;
}

const words = (line: string): { value: string }[] => line.split(' ').map((value) => ({ value }));

describe('optionValue', () => {
  const CASES: [string, string[], string | null][] = [
    ['uv sync --link-mode=copy', ['--link-mode'], 'copy'],
    ['uv sync --link-mode= x', ['--link-mode'], ''],
    ['uv sync --link-modes=copy', ['--link-mode'], null],
    ['uv sync --link-mode-x=copy --link-mode=hardlink', ['--link-mode'], 'hardlink'],
    ['uv sync --link-mod=copy', ['--link-mode'], null],
    ['poetry install -C=app', ['-C', '--directory'], 'app'],
    ['poetry install --directory==app', ['--directory'], '=app'],
    ['poetry install -Capp', ['-C'], null],
    ['tool = -C', ['-C'], null],
    ['tool =x', [''], 'x'],
  ];
  for (const [line, names, expected] of CASES) {
    it(`reads ${JSON.stringify(expected)} from \`${line}\` for ${names.join(', ')}`, () => {
      assert.equal(optionValue(words(line), names), expected);
      assert.equal(optionValue(words(line), names), plainOptionValue(words(line), names));
    });
  }
});

describe('changesDirectoryBefore', () => {
  it('counts `cd`, `pushd` and `popd` (also wrapped) only before the command', () => {
    const text = 'echo a && sudo cd /x && pip install . && pushd y && popd && echo b';
    const script = parseShell(text, 0, text.length, '\\');
    assert.deepEqual(
      script.commands.map((c) => changesDirectoryBefore(script, c.index)),
      [false, false, true, true, true, true],
    );
    const plain = 'echo a && cdx && pushdir y && echo b';
    const none = parseShell(plain, 0, plain.length, '\\');
    assert.deepEqual(none.commands.map((c) => changesDirectoryBefore(none, c.index + 1)), [false, false, false, false]);
  });
});

describe('pipInstall option queries', () => {
  const text = 'pip install -r a.txt --requirement=b.txt -c c.txt --no-deps -qr d.txt -e . flask';
  const [cmd] = parseShell(text, 0, text.length, '\\').commands;

  it('list the values of the named options in order, skipping options without one', () => {
    assert.ok(cmd);
    const pip = pipInstall(cmd);
    assert.ok(pip);
    assert.deepEqual(pip.values('-r', '--requirement'), ['a.txt', 'b.txt', 'd.txt']);
    assert.deepEqual(pip.values('--requirement', '-c'), ['b.txt', 'c.txt']);
    assert.deepEqual(pip.values('-q', '--no-deps'), []);
    assert.deepEqual(pip.values(), []);
    const first = pip.values('-e');
    first.push('changed');
    assert.deepEqual(pip.values('-e'), ['.'], 'each call answers a list of its own');
  });

  it('tell whether any of the named options was given, with or without a value', () => {
    assert.ok(cmd);
    const pip = pipInstall(cmd);
    assert.ok(pip);
    assert.equal(pip.has('--no-deps'), true);
    assert.equal(pip.has('-U', '-q'), true);
    assert.equal(pip.has('--upgrade', '-U'), false);
    assert.equal(pip.has(), false);
  });
});
