// Path arithmetic for container paths, plus COPY/ADD operand and WORKDIR resolution shared by rules.
import type { Flag } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { stageChainInstructions } from '../model/stages';

/**
 * Normalizes a POSIX path: collapses repeated slashes and `.` segments and resolves `..`.
 * Absolute paths never climb above `/`; relative paths keep leading `..` segments.
 * The empty path and `./` normalize to `.`; trailing slashes are dropped (except for `/`).
 */
export function normalizePath(path: string): string {
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

/** Resolves `path` against `base` the way a shell or Docker does: an absolute `path` wins. */
export function joinPath(base: string, path: string): string {
  return path.startsWith('/') ? normalizePath(path) : normalizePath(`${base}/${path}`);
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

/** Classifies a COPY/ADD source as written (after variable resolution). */
export function classifySource(source: string): SourceKind {
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
 * reliably: JSON form, heredocs, quoted operands, or fewer than two operands.
 */
export function copyOperands(model: DocumentModel, info: InstructionInfo): CopyOperands | null {
  if (info.keyword !== 'COPY' && info.keyword !== 'ADD') return null;
  if (model.isExecForm(info)) return null;
  const node = info.node as unknown as { getHeredocs?: () => unknown[]; getFlags(): Flag[] };
  if (typeof node.getHeredocs === 'function' && node.getHeredocs().length > 0) return null;
  const args = info.node.getArguments().map((a) => a.getValue());
  // dockerfile-ast splits quoted operands on blanks; rather than guess, give up on quotes.
  if (args.length < 2 || args.some((a) => /["']/.test(a) || a.startsWith('['))) return null;
  const vars = variablesBefore(model, info);
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
  const state: WorkdirState = { dir: '/', fromImage: true };
  const vars = new Map<string, string>(model.globalArgs);
  for (const i of stageChainInstructions(info.stage)) {
    if (i.index >= info.index) break;
    if (i.keyword === 'ENV' || i.keyword === 'ARG') recordVariables(i, vars, model);
    if (i.keyword !== 'WORKDIR') continue;
    const raw = (i.node.getArgumentsContent() ?? '').trim();
    if (raw === '' || /["'\\]/.test(raw)) return null;
    const value = substitute(raw, vars);
    if (value.includes('$')) return null;
    state.dir = joinPath(state.dir, value);
    state.fromImage = false;
  }
  return state;
}

/** ENV/ARG values declared in the stage chain before `info` (plus global ARG defaults). */
export function variablesBefore(model: DocumentModel, info: InstructionInfo): Map<string, string> {
  const vars = new Map<string, string>(model.globalArgs);
  if (!info.stage) return vars;
  for (const i of stageChainInstructions(info.stage)) {
    if (i.index >= info.index) break;
    if (i.keyword === 'ENV' || i.keyword === 'ARG') recordVariables(i, vars, model);
  }
  return vars;
}

function recordVariables(info: InstructionInfo, vars: Map<string, string>, model: DocumentModel): void {
  const props = (info.node as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties();
  for (const p of props) {
    const value = p.getValue();
    if (value !== null) vars.set(p.getName(), substitute(value, vars));
    // `ARG NAME` without a default re-declares a global ARG inside the stage: keep its default.
    else if (info.keyword === 'ARG' && model.globalArgs.has(p.getName())) vars.set(p.getName(), model.globalArgs.get(p.getName()) as string);
    else vars.delete(p.getName());
  }
}

/** Substitutes `$NAME`, `${NAME}` and `${NAME:-default}`; unknown names stay as written. */
export function substitute(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = vars.get(braced ?? bare ?? '');
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined && !fallback.includes('$')) return fallback;
    return whole;
  });
}
