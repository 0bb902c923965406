// Catalogue §4.1/§4.8: the observable behaviour of a Dockerfile, and the check that a rewrite kept it.
import { aptPackagesFor } from '../knowledge/package-maps';
import { packageName } from '../knowledge/build-packages';
import { syntaxProblemCount } from '../fix/apply';
import { propertiesOf, DocumentModel } from '../model/document-model';
import { stageChainInstructions, type Stage } from '../model/stages';
import { apkCommand, aptCommand } from '../shell/apt';
import { isPathOrUrl, pipInstall, requirementName } from '../shell/pip';
import { pipenvInstall, pipenvSync, poetryExport, poetryInstall, poetrySync, uvSync } from '../shell/tools';
import { finalEntry } from '../rules/entrypoint-helpers';
import { joinPath, normalizePath } from '../rules/copy-paths';
import { parserDirectives } from '../rules/layer-helpers';
import { runCommands } from '../rules/helpers';
import type { LintEnvironment } from '../rules/types';
import { PYTHON_BUILD_TOOLS } from './analyse';
import type { Relaxations } from './decisions';

/** What the image does, as far as a rewrite must keep it (catalogue §4.1). */
export interface Behaviour {
  /** The Python minor of the final image, or null when the tag does not say. */
  pythonMinor: string | null;
  /** The commands the container runs, normalized; null without CMD/ENTRYPOINT. */
  commands: string[][] | null;
  /** The working directory of the final image. */
  workdir: string;
  /** Exposed ports (`8000`, `53/udp`), sorted. */
  ports: string[];
  /** ENV of the final image: name → value, `PATH` with `$PATH` expanded. */
  env: Map<string, string>;
  /** What the Dockerfile installs anywhere: `pip:flask`, `pip-req:requirements.txt`, `apt:libpq5`, `poetry`, … */
  installs: Set<string>;
  /** Source text of stages that neither ship nor feed another stage (test, docs, `--target`). */
  protectedStages: string[];
  /** Comments with the keyword of the instruction they belong to. */
  comments: Map<string, number>;
  /** Parser directives (`escape=\``, `syntax=…`). */
  directives: Map<string, string>;
  escapeChar: string;
  bom: boolean;
  lineEndings: 'lf' | 'crlf' | 'mixed' | 'none';
  syntaxProblems: number;
}

/** Invariants that hold for every relaxation. */
export const NO_RELAXATIONS: Relaxations = { pythonMinor: false, removableEnv: new Set(), serverOptionsToEnv: false, appWorkdir: false };

/** The stages a rewrite must leave byte for byte: not shipped and not copied from. */
export function protectedStages(model: DocumentModel): Stage[] {
  return model.stages.filter((s) => !s.ships && !s.feeds);
}

/** Document offsets of a stage: from its FROM line to the end of its last instruction. */
export function stageSpan(model: DocumentModel, stage: Stage): { start: number; end: number } {
  const last = stage.instructions[stage.instructions.length - 1] ?? stage.fromInfo;
  return { start: model.text.lineStart(stage.fromInfo.range.start.line), end: last.end };
}

/** Reads the behaviour of a Dockerfile. */
export function behaviourOf(model: DocumentModel, env?: Pick<LintEnvironment, 'readContextFile'>): Behaviour {
  const final = model.finalStage;
  return {
    pythonMinor: final ? rootImageMinor(final) : null,
    commands: commandsOf(model, env),
    workdir: final ? finalWorkdir(final) : '/',
    ports: final ? exposedPorts(final) : [],
    env: final ? finalEnv(final) : new Map(),
    installs: installTargets(model),
    protectedStages: protectedStages(model).map((s) => {
      const span = stageSpan(model, s);
      return model.content.slice(span.start, span.end);
    }),
    comments: commentsOf(model),
    directives: new Map(parserDirectives(model).map((d) => [d.name, d.value])),
    escapeChar: model.escapeChar,
    bom: model.text.hasBom,
    lineEndings: lineEndingsOf(model.content),
    syntaxProblems: syntaxProblemCount(model),
  };
}

function rootImageMinor(stage: Stage): string | null {
  let s = stage;
  while (s.parent) s = s.parent;
  return s.image?.python?.minor ?? null;
}

function lineEndingsOf(content: string): Behaviour['lineEndings'] {
  const crlf = (content.match(/\r\n/g) ?? []).length;
  const lf = (content.match(/\n/g) ?? []).length - crlf;
  if (crlf === 0 && lf === 0) return 'none';
  if (crlf === 0) return 'lf';
  return lf === 0 ? 'crlf' : 'mixed';
}

/** Wrappers that only locate the environment: `pipenv run x` runs `x` from the venv on PATH. */
function stripRunners(words: string[]): string[] {
  let out = words;
  for (let round = 0; round < 2; round++) {
    const first = out[0];
    if ((first === 'pipenv' || first === 'poetry') && out[1] === 'run') out = out.slice(2);
    else if (first === 'uv' && out[1] === 'run') {
      let i = 2;
      while (i < out.length && (out[i] as string).startsWith('-')) i++;
      out = out.slice(i);
    }
  }
  return out;
}

/** Executables resolved through a `bin` directory compare by name (`/opt/venv/bin/gunicorn` = `gunicorn`). */
function programOf(word: string): string {
  return /\/bin\/[^/]+$/.test(word) ? word.slice(word.lastIndexOf('/') + 1) : word;
}

/** Options that PYD408 adds safely and that do not change what the server serves. */
function withoutHeartbeatDir(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '--worker-tmp-dir') {
      i++;
      continue;
    }
    if (w.startsWith('--worker-tmp-dir=')) continue;
    out.push(w);
  }
  return out;
}

function commandsOf(model: DocumentModel, env?: Pick<LintEnvironment, 'readContextFile'>): string[][] | null {
  const entry = finalEntry(model, env);
  if (!entry) return null;
  return entry.commands.map((c) => {
    const words = stripRunners(c.words.map((w) => w.value));
    if (words.length > 0) words[0] = programOf(words[0] as string);
    return withoutHeartbeatDir(words);
  });
}

function finalWorkdir(stage: Stage): string {
  let dir = '/';
  for (const info of stageChainInstructions(stage)) {
    if (info.keyword !== 'WORKDIR') continue;
    const raw = (info.node.getArgumentsContent() ?? '').trim();
    dir = raw.includes('$') ? raw : joinPath(dir, raw);
  }
  return normalizePath(dir) || '/';
}

function exposedPorts(stage: Stage): string[] {
  const ports = new Set<string>();
  for (const info of stageChainInstructions(stage)) {
    if (info.keyword !== 'EXPOSE') continue;
    for (const arg of info.node.getArguments()) ports.add(arg.getValue().replace(/\/tcp$/i, ''));
  }
  return [...ports].sort();
}

function finalEnv(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const info of stageChainInstructions(stage)) {
    if (info.keyword !== 'ENV') continue;
    for (const prop of propertiesOf(info)) {
      const name = prop.getName();
      let value = prop.getValue() ?? '';
      if (name === 'PATH') value = value.replace(/\$\{PATH\}|\$PATH\b/g, env.get('PATH') ?? '$PATH');
      env.set(name, value);
    }
  }
  return env;
}

/** Every install target of the Dockerfile, over all stages. */
export function installTargets(model: DocumentModel): Set<string> {
  const targets = new Set<string>();
  for (const { command } of runCommands(model)) {
    const pip = pipInstall(command);
    if (pip) {
      for (const file of pip.values('-r', '--requirement')) targets.add(`pip-req:${normalizePath(file)}`);
      for (const path of pip.values('-e', '--editable')) targets.add(`pip-path:${normalizePath(path)}`);
      for (const w of pip.packages) {
        if (isPathOrUrl(w.value)) targets.add(`pip-path:${normalizePath(w.value)}`);
        else if (!PYTHON_BUILD_TOOLS.has(requirementName(w.value))) targets.add(`pip:${requirementName(w.value)}`);
      }
      continue;
    }
    if (poetryInstall(command) || poetrySync(command) || poetryExport(command)) targets.add('poetry');
    else if (pipenvInstall(command) || pipenvSync(command)) targets.add('pipenv');
    else if (uvSync(command)) targets.add('uv');
    const apt = aptCommand(command);
    if (apt?.sub === 'install') for (const w of apt.packages) targets.add(`apt:${packageName(w.value)}`);
    const apk = apkCommand(command);
    if (apk?.sub === 'add') for (const w of apk.packages) targets.add(`apk:${packageName(w.value)}`);
  }
  return targets;
}

/** Comment lines (not parser directives) keyed by `<owner keyword> <text>`, with counts. */
function commentsOf(model: DocumentModel): Map<string, number> {
  const comments = new Map<string, number>();
  const directives = parserDirectives(model).length;
  let next = 0;
  for (let line = directives; line < model.text.lineCount; line++) {
    const text = model.text.lineText(line).replace(/^\uFEFF/, '').trim();
    if (!text.startsWith('#')) continue;
    const inside = model.instructionAtLine(line);
    let owner = inside?.keyword;
    if (!owner) {
      while (next < model.instructions.length && (model.instructions[next]?.range.start.line ?? 0) < line) next++;
      owner = model.instructions[next]?.keyword ?? 'EOF';
    }
    const key = `${owner} ${text}`;
    comments.set(key, (comments.get(key) ?? 0) + 1);
  }
  return comments;
}

/** One broken invariant, in words a user understands. */
export type Violation = string;

/**
 * Compares a proposal with the original. Returns the broken invariants (empty when the
 * proposal keeps every one that the relaxations do not lift).
 */
export function checkInvariants(before: Behaviour, after: Behaviour, relax: Relaxations = NO_RELAXATIONS): Violation[] {
  const out: Violation[] = [];
  if (after.syntaxProblems > before.syntaxProblems) out.push('the result would have syntax problems');
  if (after.escapeChar !== before.escapeChar) out.push('the escape character would change');
  for (const [name, value] of before.directives) {
    if (after.directives.get(name) !== value) out.push(`the \`# ${name}=\` directive would change`);
  }
  if (after.bom !== before.bom) out.push('the byte-order mark would change');
  if ((before.lineEndings === 'crlf' || before.lineEndings === 'lf') && after.lineEndings !== before.lineEndings && after.lineEndings !== 'none') {
    out.push('the line endings would change');
  }
  if (!relax.pythonMinor && before.pythonMinor !== null && after.pythonMinor !== before.pythonMinor) {
    out.push(`the Python version would change from ${before.pythonMinor} to ${after.pythonMinor ?? 'an unknown version'}`);
  }
  const commandProblem = compareCommands(before, after, relax);
  if (commandProblem) out.push(commandProblem);
  // PYD411's decision moves an application out of `/` into `/app`, and nothing else.
  const appWorkdir = relax.appWorkdir && before.workdir === '/' && after.workdir === '/app';
  if (after.workdir !== before.workdir && !appWorkdir) out.push(`the working directory would change from \`${before.workdir}\` to \`${after.workdir}\``);
  if (after.ports.join(' ') !== before.ports.join(' ')) out.push(`the exposed ports would change from ${listOrNone(before.ports)} to ${listOrNone(after.ports)}`);
  out.push(...compareEnv(before.env, after.env, relax));
  const missing = [...before.installs].filter((t) => !after.installs.has(t) && !translated(t, after.installs));
  if (missing.length > 0) out.push(`${missing.map(describeTarget).join(', ')} would no longer be installed`);
  const kept = new Set(after.protectedStages);
  for (const text of before.protectedStages) {
    if (!kept.has(text)) {
      const name = /^\s*FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(text)?.[1];
      out.push(`stage ${name ? `\`${name}\`` : 'that is neither shipped nor copied from'} would change (stages for tests, docs or \`--target\` builds are left untouched)`);
    }
  }
  for (const [key, count] of before.comments) {
    if ((after.comments.get(key) ?? 0) < count) {
      out.push(`the comment \`${key.slice(key.indexOf(' ') + 1)}\` would no longer sit next to its \`${key.slice(0, key.indexOf(' '))}\` instruction`);
      break;
    }
  }
  return out;
}

function listOrNone(ports: readonly string[]): string {
  return ports.length > 0 ? ports.map((p) => `\`${p}\``).join(', ') : 'none';
}

/** `apk:X` is still installed after Alpine → Debian when every Debian package it maps to is. */
function translated(target: string, after: ReadonlySet<string>): boolean {
  if (!target.startsWith('apk:')) return false;
  const apt = aptPackagesFor([target.slice(4)]);
  return apt !== null && apt.every((p) => after.has(`apt:${p}`) || (p === 'libc6-dev' && after.has('apt:build-essential')));
}

function describeTarget(target: string): string {
  const [kind, name] = [target.slice(0, target.indexOf(':') < 0 ? target.length : target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
  switch (kind) {
    case 'pip':
      return `\`${name}\``;
    case 'pip-req':
      return `the requirements in \`${name}\``;
    case 'pip-path':
      return `the project at \`${name}\``;
    case 'apt':
    case 'apk':
      return `the system package \`${name}\``;
    default:
      return `the ${target} dependencies`;
  }
}

function compareCommands(before: Behaviour, after: Behaviour, relax: Relaxations): Violation | null {
  const a = before.commands;
  const b = after.commands;
  if (a === null && b === null) return null;
  // An empty list is a command the entry walk could not follow (an exec-form ENTRYPOINT given a
  // shell-form CMD, an unreadable entry script): say so rather than print nothing.
  const show = (c: string[][] | null): string => (c === null ? 'no command' : c.length === 0 ? 'a command that could not be followed' : c.map((w) => `\`${w.join(' ')}\``).join(', '));
  const problem = `the container command would change from ${show(a)} to ${show(b)}`;
  // A JSON array Docker could not parse ran as literal shell text (`['app']`): PYD402 repairs
  // that command line, there is no working behaviour to keep.
  if (a !== null && a.some((words) => (words[0] ?? '').startsWith('['))) return null;
  if (a === null || b === null || a.length !== b.length) return problem;
  const allowed = relax.serverOptionsToEnv ? new Set((after.env.get('GUNICORN_CMD_ARGS') ?? '').split(/\s+/).filter((w) => w !== '')) : new Set<string>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string[];
    const y = b[i] as string[];
    if (x.join('\u0000') === y.join('\u0000')) continue;
    if (allowed.size === 0 || !isSubsequenceWithRemovals(x, y, allowed)) return problem;
  }
  return null;
}

/** Whether `after` is `before` minus some words, each of which is in `allowed`. */
function isSubsequenceWithRemovals(before: readonly string[], after: readonly string[], allowed: ReadonlySet<string>): boolean {
  let j = 0;
  for (const word of before) {
    if (j < after.length && after[j] === word) {
      j++;
      continue;
    }
    const eq = word.indexOf('=');
    const parts = eq > 0 && word.startsWith('--') ? [word.slice(0, eq), word.slice(eq + 1)] : [word];
    if (!parts.every((p) => allowed.has(p) || allowed.has(word))) return false;
  }
  return j === after.length;
}

function compareEnv(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, relax: Relaxations): Violation[] {
  const out: Violation[] = [];
  for (const [name, value] of before) {
    const now = after.get(name);
    if (now === undefined) {
      if (!relax.removableEnv.has(name)) out.push(`\`ENV ${name}\` would be removed`);
      continue;
    }
    if (now === value) continue;
    if (name === 'PATH' && pathKeeps(value, now)) continue;
    out.push(`\`ENV ${name}\` would change from \`${value}\` to \`${now}\``);
  }
  return out;
}

/** A PATH that still has every entry of the old one (a venv `bin` put in front is fine). */
function pathKeeps(before: string, after: string): boolean {
  const entries = new Set(after.split(':'));
  return before.split(':').every((e) => entries.has(e));
}

/** Parses a text into a model (kept here so callers compare texts without importing the model). */
export function behaviourOfText(text: string, env?: Pick<LintEnvironment, 'readContextFile'>): Behaviour {
  return behaviourOf(new DocumentModel(text), env);
}
