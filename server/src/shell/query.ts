// Query vocabulary over parsed shell scripts (ideas from hadolint's Shell module).
import type { Word } from './lexer';
import { memoOf } from './memo';
import type { ShellScript, SimpleCommand } from './parser';

/** Last path segment of a word: `/usr/bin/pip3` → `pip3`. */
export function baseName(word: Word | undefined): string {
  return word ? lastPathSegment(word.value) : '';
}

/** What follows the last `/` of a text, all of it without one (`/usr/bin/pip3` → `pip3`); no normalizing. */
export function lastPathSegment(text: string): string {
  const slash = text.lastIndexOf('/');
  return slash >= 0 ? text.slice(slash + 1) : text;
}

/**
 * The first character code of a word's base name ({@link baseName}), NaN for no word or an
 * empty name, without slicing the name out: lets hot loops settle most commands by one character.
 */
export function programInitial(word: Word | undefined): number {
  if (!word) return NaN;
  const v = word.value;
  return v.charCodeAt(v.lastIndexOf('/') + 1);
}

/**
 * Commands that run another command given as their arguments, with the options of each that
 * take a separate value (`sudo -u app pip …`, `nice -n 5 …`, `xargs -n 1 …`).
 */
const WRAPPERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['sudo', new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--chdir'])],
  ['exec', new Set(['-a'])],
  ['time', new Set(['-f', '-o', '--format', '--output'])],
  ['nice', new Set(['-n', '--adjustment'])],
  ['env', new Set(['-u', '-C', '--unset', '--chdir'])],
  ['command', new Set<string>()],
  ['nohup', new Set<string>()],
  ['xargs', new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-lines', '--max-procs', '--max-chars'])],
]);

/**
 * The words of a command after stripping wrappers such as `sudo`, `exec`, `env A=b`,
 * `nice -n 5` or `time`. `command -v`/`-V` only look a name up, so they are kept as is.
 * The list is shared by every caller (frozen): copy it before changing it.
 */
export function effectiveWords(cmd: SimpleCommand): Word[] {
  const memo = memoOf(cmd);
  // Computed once per command and shared, so frozen: a caller that changed the list would fail
  // loudly instead of changing it for every other rule.
  return (memo.effectiveWords ??= Object.freeze(readEffectiveWords(cmd)) as Word[]);
}

function readEffectiveWords(cmd: SimpleCommand): Word[] {
  const words = cmd.words;
  let i = 0;
  while (i < words.length) {
    const name = baseName(words[i]);
    const valueOptions = WRAPPERS.get(name);
    if (valueOptions === undefined) break;
    const wrapperAt = i;
    i++;
    // Skip the wrapper's own options and, for env, its assignments.
    while (i < words.length) {
      const v = (words[i] as Word).value;
      if (v === '--') {
        i++;
        break;
      }
      if (v.startsWith('-') && v.length > 1) {
        if (name === 'command' && (v === '-v' || v === '-V')) return words.slice(wrapperAt);
        // `env -S 'cmd args'` packs the command into one string: nothing left to look at.
        if (name === 'env' && (v === '-S' || v.startsWith('--split-string'))) return [];
        i += valueOptions.has(v) ? 2 : 1;
        continue;
      }
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
        i++;
        continue;
      }
      break;
    }
  }
  return words.slice(i);
}

/** The effective program name (basename) of a command. */
export function programName(cmd: SimpleCommand): string {
  const memo = memoOf(cmd);
  return (memo.programName ??= baseName(effectiveWords(cmd)[0]));
}

/** Inline environment: `A=1 B=2 cmd` and `env A=1 cmd`. */
export function inlineEnv(cmd: SimpleCommand): Map<string, string> {
  const env = new Map<string, string>();
  const add = (w: Word): void => {
    const eq = w.value.indexOf('=');
    if (eq > 0) env.set(w.value.slice(0, eq), w.value.slice(eq + 1));
  };
  cmd.assignments.forEach(add);
  let i = 0;
  while (i < cmd.words.length && baseName(cmd.words[i]) === 'env') {
    i++;
    while (i < cmd.words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test((cmd.words[i] as Word).value)) add(cmd.words[i++] as Word);
  }
  return env;
}

/** True when the script was understood completely (no opaque nodes, no errors). */
export function fullyUnderstood(script: ShellScript): boolean {
  return script.error === undefined && script.opaque.length === 0;
}

/**
 * Builtins that change shell state for later commands, or end the shell early, so merging
 * RUNs could change behaviour (`exit` would skip everything appended after it).
 */
export const STATEFUL_BUILTINS = new Set([
  'cd', 'pushd', 'popd', 'export', 'set', 'source', '.', 'umask', 'alias', 'trap', 'shopt', 'unset', 'ulimit',
  'declare', 'typeset', 'readonly', 'local', 'eval', 'exit', 'return', 'builtin', 'hash', 'shift',
]);

/**
 * Whether any command of the script is a state-changing builtin, a bare assignment, or
 * `exec` (which replaces the shell, or with only redirections rewires its descriptors).
 */
export function hasStatefulBuiltin(script: ShellScript): boolean {
  return script.commands.some(
    (c) => STATEFUL_BUILTINS.has(programName(c)) || baseName(c.words[0]) === 'exec' || (c.words.length === 0 && c.assignments.length > 0),
  );
}

/** Words that look like options (start with `-`). */
export function isOption(word: Word): boolean {
  return word.value.startsWith('-') && word.value.length > 1;
}
