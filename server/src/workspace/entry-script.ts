// Shell entry scripts read as text: shebang, `set -e`, and the command the script ends with.
import { lastPathSegment } from '../shell/query';

/** The last command of a script, as far as a line-based reading can tell. */
export interface LastCommand {
  /** Zero-based line and column where the command starts (after `cd x &&` prefixes). */
  line: number;
  column: number;
  /** The command's words, quotes removed (rough: enough to recognise a program). */
  words: string[];
  /** Already started with `exec`. */
  exec: boolean;
  /** Column after leading `NAME=value` assignments, where `exec ` belongs. */
  execColumn: number;
}

/** What an entry script does at start-up and at its end. */
export interface EntryScript {
  /** Run by a POSIX-like shell: a shell `#!` line, or none and a `.sh` name. */
  shell: boolean;
  /** `set -e` (or `-o errexit`, or `-e` on the `#!` line) is in effect before the last command. */
  errexit: boolean;
  /** Number of commands before the last one. */
  commandsBefore: number;
  /**
   * The last top-level command, or null when the script ends in something a line reader cannot
   * follow: a compound command, a background job, `wait`, a heredoc, a pipeline.
   */
  last: LastCommand | null;
  /** Zero-based line after which `set -e` can be inserted (the `#!` line), or -1 for the top. */
  headerLine: number;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);
const COMPOUND = /^(if|then|else|elif|fi|for|while|until|do|done|case|esac|\{|\}|\(|\)|function)\b/;

function baseName(p: string | undefined): string {
  return p === undefined ? '' : lastPathSegment(p);
}

/** Splits a command line into words, honouring simple quotes (no expansion). */
export function shellWords(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let has = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(current);
      current = '';
      has = false;
    } else {
      current += c;
      has = true;
    }
  }
  if (has) out.push(current);
  return out;
}

/** Whether a script with this content and file name is run by a shell. */
export function isShellScript(text: string, name: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!')) return /\.sh$/.test(name);
  const parts = first.slice(2).trim().split(/\s+/);
  const interpreter = baseName(parts[0]) === 'env' ? parts.find((p, i) => i > 0 && !p.startsWith('-')) : parts[0];
  return SHELLS.has(baseName(interpreter));
}

/** `#!/bin/sh -e`, `#!/usr/bin/env bash -eu`: the interpreter runs with errexit. */
function shebangErrexit(shebang: string): boolean {
  const parts = shebang.slice(2).trim().split(/\s+/);
  const args = baseName(parts[0]) === 'env' ? parts.slice(2) : parts.slice(1);
  return args.some((a) => /^-[a-zA-Z]*e[a-zA-Z]*$/.test(a));
}

function setsErrexit(words: readonly string[]): boolean {
  if (words[0] !== 'set') return false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (/^-[a-zA-Z]*e[a-zA-Z]*$/.test(w)) return true;
    if (w === '-o' && words[i + 1] === 'errexit') return true;
  }
  return false;
}

/**
 * Reads an entry script. Comments and blank lines are skipped; a line ending in `\` continues.
 * Only simple top-level commands are understood; anything else leaves `last` null so rules stay
 * silent.
 */
export function parseEntryScript(text: string, name: string): EntryScript {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const shell = isShellScript(text, name);
  const shebang = lines[0]?.startsWith('#!') ? (lines[0] as string) : null;
  let errexit = shebang !== null && shebangErrexit(shebang);
  const commands: { line: number; column: number; text: string }[] = [];
  let heredoc = false;
  for (let i = shebang ? 1 : 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i] as string;
    while (/(^|[^\\])\\$/.test(logical) && i + 1 < lines.length) logical = `${logical.slice(0, -1)} ${lines[++i] as string}`;
    const trimmed = logical.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/<<-?\s*['"]?\w/.test(trimmed)) heredoc = true;
    const raw = lines[start] as string;
    commands.push({ line: start, column: raw.length - raw.trimStart().length, text: trimmed });
  }
  const result: EntryScript = { shell, errexit: false, commandsBefore: Math.max(0, commands.length - 1), last: null, headerLine: shebang ? 0 : -1 };
  for (const c of commands.slice(0, -1)) if (setsErrexit(shellWords(c.text.replace(/[;&|].*$/, '')))) errexit = true;
  result.errexit = errexit;
  const last = commands[commands.length - 1];
  if (!last || heredoc || COMPOUND.test(last.text)) return result;
  // `a && b`: the last segment is what keeps running; pipelines, `||`, `;` lists and jobs are not followed.
  if (/(^|[^&])&($|[^&])|\|\||[|;`]|\$\(/.test(last.text.replace(/&&/g, ''))) return result;
  const segments = last.text.split('&&');
  const segment = segments[segments.length - 1] as string;
  const offsetInText = last.text.length - segment.length + (segment.length - segment.trimStart().length);
  const words = shellWords(segment);
  const raw = lines[last.line] as string;
  const column = last.column + offsetInText;
  // Only a command that starts on the script's own first line is edited; continuations shift columns.
  if (column > raw.length) return result;
  let assignmentsEnd = 0;
  let index = 0;
  const assignment = /^[A-Za-z_][A-Za-z0-9_]*=\S*\s*/;
  let rest = raw.slice(column);
  while (index < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[index] as string)) {
    const m = assignment.exec(rest);
    if (!m) return result;
    assignmentsEnd += m[0].length;
    rest = rest.slice(m[0].length);
    index++;
  }
  const argv = words.slice(index);
  if (argv.length === 0 || argv[0] === 'wait') return result;
  result.last = { line: last.line, column, words: argv, exec: argv[0] === 'exec', execColumn: column + assignmentsEnd };
  return result;
}
