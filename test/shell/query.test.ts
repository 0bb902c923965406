// Table-driven tests of the query vocabulary: wrappers, program names, inline env and the
// state-changing builtins that decide whether RUNs can be merged.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShell, type ShellScript, type SimpleCommand } from '../../server/src/shell/parser';
import { baseName, effectiveWords, fullyUnderstood, hasStatefulBuiltin, inlineEnv, isOption, lastPathSegment, programName } from '../../server/src/shell/query';

function parse(text: string): ShellScript {
  return parseShell(text, 0, text.length, '\\');
}

function command(text: string): SimpleCommand {
  const cmd = parse(text).commands[0];
  assert.ok(cmd, `no command in ${text}`);
  return cmd;
}

describe('effectiveWords strips wrappers and their options', () => {
  const CASES: [string, string[]][] = [
    ['pip install flask', ['pip', 'install', 'flask']],
    ['sudo pip install flask', ['pip', 'install', 'flask']],
    ['sudo -u app -H pip install flask', ['pip', 'install', 'flask']],
    ['sudo --user=app -E pip install flask', ['pip', 'install', 'flask']],
    ['sudo -- pip install flask', ['pip', 'install', 'flask']],
    ['env PIP_NO_CACHE_DIR=1 python -m pip install flask', ['python', '-m', 'pip', 'install', 'flask']],
    ['env -i -u HOME A=1 pip install flask', ['pip', 'install', 'flask']],
    ['/usr/bin/env python3 app.py', ['python3', 'app.py']],
    ['nice -n 10 make -j4', ['make', '-j4']],
    ['nice -5 make', ['make']],
    ['time -f %e pip install flask', ['pip', 'install', 'flask']],
    ['exec -a app gunicorn app:app', ['gunicorn', 'app:app']],
    ['nohup celery worker', ['celery', 'worker']],
    ['xargs -n 1 -P 4 pip install', ['pip', 'install']],
    ['xargs -a packages.txt apt-get install -y', ['apt-get', 'install', '-y']],
    ['sudo env A=1 nice pip install flask', ['pip', 'install', 'flask']],
    ['command pip install flask', ['pip', 'install', 'flask']],
    ['command -v pip', ['command', '-v', 'pip']],
    ["env -S 'pip install flask'", []],
    ['sudo', []],
  ];
  for (const [text, words] of CASES) {
    it(text, () => assert.deepEqual(effectiveWords(command(text)).map((w) => w.value), words));
  }

  it('returns the document words themselves, with their offsets', () => {
    const text = 'sudo -u app pip install flask';
    const [pip] = effectiveWords(command(text));
    assert.equal(text.slice(pip?.start, pip?.end), 'pip');
  });
});

describe('programName and baseName', () => {
  const CASES: [string, string][] = [
    ['/opt/venv/bin/pip install flask', 'pip'],
    ['sudo -u app /usr/local/bin/python3.12 -m pip', 'python3.12'],
    ['A=1 ./scripts/install.sh', 'install.sh'],
    ['PATH=/x', ''],
  ];
  for (const [text, name] of CASES) {
    it(text, () => assert.equal(programName(command(text)), name));
  }

  it('baseName of a missing word is empty', () => assert.equal(baseName(undefined), ''));
});

describe('inlineEnv', () => {
  it('collects leading assignments and env assignments, quotes removed', () => {
    const env = inlineEnv(command('PIP_NO_CACHE_DIR=1 env PYTHONDONTWRITEBYTECODE=1 MSG="a b" pip install flask'));
    assert.deepEqual([...env], [['PIP_NO_CACHE_DIR', '1'], ['PYTHONDONTWRITEBYTECODE', '1'], ['MSG', 'a b']]);
  });

  it('ignores assignment-looking arguments after the program', () => {
    assert.deepEqual([...inlineEnv(command('make PREFIX=/usr install'))], []);
  });
});

describe('hasStatefulBuiltin', () => {
  const CASES: [string, boolean][] = [
    ['cd /src && make', true],
    ['export PATH=/opt/venv/bin:$PATH', true],
    ['. venv/bin/activate', true],
    ['source venv/bin/activate && pip install flask', true],
    ['set -eux; make', true],
    ['umask 002', true],
    ['make || exit 1', true],
    ['exec 3>/tmp/log', true],
    ['exec gunicorn app:app', true],
    ['eval "$(pyenv init -)"', true],
    ['builtin cd /src', true],
    ['VENV=/opt/venv', true],
    ['sudo -u app bash -c "cd /tmp"', false],
    ['pip install flask && echo cd', false],
    ['VENV=/opt/venv python -m venv /opt/venv', false],
    ['command -v cd', false],
  ];
  for (const [text, expected] of CASES) {
    it(`${text} → ${expected}`, () => assert.equal(hasStatefulBuiltin(parse(text)), expected));
  }
});

describe('fullyUnderstood and isOption', () => {
  const CASES: [string, boolean][] = [
    ['a && (b | c)', true],
    ['a && if b; then c; fi', false],
    ['a "unterminated', false],
    ['cat <<EOF', false],
  ];
  for (const [text, expected] of CASES) {
    it(`${text} → ${expected}`, () => assert.equal(fullyUnderstood(parse(text)), expected));
  }

  it('options start with a dash and have a name', () => {
    assert.deepEqual(command('x -y --no-cache-dir - --').words.slice(1).map(isOption), [true, true, false, true]);
  });
});

describe('lastPathSegment', () => {
  it('takes what follows the last slash, or the whole text without one, without normalizing', () => {
    assert.equal(lastPathSegment('/usr/bin/pip3'), 'pip3');
    assert.equal(lastPathSegment('pip'), 'pip');
    assert.equal(lastPathSegment('/opt/venv/'), '');
    assert.equal(lastPathSegment(''), '');
    assert.equal(lastPathSegment('./bin/../chown'), 'chown');
  });
});
