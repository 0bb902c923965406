// Query vocabulary over parsed shell scripts (ideas from hadolint's Shell module).
import type { Word } from './lexer';
import type { ShellScript, SimpleCommand } from './parser';

/** Last path segment of a word: `/usr/bin/pip3` → `pip3`. */
export function baseName(word: Word | undefined): string {
  if (!word) return '';
  const v = word.value;
  const slash = v.lastIndexOf('/');
  return slash >= 0 ? v.slice(slash + 1) : v;
}

const WRAPPERS = new Set(['sudo', 'exec', 'time', 'nice', 'env', 'command', 'nohup', 'xargs']);

/**
 * The words of a command after stripping wrappers such as `sudo`, `exec`, `env A=b`,
 * `nice -n 5` or `time`. Returns the index of the first real word as well.
 */
export function effectiveWords(cmd: SimpleCommand): Word[] {
  const words = cmd.words;
  let i = 0;
  while (i < words.length) {
    const name = baseName(words[i]);
    if (!WRAPPERS.has(name)) break;
    i++;
    // Skip the wrapper's own options and, for env, its assignments.
    while (i < words.length) {
      const w = words[i] as Word;
      if (w.value.startsWith('-')) {
        i++;
        if ((name === 'nice' && w.value === '-n') || (name === 'sudo' && (w.value === '-u' || w.value === '-g'))) i++;
        continue;
      }
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value)) {
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
  return baseName(effectiveWords(cmd)[0]);
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

/** Builtins that change shell state for later commands (so merging RUNs could change behaviour). */
export const STATEFUL_BUILTINS = new Set(['cd', 'pushd', 'popd', 'export', 'set', 'source', '.', 'umask', 'alias', 'trap', 'shopt', 'unset', 'ulimit', 'declare', 'typeset', 'readonly', 'local']);

/** Whether any command of the script is a state-changing builtin. */
export function hasStatefulBuiltin(script: ShellScript): boolean {
  return script.commands.some((c) => STATEFUL_BUILTINS.has(programName(c)) || (c.words.length === 0 && c.assignments.length > 0));
}

/** Words that look like options (start with `-`). */
export function isOption(word: Word): boolean {
  return word.value.startsWith('-') && word.value.length > 1;
}
