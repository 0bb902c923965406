// Argument models of the Python project tools run in RUN: Poetry, Pipenv, uv, venv creation and bytecode compilation.
import type { Word } from './lexer';
import type { SimpleCommand } from './parser';
import { pipInstall, type PipInstall } from './pip';
import { perCommand } from './memo';
import { splitOptions, type ParsedOption } from './options';
import { baseName, effectiveWords, inlineEnv } from './query';

/** The project tools whose subcommands are modelled here. */
export type ToolName = 'poetry' | 'pipenv' | 'uv';

/** One option of a tool command line. */
export type ToolOption = ParsedOption;

/** A recognised `poetry …`, `pipenv …` or `uv …` subcommand with its parsed arguments. */
export interface ToolCommand {
  command: SimpleCommand;
  tool: ToolName;
  /** The subcommand, e.g. `install`, `sync`, `export`, `config`. */
  subcommand: string;
  /** The subcommand word: options added by a fix go right after it. */
  subcommandWord: Word;
  /** Global options (before the subcommand) and subcommand options, in order. */
  options: ToolOption[];
  /** Words that are not options or option values (packages for `pipenv install`, keys for `poetry config`). */
  operands: Word[];
  has(...names: string[]): boolean;
  /** Values of the named options (comma lists are not split). */
  values(...names: string[]): string[];
  /** The first option with one of the names. */
  option(...names: string[]): ToolOption | undefined;
}

/** Options of each tool that take a value, global and per subcommand (flags are not listed). */
const VALUE_OPTIONS: Record<ToolName, ReadonlySet<string>> = {
  poetry: new Set([
    '-C', '--directory', '-P', '--project', '--with', '--without', '--only', '-E', '--extras', '-f', '--format',
    '-o', '--output', '--source', '--group', '-G', '--optional', '--python', '--platform',
  ]),
  pipenv: new Set([
    '--python', '--pypi-mirror', '-e', '--editable', '-r', '--requirements', '--categories', '--extra-pip-args',
    '-i', '--index',
  ]),
  uv: new Set([
    '--directory', '--project', '--config-file', '--cache-dir', '--color', '-p', '--python', '--extra', '--no-extra',
    '--group', '--no-group', '--only-group', '--package', '--index', '--default-index', '-i', '--index-url',
    '--extra-index-url', '-f', '--find-links', '--link-mode', '--index-strategy', '--keyring-provider', '--resolution',
    '--prerelease', '--exclude-newer', '--exclude-newer-package', '--refresh-package', '--reinstall-package', '-P',
    '--upgrade-package', '--no-binary-package', '--no-build-package', '--no-build-isolation-package', '-C',
    '--config-setting', '--python-platform', '--no-install-package', '--script', '--output-format', '--fork-strategy',
    '--allow-insecure-host', '--torch-backend', '--python-preference', '--emit-index-url',
  ]),
};

const PYTHON_RE = /^python(\d+(\.\d+)?)?$/;

/**
 * Finds a tool invocation: the tool's own executable (any path, `/root/.local/bin/poetry`),
 * or `python -m <tool>`. Returns the words after the tool name.
 */
function toolArguments(cmd: SimpleCommand, tool: ToolName): Word[] | null {
  const words = effectiveWords(cmd);
  const first = baseName(words[0]);
  if (first === tool) return words.slice(1);
  if (PYTHON_RE.test(first) && words[1]?.value === '-m' && words[2]?.value === tool) return words.slice(3);
  return null;
}

/**
 * Splits words into options and operands the way click, cleo and clap do: `--name=value`,
 * `--name value`, `-xVALUE`, `-x VALUE`, flag clusters (`-nq`) and `--`.
 */
export function parseToolOptions(words: readonly Word[], valueOptions: ReadonlySet<string>): { options: ToolOption[]; operands: Word[] } {
  return splitOptions(words, valueOptions);
}

/**
 * Recognises `<tool> [global options] <subcommand> …` (and `python -m <tool> …`). The
 * subcommand must be written literally: `poetry $CMD` is never guessed at.
 */
export function toolCommand(cmd: SimpleCommand, tool: ToolName, subcommand: string): ToolCommand | null {
  // Rules ask about every command for each tool and subcommand: most commands run no tool at all.
  const args = TOOL_ARGUMENTS[tool](cmd);
  if (!args) return null;
  let answers = subcommandMemo.get(args);
  if (!answers) {
    answers = new Map();
    subcommandMemo.set(args, answers);
  }
  let answer = answers.get(subcommand);
  if (answer === undefined) {
    answer = readToolCommand(cmd, tool, subcommand, args);
    answers.set(subcommand, answer);
  }
  return answer;
}

/** {@link toolArguments} per tool, memoized per command. */
const TOOL_ARGUMENTS: Record<ToolName, (cmd: SimpleCommand) => Word[] | null> = {
  poetry: perCommand((cmd) => toolArguments(cmd, 'poetry')),
  pipenv: perCommand((cmd) => toolArguments(cmd, 'pipenv')),
  uv: perCommand((cmd) => toolArguments(cmd, 'uv')),
};

/** Answers per subcommand, keyed by the (memoized) argument list of a command that runs the tool. */
const subcommandMemo = new WeakMap<Word[], Map<string, ToolCommand | null>>();

function readToolCommand(cmd: SimpleCommand, tool: ToolName, subcommand: string, args: readonly Word[]): ToolCommand | null {
  const valueOptions = VALUE_OPTIONS[tool];
  let i = 0;
  while (i < args.length && (args[i] as Word).value.startsWith('-') && (args[i] as Word).value !== '--') {
    const v = (args[i] as Word).value;
    i += valueOptions.has(v) ? 2 : 1;
  }
  const subWord = args[i];
  if (!subWord || subWord.value !== subcommand || subWord.hasExpansion) return null;
  const general = parseToolOptions(args.slice(0, i), valueOptions);
  const rest = parseToolOptions(args.slice(i + 1), valueOptions);
  const options = [...general.options, ...rest.options];
  return {
    command: cmd,
    tool,
    subcommand,
    subcommandWord: subWord,
    options,
    operands: rest.operands,
    has: (...names) => options.some((o) => names.includes(o.name)),
    values: (...names) => options.filter((o) => names.includes(o.name) && o.value !== null).map((o) => o.value as string),
    option: (...names) => options.find((o) => names.includes(o.name)),
  };
}

/** `poetry install …` (also `--only-root`, which installs the project alone). */
export function poetryInstall(cmd: SimpleCommand): ToolCommand | null {
  return toolCommand(cmd, 'poetry', 'install');
}

/** `poetry sync …` (Poetry 2.0+: `install` that also removes packages not in the lock). */
export function poetrySync(cmd: SimpleCommand): ToolCommand | null {
  return toolCommand(cmd, 'poetry', 'sync');
}

/** `poetry export …` (the poetry-plugin-export command). */
export function poetryExport(cmd: SimpleCommand): ToolCommand | null {
  return toolCommand(cmd, 'poetry', 'export');
}

/** `poetry config [--local] <key> [<value>]`. */
export function poetryConfig(cmd: SimpleCommand): ToolCommand | null {
  return toolCommand(cmd, 'poetry', 'config');
}

/** `pipenv install …`. */
export function pipenvInstall(cmd: SimpleCommand): ToolCommand | null {
  return toolCommand(cmd, 'pipenv', 'install');
}

/** `pipenv sync …` (installs exactly what `Pipfile.lock` lists). */
export function pipenvSync(cmd: SimpleCommand): ToolCommand | null {
  return toolCommand(cmd, 'pipenv', 'sync');
}

/** `uv sync …` (installs the project from `uv.lock` into the project environment). */
export function uvSync(cmd: SimpleCommand): ToolCommand | null {
  return toolCommand(cmd, 'uv', 'sync');
}

/** `uv pip install …`, as modelled by {@link pipInstall}. */
export function uvPipInstall(cmd: SimpleCommand): PipInstall | null {
  const pip = pipInstall(cmd);
  return pip && pip.runner === 'uv' ? pip : null;
}

/** A command that creates a virtual environment. */
export interface VenvCreate {
  tool: 'venv' | 'virtualenv' | 'uv';
  /** The directory as written; `.venv` for `uv venv` without one; null when it is an expansion. */
  dir: string | null;
  /** The directory word, or null when the tool's default is used. */
  dirWord: Word | null;
}

/** Options of `python -m venv`, `virtualenv` and `uv venv` that take a value. */
const VENV_VALUE_OPTIONS = new Set([
  '--prompt', '-p', '--python', '--activators', '--seeder', '--creator', '--app-data', '--extra-search-dir',
  '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--index', '--default-index', '--cache-dir',
  '--link-mode', '--index-strategy', '--keyring-provider', '--exclude-newer', '--directory', '--project',
  '--config-file',
]);

/** `python -m venv DIR`, `python -m virtualenv DIR`, `virtualenv DIR`, `uv venv [DIR]`. */
export function venvCreate(cmd: SimpleCommand): VenvCreate | null {
  const words = effectiveWords(cmd);
  const name = baseName(words[0]);
  let from = -1;
  let tool: VenvCreate['tool'] = 'venv';
  if (PYTHON_RE.test(name)) {
    let i = 1;
    while (i < words.length && (words[i] as Word).value.startsWith('-') && (words[i] as Word).value !== '-m') i++;
    const module = words[i + 1]?.value;
    if (words[i]?.value === '-m' && (module === 'venv' || module === 'virtualenv')) {
      from = i + 2;
      tool = module;
    }
  } else if (name === 'virtualenv') {
    from = 1;
    tool = 'virtualenv';
  } else if (name === 'uv' && words[1]?.value === 'venv') {
    from = 2;
    tool = 'uv';
  }
  if (from < 0) return null;
  for (let i = from; i < words.length; i++) {
    const w = words[i] as Word;
    if (w.value === '--') {
      const next = words[i + 1];
      return next ? { tool, dir: next.hasExpansion ? null : next.value, dirWord: next } : null;
    }
    if (w.value.startsWith('-')) {
      if (VENV_VALUE_OPTIONS.has(w.value)) i++;
      continue;
    }
    return { tool, dir: w.hasExpansion ? null : w.value, dirWord: w };
  }
  // `uv venv` defaults to `.venv`; the others need a directory.
  return tool === 'uv' ? { tool, dir: '.venv', dirWord: null } : null;
}

/** A command that byte-compiles Python sources, or installs with bytecode compilation on. */
export interface CompileStep {
  /**
   * `compileall`: `python -m compileall …`; `compile-path`: `python -c` code calling
   * `compileall` (e.g. `compileall.compile_path()`); `install-flag`: `--compile-bytecode`
   * on a uv install or `--compile` on `poetry install`; `uv-env`: `UV_COMPILE_BYTECODE=1 uv …`.
   */
  kind: 'compileall' | 'compile-path' | 'install-flag' | 'uv-env';
  /** Directories/files given to `compileall` (empty for the other kinds). */
  targets: Word[];
}

/** `compileall` options that take a value. */
const COMPILEALL_VALUE_OPTIONS = new Set(['-d', '-s', '-p', '-x', '-i', '-r', '-j', '-e', '-o', '--invalidation-mode']);
const TRUTHY_RE = /^(1|true|yes|on|y|t)$/i;

/** Recognises a bytecode compilation step (catalogue §1 `compileStep`). */
export function compileStep(cmd: SimpleCommand): CompileStep | null {
  const words = effectiveWords(cmd);
  const name = baseName(words[0]);
  if (PYTHON_RE.test(name)) {
    for (let i = 1; i < words.length; i++) {
      const v = (words[i] as Word).value;
      if (v === '-m') {
        if (words[i + 1]?.value !== 'compileall') return null;
        const { operands } = parseToolOptions(words.slice(i + 2), COMPILEALL_VALUE_OPTIONS);
        return { kind: 'compileall', targets: operands };
      }
      if (v === '-c') return /\bcompileall\b/.test(words[i + 1]?.value ?? '') ? { kind: 'compile-path', targets: [] } : null;
      if (!v.startsWith('-')) return null;
    }
    return null;
  }
  // `uv pip sync` and `uv pip install` both accept `--compile-bytecode` (alias `--compile`).
  const uv = uvSync(cmd) ?? toolCommand(cmd, 'uv', 'pip');
  if (uv) {
    if (uv.has('--compile-bytecode', '--compile')) return { kind: 'install-flag', targets: [] };
    return TRUTHY_RE.test(inlineEnv(cmd).get('UV_COMPILE_BYTECODE') ?? '') ? { kind: 'uv-env', targets: [] } : null;
  }
  const poetry = poetryInstall(cmd) ?? poetrySync(cmd);
  if (poetry?.has('--compile')) return { kind: 'install-flag', targets: [] };
  return null;
}
