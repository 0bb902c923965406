// Argument model of `pip install` (also `python -m pip`, `uv pip`, `poetry run pip`, `pipenv run pip`).
import type { Word } from './lexer';
import type { SimpleCommand } from './parser';
import { memoOf } from './memo';
import { splitOptions, type ParsedOption } from './options';
import { baseName, effectiveWords, programInitial } from './query';

/** pip options that take a value (as a separate word or after `=`). */
const VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--index',
  '--extra-index-url', '-f', '--find-links', '--trusted-host', '-t', '--target', '--prefix', '--root',
  '--platform', '--python-version', '--implementation', '--abi', '--only-binary', '--no-binary',
  '--cache-dir', '--src', '--upgrade-strategy', '-C', '--config-settings', '--global-option', '--log',
  '--timeout', '--retries', '--proxy', '--cert', '--client-cert', '--exists-action', '--progress-bar',
  '--root-user-action', '--python', '--report', '--keyring-provider', '--use-feature', '--use-deprecated',
  '--group', '--build-option', '--install-option', '--log-file',
]);

/** uv also spells `--python` as `-p`. */
const UV_VALUE_OPTIONS: ReadonlySet<string> = new Set([...VALUE_OPTIONS, '-p']);

/** One pip option (the shape every argument model here shares). */
export type PipOption = ParsedOption;

export type PipRunner = 'pip' | 'python-m-pip' | 'uv' | 'poetry-run' | 'pipenv-run';

export interface PipInstall {
  command: SimpleCommand;
  runner: PipRunner;
  /** The `install` word. */
  installWord: Word;
  /**
   * pip options, in order: general options written before `install`
   * (`pip --no-cache-dir install …`) and install options after it.
   */
  options: PipOption[];
  /** Requirement specifiers and paths given as arguments (`pkgArgs`). */
  packages: Word[];
  has(...names: string[]): boolean;
  values(...names: string[]): string[];
}

const PIP_RE = /^pip(\d+(\.\d+)?)?$/;
const PYTHON_RE = /^python(\d+(\.\d+)?)?$/;
/** Interpreter options that take a separate value (`python -W ignore -m pip`). */
const PYTHON_VALUE_OPTIONS = new Set(['-W', '-X', '--check-hash-based-pycs']);

/** Recognises a pip install command; returns null for anything else. */
export function pipInstall(cmd: SimpleCommand): PipInstall | null {
  // Asked by a dozen rules about every command: read each command once.
  const memo = memoOf(cmd);
  const known = memo.pipInstall;
  return known !== undefined ? known : (memo.pipInstall = readPipInstall(cmd));
}

function readPipInstall(cmd: SimpleCommand): PipInstall | null {
  const words = effectiveWords(cmd);
  const located = locateInstall(words);
  if (!located) return null;
  const { runner, generalFrom, index } = located;
  const installWord = words[index] as Word;
  const valueOptions = runner === 'uv' ? UV_VALUE_OPTIONS : VALUE_OPTIONS;
  const general = parseOptions(words.slice(generalFrom, index), valueOptions);
  const rest = parseOptions(words.slice(index + 1), valueOptions);
  const options = [...general.options, ...rest.options];
  const packages = rest.operands;
  return {
    command: cmd,
    runner,
    installWord,
    options,
    packages,
    has: (...names) => hasOption(options, names),
    values: (...names) => optionValues(options, names),
  };
}

// Plain loops: rules ask `has`/`values` per install in their hot loops, where a filter, a map
// and their closures per call cost more than the answer.
function hasOption(options: readonly PipOption[], names: readonly string[]): boolean {
  for (const o of options) if (names.includes(o.name)) return true;
  return false;
}

/** The values of the named options, in order (a fresh list per call: callers may change it). */
function optionValues(options: readonly PipOption[], names: readonly string[]): string[] {
  const values: string[] = [];
  for (const o of options) if (o.value !== null && names.includes(o.name)) values.push(o.value);
  return values;
}

/**
 * Splits words into options and operands the way pip's optparse does: `--name=value`,
 * `--name value`, `-rFILE`, `-r FILE`, clusters such as `-qU` and `-qr FILE`, and `--`.
 */
function parseOptions(words: Word[], valueOptions: ReadonlySet<string>): { options: PipOption[]; operands: Word[] } {
  return splitOptions(words, valueOptions);
}

interface InstallLocation {
  runner: PipRunner;
  /** Index of the first word after the pip program (general options start here). */
  generalFrom: number;
  /** Index of the `install` word. */
  index: number;
}

/** `p` and `u`: the initials of every Python packaging program recognised here. */
const P = 0x70;
const U = 0x75;

/**
 * Whether a command's program word may name a Python packaging program that {@link pipInstall}
 * or the rules recognise (pip, python, uv, poetry, pipenv: all start with `p` or `u`). One
 * character settles most commands (`rm`, `apt-get`, `chown`, …); a program recognised anywhere
 * that starts with another letter must be added here.
 */
export function mayBePythonTool(word: Word | undefined): boolean {
  const initial = programInitial(word);
  return initial === P || initial === U;
}

function locateInstall(words: Word[]): InstallLocation | null {
  if (!mayBePythonTool(words[0])) return null;
  const first = baseName(words[0]);
  if (PIP_RE.test(first)) return installAt(words, 1, 'pip');
  if (PYTHON_RE.test(first)) return pythonModulePip(words, 1, 'python-m-pip');
  if (first === 'uv' && words[1]?.value === 'pip') return installAt(words, 2, 'uv');
  if ((first === 'poetry' || first === 'pipenv') && words[1]?.value === 'run') {
    const runner = first === 'poetry' ? 'poetry-run' : 'pipenv-run';
    const program = baseName(words[2]);
    if (PIP_RE.test(program)) return installAt(words, 3, runner);
    if (PYTHON_RE.test(program)) return pythonModulePip(words, 3, runner);
  }
  return null;
}

/**
 * `python -m pip install …`, allowing interpreter flags such as `-u`, `-I` or `-W x` before
 * `-m`, and the module attached or clustered (`-mpip`, `-Im pip`).
 */
function pythonModulePip(words: Word[], from: number, runner: PipRunner): InstallLocation | null {
  for (let i = from; i < words.length; ) {
    const v = (words[i] as Word).value;
    const module = /^-[bBdEhiIOPqsSuvx]*m(.*)$/.exec(v);
    if (module) {
      const attached = module[1] as string;
      if (attached !== '') return attached === 'pip' ? installAt(words, i + 1, runner) : null;
      return words[i + 1]?.value === 'pip' ? installAt(words, i + 2, runner) : null;
    }
    if (!v.startsWith('-')) return null;
    i += PYTHON_VALUE_OPTIONS.has(v) ? 2 : 1;
  }
  return null;
}

/**
 * Where the arguments of a plain pip call start: after `pip` (`pip3`, `pip3.12`) at 1, after
 * `python -m pip` at 3; -1 for any other command. Interpreter flags before `-m` are not read
 * here (`pipInstall` reads them for installs).
 */
export function pipArgumentsStart(words: readonly Word[]): number {
  const program = baseName(words[0]);
  if (PIP_RE.test(program)) return 1;
  return PYTHON_RE.test(program) && words[1]?.value === '-m' && words[2]?.value === 'pip' ? 3 : -1;
}

/** Skips general pip options before the subcommand and checks that it is `install`. */
function installAt(words: Word[], from: number, runner: PipRunner): InstallLocation | null {
  let i = from;
  while (i < words.length && (words[i] as Word).value.startsWith('-')) {
    const v = (words[i] as Word).value;
    i += VALUE_OPTIONS.has(v) ? 2 : 1;
  }
  return words[i]?.value === 'install' ? { runner, generalFrom: from, index: i } : null;
}

const VERSION_OPERATOR_RE = /(===|==|~=|>=|<=|!=|<|>)/;

/** Whether a requirement argument pins or constrains a version. */
export function hasVersionSpecifier(spec: string): boolean {
  return VERSION_OPERATOR_RE.test(spec);
}

/** Whether a pip argument is a local path, archive, wheel or URL rather than a package name. */
export function isPathOrUrl(spec: string): boolean {
  return (
    spec === '.' ||
    spec.startsWith('./') ||
    spec.startsWith('../') ||
    spec.startsWith('/') ||
    spec.startsWith('~') ||
    spec.startsWith('$') ||
    /\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/.test(spec) ||
    /^[a-z+]+:\/\//i.test(spec) ||
    spec.includes(' @ ')
  );
}

/** A VCS requirement pinned to a ref: `git+https://…@v1.2`. */
export function isPinnedVcs(spec: string): boolean {
  return /^(git|hg|svn|bzr)\+/.test(spec) && /@[^/]+$/.test(spec.replace(/#.*$/, ''));
}

/** The distribution name of a requirement specifier (`Flask[async]>=2` → `flask`). */
export function requirementName(spec: string): string {
  const m = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(spec);
  return m ? m[0].toLowerCase().replace(/[-_.]+/g, '-') : spec.toLowerCase();
}
