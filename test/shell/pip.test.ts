// Table-driven tests of the `pip install` model: runners, options with attached and separate
// values, short-option clusters, `--`, package arguments, and the requirement helpers.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShell, type SimpleCommand } from '../../server/src/shell/parser';
import { hasVersionSpecifier, isPathOrUrl, isPinnedVcs, pipInstall, requirementName, type PipInstall } from '../../server/src/shell/pip';

function command(text: string): SimpleCommand {
  const cmd = parseShell(text, 0, text.length, '\\').commands[0];
  assert.ok(cmd, `no command in ${text}`);
  return cmd;
}

function install(text: string): PipInstall {
  const pip = pipInstall(command(text));
  assert.ok(pip, `not recognised as pip install: ${text}`);
  return pip;
}

describe('pipInstall recognises every runner', () => {
  const CASES: [string, PipInstall['runner'], string[]][] = [
    ['pip install flask', 'pip', ['flask']],
    ['pip3 install flask', 'pip', ['flask']],
    ['pip3.12 install flask', 'pip', ['flask']],
    ['/opt/venv/bin/pip install flask', 'pip', ['flask']],
    ['sudo -H pip install flask', 'pip', ['flask']],
    ['python -m pip install flask', 'python-m-pip', ['flask']],
    ['python3.12 -m pip install flask', 'python-m-pip', ['flask']],
    ['/usr/local/bin/python3 -u -I -m pip install flask', 'python-m-pip', ['flask']],
    ['python -W ignore -X utf8 -m pip install flask', 'python-m-pip', ['flask']],
    ['python -mpip install flask', 'python-m-pip', ['flask']],
    ['python3 -Im pip install flask', 'python-m-pip', ['flask']],
    ['uv pip install --system flask', 'uv', ['flask']],
    ['poetry run pip install flask', 'poetry-run', ['flask']],
    ['pipenv run pip3 install flask', 'pipenv-run', ['flask']],
    ['poetry run python -m pip install flask', 'poetry-run', ['flask']],
    ['pip -q --disable-pip-version-check install flask', 'pip', ['flask']],
  ];
  for (const [text, runner, packages] of CASES) {
    it(text, () => {
      const pip = install(text);
      assert.equal(pip.runner, runner);
      assert.deepEqual(pip.packages.map((w) => w.value), packages);
      assert.equal(text.slice(pip.installWord.start, pip.installWord.end), 'install');
    });
  }
});

describe('pipInstall ignores other commands', () => {
  const CASES = [
    'pip download flask',
    'pip freeze',
    'pip --version',
    'python -m venv /opt/venv',
    'python -mvenv /opt/venv',
    'python -m pip_audit install',
    'python -m pip',
    'python -c "import pip" install',
    'python setup.py install',
    'uv sync --locked',
    'uv pip compile requirements.in',
    'poetry install --no-root',
    'pipx install black',
    'echo pip install flask',
  ];
  for (const text of CASES) {
    it(text, () => assert.equal(pipInstall(command(text)), null));
  }
});

describe('pipInstall options', () => {
  /** `name=value` (value `null` when none), in order. */
  const options = (pip: PipInstall): string[] => pip.options.map((o) => `${o.name}=${o.value ?? 'null'}`);

  const CASES: [string, string[], string[]][] = [
    ['pip install -r requirements.txt', ['-r=requirements.txt'], []],
    ['pip install -rrequirements.txt', ['-r=requirements.txt'], []],
    ['pip install --requirement requirements.txt', ['--requirement=requirements.txt'], []],
    ['pip install --requirement=requirements.txt', ['--requirement=requirements.txt'], []],
    ['pip install -qr requirements.txt', ['-q=null', '-r=requirements.txt'], []],
    ['pip install -qU pip', ['-q=null', '-U=null'], ['pip']],
    ['pip install -Ue .', ['-U=null', '-e=.'], []],
    ['pip install --no-cache-dir -i https://mirror.example/simple flask==3.0.3', ['--no-cache-dir=null', '-i=https://mirror.example/simple'], ['flask==3.0.3']],
    ['pip install --index-url=https://mirror.example/simple --trusted-host mirror.example flask', ['--index-url=https://mirror.example/simple', '--trusted-host=mirror.example'], ['flask']],
    ['pip install -c constraints.txt -e ./lib gunicorn', ['-c=constraints.txt', '-e=./lib'], ['gunicorn']],
    ['pip --no-cache-dir --retries 3 install flask', ['--no-cache-dir=null', '--retries=3'], ['flask']],
    ['python -u -m pip --isolated install --user flask', ['--isolated=null', '--user=null'], ['flask']],
    ['pip install --upgrade -- -weird-name flask', ['--upgrade=null'], ['-weird-name', 'flask']],
    ['uv pip install -p 3.12 --system flask', ['-p=3.12', '--system=null'], ['flask']],
    ['pip install -r', ['-r=null'], []],
  ];
  for (const [text, expectedOptions, packages] of CASES) {
    it(text, () => {
      const pip = install(text);
      assert.deepEqual(options(pip), expectedOptions);
      assert.deepEqual(pip.packages.map((w) => w.value), packages);
    });
  }

  it('keeps the word of a separate value, with its offsets', () => {
    const text = 'pip install -r requirements/base.txt';
    const [r] = install(text).options;
    assert.equal(text.slice(r?.valueWord?.start, r?.valueWord?.end), 'requirements/base.txt');
  });

  it('has() and values() look at every spelling asked for', () => {
    const pip = install('pip --no-cache-dir install -r a.txt --requirement=b.txt -rc.txt flask');
    assert.equal(pip.has('--no-cache-dir'), true);
    assert.equal(pip.has('--user', '-t'), false);
    assert.deepEqual(pip.values('-r', '--requirement'), ['a.txt', 'b.txt', 'c.txt']);
  });

  it('package words keep quotes removed and their offsets', () => {
    const text = `pip install "uvicorn[standard]>=0.30" 'django<5'`;
    const words = install(text).packages;
    assert.deepEqual(words.map((w) => w.value), ['uvicorn[standard]>=0.30', 'django<5']);
    assert.deepEqual(words.map((w) => text.slice(w.start, w.end)), ['"uvicorn[standard]>=0.30"', "'django<5'"]);
  });
});

describe('requirement helpers', () => {
  const SPECIFIERS: [string, boolean][] = [
    ['flask==3.0.3', true],
    ['flask>=3', true],
    ['flask~=3.0', true],
    ['flask!=2.0', true],
    ['flask', false],
    ['flask[async]', false],
  ];
  for (const [spec, expected] of SPECIFIERS) {
    it(`hasVersionSpecifier(${spec}) → ${expected}`, () => assert.equal(hasVersionSpecifier(spec), expected));
  }

  const PATHS: [string, boolean][] = [
    ['.', true],
    ['./lib', true],
    ['../shared', true],
    ['/wheels/app-1.0-py3-none-any.whl', true],
    ['dist/app-1.0.tar.gz', true],
    ['https://example.com/app.zip', true],
    ['$WHEEL', true],
    ['app @ https://example.com/app.whl', true],
    ['flask', false],
    ['flask==3.0.3', false],
  ];
  for (const [spec, expected] of PATHS) {
    it(`isPathOrUrl(${spec}) → ${expected}`, () => assert.equal(isPathOrUrl(spec), expected));
  }

  const VCS: [string, boolean][] = [
    ['git+https://github.com/org/lib.git@v1.2.0', true],
    ['git+https://github.com/org/lib.git@v1.2.0#egg=lib', true],
    ['git+https://github.com/org/lib.git', false],
    ['https://github.com/org/lib.git@v1', false],
  ];
  for (const [spec, expected] of VCS) {
    it(`isPinnedVcs(${spec}) → ${expected}`, () => assert.equal(isPinnedVcs(spec), expected));
  }

  const NAMES: [string, string][] = [
    ['Flask[async]>=2', 'flask'],
    ['zope.interface==6.0', 'zope-interface'],
    ['typing_extensions', 'typing-extensions'],
  ];
  for (const [spec, name] of NAMES) {
    it(`requirementName(${spec}) → ${name}`, () => assert.equal(requirementName(spec), name));
  }
});
