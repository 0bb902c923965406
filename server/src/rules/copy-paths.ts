// Path arithmetic for container paths, plus COPY/ADD operand and WORKDIR resolution shared by rules.
import type { Flag } from 'dockerfile-ast';
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { boundedMemo, perModelMemo } from '../model/memo';
import type { Stage } from '../model/stages';

/**
 * Normalizes a POSIX path: collapses repeated slashes and `.` segments and resolves `..`.
 * Absolute paths never climb above `/`; relative paths keep leading `..` segments.
 * The empty path and `./` normalize to `.`; trailing slashes are dropped (except for `/`).
 */
export function normalizePath(path: string): string {
  // Most paths are already normal; rules normalize in their inner loops, so skip the rebuild.
  if (path !== '' && !NEEDS_NORMALIZING.test(path)) return path;
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (absolute) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** An empty, `.` or `..` segment, or a trailing slash after something: what normalizing changes. */
const NEEDS_NORMALIZING = /\/\/|(^|\/)\.\.?(\/|$)|.\/$/;

/** Resolves `path` against `base` the way a shell or Docker does: an absolute `path` wins. */
export function joinPath(base: string, path: string): string {
  if (path.startsWith('/')) return normalizePath(path);
  return normalizePath(base === '/' ? `/${path}` : `${base}/${path}`);
}

/**
 * Whether the container path `path` is the directory `dir` or lies inside it (`/app/src` in
 * `/app`, not `/application`); every path lies in `/`. Both must be normalized. Builds no string:
 * rules ask this per pair of paths in long stages.
 */
export function isWithin(path: string, dir: string): boolean {
  return dir === '/' || path === dir || (path.length > dir.length && path.charCodeAt(dir.length) === SLASH && path.startsWith(dir));
}

const SLASH = 0x2f;

/** Whether two absolute paths overlap: one equals or contains the other. */
export function pathsOverlap(a: string, b: string): boolean {
  return isWithin(a, b) || isWithin(b, a);
}

/** The directory part of a path (`a/b.txt` → `a`, `b.txt` → `.`, `/b` → `/`). */
export function dirName(path: string): string {
  const norm = normalizePath(path);
  const slash = norm.lastIndexOf('/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : norm.slice(0, slash);
}

/** The last segment of a path (`a/b.txt` → `b.txt`), ignoring a trailing slash. */
export function lastSegment(path: string): string {
  const norm = normalizePath(path);
  return norm.slice(norm.lastIndexOf('/') + 1);
}

/**
 * The path of `path` relative to `dir` when it equals `dir` (`.`) or lies below it, else null.
 * Both are normalized first, so `/app/./x` lies in `/app/`.
 */
export function relativeWithin(path: string, dir: string): string | null {
  const p = normalizePath(path);
  const d = normalizePath(dir);
  if (p === d) return '.';
  if (d === '/') return p.startsWith('/') ? p.slice(1) : null;
  if (d === '.') return p.startsWith('/') || p.startsWith('..') ? null : p;
  return p.startsWith(d + '/') ? p.slice(d.length + 1) : null;
}

/** Whether a word contains shell/Docker glob characters (`*`, `?`, `[`). */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * Matches a file name against a Docker/Go `filepath.Match` pattern (`*`, `?`, `[…]`) for a
 * single path segment. Unsupported syntax never matches, which keeps callers conservative.
 */
export function matchesGlob(name: string, pattern: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) return false;
      const body = pattern.slice(i + 1, close).replace(/^\^/, '!');
      re += body.startsWith('!') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(re + '$').test(name);
  } catch {
    return false;
  }
}

function escapeClass(body: string): string {
  return body.replace(/[\\\]^]/g, '\\$&');
}

/** How a COPY/ADD source is read. */
export type SourceKind =
  /** `.`, `./` or `/`: the whole build context (or the whole stage for `--from`). */
  | 'context'
  /** Contains glob characters. */
  | 'glob'
  /** Ends with `/`: certainly a directory. */
  | 'directory'
  /** Its last segment has an extension or a well-known file name, so it names a file. */
  | 'file'
  /** A plain name such as `src`: a file or a directory, the Dockerfile alone cannot tell. */
  | 'ambiguous'
  /** A URL or git reference (ADD only): not from the build context. */
  | 'remote';

const KNOWN_FILE_NAMES = new Set(['Pipfile', 'Dockerfile', 'Makefile', 'Procfile', 'LICENSE', 'README', 'Containerfile']);

/**
 * Classifies a COPY/ADD source as written (after variable resolution). Remembered per source:
 * rules classify every source of every COPY once per RUN or COPY they pair it with.
 */
export const classifySource: (source: string) => SourceKind = boundedMemo((source) => readSourceKind(source), 4096);

function readSourceKind(source: string): SourceKind {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@')) return 'remote';
  const norm = normalizePath(source);
  if (norm === '.' || norm === '/') return 'context';
  if (isGlob(source)) return 'glob';
  if (source.endsWith('/') || source.endsWith('/.')) return 'directory';
  const last = lastSegment(source);
  if (KNOWN_FILE_NAMES.has(last) || /.\.[A-Za-z0-9]+$/.test(last)) return 'file';
  return 'ambiguous';
}

/** The operands of a COPY or ADD instruction. */
export interface CopyOperands {
  keyword: 'COPY' | 'ADD';
  /** Sources as written (variables substituted when they could be). */
  sources: string[];
  /** The destination as written (variables substituted when they could be). */
  dest: string;
  /** Value of `--from`, or null. */
  from: string | null;
  flags: Flag[];
  /** True when a source or the destination still contains an unresolved `$` reference. */
  unresolved: boolean;
}

/**
 * The sources and destination of a shell-form COPY/ADD. Returns null when they cannot be read
 * reliably: JSON form, heredocs, quoted operands, or fewer than two operands. The result is
 * computed once per instruction and shared (frozen): copy it before changing it.
 */
export function copyOperands(model: DocumentModel, info: InstructionInfo): CopyOperands | null {
  // Rules read the operands of every COPY several times (once per RUN or COPY they pair it with).
  const memo = operandsOf(model);
  let op = memo.get(info);
  if (op === undefined) {
    op = readCopyOperands(model, info);
    // Shared by every caller, so frozen: a caller that changed it would fail loudly, not corrupt others.
    if (op) Object.freeze(Object.assign(op, { sources: Object.freeze(op.sources), flags: Object.freeze(op.flags) }));
    memo.set(info, op);
  }
  return op;
}

const operandsOf = perModelMemo(() => new WeakMap<InstructionInfo, CopyOperands | null>());

function readCopyOperands(model: DocumentModel, info: InstructionInfo): CopyOperands | null {
  if (info.keyword !== 'COPY' && info.keyword !== 'ADD') return null;
  if (model.isExecForm(info)) return null;
  const node = info.node as unknown as { getHeredocs?: () => unknown[]; getFlags(): Flag[] };
  // No heredoc without `<<`: skips dockerfile-ast's heredoc scan of nearly every COPY.
  const mayHaveHeredoc = model.content.slice(info.start, info.end).includes('<<');
  if (mayHaveHeredoc && typeof node.getHeredocs === 'function' && node.getHeredocs().length > 0) return null;
  const args = info.node.getArguments().map((a) => a.getValue());
  // dockerfile-ast splits quoted operands on blanks; rather than guess, give up on quotes.
  if (args.length < 2 || args.some((a) => /["']/.test(a) || a.startsWith('['))) return null;
  const vars = variableLookupBefore(model, info);
  const resolved = args.map((a) => substitute(a, vars));
  const flags = node.getFlags();
  const fromFlag = flags.find((f) => f.getName() === 'from');
  return {
    keyword: info.keyword,
    sources: resolved.slice(0, -1),
    dest: resolved[resolved.length - 1] as string,
    from: fromFlag ? fromFlag.getValue() : null,
    flags,
    unresolved: resolved.some((a) => a.includes('$')),
  };
}

/**
 * Where a COPY/ADD writes a file that the given source contributes, resolved against the
 * WORKDIR in effect: `into` = a directory whose content mirrors the source directory;
 * `files` = the possible paths of a single copied file (Docker copies a file into `dest`
 * when `dest` ends with `/` or is an existing directory, otherwise to `dest` itself).
 */
export type CopyTarget = { kind: 'into'; dir: string } | { kind: 'files'; paths: string[] };

/** The target of one source of a COPY/ADD (see {@link CopyTarget}). */
export function copyTarget(op: CopyOperands, source: string, workdir: string): CopyTarget {
  const dest = joinPath(workdir, op.dest);
  const kind = classifySource(source);
  if (kind === 'context' || kind === 'directory' || kind === 'ambiguous') return { kind: 'into', dir: dest };
  const name = lastSegment(source);
  const destIsDir = op.dest.endsWith('/') || op.dest === '.' || op.dest === '..' || op.sources.length > 1 || kind === 'glob';
  if (destIsDir) return { kind: 'files', paths: [joinPath(dest, name)] };
  return { kind: 'files', paths: [dest, joinPath(dest, name)] };
}

/**
 * The source path of the file that a COPY/ADD source puts at `containerPath` (relative to the
 * build context, or absolute in the `--from` stage or image), or null when this source cannot
 * have written it. For a glob, the file name must match the
 * pattern; for a directory-like source, the path must lie inside the destination.
 */
export function sourcePathFor(op: CopyOperands, source: string, workdir: string, containerPath: string): string | null {
  const target = copyTarget(op, source, workdir);
  if (target.kind === 'into') {
    const rel = relativeWithin(containerPath, target.dir);
    if (rel === null || rel === '.') return null;
    const path = normalizePath(`${source}/${rel}`);
    // Build-context paths are relative to the context root even when written `/x`; `--from` paths are not.
    return op.from === null ? path.replace(/^\/+/, '') : path;
  }
  if (classifySource(source) === 'glob') {
    const name = lastSegment(containerPath);
    if (!matchesGlob(name, lastSegment(source))) return null;
    if (dirName(containerPath) !== joinPath(workdir, op.dest)) return null;
    return normalizePath(`${dirName(source)}/${name}`);
  }
  const p = normalizePath(containerPath);
  return target.paths.some((t) => normalizePath(t) === p) ? normalizePath(source) : null;
}

/** The WORKDIR in effect at an instruction. */
export interface WorkdirState {
  /** Absolute directory. */
  dir: string;
  /**
   * True when no WORKDIR in the stage chain set it, so it is the base image's own default
   * (`/` for the official python, debian, ubuntu and alpine images, but not for every image).
   */
  fromImage: boolean;
}

/**
 * The WORKDIR in effect right before `info`, following the stage chain (`FROM <stage>`).
 * Relative WORKDIRs resolve against the previous one; `$VAR`s resolve with the ENV/ARG values
 * declared before. Returns null when a WORKDIR cannot be resolved (unknown variable, quotes).
 */
export function workdirBefore(model: DocumentModel, info: InstructionInfo): WorkdirState | null {
  if (!info.stage) return null;
  const scan = stageScan(model, info.stage);
  const k = lastBefore(scan.workdirAt, info.index);
  const state = k < 0 ? scan.entryWorkdir : (scan.workdirs[k] as WorkdirState | null);
  // A fresh object: callers have always received their own.
  return state ? { dir: state.dir, fromImage: state.fromImage } : null;
}

/** ENV/ARG values declared in the stage chain before `info` (plus global ARG defaults). */
export function variablesBefore(model: DocumentModel, info: InstructionInfo): Map<string, string> {
  if (!info.stage) return new Map<string, string>(model.globalArgs);
  const scan = stageScan(model, info.stage);
  // Replaying the stage's own changes on a copy of the entry state gives the same map, in the
  // same insertion order, as walking the whole chain.
  const vars = new Map<string, string>(scan.entryVars);
  for (const change of scan.log) {
    if (change.at >= info.index) break;
    if (change.value === undefined) vars.delete(change.name);
    else vars.set(change.name, change.value);
  }
  return vars;
}

/** A read-only lookup of variables: what {@link substitute} needs (a `Map` is one). */
export interface VariableLookup {
  get(name: string): string | undefined;
}

/**
 * The ENV/ARG values in effect right before `info`, as a lookup that copies nothing: what
 * {@link variablesBefore} holds, for callers that only substitute (rules call this per RUN).
 */
export function variableLookupBefore(model: DocumentModel, info: InstructionInfo): VariableLookup {
  if (!info.stage) return model.globalArgs;
  const scan = stageScan(model, info.stage);
  const first = scan.log[0];
  if (first === undefined || first.at >= info.index) return scan.entryVars;
  const last = scan.log[scan.log.length - 1] as VariableChange;
  if (last.at < info.index) return scan.finalVars;
  return { get: (name) => lookupBefore(scan, name, info.index) };
}

/** One ENV/ARG assignment (or removal, `value` undefined) made by the instruction at `at`. */
interface VariableChange {
  at: number;
  name: string;
  value: string | undefined;
}

/**
 * Variables and WORKDIRs of one stage, from one forward pass: what was in effect when the
 * stage began (its parent's final state), then every change with the instruction that made it.
 * Each "before this instruction" question is then a binary search instead of a walk of the
 * whole chain (rules ask per COPY, per RUN and per pair of them, which made lint cubic).
 */
interface StageScan {
  /** What the scan was computed from, so a stage changed afterwards is never served stale. */
  count: number;
  parent: Stage | null;
  entryVars: ReadonlyMap<string, string>;
  finalVars: ReadonlyMap<string, string>;
  log: VariableChange[];
  /** Per name: instruction indexes of its changes, ascending, and the values they set. */
  history: Map<string, { at: number[]; values: (string | undefined)[] }>;
  /** null: a WORKDIR in the chain could not be resolved, so no later WORKDIR is known. */
  entryWorkdir: WorkdirState | null;
  finalWorkdir: WorkdirState | null;
  /** Indexes of the stage's WORKDIRs, ascending, and the state right after each. */
  workdirAt: number[];
  workdirs: (WorkdirState | null)[];
}

/** Scans per stage of each model (rules ask per COPY and RUN). */
const stageScansOf = perModelMemo(() => new Map<Stage, StageScan>());

function stageScan(model: DocumentModel, stage: Stage): StageScan {
  const perModel = stageScansOf(model);
  const known = perModel.get(stage);
  if (known && known.count === stage.instructions.length && known.parent === stage.parent) return known;
  // A parent is always an earlier stage, so its instructions all come before this stage's.
  const parent = stage.parent ? stageScan(model, stage.parent) : null;
  const entryVars: ReadonlyMap<string, string> = parent ? parent.finalVars : model.globalArgs;
  const entryWorkdir: WorkdirState | null = parent ? parent.finalWorkdir : { dir: '/', fromImage: true };
  const vars = new Map<string, string>(entryVars);
  const scan: StageScan = { count: stage.instructions.length, parent: stage.parent, entryVars, finalVars: vars, log: [], history: new Map(), entryWorkdir, finalWorkdir: entryWorkdir, workdirAt: [], workdirs: [] };
  let workdir = entryWorkdir;
  for (const info of stage.instructions) {
    if (info.keyword === 'ENV' || info.keyword === 'ARG') recordVariables(info, vars, model, scan);
    else if (info.keyword === 'WORKDIR' && workdir !== null) {
      workdir = nextWorkdir(info, workdir, vars);
      scan.workdirAt.push(info.index);
      scan.workdirs.push(workdir);
    }
  }
  scan.finalWorkdir = workdir;
  perModel.set(stage, scan);
  return scan;
}

/** The WORKDIR state after a WORKDIR instruction, or null when it cannot be resolved. */
function nextWorkdir(info: InstructionInfo, state: WorkdirState, vars: ReadonlyMap<string, string>): WorkdirState | null {
  const raw = (info.node.getArgumentsContent() ?? '').trim();
  if (raw === '' || /["'\\]/.test(raw)) return null;
  const value = substitute(raw, vars);
  if (value.includes('$')) return null;
  return { dir: joinPath(state.dir, value), fromImage: false };
}

/** Position of the last entry of ascending `indexes` below `index`, or -1. */
function lastBefore(indexes: readonly number[], index: number): number {
  let lo = 0;
  let hi = indexes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((indexes[mid] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function lookupBefore(scan: StageScan, name: string, index: number): string | undefined {
  const h = scan.history.get(name);
  const k = h ? lastBefore(h.at, index) : -1;
  return h && k >= 0 ? h.values[k] : scan.entryVars.get(name);
}

function recordVariables(info: InstructionInfo, vars: Map<string, string>, model: DocumentModel, scan: StageScan): void {
  const props = propertiesOf(info);
  const change = (name: string, value: string | undefined): void => {
    if (value === undefined) vars.delete(name);
    else vars.set(name, value);
    scan.log.push({ at: info.index, name, value });
    const h = scan.history.get(name);
    if (!h) scan.history.set(name, { at: [info.index], values: [value] });
    else if (h.at[h.at.length - 1] === info.index) h.values[h.values.length - 1] = value;
    else {
      h.at.push(info.index);
      h.values.push(value);
    }
  };
  for (const p of props) {
    const value = p.getValue();
    if (value !== null) change(p.getName(), substitute(value, vars));
    // `ARG NAME` without a default re-declares a global ARG inside the stage: keep its default.
    else if (info.keyword === 'ARG' && model.globalArgs.has(p.getName())) change(p.getName(), model.globalArgs.get(p.getName()) as string);
    else change(p.getName(), undefined);
  }
}

/** Substitutes `$NAME`, `${NAME}` and `${NAME:-default}`; unknown names stay as written. */
export function substitute(text: string, vars: VariableLookup): string {
  // Most texts name no variable: no regex pass and no closure for them.
  if (!text.includes('$')) return text;
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = vars.get(braced ?? bare ?? '');
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined && !fallback.includes('$')) return fallback;
    return whole;
  });
}
