// Argument model of `pip install` (also `python -m pip`, `uv pip`, `poetry run pip`, `pipenv run pip`).
import type { Word } from './lexer';
import type { SimpleCommand } from './parser';
import { baseName, effectiveWords } from './query';

/** pip options that take a value (as a separate word or after `=`). */
const VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--index',
  '--extra-index-url', '-f', '--find-links', '--trusted-host', '-t', '--target', '--prefix', '--root',
  '--platform', '--python-version', '--implementation', '--abi', '--only-binary', '--no-binary',
  '--cache-dir', '--src', '--upgrade-strategy', '-C', '--config-settings', '--global-option', '--log',
  '--timeout', '--retries', '--proxy', '--cert', '--client-cert', '--exists-action', '--progress-bar',
  '--root-user-action', '--python', '--report', '--keyring-provider', '--use-feature', '--use-deprecated',
  '--group', '--build-option', '--install-option',
]);

export interface PipOption {
  /** Canonical name as written, e.g. `-r` or `--requirement` (without `=value`). */
  name: string;
  word: Word;
  /** The value: the next word, or the `=value`/attached part of this word (as text). */
  value: string | null;
  valueWord: Word | null;
}

export type PipRunner = 'pip' | 'python-m-pip' | 'uv' | 'poetry-run' | 'pipenv-run';

export interface PipInstall {
  command: SimpleCommand;
  runner: PipRunner;
  /** The `install` word. */
  installWord: Word;
  options: PipOption[];
  /** Requirement specifiers and paths given as arguments (`pkgArgs`). */
  packages: Word[];
  has(...names: string[]): boolean;
  values(...names: string[]): string[];
}

const PIP_RE = /^pip(\d+(\.\d+)?)?$/;
const PYTHON_RE = /^python(\d+(\.\d+)?)?$/;

/** Recognises a pip install command; returns null for anything else. */
export function pipInstall(cmd: SimpleCommand): PipInstall | null {
  const words = effectiveWords(cmd);
  const located = locateInstall(words);
  if (!located) return null;
  const { runner, index } = located;
  const installWord = words[index] as Word;
  const options: PipOption[] = [];
  const packages: Word[] = [];
  for (let i = index + 1; i < words.length; i++) {
    const w = words[i] as Word;
    const v = w.value;
    if (v === '--') {
      packages.push(...words.slice(i + 1));
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq >= 0 ? v.slice(0, eq) : v;
      if (eq >= 0) {
        options.push({ name, word: w, value: v.slice(eq + 1), valueWord: null });
      } else if (VALUE_OPTIONS.has(name)) {
        const next = words[i + 1] ?? null;
        options.push({ name, word: w, value: next ? next.value : null, valueWord: next });
        i++;
      } else {
        options.push({ name, word: w, value: null, valueWord: null });
      }
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      const name = v.slice(0, 2);
      if (VALUE_OPTIONS.has(name)) {
        if (v.length > 2) {
          options.push({ name, word: w, value: v.slice(2).replace(/^=/, ''), valueWord: null });
        } else {
          const next = words[i + 1] ?? null;
          options.push({ name, word: w, value: next ? next.value : null, valueWord: next });
          i++;
        }
      } else {
        // A cluster of boolean short flags such as `-qU`.
        for (const ch of v.slice(1)) options.push({ name: `-${ch}`, word: w, value: null, valueWord: null });
      }
      continue;
    }
    packages.push(w);
  }
  return {
    command: cmd,
    runner,
    installWord,
    options,
    packages,
    has: (...names) => options.some((o) => names.includes(o.name)),
    values: (...names) => options.filter((o) => names.includes(o.name) && o.value !== null).map((o) => o.value as string),
  };
}

function locateInstall(words: Word[]): { runner: PipRunner; index: number } | null {
  const first = baseName(words[0]);
  if (PIP_RE.test(first)) return installAt(words, 1, 'pip');
  if (PYTHON_RE.test(first)) {
    // python -m pip install …, allowing interpreter flags such as -u or -I before -m.
    let i = 1;
    while (i < words.length && (words[i] as Word).value.startsWith('-') && (words[i] as Word).value !== '-m') i++;
    if ((words[i] as Word | undefined)?.value === '-m' && words[i + 1]?.value === 'pip') return installAt(words, i + 2, 'python-m-pip');
    return null;
  }
  if (first === 'uv' && words[1]?.value === 'pip') return installAt(words, 2, 'uv');
  if ((first === 'poetry' || first === 'pipenv') && words[1]?.value === 'run' && PIP_RE.test(baseName(words[2]))) {
    return installAt(words, 3, first === 'poetry' ? 'poetry-run' : 'pipenv-run');
  }
  return null;
}

/** Skips global pip options before the subcommand and checks that it is `install`. */
function installAt(words: Word[], from: number, runner: PipRunner): { runner: PipRunner; index: number } | null {
  let i = from;
  while (i < words.length && (words[i] as Word).value.startsWith('-')) {
    const v = (words[i] as Word).value;
    i += ['--proxy', '--cert', '--client-cert', '--timeout', '--retries', '--log', '--cache-dir', '--python'].includes(v) ? 2 : 1;
  }
  return words[i]?.value === 'install' ? { runner, index: i } : null;
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
