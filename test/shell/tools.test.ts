// Table-driven tests of the Poetry, Pipenv and uv command models, venv creation and bytecode compilation steps.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShell, type SimpleCommand } from '../../server/src/shell/parser';
import {
  compileStep,
  pipenvInstall,
  pipenvSync,
  poetryConfig,
  poetryExport,
  poetryInstall,
  poetrySync,
  uvPipInstall,
  uvSync,
  venvCreate,
  type CompileStep,
  type ToolCommand,
} from '../../server/src/shell/tools';
import { venvCreateDir } from '../../server/src/rules/venv-activation-in-run';

function command(text: string): SimpleCommand {
  const cmd = parseShell(text, 0, text.length, '\\').commands[0];
  assert.ok(cmd, `no command in ${text}`);
  return cmd;
}

type Recogniser = (cmd: SimpleCommand) => ToolCommand | null;

/** Option names with their values, in order: `--only=main` → `--only=main`, flags as `--name`. */
function optionList(cmd: ToolCommand): string[] {
  return cmd.options.map((o) => (o.value === null ? o.name : `${o.name}=${o.value}`));
}

describe('tool commands are recognised with their options and operands', () => {
  const CASES: [string, Recogniser, string, string[], string[]][] = [
    ['poetry install', poetryInstall, 'install', [], []],
    ['poetry install --only main --no-root', poetryInstall, 'install', ['--only=main', '--no-root'], []],
    ['poetry install --only=main,docs', poetryInstall, 'install', ['--only=main,docs'], []],
    ['poetry -C /app --no-interaction install -E pg -Eredis', poetryInstall, 'install', ['-C=/app', '--no-interaction', '-E=pg', '-E=redis'], []],
    ['/root/.local/bin/poetry install --no-dev', poetryInstall, 'install', ['--no-dev'], []],
    ['python -m poetry install --sync', poetryInstall, 'install', ['--sync'], []],
    ['sudo -u app poetry install --without dev,test', poetryInstall, 'install', ['--without=dev,test'], []],
    ['POETRY_VIRTUALENVS_CREATE=false poetry install', poetryInstall, 'install', [], []],
    ['poetry sync --only main', poetrySync, 'sync', ['--only=main'], []],
    ['poetry export -f requirements.txt --output=/tmp/r.txt --without-hashes', poetryExport, 'export', ['-f=requirements.txt', '--output=/tmp/r.txt', '--without-hashes'], []],
    ['poetry export -o r.txt --with dev', poetryExport, 'export', ['-o=r.txt', '--with=dev'], []],
    ['poetry config --local virtualenvs.in-project true', poetryConfig, 'config', ['--local'], ['virtualenvs.in-project', 'true']],
    ['pipenv install', pipenvInstall, 'install', [], []],
    ['pipenv install --system --deploy', pipenvInstall, 'install', ['--system', '--deploy'], []],
    ['pipenv --python 3.12 install requests==2.32.3 -e .', pipenvInstall, 'install', ['--python=3.12', '-e=.'], ['requests==2.32.3']],
    ['pipenv install -r requirements.txt --categories "dev docs"', pipenvInstall, 'install', ['-r=requirements.txt', '--categories=dev docs'], []],
    ['python3 -m pipenv sync --system', pipenvSync, 'sync', ['--system'], []],
    ['uv sync', uvSync, 'sync', [], []],
    ['uv sync --locked --no-dev', uvSync, 'sync', ['--locked', '--no-dev'], []],
    ['uv --no-cache sync --frozen', uvSync, 'sync', ['--no-cache', '--frozen'], []],
    ['uv --directory /app sync -p 3.12 --link-mode copy --group lint', uvSync, 'sync', ['--directory=/app', '-p=3.12', '--link-mode=copy', '--group=lint'], []],
    ['uv -qn sync', uvSync, 'sync', ['-q', '-n'], []],
  ];
  for (const [text, recognise, sub, options, operands] of CASES) {
    it(text, () => {
      const cmd = recognise(command(text));
      assert.ok(cmd, `not recognised: ${text}`);
      assert.equal(cmd.subcommand, sub);
      assert.equal(text.slice(cmd.subcommandWord.start, cmd.subcommandWord.end), sub);
      assert.deepEqual(optionList(cmd), options);
      assert.deepEqual(cmd.operands.map((w) => w.value), operands);
    });
  }
});

describe('has, values and option query the parsed options', () => {
  it('finds flags and values wherever they were written', () => {
    const cmd = poetryExport(command('poetry --no-ansi export --without-hashes -f requirements.txt -o out.txt'));
    assert.ok(cmd);
    assert.equal(cmd.has('--without-hashes'), true);
    assert.equal(cmd.has('--no-ansi'), true);
    assert.equal(cmd.has('--with'), false);
    assert.deepEqual(cmd.values('-o', '--output'), ['out.txt']);
    assert.equal(cmd.option('--without-hashes')?.word.value, '--without-hashes');
  });
  it('stops reading options after `--`', () => {
    const cmd = pipenvInstall(command('pipenv install -- --deploy'));
    assert.ok(cmd);
    assert.equal(cmd.has('--deploy'), false);
    assert.deepEqual(cmd.operands.map((w) => w.value), ['--deploy']);
  });
});

describe('other commands are not tool installs', () => {
  const CASES: [string, Recogniser][] = [
    ['poetry add requests', poetryInstall],
    ['poetry run pip install flask', poetryInstall],
    ['poetry installer', poetryInstall],
    ['poetry $SUBCOMMAND', poetryInstall],
    ['echo poetry install', poetryInstall],
    ['poetry -C install', poetryInstall],
    ['poetry install', poetrySync],
    ['poetry lock', poetryExport],
    ['pipenv run python -m app', pipenvInstall],
    ['pipenv sync', pipenvInstall],
    ['uv pip sync requirements.txt', uvSync],
    ['uv lock', uvSync],
    ['uvx sync', uvSync],
    ['python -m uvicorn app:app', uvSync],
  ];
  for (const [text, recognise] of CASES) {
    it(text, () => assert.equal(recognise(command(text)), null));
  }
});

describe('uvPipInstall is the pip model restricted to uv', () => {
  it('recognises uv pip install', () => {
    const pip = uvPipInstall(command('uv pip install --system -r requirements.txt flask==3.0.3'));
    assert.ok(pip);
    assert.deepEqual(pip.values('-r'), ['requirements.txt']);
    assert.deepEqual(pip.packages.map((w) => w.value), ['flask==3.0.3']);
  });
  for (const text of ['pip install uv', 'python -m pip install flask', 'uv pip sync requirements.txt', 'uv sync']) {
    it(`ignores ${text}`, () => assert.equal(uvPipInstall(command(text)), null));
  }
});

describe('venvCreate finds the directory and the tool', () => {
  const CASES: [string, { tool: string; dir: string | null } | null][] = [
    ['python -m venv /opt/venv', { tool: 'venv', dir: '/opt/venv' }],
    ['python3.12 -m venv --copies --prompt app .venv', { tool: 'venv', dir: '.venv' }],
    ['/usr/local/bin/python -I -m virtualenv -p python3 env', { tool: 'virtualenv', dir: 'env' }],
    ['virtualenv venv', { tool: 'virtualenv', dir: 'venv' }],
    ['uv venv', { tool: 'uv', dir: '.venv' }],
    ['uv venv --python 3.12 /opt/venv', { tool: 'uv', dir: '/opt/venv' }],
    ['python -m venv $VENV', { tool: 'venv', dir: null }],
    ['python -m venv -- /x', { tool: 'venv', dir: '/x' }],
    ['python -m venv', null],
    ['python -m pip install venv', null],
    ['uv pip install virtualenv', null],
  ];
  for (const [text, expected] of CASES) {
    it(text, () => {
      const created = venvCreate(command(text));
      assert.deepEqual(created ? { tool: created.tool, dir: created.dir } : null, expected);
      // Agrees with PYD208's helper on every directory both can name.
      if (created?.dir !== null) assert.equal(created?.dir ?? null, venvCreateDir(command(text)));
    });
  }
});

describe('compileStep recognises bytecode compilation', () => {
  const CASES: [string, CompileStep['kind'] | null, string[]][] = [
    ['python -m compileall -q /app', 'compileall', ['/app']],
    ['python3 -m compileall -j 0 -x tests src lib', 'compileall', ['src', 'lib']],
    ['python -m compileall', 'compileall', []],
    ['python -c "import compileall; compileall.compile_path(maxlevels=10)"', 'compile-path', []],
    ['uv sync --locked --compile-bytecode', 'install-flag', []],
    ['uv pip install --system --compile flask==3.0.3', 'install-flag', []],
    ['uv pip sync --compile-bytecode requirements.txt', 'install-flag', []],
    ['UV_COMPILE_BYTECODE=1 uv sync', 'uv-env', []],
    ['env UV_COMPILE_BYTECODE=true uv pip install flask==3.0.3', 'uv-env', []],
    ['poetry install --compile', 'install-flag', []],
    ['UV_COMPILE_BYTECODE=0 uv sync', null, []],
    ['uv sync', null, []],
    ['python -m pip install flask', null, []],
    ['python -c "print(1)"', null, []],
    ['python app.py compileall', null, []],
  ];
  for (const [text, kind, targets] of CASES) {
    it(text, () => {
      const step = compileStep(command(text));
      assert.equal(step?.kind ?? null, kind);
      assert.deepEqual(step?.targets.map((w) => w.value) ?? [], targets);
    });
  }
});
