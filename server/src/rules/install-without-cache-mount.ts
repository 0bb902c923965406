// PYD310: package installs in builder stages without a BuildKit cache mount, and pip cache mounts that cannot work.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import type { Word } from '../shell/lexer';
import { aptCommand, isAptProgram, mayBeAptTool } from '../shell/apt';
import { mayBePythonTool, pipArgumentsStart, pipInstall } from '../shell/pip';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords } from '../shell/query';
import type { Fix } from './types';
import { accountHistory, chainUsers, creationOf } from './account-helpers';
import { isWithin, joinPath, normalizePath } from './copy-paths';
import { defineRule } from './define-rule';
import { insertAt, keywordRange, replaceSpan } from './edit-helpers';
import { definedVariable, flagsOf } from './helpers';
import { addSyntaxDirective, mountsOf, rmOperands, servesPipDownloads, usesBuildKit, type MountInfo } from './layer-helpers';
import { optionValue, parsedRuns } from './run-scripts';

type Manager = 'pip' | 'uv' | 'poetry' | 'pipenv' | 'apt';

/** One install command and what it would cache. */
interface Install {
  manager: Manager;
  command: SimpleCommand;
  /** The command's words after wrappers (`sudo`, `env`, …). */
  words: readonly Word[];
  /** The subcommand word (`install`, `sync`): the diagnostic range runs from the program word to it. */
  last: Word;
  /** Options that turn the tool's cache off (`--no-cache-dir`, `--no-cache`). */
  noCache: readonly string[];
}

/** From the program word to the subcommand, for the diagnostic range and message. */
function headOf(install: Install): { start: number; end: number; text: string } {
  // Built only for a finding: most installs are never reported.
  const { words, last } = install;
  return { start: (words[0] as Word).start, end: last.end, text: headText(words, words.indexOf(last) + 1) };
}

/** Words that turn the tool's cache off. */
function noCacheWords(install: Install): Word[] {
  // Asked for every finding, and apt and Pipenv have no such option: no walk over their words.
  const noCache = install.noCache;
  if (noCache.length === 0) return [];
  const found: Word[] = [];
  for (const w of install.words) if (noCache.includes(w.value)) found.push(w);
  return found;
}

/**
 * Per tool: its cache directory under `$HOME/.cache`, the variable that moves it, and the
 * directories under `.cache` whose mount serves it (Pipenv also fills pip's cache).
 */
const TOOL_CACHE: Record<Exclude<Manager, 'apt'>, { sub: string; env: string; accepted: readonly string[] }> = {
  pip: { sub: 'pip', env: 'PIP_CACHE_DIR', accepted: ['pip'] },
  uv: { sub: 'uv', env: 'UV_CACHE_DIR', accepted: ['uv'] },
  poetry: { sub: 'pypoetry', env: 'POETRY_CACHE_DIR', accepted: ['pypoetry'] },
  pipenv: { sub: 'pipenv', env: 'PIPENV_CACHE_DIR', accepted: ['pipenv', 'pip'] },
};

/** `PIP_CACHE_DIR=` and the like: the prefix of an inline assignment, built once rather than per install. */
const ENV_PREFIX = Object.fromEntries(Object.entries(TOOL_CACHE).map(([tool, { env }]) => [tool, `${env}=`])) as Record<Exclude<Manager, 'apt'>, string>;

/** apt's download and list directories; a mount on any of them shows the author opted in. */
const APT_DIRS = ['/var/cache/apt', '/var/lib/apt'];
const APT_MOUNTS = '--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked';
/** Debian's image hook that empties `/var/cache/apt/archives` after every apt run. */
const DOCKER_CLEAN = '/etc/apt/apt.conf.d/docker-clean';

/** The first word from `from` on that is not an option: the subcommand. */
function subcommandAt(words: Word[], from: number): Word | null {
  for (let i = from; i < words.length; i++) {
    const w = words[i] as Word;
    if (!w.value.startsWith('-')) return w;
  }
  return null;
}

/** `pip install`, `python -m pip install`, `apt-get install`: the first `count` words, without options. */
function headText(words: readonly Word[], count: number): string {
  // One string per finding, without the intermediate arrays of a slice, filter, map and join.
  let text = count > 0 ? baseName(words[0]) : '';
  for (let k = 1; k < count; k++) {
    const v = (words[k] as Word).value;
    if (v === '-m' || (!v.startsWith('-') && !v.includes('='))) text += ` ${v}`;
  }
  return text;
}

/** Options that turn a tool's cache off, shared by every {@link Install} (read only). */
const PIP_NO_CACHE: readonly string[] = ['--no-cache-dir'];
const UV_NO_CACHE: readonly string[] = ['--no-cache', '-n'];
const POETRY_NO_CACHE: readonly string[] = ['--no-cache'];
const NO_OPTIONS: readonly string[] = [];

/** Recognises an install that downloads packages into a tool cache. */
function installOf(cmd: SimpleCommand): Install | null {
  // No closures or option lists per call: this runs for every command of every judged RUN.
  const words = effectiveWords(cmd);
  const first = words[0];
  if (!first) return null;
  // Most commands (`rm`, `mkdir`, `chown`, …) are settled by their first character.
  const python = mayBePythonTool(first);
  if (!python && !mayBeAptTool(first)) return null;
  const program = baseName(first);
  // apt's programs are none of the Python tools: straight to apt for them.
  if (!python) return subcommandAt(words, 1) ? aptInstallOf(cmd, words, program) : null;
  const pip = pipInstall(cmd);
  if (pip) return pip.runner === 'uv' ? makeInstall('uv', cmd, words, pip.installWord, UV_NO_CACHE) : makeInstall('pip', cmd, words, pip.installWord, PIP_NO_CACHE);
  const sub = subcommandAt(words, 1);
  if (!sub) return null;
  // `pip wheel` and `pip download` fill the same cache as `pip install`.
  const pipAt = pipArgumentsStart(words);
  const pipSub = pipAt > 0 ? subcommandAt(words, pipAt) : null;
  if (pipSub && (pipSub.value === 'wheel' || pipSub.value === 'download')) return makeInstall('pip', cmd, words, pipSub, PIP_NO_CACHE);
  if (program === 'uv') {
    if (sub.value === 'sync' || sub.value === 'add') return makeInstall('uv', cmd, words, sub, UV_NO_CACHE);
    const next = subcommandAt(words, words.indexOf(sub) + 1);
    if ((sub.value === 'pip' && next?.value === 'sync') || (sub.value === 'tool' && next?.value === 'install')) return makeInstall('uv', cmd, words, next, UV_NO_CACHE);
    return null;
  }
  if (program === 'poetry' && (sub.value === 'install' || sub.value === 'sync' || sub.value === 'add')) return makeInstall('poetry', cmd, words, sub, POETRY_NO_CACHE);
  if (program === 'pipenv' && (sub.value === 'install' || sub.value === 'sync')) return makeInstall('pipenv', cmd, words, sub, NO_OPTIONS);
  return null;
}

/** `apt-get install` and the like (the command has a subcommand word); null for anything else. */
function aptInstallOf(cmd: SimpleCommand, words: readonly Word[], program: string): Install | null {
  // `aptCommand` answers null for any other program: no lookup for them.
  if (!isAptProgram(program)) return null;
  const apt = aptCommand(cmd);
  return apt && apt.sub === 'install' && apt.subWord ? makeInstall('apt', cmd, words, apt.subWord, NO_OPTIONS) : null;
}

function makeInstall(manager: Manager, command: SimpleCommand, words: readonly Word[], last: Word, noCache: readonly string[]): Install {
  return { manager, command, words, last, noCache };
}

/** A tool's cache directory moved by a variable of the stage or the command line, if any. */
function customCacheDir(stage: Stage, info: InstructionInfo, install: Install): string | null {
  if (install.manager === 'apt') return null;
  const name = TOOL_CACHE[install.manager].env;
  const prefix = ENV_PREFIX[install.manager];
  let inline: Word | undefined;
  for (const a of install.command.assignments) {
    if (a.value.startsWith(prefix)) {
      inline = a;
      break;
    }
  }
  const value = inline ? inline.value.slice(name.length + 1) : definedVariable(stage, info, name) ?? optionValue(install.words, ['--cache-dir']);
  return value && value.startsWith('/') && !value.includes('$') ? normalizePath(value) : null;
}

/** The cache mounts of a RUN that serve a tool (its default directory, a parent `.cache`, or a custom directory). */
function servingMounts(mounts: readonly MountInfo[], install: Install, custom: string | null): readonly MountInfo[] {
  // Most RUNs have no mount at all: no filter (and closure) per install for them.
  if (mounts.length === 0) return NO_MOUNTS;
  return mounts.filter((m) => {
    if (m.target === null || (m.type !== 'cache' && m.type !== 'tmpfs')) return false;
    const target = m.target;
    if (install.manager === 'apt') return APT_DIRS.some((d) => isWithin(target, d));
    if (custom !== null && m.target === custom) return true;
    // pip's downloads go to `http` (`http-v2` since pip 23.3) under its cache: a mount there serves them.
    if (install.manager === 'pip' && servesPipDownloads(target, custom ?? '')) return true;
    return CACHE_TARGET_RE[install.manager].test(target);
  });
}

/** No mounts: one shared, read-only list for the RUNs without flags. */
const NO_MOUNTS: readonly MountInfo[] = Object.freeze([]);

/** Per tool: mount targets that serve its cache (`…/.cache` or `…/.cache/<accepted>`), compiled once. */
const CACHE_TARGET_RE = Object.fromEntries(
  Object.entries(TOOL_CACHE).map(([tool, { accepted }]) => [tool, new RegExp(`(^|/)\\.cache(/(${accepted.join('|')}))?$`)]),
) as Record<Exclude<Manager, 'apt'>, RegExp>;

// -- The user the RUN runs as ----------------------------------------------------------------

interface RunUser {
  root: boolean;
  /** Name or number as written in USER, or null for root by default. */
  name: string | null;
  uid: string | null;
  home: string | null;
}

/** A USER instruction of a stage chain: where it is and what it names (trimmed). */
interface UserAt {
  index: number;
  user: string;
}

/**
 * Lookups one check shares between its findings. Made per lint, never kept on the model:
 * the work is done once per lint, not hidden from the next one.
 */
interface CheckState {
  /** The USER instructions of each stage's chain, oldest first. */
  users?: Map<Stage, readonly UserAt[]>;
}

/** The USER instructions of a stage's chain, read once per check (installs ask per finding). */
function usersOf(model: DocumentModel, state: CheckState, stage: Stage): readonly UserAt[] {
  // Made on first use: only pip-style fixes and conflicts ask for the user.
  const known = (state.users ??= new Map());
  let users = known.get(stage);
  if (users === undefined) {
    users = chainUsers(model, stage).map((i) => ({ index: i.index, user: (i.node.getArgumentsContent() ?? '').trim() }));
    known.set(stage, users);
  }
  return users;
}

/** The USER in effect before `info`, with its UID and home directory when the Dockerfile proves them. */
function runUser(model: DocumentModel, state: CheckState, stage: Stage, info: InstructionInfo): RunUser {
  let user: string | null = null;
  // The chain lists stages oldest first, so its USERs come in document order: the last one before `info` counts.
  const users = usersOf(model, state, stage);
  for (let k = users.length - 1; k >= 0; k--) {
    const u = users[k] as UserAt;
    if (u.index < info.index) {
      user = u.user;
      break;
    }
  }
  const name = user === null ? null : (user.split(':')[0] ?? '').trim();
  if (name === null || name === 'root' || name === '0') return { root: true, name, uid: '0', home: '/root' };
  if (name === '' || name.includes('$')) return { root: false, name: null, uid: null, home: null };
  const homeVar = definedVariable(stage, info, 'HOME', ['ENV']);
  const explicitHome = homeVar && homeVar.startsWith('/') && !homeVar.includes('$') ? normalizePath(homeVar) : null;
  if (/^\d+$/.test(name)) return { root: false, name, uid: String(Number(name)), home: explicitHome };
  const history = accountHistory(model, stage, info);
  const site = history.uncertain ? null : creationOf(history, 'user', name);
  if (!site || site.account.uncertain) return { root: false, name, uid: null, home: explicitHome };
  return { root: false, name, uid: site.account.id, home: explicitHome ?? homeOf(site.account.command, site.account.tool, name) };
}

/**
 * The home directory an account command gives a user: `-d`/`--home-dir` (useradd), `--home`
 * (Debian adduser), `-h` (BusyBox adduser), or useradd's default `/home/<name>`. Null when it
 * depends on configuration we cannot see (adduser's system-account defaults, `-b`).
 */
function homeOf(cmd: SimpleCommand, tool: string, name: string): string | null {
  const words = effectiveWords(cmd).slice(1);
  const names = tool === 'useradd' ? ['-d', '--home-dir'] : ['--home', '-h'];
  const home = optionValue(words, names);
  if (home !== null) return home.startsWith('/') && !home.includes('$') ? normalizePath(home) : null;
  if (tool !== 'useradd' || optionValue(words, ['-b', '--base-dir']) !== null) return null;
  return `/home/${name}`;
}

// -- Fixes ------------------------------------------------------------------------------------

/** Removes one word and the blanks (or continuation) before it. */
function removeWord(model: DocumentModel, cmd: SimpleCommand, word: Word): TextEdit {
  // The assignments, then the words: the last one ending before `word`, else the first one after it.
  const prev = lastEndingBy(cmd.words, word.start) ?? lastEndingBy(cmd.assignments, word.start);
  if (prev) return replaceSpan(model, prev.end, word.end, '');
  const next = firstStartingFrom(cmd.assignments, word.end) ?? firstStartingFrom(cmd.words, word.end);
  return replaceSpan(model, word.start, next ? next.start : word.end, '');
}

/** The last word of `list` (in list order) that ends at or before `offset`. */
function lastEndingBy(list: readonly Word[], offset: number): Word | undefined {
  for (let k = list.length - 1; k >= 0; k--) {
    const w = list[k] as Word;
    if (w.end <= offset) return w;
  }
  return undefined;
}

/** The first word of `list` that starts at or after `offset`. */
function firstStartingFrom(list: readonly Word[], offset: number): Word | undefined {
  for (const w of list) if (w.start >= offset) return w;
  return undefined;
}

function keywordEnd(model: DocumentModel, info: InstructionInfo): number {
  return model.text.offsetAt(keywordRange(info).end);
}

/** Whether an earlier RUN of the chain (or this one) already disabled Debian's docker-clean hook. */
function dockerCleanHandled(model: DocumentModel, stage: Stage, info: InstructionInfo): boolean {
  return firstDockerCleanRun(model, stage) <= info.index;
}

/**
 * Index of the first RUN of the stage chain that deals with docker-clean (Infinity for none).
 * Memoized per stage: every apt install of a builder stage asks, and a scan per install made
 * long stages quadratic. Guarded by the chain's length like the other per-stage memos.
 */
function firstDockerCleanRun(model: DocumentModel, stage: Stage): number {
  const chain = stageChainInstructions(stage);
  const known = dockerCleanMemo.get(stage);
  if (known && known.count === chain.length) return known.first;
  let first = Infinity;
  for (const i of chain) {
    if (i.index < first && i.keyword === 'RUN' && /docker-clean|Keep-Downloaded-Packages/.test(model.content.slice(i.start, i.end))) first = i.index;
  }
  dockerCleanMemo.set(stage, { count: chain.length, first });
  return first;
}

const dockerCleanMemo = new WeakMap<Stage, { count: number; first: number }>();

/**
 * Whether a command only empties apt's download cache or lists (`apt-get clean`,
 * `rm -rf /var/lib/apt/lists/*`). Under the cache mounts of the fix it would empty the mounts on
 * every build, so that nothing is ever reused, and `rm -rf /var/lib/apt` would even fail on the
 * mount point; what it kept out of the layer stays out anyway, since mounts are never committed.
 */
function emptiesAptCache(cmd: SimpleCommand): boolean {
  if (cmd.assignments.length > 0 || cmd.redirects.length > 0 || cmd.negated || cmd.depth !== 0) return false;
  const apt = aptCommand(cmd);
  if (apt) return (apt.sub === 'clean' || apt.sub === 'autoclean' || apt.sub === 'auto-clean') && apt.packages.length === 0;
  const operands = rmOperands(cmd);
  if (operands === null || operands.length === 0) return false;
  return operands.every((op) => !op.includes('$') && APT_DIRS.some((d) => isWithin(normalizePath(op.replace(/\/\*+$/, '')), d)));
}

/**
 * Edits that remove the apt cleanup commands of a plain `&&`/`;` chain, a run of neighbours at a
 * time (one span per run, so the edits never overlap). The first command stays: the fix inserts
 * before it. Returns null when a cleanup cannot be removed without touching other commands.
 */
function aptCleanupRemoval(model: DocumentModel, script: ShellScript): TextEdit[] | null {
  const commands = script.commands;
  const edits: TextEdit[] = [];
  if (!commands.some((c, k) => k > 0 && emptiesAptCache(c))) return edits;
  if (script.error !== undefined || script.opaque.length > 0 || commands.some((c) => c.depth !== 0)) return null;
  const sequential = (c: SimpleCommand | undefined): boolean => c === undefined || c.connector === '&&' || c.connector === ';';
  for (let a = 1; a < commands.length; a++) {
    if (!emptiesAptCache(commands[a] as SimpleCommand)) continue;
    let b = a;
    while (b + 1 < commands.length && emptiesAptCache(commands[b + 1] as SimpleCommand)) b++;
    const prev = commands[a - 1] as SimpleCommand;
    const next = commands[b + 1];
    // The connectors after the previous command and after each removed one (the last command has none).
    for (let k = a - 1; k <= (next ? b : b - 1); k++) if (!sequential(commands[k])) return null;
    if (next) edits.push(replaceSpan(model, (commands[a] as SimpleCommand).start, next.start, ''));
    else {
      const last = commands[b] as SimpleCommand;
      const end = last.connectorToken ? last.connectorToken.end : last.end;
      // The previous command would end the instruction: an escape character there would join the next line.
      if (model.content.charAt(prev.end - 1) === model.escapeChar) return null;
      edits.push(replaceSpan(model, prev.end, end, ''));
    }
    a = b;
  }
  return edits;
}

/** The CONFIRM fix of the builder finding, or null when the cache directory cannot be derived. */
function mountFix(model: DocumentModel, state: CheckState, stage: Stage, info: InstructionInfo, script: ShellScript, install: Install, custom: string | null): Fix | null {
  const edits: TextEdit[] = [];
  const syntax = addSyntaxDirective(model);
  if (syntax) edits.push(syntax);
  const at = keywordEnd(model, info);
  if (install.manager === 'apt') {
    // Cleanup that would empty the new mounts goes, or the mounts would keep nothing.
    const cleanup = aptCleanupRemoval(model, script);
    if (cleanup === null) return null;
    edits.push(insertAt(model, at, ` ${APT_MOUNTS}`));
    const first = script.commands[0];
    if (!dockerCleanHandled(model, stage, info) && first) edits.push(insertAt(model, first.start, `rm -f ${DOCKER_CLEAN} && `));
    edits.push(...cleanup);
    const title = cleanup.length > 0 ? 'Add BuildKit cache mounts on `/var/cache/apt` and `/var/lib/apt` and drop the cleanup that would empty them' : 'Add BuildKit cache mounts on `/var/cache/apt` and `/var/lib/apt`';
    return { title, applicability: 'unsafe', edits };
  }
  const tool = TOOL_CACHE[install.manager];
  // A cache switched off by a variable of the stage would need an ENV edit that other RUNs share.
  const off = install.manager === 'pip' ? 'PIP_NO_CACHE_DIR' : install.manager === 'uv' ? 'UV_NO_CACHE' : 'POETRY_NO_CACHE';
  if (definedVariable(stage, info, off) || install.command.assignments.some((a) => a.value.startsWith(`${off}=`))) return null;
  const user = runUser(model, state, stage, info);
  let target: string;
  let owner = '';
  if (custom !== null) target = custom;
  else if (user.root) target = `/root/.cache/${tool.sub}`;
  else if (user.home !== null && user.uid !== null) {
    target = joinPath(user.home, `.cache/${tool.sub}`);
    owner = `,uid=${user.uid}`;
  } else return null;
  if (!/^[A-Za-z0-9._/@+-]+$/.test(target)) return null;
  edits.push(insertAt(model, at, ` --mount=type=cache,target=${target}${owner}`));
  for (const w of noCacheWords(install)) edits.push(removeWord(model, install.command, w));
  return { title: `Add a BuildKit cache mount on \`${target}\``, applicability: 'unsafe', edits };
}

// -- Conflicts ----------------------------------------------------------------------------------

/** A pip cache mount that cannot work, with its SAFE fix when one is proven. */
interface Conflict {
  range: { start: number; end: number };
  message: string;
  fix: Fix | null;
}

function pipConflicts(model: DocumentModel, state: CheckState, stage: Stage, info: InstructionInfo, install: Install, mount: MountInfo, custom: string | null): Conflict[] {
  const out: Conflict[] = [];
  const target = mount.target as string;
  const head = headOf(install);
  for (const w of noCacheWords(install)) {
    out.push({
      range: { start: w.start, end: w.end },
      message: `\`--no-cache-dir\` turns off the pip cache that the cache mount on \`${target}\` is there to keep`,
      fix: { title: 'Remove `--no-cache-dir`', applicability: 'safe', edits: [removeWord(model, install.command, w)] },
    });
  }
  const inline = install.command.assignments.find((a) => a.value.startsWith('PIP_NO_CACHE_DIR='));
  if (inline) {
    out.push({
      range: { start: inline.start, end: inline.end },
      message: `\`PIP_NO_CACHE_DIR\` turns off the pip cache that the cache mount on \`${target}\` is there to keep`,
      fix: { title: 'Remove `PIP_NO_CACHE_DIR`', applicability: 'safe', edits: [removeWord(model, install.command, inline)] },
    });
  } else if (definedVariable(stage, info, 'PIP_NO_CACHE_DIR')) {
    out.push({ range: head, message: `\`PIP_NO_CACHE_DIR\` from an \`ENV\` turns off the pip cache that the cache mount on \`${target}\` is there to keep`, fix: null });
  }
  if ((target === '/root' || target.startsWith('/root/')) && custom !== target) {
    const user = runUser(model, state, stage, info);
    if (!user.root && definedVariable(stage, info, 'HOME', ['ENV']) !== '/root') {
      const rest = target === '/root' ? '' : target.slice('/root'.length);
      const fix = user.home !== null && user.uid !== null ? retargetFix(model, info, mount, joinPath(user.home, rest.replace(/^\//, '') || '.'), user.uid) : null;
      out.push({
        range: head,
        message: `The cache mount on \`${target}\` is not used: \`${head.text}\` runs as \`${user.name ?? 'a non-root user'}\`, whose pip cache is under its own home`,
        fix,
      });
    }
  }
  return out;
}

/** Rewrites a mount's target (and owner) in place; null when the flag cannot be located. */
function retargetFix(model: DocumentModel, info: InstructionInfo, mount: MountInfo, target: string, uid: string): Fix | null {
  const flag = flagsOf(info).find((f) => f.getName() === 'mount' && (f.getValue() ?? '').includes(`=${rawTarget(mount)}`));
  const range = flag?.getValueRange();
  if (!flag || !range) return null;
  const parts = (flag.getValue() ?? '').split(',').filter((p) => !/^(uid|gid)=/.test(p.trim()));
  const rewritten = parts.map((p) => (/^(target|dst|destination)=/.test(p.trim()) ? `${p.slice(0, p.indexOf('=') + 1)}${target}` : p));
  rewritten.push(`uid=${uid}`);
  const start = model.text.offsetAt(range.start);
  const end = model.text.offsetAt(range.end);
  if (model.content.slice(start, end) !== flag.getValue()) return null;
  return { title: `Mount the cache on \`${target}\` for UID ${uid}`, applicability: 'safe', edits: [replaceSpan(model, start, end, rewritten.join(','))] };
}

function rawTarget(mount: MountInfo): string {
  return mount.options.get('target') ?? mount.options.get('dst') ?? mount.options.get('destination') ?? '';
}

export default defineRule({
  code: 'PYD310',
  name: 'install-without-cache-mount',
  title: 'Use BuildKit cache mounts for package downloads in builder stages',
  category: 'layers-and-cache',
  defaultSeverity: 'hint',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'In stages that do not ship (builder stages) of a Dockerfile that already relies on BuildKit (a `# syntax=` line, `RUN --mount`, `COPY --link`/`--chmod`, heredocs), flags pip (`install`, `wheel`, `download`), uv, Poetry, Pipenv and apt installs whose `RUN` has no cache mount on the tool\'s cache directory: pip → `~/.cache/pip`, uv → `~/.cache/uv`, Poetry → `~/.cache/pypoetry`, Pipenv → `~/.cache/pipenv` (a mount on `~/.cache`, on pip\'s download directory `~/.cache/pip/http` or `http-v2`, or on the directory set by `PIP_CACHE_DIR`-style variables or `--cache-dir`, counts too, also when the mount target names that variable), apt → `/var/cache/apt` and `/var/lib/apt`. This is a hint; files that show no sign of BuildKit are left alone, since the legacy builder and some CI builders reject `--mount`. ' +
      'In every stage it also flags a pip cache mount that cannot work, as info: combined with `--no-cache-dir` or `PIP_NO_CACHE_DIR`, or under `/root` while the `RUN` runs as a non-root user. The final image is PYD201\'s business (`--no-cache-dir`).',
    whyItMatters:
      'A cache mount keeps the downloaded wheels, archives and `.deb` files in BuildKit\'s cache between builds, outside every layer: after a change to one requirement, the next build downloads only what changed instead of everything, and nothing of the cache is shipped. Docker\'s Python guide and uv\'s Docker guide both use it, and hadolint\'s DL3042 accepts a pip cache mount in place of `--no-cache-dir`. ' +
      'A mount that pip cannot use only looks like caching: `--no-cache-dir` and `PIP_NO_CACHE_DIR` switch the cache off, and a non-root user neither looks under `/root` nor can write into a mount owned by root.',
    example:
      '# syntax=docker/dockerfile:1\nFROM python:3.12-slim-bookworm AS build\nRUN python -m venv /opt/venv\nCOPY requirements.txt .\nRUN /opt/venv/bin/pip install -r requirements.txt\n\nFROM python:3.12-slim-bookworm\nCOPY --from=build /opt/venv /opt/venv',
    useInstead:
      '# syntax=docker/dockerfile:1\nFROM python:3.12-slim-bookworm AS build\nRUN python -m venv /opt/venv\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip /opt/venv/bin/pip install -r requirements.txt\n\nFROM python:3.12-slim-bookworm\nCOPY --from=build /opt/venv /opt/venv',
    fixSafety:
      'The builder fix adds `--mount=type=cache,target=<cache directory>` after `RUN`, removes `--no-cache-dir` (or uv\'s and Poetry\'s `--no-cache`) from that command, and adds `# syntax=docker/dockerfile:1` as the first line when the file selects no frontend yet. For apt it mounts `/var/cache/apt` and `/var/lib/apt` with `sharing=locked` and puts `rm -f /etc/apt/apt.conf.d/docker-clean && ` in front of the script, because that Debian hook would empty the cache after every install; commands of the same RUN that only empty those directories (`apt-get clean`, `rm -rf /var/lib/apt/lists/*`) are removed, since they would empty the mounts on every build while the mounts already keep those files out of the layer (no fix when they cannot be removed cleanly). ' +
      'It is left out of fix-all and fix on save: cache mounts need BuildKit (the default builder since Docker Engine 23; the legacy builder and some CI builders reject `--mount`), and the cache lives on the build machine, so CI runners without a persistent BuildKit cache gain nothing. For a non-root `USER` the fix needs the user\'s home directory and UID from the Dockerfile (it adds `uid=`); when they are unknown, or when an `ENV` turns the cache off, no fix is offered. ' +
      'The fixes of the conflict findings (remove `--no-cache-dir` or an inline `PIP_NO_CACHE_DIR`, move the mount to the user\'s home with its UID) are safe: they change what pip keeps in the build cache, never what it installs.',
    references: [
      'https://docs.docker.com/build/cache/optimize/#use-cache-mounts',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypecache',
      'https://docs.astral.sh/uv/guides/integration/docker/#caching',
      'https://pip.pypa.io/en/stable/topics/caching/',
      'https://github.com/hadolint/hadolint/wiki/DL3042',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // Cache mounts need BuildKit: only files that already rely on it get the builder hint
    // (asked when a builder stage has a RUN to judge).
    let knownBuildKit: boolean | undefined;
    const buildKit = (): boolean => (knownBuildKit ??= usesBuildKit(model));
    const state: CheckState = {};
    for (const { stage, info, script } of parsedRuns(model)) {
      // Without a mount there is no conflict to find, and shipping stages (or files without BuildKit)
      // get no hint; a RUN without flags has no mount, which needs no parsing to see.
      const mounts = flagsOf(info).length > 0 ? mountsOf(info, model) : NO_MOUNTS;
      if (mounts.length === 0 && (stage.ships || !buildKit())) continue;
      for (const command of script.commands) {
        const install = installOf(command);
        if (!install) continue;
        const custom = customCacheDir(stage, info, install);
        const serving = servingMounts(mounts, install, custom);
        const cacheMount = serving.find((m) => m.type === 'cache');
        if (install.manager === 'pip' && cacheMount) {
          for (const c of pipConflicts(model, state, stage, info, install, cacheMount, custom)) {
            const range = model.text.rangeOf(c.range.start, c.range.end);
            ctx.report(c.fix ? { range, message: c.message, severity: 'info', fixes: [c.fix] } : { range, message: c.message, severity: 'info' });
          }
        }
        if (stage.ships || serving.length > 0 || !buildKit()) continue;
        const fix = mountFix(model, state, stage, info, script, install, custom);
        const head = headOf(install);
        const range = model.text.rangeOf(head.start, head.end);
        const message = `\`${head.text}\` downloads everything again whenever this builder layer is rebuilt: a BuildKit cache mount keeps the downloads between builds without putting them in a layer`;
        // Literals rather than a spread of a fresh object per finding (hundreds on large files).
        ctx.report(fix ? { range, message, severity: 'hint', fixes: [fix] } : { range, message, severity: 'hint' });
      }
    }
  },
});
