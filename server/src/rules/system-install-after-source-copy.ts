// PYD309: apt/apk installs placed after a COPY of application files, so every code edit re-runs them.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import { aptCommand, apkCommand } from '../shell/apt';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords, fullyUnderstood, programName } from '../shell/query';
import type { Fix } from './types';
import { copyOperands, joinPath, normalizePath, substitute, variableLookupBefore, workdirBefore, type VariableLookup } from './copy-paths';
import { defineRule } from './define-rule';
import { insertAt } from './edit-helpers';
import { blockStartLine, lineEnd, mountsOf, removeBlocks, type MountInfo } from './layer-helpers';

/** Destinations that configure the system (apt sources, keys, certificates, …), not the app. */
const SYSTEM_DIRS = ['/etc', '/usr', '/var', '/lib', '/lib32', '/lib64', '/libx32', '/bin', '/sbin', '/boot', '/root', '/run', '/sys', '/proc', '/dev'];
/** Programs that change how apt/apk work (repositories, keys, configuration) or may run anything. */
const CONFIGURING = /^(apt|apt-get|apt-key|apt-cache|aptitude|add-apt-repository|dpkg|dpkg-reconfigure|debconf-set-selections|apk|gpg|gpg2|update-ca-certificates|sh|bash|dash|ash|zsh|eval|source|\.|install_packages)$/;
/** Text in another RUN that suggests it touches the package manager's configuration. */
const CONFIG_TEXT_RE = /\/etc\/|sources\.list|keyring|apt\.conf/;
/** Commands that may sit in a moved RUN next to the package installs without reading the app's files. */
const SYSTEM_COMMANDS = /^(apt|apt-get|aptitude|apk|rm|ln|mkdir|useradd|groupadd|adduser|addgroup|update-ca-certificates|true|echo)$/;
/** Instructions that change how a moved RUN would run. */
const CONTEXT_KEYWORDS = new Set(['USER', 'WORKDIR', 'SHELL']);
/** Variables that apt, apk or dpkg read from the environment without the RUN naming them. */
const IMPLICIT_VARIABLE_RE = /^(DEBIAN_\w+|DEBCONF_\w+|APT_\w+|[a-z]+_proxy|[A-Z]+_PROXY|PATH|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|HOME)$/;

/** The paths a RUN's words refer to, resolved against its working directory. */
interface References {
  paths: string[];
  /** A word with an unresolved variable or an unknown working directory: it could be anything. */
  unknown: boolean;
}

/** The value of a word as a possible path: option values after `=`, nothing for plain options and URLs. */
function pathCandidate(value: string): string | null {
  let v = value;
  if (v.startsWith('-')) {
    const eq = v.indexOf('=');
    if (eq < 0) return null;
    v = v.slice(eq + 1);
  }
  if (v === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return null;
  const looksLikePath = v.startsWith('/') || v.startsWith('.') || v.startsWith('~') || v.includes('/') || /\.[A-Za-z][A-Za-z0-9]{0,5}$/.test(v);
  return looksLikePath ? v : null;
}

/** Programs that change the working directory mid-script, so words after them are not relative to WORKDIR. */
const CHANGES_DIR = /^(cd|pushd|popd)$/;

/**
 * Every path-like word (and redirection target) of a script, made absolute. With `readsCwd`,
 * programs other than the package managers count as reading their working directory.
 */
function referencesOf(model: DocumentModel, info: InstructionInfo, script: ShellScript, readsCwd: boolean): References {
  const commands = script.commands;
  // Indexed loops and no word list: this runs for every RUN before every install, too rarely for
  // V8 to optimise away for-of iterators or the copies a collected list of words would need.
  let changesDir = false;
  let readsOwnCwd = false;
  for (let i = 0; i < commands.length; i++) {
    const program = programName(commands[i] as SimpleCommand);
    if (CHANGES_DIR.test(program)) changesDir = true;
    if (readsCwd && !readsOwnCwd && !SYSTEM_COMMANDS.test(program)) readsOwnCwd = true;
  }
  const vars = variableLookupBefore(model, info);
  const cwd = changesDir ? null : workdirBefore(model, info)?.dir ?? null;
  const refs: References = { paths: [], unknown: false };
  const mounts = mountsOf(info);
  for (let i = 0; i < mounts.length; i++) {
    const target = (mounts[i] as MountInfo).target;
    if (target !== null) refs.paths.push(target);
  }
  // Other programs may read their working directory without naming it (`make`, `pip install`
  // with a config file, `npm ci`): the directory then counts as referenced.
  if (readsOwnCwd) {
    if (cwd === null) refs.unknown = true;
    else refs.paths.push(cwd);
  }
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i] as SimpleCommand;
    // `NAME=value` counts by its value, so a path in an inline variable counts too.
    for (let k = 0; k < c.assignments.length; k++) {
      const a = c.assignments[k] as Word;
      addReference(refs, a.value.slice(a.value.indexOf('=') + 1), a.hasExpansion, vars, cwd);
    }
    // The name after `apk add --virtual` (`.build-deps`) is a package name, not a file.
    for (let k = 0; k < c.words.length; k++) {
      const before = k > 0 ? (c.words[k - 1] as Word).value : undefined;
      const w = c.words[k] as Word;
      if (before !== '--virtual' && before !== '-t') addReference(refs, w.value, w.hasExpansion, vars, cwd);
    }
    for (let k = 0; k < c.redirects.length; k++) {
      const target = (c.redirects[k] as (typeof c.redirects)[number]).target;
      if (target) addReference(refs, target.value, target.hasExpansion, vars, cwd);
    }
  }
  return refs;
}

/** Adds the path a word's value names (if any) to `refs`, or marks them unknown when it cannot tell. */
function addReference(refs: References, raw: string, hasExpansion: boolean, vars: VariableLookup, cwd: string | null): void {
  const value = hasExpansion ? substitute(raw, vars) : raw;
  if (value.includes('$') || value.includes('`')) {
    refs.unknown = true;
    return;
  }
  const path = pathCandidate(value);
  if (path === null) return;
  if (path.startsWith('~')) refs.unknown = true;
  else if (path.startsWith('/')) refs.paths.push(globFree(normalizePath(path)));
  else if (cwd === null) refs.unknown = true;
  else refs.paths.push(globFree(joinPath(cwd, path)));
}

/** The directory part before the first glob character (`/app/*.deb` → `/app`). */
function globFree(path: string): string {
  const glob = path.search(/[*?[]/);
  if (glob < 0) return path;
  const cut = path.slice(0, glob);
  return normalizePath(cut.slice(0, cut.lastIndexOf('/') + 1) || '/');
}

/** Whether two absolute paths overlap: one equals or contains the other. */
function overlaps(a: string, b: string): boolean {
  return a === b || under(a, b) || under(b, a);
}

/** `x.startsWith(dir + '/')` (or `dir` is the root) without building the string: walks call this per pair. */
function under(x: string, dir: string): boolean {
  return dir === '/' || (x.length > dir.length && x.charCodeAt(dir.length) === SLASH && x.startsWith(dir));
}

const SLASH = 0x2f;

/** A COPY/ADD seen before the install, classified for this install. */
interface CopyEntry {
  info: InstructionInfo;
  /** Absolute destination, or null when it cannot be resolved. */
  dest: string | null;
  /** From the build context (not `--from`, not only URLs). */
  fromContext: boolean;
  /** `dest` is a system directory ({@link isSystemDest}). */
  system: boolean;
}

/** The entry of a COPY/ADD (read once per lint: see {@link Readings}). */
function copyEntry(model: DocumentModel, info: InstructionInfo): CopyEntry {
  const op = copyOperands(model, info);
  if (!op || op.unresolved) return { info, dest: null, fromContext: false, system: false };
  const workdir = op.dest.startsWith('/') ? '/' : workdirBefore(model, info)?.dir ?? null;
  const dest = workdir === null ? null : joinPath(workdir, op.dest);
  const remoteOnly = op.sources.every((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@'));
  return { info, dest, fromContext: op.from === null && !remoteOnly, system: dest !== null && isSystemDest(dest) };
}

function isSystemDest(dest: string): boolean {
  return dest === '/' || SYSTEM_DIRS.some((d) => dest === d || under(dest, d));
}

/** Whether a RUN between the COPY and the install, with its {@link preparedPaths} `own`, might prepare what the install needs. */
function preparesInstall(own: References | null, refs: References): boolean {
  // It creates or changes a path that the install uses (a venv, a downloaded .deb, …).
  return own === null || own.unknown || own.paths.some((p) => refs.paths.some((r) => overlaps(p, r)));
}

/**
 * The paths a RUN refers to when judged as a step before an install, or null when it may
 * prepare any install (read once per lint: see {@link Readings}).
 */
function preparedPaths(model: DocumentModel, info: InstructionInfo): References | null {
  const script = model.shellOf(info);
  if (!script || !fullyUnderstood(script)) return null;
  if (CONFIG_TEXT_RE.test(model.content.slice(script.start, script.end))) return null;
  if (script.commands.some((c) => CONFIGURING.test(baseName(effectiveWords(c)[0])) || /(^|\/)[^/]*\.sh$|^\.\.?\//.test(effectiveWords(c)[0]?.value ?? ''))) return null;
  return referencesOf(model, info, script, false);
}

/** The first package install of a script (apt install or apk add), or null. */
function packageInstall(script: ShellScript): { command: SimpleCommand; head: Word; tool: string } | null {
  for (const command of script.commands) {
    const apt = aptCommand(command);
    if (apt && apt.sub === 'install' && apt.subWord) return { command, head: apt.subWord, tool: `${apt.tool} install` };
    const apk = apkCommand(command);
    if (apk && apk.sub === 'add' && apk.subWord) return { command, head: apk.subWord, tool: 'apk add' };
  }
  return null;
}

/** A short label of a COPY for messages: `COPY . /app`. */
function copyLabel(model: DocumentModel, info: InstructionInfo): string {
  const first = model.text.lineText(info.range.start.line).trim().replace(/\s*\\$/, '');
  return first.length > 50 ? `${first.slice(0, 47)}…` : first;
}

// -- The fix --------------------------------------------------------------------------------------

/** Names a text refers to with `$NAME` or `${NAME…}`. */
function referencedNames(text: string): Set<string> {
  const names = new Set<string>();
  // Most instructions name no variable: skip the regex iterator for them.
  if (!text.includes('$')) return names;
  for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1] as string);
  return names;
}

/**
 * Names an instruction's text refers to (read-only, shared). Memoized: every install's move
 * plan looks at every instruction between it and its COPY.
 */
function namesReferencedBy(model: DocumentModel, info: InstructionInfo): ReadonlySet<string> {
  let known = referencedMemo.get(info);
  if (known === undefined) {
    known = referencedNames(model.content.slice(info.start, info.end));
    referencedMemo.set(info, known);
  }
  return known;
}

const referencedMemo = new WeakMap<InstructionInfo, ReadonlySet<string>>();

/** Names an ENV/ARG instruction defines (read-only, shared; memoized like {@link namesReferencedBy}). */
function definedNames(info: InstructionInfo): readonly string[] {
  const node = info.node as unknown as { getProperties?: () => { getName(): string }[] };
  // Most instructions define nothing: answer those without a memo entry (move plans ask per instruction).
  if (typeof node.getProperties !== 'function') return NO_NAMES;
  let known = definedMemo.get(info);
  if (known === undefined) {
    known = node.getProperties().map((p) => p.getName());
    definedMemo.set(info, known);
  }
  return known;
}

const NO_NAMES: readonly string[] = Object.freeze([]);
const definedMemo = new WeakMap<InstructionInfo, readonly string[]>();

/**
 * The ENV/ARG lines among `instructions[from..to)` (between the target COPY and the install) that
 * the install uses (directly or through other moved lines), in document order.
 */
function variablesToMove(model: DocumentModel, instructions: readonly InstructionInfo[], from: number, to: number, install: InstructionInfo): InstructionInfo[] {
  const own = namesReferencedBy(model, install);
  const moved: InstructionInfo[] = [];
  // An install that names no variable takes none along: most of them.
  if (own.size === 0) return moved;
  // Copied on the first moved line only: the memoized set is shared.
  let needed: Set<string> | null = null;
  // Backwards by index rather than over a reversed copy: this runs for every install of a long stage.
  for (let k = to - 1; k >= from; k--) {
    const info = instructions[k] as InstructionInfo;
    if (info.keyword !== 'ENV' && info.keyword !== 'ARG') continue;
    if (!definesAny(info, needed ?? own)) continue;
    moved.unshift(info);
    needed ??= new Set(own);
    for (const n of namesReferencedBy(model, info)) needed.add(n);
  }
  return moved;
}

/** Whether an instruction defines one of `names` (indexed loops: move plans call this per instruction, and for-of allocated there). */
function definesAny(info: InstructionInfo, names: ReadonlySet<string>): boolean {
  const defined = definedNames(info);
  for (let k = 0; k < defined.length; k++) if (names.has(defined[k] as string)) return true;
  return false;
}

/** Whether two sets of names have one in common. */
function sharesName(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const n of a) if (b.has(n)) return true;
  return false;
}

function blockText(model: DocumentModel, info: InstructionInfo): string {
  return model.content.slice(model.text.lineStart(blockStartLine(model, info)), lineEnd(model, info.range.end.line));
}

/** What moving one install RUN above its COPY takes along, and whether that is provably harmless. */
interface MovePlan {
  install: InstructionInfo;
  /** ENV/ARG lines in between that move with it. */
  vars: InstructionInfo[];
  safe: boolean;
}

function movePlan(model: DocumentModel, stage: Stage, target: InstructionInfo, install: InstructionInfo, script: ShellScript): MovePlan {
  // Bounds, not a slice or filters of the stage: this runs for every install of a long stage.
  const all = stage.instructions;
  const from = positionBefore(all, target.index) + 1;
  const to = positionBefore(all, install.index) + 1;
  const vars = variablesToMove(model, all, from, to, install);
  let movedNames: Set<string> | null = null;
  for (const v of vars) for (const n of definedNames(v)) (movedNames ??= new Set()).add(n);
  let unsafe = !fullyUnderstood(script) || !script.commands.every((c) => SYSTEM_COMMANDS.test(programName(c)));
  // The instructions that stay between the COPY and the install's new place.
  for (let k = from; k < to && !unsafe; k++) {
    const staying = all[k] as InstructionInfo;
    if (vars.length > 0 && vars.includes(staying)) continue;
    unsafe =
      CONTEXT_KEYWORDS.has(staying.keyword) ||
      definesImplicitOrMoved(staying, movedNames) ||
      (movedNames !== null && sharesName(namesReferencedBy(model, staying), movedNames));
  }
  return { install, vars, safe: !unsafe };
}

/** Whether an instruction sets a variable apt reads on its own, or one of `moved` (a loop, no closures per instruction). */
function definesImplicitOrMoved(info: InstructionInfo, moved: ReadonlySet<string> | null): boolean {
  const defined = definedNames(info);
  for (let k = 0; k < defined.length; k++) {
    const n = defined[k] as string;
    if (IMPLICIT_VARIABLE_RE.test(n) || (moved !== null && moved.has(n))) return true;
  }
  return false;
}

/** Moves the installs of `plans` (and their variables) above `target`, keeping their order. */
function moveFix(model: DocumentModel, target: InstructionInfo, plans: readonly MovePlan[]): Fix {
  const infos = [...new Set(plans.flatMap((p) => [...p.vars, p.install]))].sort((a, b) => a.index - b.index);
  const blocks = infos.map((i) => blockText(model, i) + model.eol).join('');
  const edits = [insertAt(model, model.text.lineStart(blockStartLine(model, target)), blocks), ...removeBlocks(model, infos)];
  const what = plans.length === 1 ? 'the `RUN`' : `the ${plans.length} \`RUN\` instructions that install packages`;
  return { title: `Move ${what} above \`${copyLabel(model, target)}\``, applicability: plans.every((p) => p.safe) ? 'safe' : 'unsafe', edits };
}

/** A COPY an install can move above, and what that move takes along. */
interface Move {
  target: InstructionInfo;
  plan: MovePlan;
}

/** A flagged install, waiting until its stage is done so installs moving to the same COPY can be grouped. */
interface Pending {
  /** The move on its own; null when it can only move together with an earlier install. */
  own: Move | null;
  /** The move together with the earlier installs that move safely (see {@link walkBack}), if any. */
  withSafe: Move | null;
  /** The move together with the earlier installs, safe or not. */
  withAny: Move;
  range: ReturnType<DocumentModel['text']['rangeOf']>;
  message: string;
}

/**
 * This lint's readings of COPYs and RUNs by instruction index: every install walks back over
 * every COPY and RUN before it, so each is read once, and an array slot is the cheapest lookup.
 */
interface Readings {
  copies: (CopyEntry | undefined)[];
  prepared: (References | null | undefined)[];
}

/** Position of the last of `instructions` (ascending by index) whose index is below `index`, or -1. */
function positionBefore(instructions: readonly InstructionInfo[], index: number): number {
  let lo = 0;
  let hi = instructions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((instructions[mid] as InstructionInfo).index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Walks back from an install to the last instruction it may depend on. `own` is the earliest
 * source COPY after that instruction. An earlier flagged install ends the walk too, since it may
 * configure the package manager, but one in `movers` moves up itself (to the COPY it maps to):
 * moving both keeps their order, so `chain` continues past it down to (not beyond) that COPY.
 */
function walkBack(model: DocumentModel, stage: Stage, info: InstructionInfo, refs: References, movers: ReadonlyMap<InstructionInfo, InstructionInfo>, readings: Readings): { own: InstructionInfo | null; chain: InstructionInfo } | null {
  let target: InstructionInfo | null = null;
  let own: InstructionInfo | null = null;
  let bound: InstructionInfo | null = null;
  // Start right before the install: walking down from the stage's end made long stages quadratic.
  for (let k = positionBefore(stage.instructions, info.index); k >= 0; k--) {
    const prev = stage.instructions[k] as InstructionInfo;
    if (prev.index >= info.index) continue;
    if (bound && prev.index < bound.index) break;
    if (prev.keyword === 'COPY' || prev.keyword === 'ADD') {
      const entry = readings.copies[prev.index] ?? (readings.copies[prev.index] = copyEntry(model, prev));
      if (entry.dest === null || entry.system || refs.paths.some((p) => overlaps(p, entry.dest as string))) break;
      if (entry.fromContext) target = prev;
      continue;
    }
    if (prev.keyword === 'RUN') {
      const earlier = movers.get(prev);
      if (earlier) {
        if (!bound) own = target;
        bound = earlier;
        continue;
      }
      let prepared = readings.prepared[prev.index];
      if (prepared === undefined) prepared = readings.prepared[prev.index] = preparedPaths(model, prev);
      if (preparesInstall(prepared, refs)) break;
    }
    if (prev.keyword === 'ONBUILD') break;
  }
  if (!bound) return target ? { own: target, chain: target } : null;
  // Moving up with the earlier installs is only possible to the COPY they move above.
  if (target === bound) return { own, chain: target };
  return own ? { own, chain: own } : null;
}

/**
 * The group moves of a stage, one fix per COPY (built once, shared by the findings): the moves
 * that `pick` gives, without variables along and, with `safeOnly`, safe. The safe group leaves
 * the unsafe moves out: those installs stay below the ones that move.
 */
function groupFixes(model: DocumentModel, pending: readonly Pending[], pick: (p: Pending) => Move | null, safeOnly: boolean): (move: Move | null) => Fix | null {
  const groups = new Map<InstructionInfo, MovePlan[]>();
  for (const p of pending) {
    const m = pick(p);
    if (m && m.plan.vars.length === 0 && (!safeOnly || m.plan.safe)) groups.set(m.target, [...(groups.get(m.target) ?? []), m.plan]);
  }
  const fixes = new Map<InstructionInfo, Fix | null>();
  return (move) => {
    if (!move || move.plan.vars.length > 0 || (safeOnly && !move.plan.safe)) return null;
    if (!fixes.has(move.target)) {
      const plans = groups.get(move.target) ?? [];
      fixes.set(move.target, plans.length > 1 ? moveFix(model, move.target, plans) : null);
    }
    return fixes.get(move.target) ?? null;
  };
}

/**
 * The fixes of each pending finding. Installs that move up together (above the same COPY, no
 * variables along) get one fix that moves all of them: their own moves touch or overlap (each
 * spans from its COPY to its RUN), so fix-all could apply only some of them per pass and a file
 * with many such blocks would not settle within its pass limit. Order: the safe group move, the
 * install's own move, the group move through unsafe moves; the first safe one is what fix-all
 * takes, and when none is safe the group move comes first so `--unsafe` also settles quickly.
 */
function fixesOf(model: DocumentModel, pending: readonly Pending[]): Fix[][] {
  const safeGroup = groupFixes(model, pending, (q) => q.withSafe, true);
  const anyGroup = groupFixes(model, pending, (q) => q.withAny, false);
  return pending.map((p) => {
    const own = p.own ? moveFix(model, p.own.target, [p.own.plan]) : null;
    const withSafe = safeGroup(p.withSafe);
    const withAny = anyGroup(p.withAny);
    const fixes = [withSafe, own].filter((f): f is Fix => f !== null && f.applicability === 'safe');
    const rest = [own, withAny].filter((f): f is Fix => f !== null && !fixes.includes(f));
    if (fixes.length === 0) rest.reverse();
    // The same move can come twice (the safe group is also the whole group): offer it once.
    const all = [...fixes, ...rest];
    return all.filter((f, i) => all.findIndex((g) => g.title === f.title && g.edits.length === f.edits.length) === i);
  });
}

export default defineRule({
  code: 'PYD309',
  name: 'system-install-after-source-copy',
  title: 'Install system packages before copying application files',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags `apt-get install`, `apt install` and `apk add` in a `RUN` that comes after a COPY or ADD of files from the build context when the `RUN` refers to no path under that COPY\'s destination. ' +
      'Whatever the install may depend on ends the search: a COPY into a system directory (`/etc`, `/usr`, `/var`, `/root`, …) or of files the `RUN` names (a `.deb`, a package list), and a `RUN` in between that configures the package manager (repositories, keys, anything under `/etc`, scripts) or creates a path the install uses. Only the COPYs after the last such instruction count; an earlier install that is flagged itself does not end the search when it can move up too (with nothing else along), since both then move in their order. ' +
      'RUNs whose words depend on unresolved variables or `$(…)` are not judged.',
    whyItMatters:
      'Docker rebuilds every layer after the first one that changed. Application files change with nearly every commit, system packages rarely, so an install placed after `COPY . .` downloads and installs the same packages again after every code edit, usually the slowest step of the build. ' +
      'Ordering instructions from the least to the most frequently changed keeps that layer cached: S000\'s final Dockerfile moved apt to the top, and S004 reports that reordering its layers and reusing the cache cut CI build times by about 90 %.',
    example:
      'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir -r requirements.txt',
    useInstead:
      'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt',
    fixSafety:
      'The fix moves the `RUN` (with the comment lines directly above it) right above the first COPY it does not need, together with the ENV and ARG lines in between that the `RUN` refers to. ' +
      'It is safe when the `RUN` only runs package-manager and simple system commands (`apt-get`, `apk`, `rm`, `ln`, `mkdir`, `useradd`, …), no USER, WORKDIR or SHELL lies in between (the `RUN` would run as another user, elsewhere or in another shell), no ENV or ARG in between sets a variable that apt reads on its own (`DEBIAN_FRONTEND`, proxies, `PATH`, locale, …), and the instructions it jumps over do not use the variables that move with it. ' +
      'Otherwise the same move is offered as unsafe: a `pip install` in the same `RUN`, for example, may depend on an `ENV PATH` it would now run before. ' +
      'Installs never change their order: one may configure the package manager for the next, so an install stops below an earlier one that stays. When several installs can move above the same COPY, each of them first offers the fix that moves them all in one edit (only the safe moves when that fix is safe), then its own move.',
    references: [
      'https://docs.docker.com/build/cache/optimize/#order-your-layers',
      'https://docs.docker.com/build/cache/invalidation/',
      'https://docs.docker.com/build/building/best-practices/#apt-get',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const readings: Readings = { copies: new Array<CopyEntry | undefined>(model.instructions.length).fill(undefined), prepared: new Array<References | null | undefined>(model.instructions.length).fill(undefined) };
    for (const stage of model.stages) {
      const pending: Pending[] = [];
      // Installs that others may move up with: by the COPY they move above (safely, or at all).
      const safeMovers = new Map<InstructionInfo, InstructionInfo>();
      const anyMovers = new Map<InstructionInfo, InstructionInfo>();
      for (const info of stage.instructions) {
        if (info.keyword !== 'RUN') continue;
        const script = model.shellOf(info);
        if (!script || !fullyUnderstood(script)) continue;
        const install = packageInstall(script);
        if (!install) continue;
        const refs = referencesOf(model, info, script, true);
        if (refs.unknown) continue;
        // Walk back to the last instruction the install may depend on; source COPYs after it are the finding.
        const anyWalk = walkBack(model, stage, info, refs, anyMovers, readings);
        if (!anyWalk) continue;
        const safeWalk = walkBack(model, stage, info, refs, safeMovers, readings);
        const plans = new Map<InstructionInfo, MovePlan>();
        const move = (target: InstructionInfo | null | undefined): Move | null => {
          if (!target) return null;
          const plan = plans.get(target) ?? movePlan(model, stage, target, info, script);
          plans.set(target, plan);
          return { target, plan };
        };
        const tool = effectiveWords(install.command)[0] as Word;
        const entry: Pending = {
          own: move(anyWalk.own),
          withSafe: move(safeWalk?.chain),
          withAny: move(anyWalk.chain) as Move,
          range: model.text.rangeOf(tool.start, install.head.end),
          message: `\`${install.tool}\` runs after \`${copyLabel(model, anyWalk.own ?? anyWalk.chain)}\`, so every change to the copied files runs it again`,
        };
        pending.push(entry);
        // Only an install that moves with nothing else can let a later one follow it up.
        if (entry.withSafe && entry.withSafe.plan.vars.length === 0 && entry.withSafe.plan.safe) safeMovers.set(info, entry.withSafe.target);
        if (entry.withAny.plan.vars.length === 0) anyMovers.set(info, entry.withAny.target);
      }
      const fixes = fixesOf(model, pending);
      pending.forEach((p, k) => ctx.report({ range: p.range, message: p.message, fixes: fixes[k] ?? [] }));
    }
  },
});
