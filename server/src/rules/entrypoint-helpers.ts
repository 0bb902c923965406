// What the final image starts: the effective CMD/ENTRYPOINT as commands (exec form from the JSON
// strings, shell form from the shell parser, `sh -c` strings and readable entry scripts followed),
// plus the catalogue §1 classifiers `serverCmd` and `pythonEntry`.
import { JSONInstruction } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { perStageMemo } from '../model/memo';
import type { Stage } from '../model/stages';
import { logicalText, type Word } from '../shell/lexer';
import { parseShell, type ShellScript, type SimpleCommand } from '../shell/parser';
import { effectiveWords } from '../shell/query';
import type { LintEnvironment } from './types';

/** A word of the container's command line. */
export interface EntryWord extends Word {
  /**
   * The instruction whose text holds the word; its `start`/`end` are then document offsets.
   * Null for words of a `sh -c` string or of an entry script, whose offsets point elsewhere.
   */
  info: InstructionInfo | null;
}

/** Where a command of the container comes from. */
export type EntryOrigin =
  /** Exec-form CMD/ENTRYPOINT (JSON strings). */
  | 'exec'
  /** Shell-form CMD/ENTRYPOINT, run by `/bin/sh -c`. */
  | 'shell'
  /** The string of `sh -c "…"` written in exec form. */
  | 'inline-script'
  /** A script from the build context that the CMD/ENTRYPOINT runs. */
  | 'entry-script'
  /** Arguments handed to an entry script that runs them (`exec "$@"`), or presumably does. */
  | 'forwarded';

/** One command the container runs. */
export interface EntryCommand {
  /** The argv from the program on: `exec`, `env A=b`, `tini --`, `sh -c` and the like removed. */
  words: EntryWord[];
  /** Variables set for this command only (`A=1 cmd`, `env A=1 cmd`). */
  env: ReadonlyMap<string, string>;
  origin: EntryOrigin;
  /** The parsed shell command when the command is written in shell form in the Dockerfile. */
  shell: SimpleCommand | null;
  /** Started in the background with `&`. */
  background: boolean;
  /** The command the container's main process ends in (the last one of its script). */
  last: boolean;
}

/** The command line of the final image. */
export interface FinalEntry {
  stage: Stage;
  /** The ENTRYPOINT in effect, or null. */
  entrypoint: InstructionInfo | null;
  /** The CMD in effect, or null (also when an ENTRYPOINT set later cleared an inherited one). */
  cmd: InstructionInfo | null;
  /** The init process in front of everything (`tini`, `dumb-init`, …), or null. */
  init: string | null;
  commands: EntryCommand[];
  /**
   * False when part of what runs could not be followed: shell syntax we do not model (`if`,
   * loops), a parse error, an unreadable entry script or a non-POSIX `SHELL`.
   */
  complete: boolean;
  /** The context path of the entry script that was read, or null. */
  script: string | null;
}

/** Shells that accept `-c <script>` and run script files. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/** Init processes for containers, with their options that take a separate value. */
const INITS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['tini', new Set(['-p', '-e'])],
  ['tini-static', new Set(['-p', '-e'])],
  ['docker-init', new Set(['-p', '-e'])],
  ['dumb-init', new Set(['-r', '--rewrite'])],
  ['catatonit', new Set<string>()],
]);

/** Shell words that continue or close a compound command spread over several script lines. */
const RESERVED = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}', ';;', '{', 'in']);

const MAX_DEPTH = 4;

/** Oldest-first list of a stage and its `FROM <stage>` ancestors. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s; s = s.parent) chain.unshift(s);
  return chain;
}

/**
 * The CMD and ENTRYPOINT in effect at the end of a stage chain, replayed like the builder
 * does: setting ENTRYPOINT clears a CMD inherited from an earlier stage (or the base image),
 * but not one set earlier in the same stage.
 */
export function effectiveCommands(chain: readonly Stage[]): { entrypoint: InstructionInfo | null; cmd: InstructionInfo | null } {
  let entrypoint: InstructionInfo | null = null;
  let cmd: InstructionInfo | null = null;
  for (const stage of chain) {
    let cmdInStage = false;
    for (const info of stage.instructions) {
      if (info.keyword === 'CMD') {
        cmd = info;
        cmdInStage = true;
      } else if (info.keyword === 'ENTRYPOINT') {
        entrypoint = info;
        if (!cmdInStage) cmd = null;
      }
    }
  }
  return { entrypoint, cmd };
}

/** What the end of a stage chain starts with. */
export interface ChainCommands {
  /** The stage and its `FROM <stage>` ancestors, oldest first. */
  chain: readonly Stage[];
  /** The ENTRYPOINT in effect ({@link effectiveCommands}), or null. */
  entrypoint: InstructionInfo | null;
  /** The CMD in effect, or null. */
  cmd: InstructionInfo | null;
  /** Whether the chain has a SHELL instruction: shell form then runs another program. */
  customShell: boolean;
}

/**
 * {@link ChainCommands} of a stage, read once per stage (shared: do not change it): the final
 * entry, the effective argv and several rules replay the same chain in every lint.
 */
export const chainCommands: (stage: Stage) => ChainCommands = perStageMemo((stage) => {
  const chain = stageChain(stage);
  const customShell = chain.some((s) => s.instructions.some((i) => i.keyword === 'SHELL'));
  return { chain, ...effectiveCommands(chain), customShell };
});

/**
 * The JSON strings of an exec-form instruction as words carrying their document offsets, or
 * null when the instruction is not valid exec form. Values are decoded with `JSON.parse`
 * (dockerfile-ast does not decode `\uXXXX` escapes). Read once per instruction and shared
 * (frozen): the final entry reads the CMD's words and rules that fix the CMD read them again.
 */
export function execWords(model: DocumentModel, info: InstructionInfo): EntryWord[] | null {
  let words = execWordsMemo.get(info);
  if (words === undefined) {
    words = readExecWords(model, info);
    if (words) Object.freeze(words);
    execWordsMemo.set(info, words);
  }
  return words;
}

const execWordsMemo = new WeakMap<InstructionInfo, EntryWord[] | null>();

function readExecWords(model: DocumentModel, info: InstructionInfo): EntryWord[] | null {
  if (!model.isExecForm(info) || !(info.node instanceof JSONInstruction)) return null;
  const strings = info.node.getJSONStrings();
  const first = info.node.getArguments()[0];
  if (!first) return null;
  const joined = logicalText(model.content, model.text.offsetAt(first.getRange().start), info.end, model.escapeChar).chars.trim();
  let values: unknown;
  try {
    values = JSON.parse(joined);
  } catch {
    return null;
  }
  if (!Array.isArray(values) || values.length !== strings.length) return null;
  return strings.map((s, i) => {
    const range = s.getRange();
    const start = model.text.offsetAt(range.start);
    const end = model.text.offsetAt(range.end);
    return { kind: 'word', value: String(values[i]), raw: model.content.slice(start, end), start, end, hasExpansion: false, quoted: true, hasGlob: false, info };
  });
}

/** The last path segment of a program word (`/opt/venv/bin/gunicorn` → `gunicorn`). */
export function pathBase(value: string | undefined): string {
  if (value === undefined) return '';
  return value.slice(value.lastIndexOf('/') + 1);
}

/** State shared while following the command line. */
interface Walk {
  model: DocumentModel;
  readFile: ((relativePath: string) => string | undefined) | undefined;
  chain: readonly Stage[];
  entry: FinalEntry;
  /** Synthetic `sh -c` script words standing for a shell-form CMD behind an exec-form ENTRYPOINT. */
  shellForms: Map<Word, InstructionInfo>;
}

/** How a command is placed in its script. */
interface Placement {
  background: boolean;
  last: boolean;
  shell: SimpleCommand | null;
  env: ReadonlyMap<string, string>;
}

/**
 * Follows the final image's CMD/ENTRYPOINT into the commands it runs. `env.readContextFile`,
 * when given, lets the walk read entry scripts from the build context. Returns null when the
 * Dockerfile has no stage or its final image sets neither CMD nor ENTRYPOINT.
 */
export function finalEntry(model: DocumentModel, env?: Pick<LintEnvironment, 'readContextFile'>): FinalEntry | null {
  // Seven rules follow the same entry in one lint (which reads context files through one reader).
  let perModel = entryMemo.get(model);
  if (!perModel) {
    perModel = new WeakMap();
    entryMemo.set(model, perModel);
  }
  const reader = env?.readContextFile ?? NO_READER;
  let entry = perModel.get(reader);
  if (entry === undefined) {
    entry = readFinalEntry(model, env);
    perModel.set(reader, entry);
  }
  return entry;
}

/** The memo key when entry scripts cannot be read. */
const NO_READER = (): undefined => undefined;

/**
 * Entries per model and per context-file reader (a lint makes one reader for all its rules);
 * weak both ways, as a cached model is linted again and again with new readers.
 */
const entryMemo = new WeakMap<DocumentModel, WeakMap<(relativePath: string) => string | undefined, FinalEntry | null>>();

function readFinalEntry(model: DocumentModel, env?: Pick<LintEnvironment, 'readContextFile'>): FinalEntry | null {
  const stage = model.finalStage;
  if (!stage) return null;
  const { chain, entrypoint, cmd } = chainCommands(stage);
  if (!entrypoint && !cmd) return null;
  const entry: FinalEntry = { stage, entrypoint, cmd, init: null, commands: [], complete: true, script: null };
  const walk: Walk = { model, readFile: env?.readContextFile, chain, entry, shellForms: new Map() };
  const top: Placement = { background: false, last: true, shell: null, env: new Map() };
  if (entrypoint && !model.isExecForm(entrypoint)) {
    // A shell-form ENTRYPOINT ignores CMD entirely.
    walkShellInstruction(walk, entrypoint, true, 0);
    return entry;
  }
  const argv: EntryWord[] = [];
  for (const info of [entrypoint, cmd]) {
    if (!info) continue;
    const words = model.isExecForm(info) ? execWords(model, info) : shellFormAsArgv(walk, info);
    if (words === null) {
      entry.complete = false;
      return entry;
    }
    argv.push(...words);
  }
  walkArgv(walk, argv, 'exec', top, 0);
  return entry;
}

/** The program a SHELL instruction names, or `/bin/sh` when the chain sets none before `info`. */
function shellProgram(walk: Walk, info: InstructionInfo): string {
  let program = '/bin/sh';
  for (const stage of walk.chain) {
    for (const i of stage.instructions) {
      if (i.index >= info.index) return program;
      if (i.keyword !== 'SHELL') continue;
      const words = execWords(walk.model, i);
      program = words?.[0]?.value ?? '';
    }
  }
  return program;
}

/** Whether shell-form instructions at `info` run under a POSIX-like shell we can parse for. */
function isPosixShell(walk: Walk, info: InstructionInfo): boolean {
  return SHELLS.has(pathBase(shellProgram(walk, info)));
}

/** A shell-form CMD handed to an exec-form ENTRYPOINT arrives as `/bin/sh -c "<text>"`. */
function shellFormAsArgv(walk: Walk, info: InstructionInfo): EntryWord[] | null {
  const script = walk.model.shellOf(info);
  if (!script || !isPosixShell(walk, info)) return null;
  const synthetic = (value: string): EntryWord => ({ kind: 'word', value, raw: value, start: -1, end: -1, hasExpansion: false, quoted: false, hasGlob: false, info: null });
  const text = synthetic(logicalText(walk.model.content, script.start, script.end, walk.model.escapeChar).chars);
  walk.shellForms.set(text, info);
  return [synthetic('/bin/sh'), synthetic('-c'), text];
}

/** Follows a shell-form CMD/ENTRYPOINT through the shell parser. */
function walkShellInstruction(walk: Walk, info: InstructionInfo, last: boolean, depth: number): void {
  const script = walk.model.shellOf(info);
  if (!script || !isPosixShell(walk, info)) {
    walk.entry.complete = false;
    return;
  }
  walkLocatedScript(walk, script, info, last, depth);
}

function walkLocatedScript(walk: Walk, script: ShellScript, info: InstructionInfo, last: boolean, depth: number): void {
  if (script.error !== undefined) {
    walk.entry.complete = false;
    return;
  }
  if (script.opaque.length > 0) walk.entry.complete = false;
  const lastCommand = script.commands[script.commands.length - 1];
  const trailingOpaque = lastCommand ? script.opaque.some((o) => o.start >= lastCommand.end) : true;
  for (const command of script.commands) {
    const placement: Placement = {
      background: command.connector === '&',
      last: last && command === lastCommand && !trailingOpaque,
      shell: command,
      env: assignmentsOf(command.assignments),
    };
    walkArgv(walk, command.words.map((w) => ({ ...w, info })), 'shell', placement, depth + 1);
  }
}

function assignmentsOf(words: readonly Word[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const w of words) {
    const eq = w.value.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.value.slice(0, eq))) env.set(w.value.slice(0, eq), w.value.slice(eq + 1));
  }
  return env;
}

/** Skips an init process and its options; returns the index of the program it starts. */
function skipInit(words: readonly EntryWord[], valueOptions: ReadonlySet<string>): number {
  let i = 1;
  while (i < words.length) {
    const v = (words[i] as EntryWord).value;
    if (v === '--') return i + 1;
    if (!v.startsWith('-') || v.length < 2) return i;
    i += valueOptions.has(v) ? 2 : 1;
  }
  return i;
}

/** A pseudo shell command around argv words, so the shell query helpers apply to exec form too. */
function asCommand(words: Word[]): SimpleCommand {
  return { index: 0, assignments: [], words, redirects: [], start: 0, end: 0, connector: null, connectorToken: null, depth: 0, negated: false };
}

/** Removes init processes and wrappers (`exec`, `env A=b`, `nice`, …) from the front of argv. */
function unwrap(walk: Walk, words: EntryWord[], env: Map<string, string>): EntryWord[] {
  let current = words;
  for (let round = 0; round < MAX_DEPTH; round++) {
    const before = current.length;
    const init = INITS.get(pathBase(current[0]?.value));
    if (init) {
      walk.entry.init ??= pathBase(current[0]?.value);
      current = current.slice(skipInit(current, init));
    }
    const kept = effectiveWords(asCommand(current)).length;
    for (const w of current.slice(0, current.length - kept)) {
      for (const [k, v] of assignmentsOf([w])) env.set(k, v);
    }
    current = current.slice(current.length - kept);
    if (current.length === before) break;
  }
  return current;
}

type ShellInvocation = { kind: 'inline'; script: EntryWord; args: EntryWord[] } | { kind: 'file'; file: EntryWord; args: EntryWord[] };

/** Reads `sh [options] -c <script> [$0 args…]` and `sh [options] <file> [args…]`. */
function shellInvocation(words: readonly EntryWord[]): ShellInvocation | null {
  let i = 1;
  let inline = false;
  while (i < words.length) {
    const v = (words[i] as EntryWord).value;
    if (v === '--') {
      i++;
      break;
    }
    if (v === '-o' || v === '+o' || v === '-O' || v === '+O') {
      i += 2;
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(v)) {
      if (v.startsWith('-') && v.includes('c')) inline = true;
      i++;
      continue;
    }
    if (v.startsWith('--')) {
      i++;
      continue;
    }
    break;
  }
  const operand = words[i];
  if (!operand) return null;
  // `sh -c script name args…`: the word after the script is `$0`, the rest are `$@`.
  return inline ? { kind: 'inline', script: operand, args: words.slice(i + 2) } : { kind: 'file', file: operand, args: words.slice(i + 1) };
}

/** Follows one argv: init, wrappers, `sh -c`, entry scripts; records the command it ends in. */
function walkArgv(walk: Walk, words: EntryWord[], origin: EntryOrigin, placement: Placement, depth: number): void {
  if (depth > MAX_DEPTH) {
    walk.entry.complete = false;
    return;
  }
  const env = new Map(placement.env);
  const argv = unwrap(walk, words, env);
  const first = argv[0];
  if (!first) return;
  const next: Placement = { ...placement, env };
  if (SHELLS.has(pathBase(first.value))) {
    const call = shellInvocation(argv);
    if (call?.kind === 'inline') {
      const info = walk.shellForms.get(call.script);
      if (info) walkShellInstruction(walk, info, placement.last, depth);
      else walkScriptText(walk, call.script.value, call.args, 'inline-script', next, depth);
      return;
    }
    if (call?.kind === 'file') {
      walkScriptFile(walk, call.file, call.args, next, depth, true);
      return;
    }
  } else if (/\.sh$/.test(first.value) || (first.value.includes('/') && !first.value.includes('$'))) {
    if (walkScriptFile(walk, first, argv.slice(1), next, depth, /\.sh$/.test(first.value))) return;
  }
  walk.entry.commands.push({ words: argv, env, origin, shell: placement.shell, background: placement.background, last: placement.last });
}

/**
 * Follows a script file. Returns false when the word is not a shell script we can tell about
 * (then it is an ordinary program), true when it was handled (followed, or given up on).
 */
function walkScriptFile(walk: Walk, file: EntryWord, args: EntryWord[], placement: Placement, depth: number, isScript: boolean): boolean {
  const found = readEntryScript(walk.readFile, file.value);
  if (found === null) {
    if (!isScript) return false;
    walk.entry.complete = false;
    // An unreadable wrapper script (`docker-entrypoint.sh`) almost always ends in `exec "$@"`:
    // a server or Python command given as its arguments is what keeps running.
    const values = args.map((a) => a.value);
    if (serverCmd(values) !== null || pythonEntry(values)) walkArgv(walk, args, 'forwarded', placement, depth + 1);
    return true;
  }
  if (!isShellScript(found.content, file.value)) return false;
  walk.entry.script ??= found.path;
  walkScriptText(walk, found.content, args, 'entry-script', placement, depth);
  return true;
}

/** Follows the commands of a script text (`sh -c` string or entry script). */
function walkScriptText(walk: Walk, text: string, args: EntryWord[], origin: EntryOrigin, placement: Placement, depth: number): void {
  const parsed = parseScriptText(text);
  if (!parsed) {
    walk.entry.complete = false;
    return;
  }
  if (!parsed.complete) walk.entry.complete = false;
  for (const { command, last } of parsed.commands) {
    const inner: Placement = { background: command.connector === '&', last: placement.last && last, shell: null, env: new Map([...placement.env, ...assignmentsOf(command.assignments)]) };
    const words = command.words.map((w) => ({ ...w, info: null }));
    const stripped = effectiveWords(asCommand(words));
    if (stripped.length === 1 && /^"?\$(\{@\}|@)"?$/.test(stripped[0]?.raw ?? '')) {
      // `exec "$@"`: the script hands over to its arguments.
      walkArgv(walk, args, 'forwarded', inner, depth + 1);
      continue;
    }
    walkArgv(walk, words, origin, inner, depth + 1);
  }
}

/** Whether a file is run by a shell: a shell `#!` line, or no `#!` line and a `.sh` name. */
function isShellScript(content: string, name: string): boolean {
  const firstLine = content.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '';
  if (!firstLine.startsWith('#!')) return /\.sh$/.test(name);
  const parts = firstLine.slice(2).trim().split(/\s+/);
  const interpreter = pathBase(parts[0]) === 'env' ? parts.find((p, i) => i > 0 && !p.startsWith('-')) : parts[0];
  return SHELLS.has(pathBase(interpreter));
}

/**
 * Reads the script a command names from the build context. The path inside the image rarely
 * matches the context, so the relative path as written and then the bare file name are tried.
 */
export function readEntryScript(readFile: ((relativePath: string) => string | undefined) | undefined, program: string): { path: string; content: string } | null {
  if (!readFile || program.includes('$') || program === '') return null;
  const relative = program.replace(/^(\.\/)+/, '');
  const file = relative.slice(relative.lastIndexOf('/') + 1);
  const candidates = relative.startsWith('/') ? [file] : [relative, file];
  for (const candidate of candidates) {
    if (candidate === '') continue;
    const content = readFile(candidate);
    if (content !== undefined) return { path: candidate, content };
  }
  return null;
}

/** One parsed command of a script text, and whether it is the script's last one. */
interface ScriptCommand {
  command: SimpleCommand;
  last: boolean;
}

/**
 * Parses a shell script line by line. Returns null for scripts with heredocs (their bodies are
 * not commands); `complete` is false when lines could not be understood (compound commands
 * spread over lines, syntax errors), whose commands are then skipped.
 */
export function parseScriptText(text: string): { commands: ScriptCommand[]; complete: boolean } | null {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  if (/<<(?!<)/.test(normalized)) return null;
  let complete = true;
  const perLine: SimpleCommand[][] = [];
  let lastContentLine = -1;
  for (const line of logicalLines(normalized)) {
    if (line.trim() === '') continue;
    const script = parseShell(line, 0, line.length, '\\');
    lastContentLine = perLine.length;
    const firstWord = script.commands[0]?.words[0]?.value;
    const understood = script.error === undefined && script.opaque.length === 0 && script.commands.length > 0 && !RESERVED.has(firstWord ?? '');
    if (!understood) complete = false;
    perLine.push(understood ? script.commands : []);
  }
  const commands: ScriptCommand[] = [];
  perLine.forEach((lineCommands, lineIndex) => {
    lineCommands.forEach((command, i) => commands.push({ command, last: lineIndex === lastContentLine && i === lineCommands.length - 1 }));
  });
  return { commands, complete };
}

/** Splits a script into logical lines at unquoted newlines, dropping comments. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      current += c;
      if (c === "'") quote = null;
    } else if (c === '\\') {
      // Escapes, including backslash-newline continuations, stay for the shell parser.
      current += c + (text[i + 1] ?? '');
      i++;
    } else if (quote === '"') {
      current += c;
      if (c === '"') quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === '#' && (current === '' || /[\s;&|(]$/.test(current))) {
      // A comment: an apostrophe in it must not open a quote.
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '\n') {
      lines.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  lines.push(current);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Classifiers over argv values (catalogue §1).

/** Servers and long-running Python programs recognised by `serverCmd`. */
export const SERVER_NAMES = ['gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'waitress-serve', 'celery', 'flask', 'granian'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** Modules that start the same servers with `python -m`. */
const SERVER_MODULES: ReadonlyMap<string, ServerName> = new Map([
  ['gunicorn', 'gunicorn'], ['uvicorn', 'uvicorn'], ['hypercorn', 'hypercorn'], ['daphne', 'daphne'],
  ['waitress', 'waitress-serve'], ['celery', 'celery'], ['flask', 'flask'], ['granian', 'granian'],
]);

const PYTHON_RE = /^python(\d+(\.\d+)*)?$/;

/** Interpreter options that take a separate value. */
const PYTHON_VALUE_OPTIONS = new Set(['X', 'W']);

/** True for `python`, `python3`, `python3.12` and such, also as a path (`/opt/venv/bin/python`). */
export function isPythonProgram(program: string | undefined): boolean {
  return PYTHON_RE.test(pathBase(program));
}

/** What a `python …` command line asks the interpreter for. */
export interface PythonInvocation {
  /** Single-letter flags (`-u`, `-B`, combined `-uB`). */
  flags: Set<string>;
  /** Values of `-X` options (`faulthandler`, `dev`, `importtime`, …). */
  xOptions: string[];
  /** `-m <module>`: the module and the index of the word that names it. */
  module: { name: string; index: number } | null;
  /** The script file run by the interpreter and the index of its word, if any. */
  script: { path: string; index: number } | null;
}

/** Reads the interpreter options of a `python …` argv; null when argv[0] is not Python. */
export function pythonInvocation(argv: readonly string[]): PythonInvocation | null {
  if (!isPythonProgram(argv[0])) return null;
  const result: PythonInvocation = { flags: new Set(), xOptions: [], module: null, script: null };
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i] as string;
    if (v === '-') break;
    if (v === '--' || !v.startsWith('-')) {
      const index = v === '--' ? i + 1 : i;
      const path = argv[index];
      if (path !== undefined) result.script = { path, index };
      break;
    }
    if (v.startsWith('--')) {
      if (v === '--check-hash-based-pycs') i++;
      continue;
    }
    for (let j = 1; j < v.length; j++) {
      const c = v[j] as string;
      if (c === 'm' || c === 'c' || PYTHON_VALUE_OPTIONS.has(c)) {
        // The rest of the word, or the next word, is this option's value.
        const attached = v.slice(j + 1);
        const value = attached !== '' ? attached : argv[i + 1];
        const index = attached !== '' ? i : i + 1;
        if (c === 'X' && value !== undefined) result.xOptions.push(value);
        if (c === 'm' && value !== undefined) result.module = { name: value, index };
        if (c === 'm' || c === 'c') return result;
        i = index;
        break;
      }
      result.flags.add(c);
    }
  }
  return result;
}

/** A server found by `serverCmd`. */
export interface ServerMatch {
  server: ServerName;
  /** Index of the word naming the server (the program, or the module after `python -m`). */
  index: number;
}

/**
 * `serverCmd(argv)` of the catalogue: the program is gunicorn, uvicorn, hypercorn, daphne,
 * waitress-serve, celery, flask or granian, or `python -m` one of them. Runners such as
 * `uv run` or `pipenv run` are not looked through (other rules ask to drop them).
 */
export function serverCmd(argv: readonly string[]): ServerMatch | null {
  const name = pathBase(argv[0]);
  if ((SERVER_NAMES as readonly string[]).includes(name)) return { server: name as ServerName, index: 0 };
  const module = pythonInvocation(argv)?.module;
  const server = module ? SERVER_MODULES.get(module.name) : undefined;
  return module && server ? { server, index: module.index } : null;
}

/** A command of the final entry that starts a server of `serverCmd`. */
export interface ServerCommand {
  command: EntryCommand;
  /** The values of the command's words. */
  values: string[];
  match: ServerMatch;
  /** The values after the word naming the server: its options and operands. */
  args: string[];
}

const serverCommandsMemo = new WeakMap<FinalEntry, readonly ServerCommand[]>();

/**
 * The commands of the final entry that start a Python server, in order. Read once per entry
 * (shared: do not change them), as several gunicorn rules look through the same commands.
 */
export function serverCommands(entry: FinalEntry): readonly ServerCommand[] {
  let found = serverCommandsMemo.get(entry);
  if (found === undefined) {
    const commands: ServerCommand[] = [];
    for (const command of entry.commands) {
      const values = valuesOf(command.words);
      const match = serverCmd(values);
      if (match) commands.push({ command, values, match, args: values.slice(match.index + 1) });
    }
    found = commands;
    serverCommandsMemo.set(entry, found);
  }
  return found;
}

/**
 * The value of gunicorn's `-c`/`--config` among its arguments: null when absent, undefined
 * when the option is the last word and its value cannot be read.
 */
export function gunicornConfigOption(args: readonly string[]): string | null | undefined {
  for (let i = 0; i < args.length; i++) {
    const v = args[i] as string;
    if (v === '-c' || v === '--config') return args[i + 1];
    if (v.startsWith('--config=')) return v.slice('--config='.length);
    if (/^-c./.test(v)) return v.slice(2);
  }
  return null;
}

/** `pythonEntry(argv)` of the catalogue: a server of `serverCmd`, a Python interpreter, or a `.py` program. */
export function pythonEntry(argv: readonly string[]): boolean {
  return serverCmd(argv) !== null || isPythonProgram(argv[0]) || /\.py$/.test(argv[0] ?? '');
}

/** The values of words. */
export function valuesOf(words: readonly Word[]): string[] {
  return words.map((w) => w.value);
}
