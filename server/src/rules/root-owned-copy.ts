// PYD503: COPY leaves files owned by root that a non-root user writes later; large UIDs bloat lastlog.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { rootStage, stageChainInstructions, type Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import type { SimpleCommand } from '../shell/parser';
import { isPathOrUrl, pipInstall } from '../shell/pip';
import { baseName, effectiveWords } from '../shell/query';
import { accountCommand, accountHistory, accountSites, chainUsers, creationOf, type AccountHistory } from './account-helpers';
import { classifySource, copyOperands, joinPath, normalizePath, relativeWithin, sourcePathFor, substitute, variableLookupBefore, workdirBefore, type CopyOperands, type VariableLookup } from './copy-paths';
import { defineRule } from './define-rule';
import { insertAt, keywordRange } from './edit-helpers';
import { definedVariable, flagsOf, runMounts } from './helpers';
import type { Fix, RuleContext } from './types';

/** Official images whose file system belongs to root apart from the usual world-writable places. */
const ROOT_OWNED_IMAGES = new Set(['python', 'pypy', 'debian', 'ubuntu', 'alpine', 'buildpack-deps']);
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Directories that exist, owned by root, in Debian, Ubuntu and Alpine based official images. */
const STANDARD_DIRS = new Set([
  '/', '/bin', '/boot', '/etc', '/home', '/lib', '/lib64', '/media', '/mnt', '/opt', '/root', '/sbin', '/srv', '/usr',
  '/usr/bin', '/usr/lib', '/usr/local', '/usr/local/bin', '/usr/local/lib', '/usr/local/share', '/usr/local/src',
  '/usr/local/include', '/usr/share', '/usr/src', '/var', '/var/cache', '/var/lib', '/var/log', '/var/opt', '/var/spool',
]);

/** Places that are writable by everyone or not part of the image: never judged. */
const EXEMPT_ROOTS = ['/tmp', '/var/tmp', '/dev', '/proc', '/sys', '/run'];

/** Commands that may change who owns a path (or replace it) when run as root. */
const OWNERSHIP_CHANGERS = new Set(['chown', 'chgrp', 'chmod', 'setfacl', 'rm', 'rmdir', 'mv', 'cp', 'rsync', 'install', 'ln', 'tar', 'unzip', 'git', 'find', 'xargs']);

/** Commands that run their arguments as another user: the USER instruction no longer tells who writes. */
const USER_SWITCHERS = new Set(['sudo', 'su', 'gosu', 'su-exec', 'doas', 'runuser', 'setpriv', 'chroot']);

/** Commands that never create files from their arguments (their words are not paths). */
const HARMLESS = new Set(['echo', 'printf', 'true', 'false', 'test', '[', 'exit', 'set', 'export', 'sleep', 'command', 'which', 'type']);

/** Home and base directory options of the account tools (their other operands are names, not paths). */
const HOME_OPTIONS = /^(-d|--home-dir|--home|-h|-b|--base-dir)(=|$|(?<=^-[dhb]).)/;

const USERADD_BIG_UID = 100000;
/** Bytes per UID in `/var/log/lastlog` (`struct lastlog` on glibc: 4 + 32 + 256). */
const LASTLOG_RECORD = 292;

/** The effective `USER` before an instruction in its stage chain: `root` when none, null when unknown. */
function userBefore(model: DocumentModel, stage: Stage, info: InstructionInfo): string | null {
  const users = usersOf(model, stage);
  let user = 'root';
  // The last USER before `info` (binary search: this is asked per RUN and per COPY).
  let lo = 0;
  let hi = users.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((users[mid] as ChainUser).at < info.index) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0) user = (users[lo - 1] as ChainUser).value;
  return user === '' || /[$"'\\\s]/.test(user) ? null : user;
}

/** A USER instruction of a stage chain and its value. */
interface ChainUser {
  at: number;
  value: string;
}

const usersMemo = new WeakMap<Stage, ChainUser[]>();

/** The USER instructions of a stage chain, in order (chains are ordered: parents come first). */
function usersOf(model: DocumentModel, stage: Stage): ChainUser[] {
  let users = usersMemo.get(stage);
  if (!users) {
    users = chainUsers(model, stage).map((i) => ({ at: i.index, value: (i.node.getArgumentsContent() ?? '').trim() }));
    usersMemo.set(stage, users);
  }
  return users;
}

function isRootUser(value: string): boolean {
  // The user part before any `:group`, without splitting: asked per RUN of every stage.
  const colon = value.indexOf(':');
  const user = colon === -1 ? value : value.slice(0, colon);
  return user === 'root' || user === '0';
}

/** Whether the stage is built on an official image in which everything outside /tmp belongs to root. */
function rootOwnedBase(stage: Stage): boolean {
  const image = rootStage(stage).image;
  if (!image || image.unresolved) return false;
  if (image.isPython) return true;
  return (image.registry === null || DOCKER_HUB.has(image.registry)) && ROOT_OWNED_IMAGES.has(image.name);
}

/** World-writable places and home directories (owned by their users): never judged. */
function isExempt(path: string): boolean {
  return EXEMPT_ROOTS.some((root) => relativeWithin(path, root) !== null) || /^\/home\/[^/]+(\/|$)/.test(path);
}

/** A path a shell command mentions: resolved to an absolute path, or null when it cannot be. */
interface MentionedPath {
  word: Word;
  path: string | null;
}

/** One command of a RUN with its working directory (null when a `cd` made it unknown). */
interface CommandInContext {
  command: SimpleCommand;
  words: Word[];
  program: string;
  cwd: string | null;
  /** The ENV/ARG values in effect for the RUN. */
  vars: VariableLookup;
  /** {@link mentionedPaths}, once computed. */
  paths?: MentionedPath[];
}

/**
 * The commands of a RUN in order, following `cd` so relative paths can be resolved.
 * Null when the script was not fully understood.
 */
function commandsWithCwd(model: DocumentModel, info: InstructionInfo): CommandInContext[] | null {
  // Asked for every RUN once per COPY before it and once per COPY after it: read each RUN once.
  let known = commandsMemo.get(info);
  if (known === undefined) {
    known = readCommandsWithCwd(model, info);
    commandsMemo.set(info, known);
  }
  return known;
}

const commandsMemo = new WeakMap<InstructionInfo, CommandInContext[] | null>();

function readCommandsWithCwd(model: DocumentModel, info: InstructionInfo): CommandInContext[] | null {
  const script = model.shellOf(info);
  if (!script || script.error !== undefined || script.opaque.length > 0) return null;
  let cwd: string | null = workdirBefore(model, info)?.dir ?? null;
  const vars = variableLookupBefore(model, info);
  const out: CommandInContext[] = [];
  for (const command of script.commands) {
    const words = effectiveWords(command);
    const program = baseName(words[0]);
    out.push({ command, words, program, cwd, vars });
    if (program === 'cd' || program === 'pushd' || program === 'popd') {
      const target = words[1];
      // A `cd` inside `( … )` only lasts for the group; we do not track where it ends.
      cwd = target && cwd !== null && !target.hasExpansion && command.depth === 0 && program === 'cd' ? joinPath(cwd, target.value) : null;
    }
  }
  return out;
}

/** Resolves a word to an absolute path (ENV/ARG values substituted), or null when unknown. */
function resolveWord(value: string, cwd: string | null, vars: VariableLookup): string | null {
  const text = value.includes('$') ? substitute(value, vars) : value;
  if (text.includes('$') || text.includes('`')) return null;
  if (text.startsWith('/')) return joinPath('/', text);
  return cwd === null ? null : joinPath(cwd, text);
}

/** The paths a command mentions: operands and `--opt=value` values (only home options for account tools). */
function mentionedPaths(c: CommandInContext): MentionedPath[] {
  c.paths ??= readMentionedPaths(c, c.vars);
  return c.paths;
}

function readMentionedPaths(c: CommandInContext, vars: VariableLookup): MentionedPath[] {
  const out: MentionedPath[] = [];
  const add = (word: Word, value: string): void => {
    if (value !== '') out.push({ word, path: resolveWord(value, c.cwd, vars) });
  };
  const account = accountCommand(c.command) !== null;
  for (let i = 1; i < c.words.length; i++) {
    const word = c.words[i] as Word;
    const value = word.value;
    if (account) {
      // Account names are not paths; only home and base directories are.
      const m = HOME_OPTIONS.exec(value);
      if (!m) continue;
      if (m[2] === '=') add(word, value.slice(value.indexOf('=') + 1));
      else if (value === m[1]) {
        const next = c.words[++i];
        if (next) add(next, next.value);
      } else add(word, value.slice(2));
      continue;
    }
    if (value.startsWith('-')) {
      const eq = value.indexOf('=');
      if (eq >= 0) add(word, value.slice(eq + 1));
      continue;
    }
    add(word, value);
  }
  return out;
}

/** True when `a` lies in `b` or `b` lies in `a` (one contains the other). */
function related(a: string, b: string): boolean {
  return relativeWithin(a, b) !== null || relativeWithin(b, a) !== null;
}

/** Where a COPY/ADD puts files from the build context: the destination directory. */
interface CopyDestination {
  op: CopyOperands;
  dir: string;
  workdir: string;
}

const ARCHIVE_RE = /\.(tar|tgz|taz|tbz|tbz2|txz|tzst|gz|bz2|xz|zst|lz|lzma|lz4)$/i;

/** The directory a context COPY/ADD writes into, or null when it is not such a copy or unknown. */
function copyDestination(model: DocumentModel, info: InstructionInfo): CopyDestination | null {
  const op = copyOperands(model, info);
  const workdir = workdirBefore(model, info);
  if (!op || op.unresolved || !workdir || op.from !== null) return null;
  const kinds = op.sources.map(classifySource);
  if (kinds.includes('remote')) return null;
  // ADD unpacks local archives with the ownership stored in them.
  if (op.keyword === 'ADD' && op.sources.some((s) => ARCHIVE_RE.test(s) || classifySource(s) === 'glob')) return null;
  const intoDir = kinds.every((k) => k === 'context' || k === 'directory' || k === 'ambiguous');
  // Files land in a directory destination; `COPY app.py /srv/main.py` names the file itself.
  const destIsDir = op.dest.endsWith('/') || op.dest === '.' || op.dest === '..' || op.sources.length > 1 || kinds.includes('glob');
  if (!intoDir && !destIsDir) return null;
  return { op, dir: joinPath(workdir.dir, op.dest), workdir: workdir.dir };
}

/** Any destination path of a COPY/ADD (for "might this create or replace D?"), or null when unknown. */
function anyCopyTarget(model: DocumentModel, info: InstructionInfo): { dest: string; into: boolean } | null {
  const op = copyOperands(model, info);
  const workdir = workdirBefore(model, info);
  if (!op || op.unresolved || !workdir) return null;
  const into = op.sources.some((s) => ['context', 'directory', 'ambiguous', 'glob'].includes(classifySource(s)));
  return { dest: joinPath(workdir.dir, op.dest), into };
}

/** The resolved path of a WORKDIR instruction, or null. */
function workdirPath(model: DocumentModel, info: InstructionInfo): string | null {
  const raw = (info.node.getArgumentsContent() ?? '').trim();
  const before = workdirBefore(model, info);
  if (!before || raw === '' || /["'\\]/.test(raw)) return null;
  const value = substitute(raw, variableLookupBefore(model, info));
  return value.includes('$') ? null : joinPath(before.dir, value);
}

/**
 * Answers one check reuses: every COPY asks about every instruction before it, and every
 * finding about the accounts of its stage. Made per lint, never kept on the model.
 */
interface CheckMemo {
  /** {@link anyCopyTarget} per COPY/ADD. */
  targets: Map<InstructionInfo, { dest: string; into: boolean } | null>;
  /** {@link workdirPath} per WORKDIR. */
  workdirs: Map<InstructionInfo, string | null>;
  /** `accountHistory(model, stage, null)` per stage. */
  histories: Map<Stage, AccountHistory>;
  /** {@link claimsOf} per instruction: every COPY asks about the instructions before it. */
  claims: Map<InstructionInfo, Claims | null>;
  /** {@link CreatorIndex} per stage, once built. */
  creators: Map<Stage, CreatorIndex>;
  /** Per stage: how many instructions the COPYs asked about one by one, before the index was built. */
  scanned: Map<Stage, number>;
}

function newCheckMemo(): CheckMemo {
  return { targets: new Map(), workdirs: new Map(), histories: new Map(), claims: new Map(), creators: new Map(), scanned: new Map() };
}

/**
 * Which instructions of a stage chain {@link mayCreate} a directory, indexed by path so that
 * each COPY finds the first one without asking every instruction before it (which made long
 * stages with a non-root USER quadratic). Positions are in `stageChainInstructions(stage)`.
 * Only absolute, normalized paths are indexed; an instruction with any other is asked directly.
 */
interface CreatorIndex {
  /** First position of an instruction that may create any directory (a path it cannot resolve). */
  firstAny: number;
  /** Directory → first position of an instruction that touches it or a path inside it. */
  inside: Map<string, number>;
  /** Directory → first position of an instruction that may create paths anywhere below it (`COPY dir/ <it>`). */
  below: Map<string, number>;
  /** Positions (ascending) of instructions asked directly: RUNs we cannot parse, paths we cannot index. */
  direct: number[];
}

/** An absolute path as {@link relativeWithin} compares it (already normalized). */
function indexable(path: string): boolean {
  return path.startsWith('/') && normalizePath(path) === path;
}

/** `path` and every directory above it, up to `/` (for an indexable path). */
function selfAndAncestors(path: string): string[] {
  const out = [path];
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) out.push(path.slice(0, slash));
  if (path !== '/') out.push('/');
  return out;
}

function keepFirst(map: Map<string, number>, key: string, at: number): void {
  if (!map.has(key)) map.set(key, at);
}

/**
 * Which directories an instruction may have created or touched, as claims: `inside`, paths it
 * touches (so every directory above them); `below`, directories under which it may create
 * anything; `any`, every directory (a path it cannot resolve). {@link mayCreate} answers from
 * them and {@link CreatorIndex} indexes them, so both read an instruction the same way.
 */
interface Claims {
  any: boolean;
  inside: string[];
  below: string[];
}

/** The {@link Claims} of an instruction (read once per check), or null for a RUN we cannot parse. */
function claimsOf(model: DocumentModel, memo: CheckMemo, info: InstructionInfo): Claims | null {
  // Most instructions (ENV, ARG, LABEL, …) touch no directory: answered without a memo entry.
  if (!CLAIMING.has(info.keyword)) return NONE;
  let claims = memo.claims.get(info);
  if (claims === undefined) {
    claims = readClaims(model, memo, info);
    memo.claims.set(info, claims);
  }
  return claims;
}

/** The instructions that may create or touch a directory. */
const CLAIMING: ReadonlySet<string> = new Set(['WORKDIR', 'COPY', 'ADD', 'VOLUME', 'RUN']);
const ANY: Claims = Object.freeze({ any: true, inside: [], below: [] }) as Claims;
const NONE: Claims = Object.freeze({ any: false, inside: [], below: [] }) as Claims;

function readClaims(model: DocumentModel, memo: CheckMemo, info: InstructionInfo): Claims | null {
  const inside: string[] = [];
  const below: string[] = [];
  switch (info.keyword) {
    case 'WORKDIR': {
      const path = memoWorkdir(model, memo, info);
      if (path === null) return ANY;
      inside.push(path);
      break;
    }
    case 'COPY':
    case 'ADD': {
      const target = memoTarget(model, memo, info);
      if (target === null) return ANY;
      inside.push(target.dest);
      if (target.into) below.push(target.dest);
      break;
    }
    case 'VOLUME':
      for (const a of info.node.getArguments()) {
        const v = a.getValue().replace(/[[\]",]/g, '');
        if (v === '' || v.includes('$')) return ANY;
        const path = joinPath('/', v);
        inside.push(path);
        below.push(path);
      }
      break;
    case 'RUN': {
      const commands = commandsWithCwd(model, info);
      if (commands === null) return null;
      for (const c of commands) {
        if (HARMLESS.has(c.program)) continue;
        for (const m of mentionedPaths(c)) {
          if (m.path === null) return ANY;
          inside.push(m.path);
        }
      }
      break;
    }
    default:
      return NONE;
  }
  return { any: false, inside, below };
}

function creatorIndexOf(model: DocumentModel, memo: CheckMemo, stage: Stage, chain: readonly InstructionInfo[]): CreatorIndex {
  let index = memo.creators.get(stage);
  if (index !== undefined) return index;
  index = { firstAny: Infinity, inside: new Map(), below: new Map(), direct: [] };
  for (let k = 0; k < chain.length; k++) {
    const claims = claimsOf(model, memo, chain[k] as InstructionInfo);
    // Only absolute, normalized paths can be looked up by key; other claims are asked directly.
    if (claims === null || (!claims.any && !(claims.inside.every(indexable) && claims.below.every(indexable)))) index.direct.push(k);
    else if (claims.any) index.firstAny = Math.min(index.firstAny, k);
    else {
      for (const path of claims.inside) for (const dir of selfAndAncestors(path)) keepFirst(index.inside, dir, k);
      for (const dir of claims.below) keepFirst(index.below, dir, k);
    }
  }
  memo.creators.set(stage, index);
  return index;
}

/** Position of the first of the first `count` chain instructions that {@link mayCreate} `dir`, or -1. */
function firstCreator(model: DocumentModel, memo: CheckMemo, stage: Stage, chain: readonly InstructionInfo[], count: number, dir: string): number {
  // Asking the instructions one by one is cheapest for the few COPYs of a typical stage; once
  // that has cost as much as indexing the whole chain would, the index takes over (so a long
  // stage costs at most twice one pass over its chain, however many COPYs it has).
  const scanned = memo.scanned.get(stage) ?? 0;
  if (!indexable(dir) || (!memo.creators.has(stage) && scanned + count <= chain.length)) {
    memo.scanned.set(stage, scanned + count);
    for (let k = 0; k < count; k++) if (mayCreate(model, memo, chain[k] as InstructionInfo, dir)) return k;
    return -1;
  }
  const index = creatorIndexOf(model, memo, stage, chain);
  let best = Math.min(index.firstAny, index.inside.get(dir) ?? Infinity);
  for (const above of selfAndAncestors(dir)) best = Math.min(best, index.below.get(above) ?? Infinity);
  const limit = Math.min(best, count);
  for (const k of index.direct) {
    if (k >= limit) break;
    if (mayCreate(model, memo, chain[k] as InstructionInfo, dir)) return k;
  }
  return best < count ? best : -1;
}

function memoTarget(model: DocumentModel, memo: CheckMemo, info: InstructionInfo): { dest: string; into: boolean } | null {
  let target = memo.targets.get(info);
  if (target === undefined) {
    target = anyCopyTarget(model, info);
    memo.targets.set(info, target);
  }
  return target;
}

function memoWorkdir(model: DocumentModel, memo: CheckMemo, info: InstructionInfo): string | null {
  let path = memo.workdirs.get(info);
  if (path === undefined) {
    path = workdirPath(model, info);
    memo.workdirs.set(info, path);
  }
  return path;
}

function memoHistory(model: DocumentModel, memo: CheckMemo, stage: Stage): AccountHistory {
  let history = memo.histories.get(stage);
  if (history === undefined) {
    history = accountHistory(model, stage, null);
    memo.histories.set(stage, history);
  }
  return history;
}

/** Whether an earlier instruction may have created or touched `dir` (true when unsure). */
function mayCreate(model: DocumentModel, memo: CheckMemo, info: InstructionInfo, dir: string): boolean {
  const claims = claimsOf(model, memo, info);
  if (claims === null) return mentionsLastSegment(model, info, dir);
  if (claims.any) return true;
  for (const path of claims.inside) if (relativeWithin(path, dir) !== null) return true;
  for (const above of claims.below) if (relativeWithin(dir, above) !== null) return true;
  return false;
}

/** For RUNs we cannot parse: does the text mention the directory's name at all? */
function mentionsLastSegment(model: DocumentModel, info: InstructionInfo, dir: string): boolean {
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w.-])${escaped}([^\\w.-]|$)`).test(model.content.slice(info.start, info.end));
}

/**
 * Whether a RUN may change who owns `dir` itself: an ownership-changing command on it or on a
 * parent (`chown -R app /`), or on a path we cannot resolve. True when unsure.
 */
function changesOwnerOf(model: DocumentModel, info: InstructionInfo, dir: string): boolean {
  const commands = commandsWithCwd(model, info);
  if (commands === null) return mentionsLastSegment(model, info, dir);
  return commands.some((c) => OWNERSHIP_CHANGERS.has(c.program) && mentionedPaths(c).some((m) => m.path === null || relativeWithin(dir, m.path) !== null));
}

/** How the destination directory came to belong to root. */
interface DirState {
  /** `copy`: this COPY creates it; `image`: a standard directory of the base image; `workdir`: a WORKDIR run as root. */
  createdBy: 'copy' | 'image' | 'workdir';
}

/**
 * Whether the destination directory belongs to root right after the COPY, and why. With `copy`
 * a `--chown` gives the directory itself to the user too; an existing directory keeps its owner.
 * Null when we cannot prove it belongs to root.
 */
function destinationState(model: DocumentModel, memo: CheckMemo, stage: Stage, copy: InstructionInfo, dir: string): DirState | null {
  if (!rootOwnedBase(stage) || isExempt(dir)) return null;
  // The instructions before the COPY are a prefix of the chain (it is ordered): walked in place,
  // as every COPY asks this, and a copy of the prefix per COPY made long stages allocate quadratically.
  const chain = stageChainInstructions(stage);
  const earlier = firstAfter(chain, copy.index - 1);
  // COPY, WORKDIR and VOLUME never change the owner of a directory that already exists.
  const keepsOwner = (from: number): boolean => {
    for (let k = from; k < earlier; k++) {
      const i = chain[k] as InstructionInfo;
      if (i.keyword === 'RUN' && changesOwnerOf(model, i, dir)) return false;
    }
    return true;
  };
  if (STANDARD_DIRS.has(dir)) return keepsOwner(0) ? { createdBy: 'image' } : null;
  const creatorIndex = firstCreator(model, memo, stage, chain, earlier, dir);
  if (creatorIndex < 0) return { createdBy: 'copy' };
  const creator = chain[creatorIndex] as InstructionInfo;
  // A WORKDIR run as root creates the directory (and missing parents) owned by root; BuildKit
  // creates it for the current USER otherwise.
  const path = creator.keyword === 'WORKDIR' ? memoWorkdir(model, memo, creator) : null;
  if (path === null || relativeWithin(path, dir) === null) return null;
  const user = userBefore(model, stage, creator);
  if (user === null || !isRootUser(user)) return null;
  return keepsOwner(creatorIndex + 1) ? { createdBy: 'workdir' } : null;
}

/** A write under the destination by a non-root user. */
interface Write {
  run: InstructionInfo;
  command: SimpleCommand;
  user: string;
  /**
   * True when the write creates entries directly in the destination directory (or may), so it
   * needs that directory itself to be writable; false when it only writes into copied entries.
   */
  needsDestination: boolean;
}

interface ParsedWords {
  operands: Word[];
  /** Options present, as written without `=value` (`-p`, `--parents`) and as single letters (`p`). */
  flags: Set<string>;
}

/** getopt-style split into operands and options; `shortValue` letters and `longValue` names take a value. */
function parseWords(words: Word[], from: number, shortValue: string, longValue: ReadonlySet<string>): ParsedWords {
  const operands: Word[] = [];
  const flags = new Set<string>();
  for (let i = from; i < words.length; i++) {
    const v = (words[i] as Word).value;
    if (v === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (v.startsWith('--')) {
      const name = v.split('=')[0] as string;
      flags.add(name);
      if (!v.includes('=') && longValue.has(name)) i++;
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let k = 1; k < v.length; k++) {
        const c = v[k] as string;
        flags.add(c);
        if (shortValue.includes(c)) {
          if (k === v.length - 1) i++;
          break;
        }
      }
      continue;
    }
    operands.push(words[i] as Word);
  }
  return { operands, flags };
}

/** `python -m compileall …` operands, or null for other commands. */
function compileallTargets(words: Word[]): Word[] | null {
  if (!/^python(\d+(\.\d+)?)?$/.test(baseName(words[0]))) return null;
  const m = words.findIndex((w) => w.value === '-m');
  if (m < 0 || words[m + 1]?.value !== 'compileall') return null;
  return parseWords(words, m + 2, 'dspxirjoe', new Set(['--invalidation-mode'])).operands;
}

/** The build backend named in a project's pyproject.toml, when the file can be read. */
function buildBackend(ctx: RuleContext, dest: CopyDestination, project: string): string | null {
  const read = ctx.env.readContextFile;
  if (!read) return null;
  for (const source of dest.op.sources) {
    const rel = sourcePathFor(dest.op, source, dest.workdir, joinPath(project, 'pyproject.toml'));
    if (rel === null) continue;
    const text = read(rel);
    if (text === undefined) continue;
    const m = /^\s*build-backend\s*=\s*["']([^"']+)["']/m.exec(text);
    // Without a build-backend pip falls back to setuptools' legacy backend.
    return m ? (m[1] as string) : 'setuptools.build_meta:__legacy__';
  }
  return null;
}

/** One path a command writes below (or at) the destination. */
interface PathWrite {
  /** The command creates entries directly in the destination directory (or may). */
  needsDestination: boolean;
  /** The copied entry the write goes into (destination + first segment), or null for the destination itself. */
  entry: string | null;
}

/** The writes of one command at or below the destination (only kinds that need write access there). */
function writesOf(ctx: RuleContext, c: CommandInContext, dest: CopyDestination, stage: Stage, run: InstructionInfo): PathWrite[] {
  const vars = c.vars;
  const resolve = (w: Word): string | null => resolveWord(w.value, c.cwd, vars);
  const inDest = (p: string | null): p is string => p !== null && relativeWithin(p, dest.dir) !== null && !isExempt(p);
  const write = (p: string, needsDestination: boolean): PathWrite => {
    const rel = relativeWithin(p, dest.dir) as string;
    return { needsDestination, entry: rel === '.' ? null : joinPath(dest.dir, rel.split('/')[0] as string) };
  };
  if (c.program === 'mkdir') {
    const parsed = parseWords(c.words, 1, 'm', new Set(['--mode']));
    const parents = parsed.flags.has('p') || parsed.flags.has('--parents');
    // `mkdir -p` may create missing parents right in the destination; plain `mkdir` writes into the parent.
    return parsed.operands
      .map(resolve)
      .filter(inDest)
      .filter((p) => p !== dest.dir)
      .map((p) => write(p, parents || dirOf(p) === dest.dir));
  }
  if (c.program === 'touch') {
    const targets = parseWords(c.words, 1, 'drt', new Set(['--date', '--reference', '--time'])).operands.map(resolve).filter(inDest);
    return targets.map((p) => write(p, p === dest.dir || dirOf(p) === dest.dir));
  }
  const compiled = compileallTargets(c.words);
  if (compiled) {
    // With a pycache prefix the bytecode goes elsewhere.
    if (definedVariable(stage, run, 'PYTHONPYCACHEPREFIX') || c.command.assignments.some((a) => a.value.startsWith('PYTHONPYCACHEPREFIX='))) return [];
    return compiled.map(resolve).filter(inDest).map((p) => write(p, p === dest.dir));
  }
  const pip = pipInstall(c.command);
  if (!pip) return [];
  const out: PathWrite[] = [];
  for (const value of pip.values('-t', '--target', '--prefix', '--root', '--src')) {
    const p = resolveWord(value, c.cwd, vars);
    if (inDest(p)) out.push(write(p, true));
  }
  const projects = [...pip.packages.map((w) => w.value), ...pip.values('-e', '--editable')].filter(
    (v) => isPathOrUrl(v) && !/^[a-z+]+:\/\//i.test(v) && !v.includes(' @ ') && !/\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/.test(v),
  );
  for (const project of projects) {
    const p = resolveWord(project.replace(/\[[^\]]*\]$/, ''), c.cwd, vars);
    if (!inDest(p)) continue;
    // Only setuptools writes `build/` and `*.egg-info` into the project; other backends build elsewhere.
    const backend = buildBackend(ctx, dest, p);
    if (backend !== null && !backend.startsWith('setuptools')) continue;
    out.push(write(p, p === dest.dir));
  }
  return out;
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** Whether this COPY can have put `entry` (a path right below its destination) there. */
function brings(dest: CopyDestination, entry: string): boolean {
  return dest.op.sources.some((source) => sourcePathFor(dest.op, source, dest.workdir, entry) !== null);
}

/** Whether any COPY/ADD may put `entry` in place (true when its operands are unknown). */
function copyMayBring(model: DocumentModel, info: InstructionInfo, entry: string): boolean {
  const op = copyOperands(model, info);
  const workdir = workdirBefore(model, info);
  if (!op || op.unresolved || !workdir) return true;
  return op.sources.some((source) => sourcePathFor(op, source, workdir.dir, entry) !== null);
}

/** Mounts of a RUN that may cover `dir` (bind, cache and tmpfs mounts; secrets and ssh go elsewhere). */
function mountsOver(info: InstructionInfo, dir: string): boolean {
  return runMounts(info).some((m) => {
    const type = m.get('type') ?? 'bind';
    if (type === 'secret' || type === 'ssh') return false;
    const target = m.get('target') ?? m.get('dst') ?? m.get('destination');
    return target === undefined || related(joinPath('/', target), dir);
  });
}

/** Position of the first instruction of `list` (ordered by index) that comes after `index`. */
function firstAfter(list: readonly InstructionInfo[], index: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as InstructionInfo).index <= index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the stage's last RUN that runs as a known non-root user, or -1 (no write to look for). */
function lastNonRootRun(model: DocumentModel, stage: Stage): number {
  // Without a USER in the chain every RUN runs as root: most builder stages end here.
  if (usersOf(model, stage).length === 0) return -1;
  for (let k = stage.instructions.length - 1; k >= 0; k--) {
    const info = stage.instructions[k] as InstructionInfo;
    if (info.keyword !== 'RUN') continue;
    const user = userBefore(model, stage, info);
    if (user !== null && !isRootUser(user)) return info.index;
  }
  return -1;
}

/** The first write under `dest` by a non-root user after the COPY, or null (also when unsure). */
function firstWrite(ctx: RuleContext, stage: Stage, copy: InstructionInfo, dest: CopyDestination): Write | null {
  const { model } = ctx;
  /** Later COPYs with `--chown`: entries they bring belong to the user, the directory itself does not change. */
  const chowned: InstructionInfo[] = [];
  const broughtByChown = (entry: string): boolean => chowned.some((i) => copyMayBring(model, i, entry));
  for (let k = firstAfter(stage.instructions, copy.index); k < stage.instructions.length; k++) {
    const info = stage.instructions[k] as InstructionInfo;
    if ((info.keyword === 'COPY' || info.keyword === 'ADD') && flagsOf(info).some((f) => f.getName() === 'chown' || f.getName() === 'chmod')) chowned.push(info);
    if (info.keyword === 'WORKDIR') {
      const path = workdirPath(model, info);
      if (path === null || (relativeWithin(path, dest.dir) !== null && path !== dest.dir)) return null;
    }
    if (info.keyword !== 'RUN') continue;
    const commands = commandsWithCwd(model, info);
    if (commands === null) {
      if (mentionsLastSegment(model, info, dest.dir)) return null;
      continue;
    }
    const user = userBefore(model, stage, info);
    if (user === null) return null;
    if (mountsOver(info, dest.dir)) return null;
    for (const c of commands) {
      if (OWNERSHIP_CHANGERS.has(c.program) && mentionedPaths(c).some((m) => m.path === null || related(m.path, dest.dir))) return null;
      if (isRootUser(user) || USER_SWITCHERS.has(baseName(c.command.words[0]))) continue;
      // Writes into copied entries only concern the COPY that brought them.
      const found = writesOf(ctx, c, dest, stage, info).find((w) => {
        if (w.entry !== null && broughtByChown(w.entry)) return false;
        return w.needsDestination || (w.entry !== null && brings(dest, w.entry));
      });
      if (found) return { run: info, command: c.command, user, needsDestination: found.needsDestination };
    }
  }
  return null;
}

/**
 * The `--chown` value for the writing user. Names must exist when the COPY runs, so an account
 * created later is given by its literal ID (no fix when it has none).
 */
function chownValue(history: AccountHistory, copy: InstructionInfo, userValue: string): string | null {
  const colon = userValue.indexOf(':');
  const user = colon >= 0 ? userValue.slice(0, colon) : userValue;
  let group: string | null = colon >= 0 ? userValue.slice(colon + 1) : null;
  let owner = user;
  if (!/^\d+$/.test(user)) {
    const creation = creationOf(history, 'user', user);
    if (creation && creation.info.index > copy.index) {
      if (creation.account.id === null) return null;
      owner = creation.account.id;
    }
    if (group === null && creation) {
      group = creation.account.primaryGroup ?? (creation.account.userGroup ? user : null);
      // The user's own group appears together with the user: after the COPY it has no usable name yet.
      if (group === user && creation.account.userGroup && creation.info.index > copy.index) group = null;
    }
  } else if (group === null) {
    group = user;
  }
  if (group !== null && !/^\d+$/.test(group)) {
    const creation = creationOf(history, 'group', group);
    if (creation && creation.info.index > copy.index) group = creation.account.id;
  }
  return group === null || group === '' ? owner : `${owner}:${group}`;
}

/** Shortens a command for a message: `pip install --no-cache-dir .` stays, long ones end in `…`. */
function describe(command: SimpleCommand): string {
  const text = effectiveWords(command)
    .map((w) => w.value)
    .join(' ');
  return text.length <= 48 ? text : `${text.slice(0, 47).replace(/\s+\S*$/, '')} …`;
}

function checkCopies(ctx: RuleContext): void {
  const { model } = ctx;
  // Several COPYs into one root-owned directory share a write that needs the directory itself: report it once.
  const reported = new Set<string>();
  // Made when the first COPY is judged: most stages have no non-root RUN after their COPYs.
  let memo: CheckMemo | undefined;
  for (const stage of model.stages) {
    // Only a RUN as a non-root user can be the write this rule is about: COPYs after the last
    // one need no further look (this keeps typical files, which switch USER at the end, linear).
    const lastWriter = lastNonRootRun(model, stage);
    for (const copy of stage.instructions) {
      if (copy.index >= lastWriter) break;
      if (copy.keyword !== 'COPY' && copy.keyword !== 'ADD') continue;
      if (flagsOf(copy).some((f) => ['chown', 'chmod', 'from'].includes(f.getName()))) continue;
      const dest = copyDestination(model, copy);
      if (!dest) continue;
      const state = destinationState(model, (memo ??= newCheckMemo()), stage, copy, dest.dir);
      if (!state) continue;
      const write = firstWrite(ctx, stage, copy, dest);
      if (!write) continue;
      const key = `${dest.dir}|${write.run.index}|${write.command.index}`;
      if (state.createdBy !== 'copy' && write.needsDestination && reported.has(key)) continue;
      reported.add(key);
      const line = write.run.range.start.line + 1;
      const what = `\`${describe(write.command)}\` (line ${line})`;
      // `--chown` only helps when this COPY creates the directory, or the write goes into copied subdirectories.
      const fixable = state.createdBy === 'copy' || !write.needsDestination;
      const owner = fixable ? chownValue(memoHistory(model, memo, stage), copy, write.user) : null;
      const keyword = keywordRange(copy);
      const fixes: Fix[] =
        owner === null ? [] : [{ title: `Add \`--chown=${owner}\``, applicability: 'safe', edits: [insertAt(model, model.text.offsetAt(keyword.end), ` --chown=${owner}`)] }];
      const message =
        state.createdBy === 'copy'
          ? `\`${copy.keyword}\` creates \`${dest.dir}\` owned by root, but ${what} writes there as \`${write.user}\``
          : `\`${dest.dir}\` and the files \`${copy.keyword}\` puts there belong to root, but ${what} writes there as \`${write.user}\``;
      ctx.report({ range: copy.range, message, ...(fixes.length > 0 ? { fixes } : {}) });
    }
  }
}

/** `1000000` → `292 MB`. */
function lastlogSize(uid: number): string {
  const mb = (uid * LASTLOG_RECORD) / 1e6;
  if (mb >= 1000) return `${(mb / 1000).toPrecision(3)} GB`;
  return `${mb.toPrecision(3)} MB`;
}

function checkLargeUids(ctx: RuleContext): void {
  const { model } = ctx;
  // The model's account commands, in document order: read once for the rules that ask about accounts.
  for (const { account } of accountSites(model)) {
    const command = account.command;
    if (account.tool !== 'useradd' || account.creates !== 'user' || account.noLogInit || account.id === null) continue;
    const uid = Number(account.id);
    if (uid < USERADD_BIG_UID) continue;
    ctx.report({
      range: model.text.rangeOf(command.start, command.end),
      message: `\`useradd\` with UID ${account.id} and no \`--no-log-init\` grows \`/var/log/lastlog\` to about ${lastlogSize(uid)} in the image`,
      fixes: [{ title: 'Add `--no-log-init`', applicability: 'safe', edits: [insertAt(model, account.programWord.end, ' --no-log-init')] }],
    });
  }
}

export default defineRule({
  code: 'PYD503',
  name: 'root-owned-copy',
  title: 'Give files a non-root user writes to that user with `COPY --chown`',
  category: 'security',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  hadolint: ['DL3046'],
  docs: {
    whatItDoes:
      'Flags a `COPY` or `ADD` from the build context without `--chown` when a later RUN of the same stage, running as a non-root `USER`, writes under its destination: `pip install .` or `pip install --user .` of a project there (setuptools builds in the source tree), `python -m compileall` of it, or `mkdir`/`touch` inside it. It only speaks up when the destination provably belongs to root: the COPY creates it, or it is a standard directory of an official Debian, Ubuntu or Alpine based image, or a `WORKDIR` created it while running as root. The fix adds `--chown=<user>:<group>` for the writing user; it is offered only when that makes the write succeed (an existing root-owned directory keeps its owner even with `--chown`). The rule also flags `useradd` with a UID of six digits or more and no `-l`/`--no-log-init`; that fix adds `--no-log-init`. When the build context is available, a project whose `pyproject.toml` names another build backend (hatchling, flit, poetry-core, …) is not flagged for `pip install .`.',
    whyItMatters:
      '`COPY` and `ADD` create files owned by root (UID 0) whatever the current `USER` is. A non-root user then cannot create `build/` or `*.egg-info` (pip builds local projects in the source tree since 21.3), `__pycache__` directories or log folders there, and the build stops with "Permission denied" (S002 switches to `USER appuser` before `COPY . .` and `pip install --user .`). Separately, `useradd` reserves a 292-byte record per UID in the sparse `/var/log/lastlog`: UID 1000000 makes it about 292 MB, and image layers store the file in full.',
    example: 'FROM python:3.12-slim-bookworm\nRUN useradd --create-home appuser\nUSER appuser\nCOPY . /app\nRUN python -m compileall /app',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN useradd --create-home appuser\nUSER appuser\nCOPY --chown=appuser . /app\nRUN python -m compileall /app',
    references: [
      'https://docs.docker.com/reference/dockerfile/#copy---chown---chmod',
      'https://docs.docker.com/build/building/best-practices/#user',
      'https://pip.pypa.io/en/stable/news/#v21-3',
      'https://github.com/hadolint/hadolint/wiki/DL3046',
      'https://man7.org/linux/man-pages/man8/useradd.8.html',
    ],
  },
  check(ctx) {
    checkCopies(ctx);
    checkLargeUids(ctx);
  },
});
