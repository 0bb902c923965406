// PYD309: apt/apk installs placed after a COPY of application files, so every code edit re-runs them.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import { aptCommand, apkCommand, isAptProgram } from '../shell/apt';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { effectiveWords, fullyUnderstood, programName } from '../shell/query';
import type { Fix } from './types';
import { copyOperands, isWithin, joinPath, normalizePath, pathsOverlap, substitute, variableLookupBefore, workdirBefore, type VariableLookup } from './copy-paths';
import { defineRule } from './define-rule';
import { insertAt } from './edit-helpers';
import { blockStartLine, isBlankLine, isParagraph, lineEnd, mountsOf, removeBlocks, type MountInfo } from './layer-helpers';

/** Destinations that configure the system (apt sources, keys, certificates, …), not the app. */
const SYSTEM_DIRS = ['/etc', '/usr', '/var', '/lib', '/lib32', '/lib64', '/libx32', '/bin', '/sbin', '/boot', '/root', '/run', '/sys', '/proc', '/dev'];
/** Programs that change how apt/apk work (repositories, keys, configuration) or may run anything. */
const CONFIGURING = new Set(['apt', 'apt-get', 'apt-key', 'apt-cache', 'aptitude', 'add-apt-repository', 'dpkg', 'dpkg-reconfigure', 'debconf-set-selections', 'apk', 'gpg', 'gpg2', 'update-ca-certificates', 'sh', 'bash', 'dash', 'ash', 'zsh', 'eval', 'source', '.', 'install_packages']);
/** Text in another RUN that suggests it touches the package manager's configuration. */
const CONFIG_TEXT_RE = /\/etc\/|sources\.list|keyring|apt\.conf/;
/** Commands that may sit in a moved RUN next to the package installs without reading the app's files. */
const SYSTEM_COMMANDS = new Set(['apt', 'apt-get', 'aptitude', 'apk', 'rm', 'ln', 'mkdir', 'useradd', 'groupadd', 'adduser', 'addgroup', 'update-ca-certificates', 'true', 'echo']);
/** Instructions that change how a moved RUN would run. */
const CONTEXT_KEYWORDS = new Set(['USER', 'WORKDIR', 'SHELL']);
/** Variables that apt, apk or dpkg read from the environment without the RUN naming them. */
const IMPLICIT_VARIABLE_RE = /^(DEBIAN_\w+|DEBCONF_\w+|APT_\w+|[a-z]+_proxy|[A-Z]+_PROXY|PATH|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|HOME)$/;

/** The paths a RUN's words refer to, resolved against its working directory. */
interface References {
  readonly paths: readonly string[];
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
  if (v === '') return null;
  // The shape test first: most words (programs, packages, options) are no path, and a URL has `://`.
  const looksLikePath = v.startsWith('/') || v.startsWith('.') || v.startsWith('~') || v.includes('/') || hasExtension(v);
  if (!looksLikePath || (v.includes('://') && URL_RE.test(v))) return null;
  return v;
}

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Whether a value ends in a file extension: a dot, a letter, then up to five letters or digits
 * (`/\.[A-Za-z][A-Za-z0-9]{0,5}$/`, read by hand: every word of every RUN before an install asks).
 */
function hasExtension(v: string): boolean {
  const dot = v.lastIndexOf('.');
  const length = v.length - dot - 1;
  if (dot < 0 || length < 1 || length > 6 || !isLetter(v.charCodeAt(dot + 1))) return false;
  for (let i = dot + 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!isLetter(c) && !(c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Programs that change the working directory mid-script, so words after them are not relative to WORKDIR. */
const CHANGES_DIR = new Set(['cd', 'pushd', 'popd']);

/**
 * The {@link References} of one RUN while its words are read, with what resolving them needs:
 * its variables and working directory, each looked up the first time a word needs it (most
 * words of most RUNs need neither). One object per RUN, and no list for a RUN without paths.
 */
class Reader implements References {
  paths: readonly string[] = NO_PATHS;
  unknown = false;
  private known: VariableLookup | null = null;
  private cwdRead = false;
  private cwdValue: string | null = null;

  constructor(
    private readonly model: DocumentModel,
    private readonly info: InstructionInfo,
    private readonly changesDir: boolean,
  ) {}

  /** Adds a path; the same path twice in a row (`mkdir -p /x && chown u /x`) is kept once, which no overlap test can tell. */
  add(path: string): void {
    const paths = this.paths;
    if (paths.length === 0) this.paths = [path];
    else if (paths[paths.length - 1] !== path) (paths as string[]).push(path);
  }

  vars(): VariableLookup {
    return (this.known ??= variableLookupBefore(this.model, this.info));
  }

  /** The RUN's working directory, or null when unknown (or changed mid-script). */
  cwd(): string | null {
    if (!this.cwdRead) {
      this.cwdRead = true;
      this.cwdValue = this.changesDir ? null : workdirBefore(this.model, this.info)?.dir ?? null;
    }
    return this.cwdValue;
  }
}

const NO_PATHS: readonly string[] = Object.freeze([]);

/**
 * Every path-like word (and redirection target) of a script, made absolute. `changesDir`: a
 * program of the script changes its directory ({@link CHANGES_DIR}); with `readsOwnCwd`, the
 * working directory counts as referenced. Callers tell both from the loop over the script's
 * programs they make anyway: reading a command's program is a memo lookup, and this runs for
 * every RUN that an install walks back over.
 */
function referencesOf(model: DocumentModel, info: InstructionInfo, script: ShellScript, changesDir: boolean, readsOwnCwd: boolean): References {
  const commands = script.commands;
  // Indexed loops and no word list: this runs for every RUN before every install, too rarely for
  // V8 to optimise away for-of iterators or the copies a collected list of words would need.
  const refs = new Reader(model, info, changesDir);
  const mounts = mayHaveFlags(model, info, script) ? mountsOf(info) : NO_MOUNTS;
  for (let i = 0; i < mounts.length; i++) {
    const target = (mounts[i] as MountInfo).target;
    if (target !== null) refs.add(target);
  }
  // Other programs may read their working directory without naming it (`make`, `pip install`
  // with a config file, `npm ci`): the directory then counts as referenced.
  if (readsOwnCwd) {
    const cwd = refs.cwd();
    if (cwd === null) refs.unknown = true;
    else refs.add(cwd);
  }
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i] as SimpleCommand;
    // `NAME=value` counts by its value, so a path in an inline variable counts too.
    for (let k = 0; k < c.assignments.length; k++) {
      const a = c.assignments[k] as Word;
      addReference(refs, a.value.slice(a.value.indexOf('=') + 1), a.hasExpansion);
    }
    // The name after `apk add --virtual` (`.build-deps`) is a package name, not a file.
    for (let k = 0; k < c.words.length; k++) {
      const before = k > 0 ? (c.words[k - 1] as Word).value : undefined;
      const w = c.words[k] as Word;
      if (before !== '--virtual' && before !== '-t') addReference(refs, w.value, w.hasExpansion);
    }
    for (let k = 0; k < c.redirects.length; k++) {
      const target = (c.redirects[k] as (typeof c.redirects)[number]).target;
      if (target) addReference(refs, target.value, target.hasExpansion);
    }
  }
  return refs;
}

const NO_MOUNTS: readonly MountInfo[] = Object.freeze([]);

/**
 * Whether a RUN may have flags (`--mount=…`): they stand between the keyword and the script,
 * so without a `-` there, there are none and dockerfile-ast need not be asked (most RUNs).
 */
function mayHaveFlags(model: DocumentModel, info: InstructionInfo, script: ShellScript): boolean {
  const content = model.content;
  for (let i = info.start; i < script.start; i++) if (content.charCodeAt(i) === DASH) return true;
  return false;
}

const DASH = 0x2d;

/** Adds the path a word's value names (if any) to `refs`, or marks them unknown when it cannot tell. */
function addReference(refs: Reader, raw: string, hasExpansion: boolean): void {
  const value = hasExpansion ? substitute(raw, refs.vars()) : raw;
  if (!mayReference(value)) return;
  if (value.includes('$') || value.includes('`')) {
    refs.unknown = true;
    return;
  }
  const path = pathCandidate(value);
  if (path === null) return;
  if (path.startsWith('~')) refs.unknown = true;
  else if (path.startsWith('/')) refs.add(globFree(normalizePath(path)));
  else {
    const cwd = refs.cwd();
    if (cwd === null) refs.unknown = true;
    else refs.add(globFree(joinPath(cwd, path)));
  }
}

/**
 * Whether a word's value may name a path or hide one: it holds `$`, a backquote, `/`, `.` or `~`.
 * Most words (programs, options, package names) hold none: one pass over them answers for
 * the several tests {@link addReference} and {@link pathCandidate} would make.
 */
function mayReference(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x24 || c === 0x60 || c === 0x2f || c === 0x2e || c === 0x7e) return true;
  }
  return false;
}

/** The directory part before the first glob character (`/app/*.deb` → `/app`). */
function globFree(path: string): string {
  const glob = path.search(GLOB_RE);
  if (glob < 0) return path;
  const cut = path.slice(0, glob);
  // The directory without its trailing slash: the same path once normalized, and normalizing
  // a path that ends with a slash always takes the slow road.
  const slash = cut.lastIndexOf('/');
  return slash > 0 ? normalizePath(cut.slice(0, slash)) : '/';
}

const GLOB_RE = /[*?[]/;

/** Whether a path overlaps one of `paths` (a loop, no closure: walks ask per COPY and RUN they pass). */
function overlapsAny(paths: readonly string[], path: string): boolean {
  for (let i = 0; i < paths.length; i++) if (pathsOverlap(paths[i] as string, path)) return true;
  return false;
}

/** A COPY/ADD seen before the install, classified for this install. */
interface CopyEntry {
  info: InstructionInfo;
  /** Absolute destination, or null when it cannot be resolved. */
  dest: string | null;
  /** From the build context (not `--from`, not only URLs). */
  fromContext: boolean;
  /** `dest` is a system directory ({@link isSystemDest}). */
  system: boolean;
  /** What findings and fixes need when installs move above it (made at the first of them). */
  about: Target | null;
}

/** The entry of a COPY/ADD (read once per lint: see {@link Readings}). */
function copyEntry(model: DocumentModel, info: InstructionInfo): CopyEntry {
  const op = copyOperands(model, info);
  if (!op || op.unresolved) return { info, dest: null, fromContext: false, system: false, about: null };
  const workdir = op.dest.startsWith('/') ? '/' : workdirBefore(model, info)?.dir ?? null;
  const dest = workdir === null ? null : joinPath(workdir, withoutTrailingSlash(op.dest));
  const remoteOnly = op.sources.every((s) => (s.includes('://') && URL_RE.test(s)) || s.startsWith('git@'));
  return { info, dest, fromContext: op.from === null && !remoteOnly, system: dest !== null && isSystemDest(dest), about: null };
}

/**
 * A path without one trailing slash (`/app/` → `/app`): the same path once joined and normalized,
 * and normalizing one that ends with a slash always takes the slow road. `/` stays.
 */
function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Whether a destination is a system directory (`/`, `/etc`, `/usr`, `/root`, …): a COPY there may configure anything. */
export function isSystemDest(dest: string): boolean {
  if (dest === '/') return true;
  for (let i = 0; i < SYSTEM_DIRS.length; i++) {
    const d = SYSTEM_DIRS[i] as string;
    if (isWithin(dest, d)) return true;
  }
  return false;
}

/** Whether a RUN between the COPY and the install, with its {@link preparedPaths} `own`, might prepare what the install needs. */
function preparesInstall(own: References | null, refs: References): boolean {
  // It creates or changes a path that the install uses (a venv, a downloaded .deb, …).
  if (own === null || own.unknown) return true;
  for (let i = 0; i < own.paths.length; i++) if (overlapsAny(refs.paths, own.paths[i] as string)) return true;
  return false;
}

/** Whether a program is a script: `setup.sh`, `/opt/x.sh`, `./configure`, `../run`. */
function isScript(program: string): boolean {
  return program.endsWith('.sh') || program.startsWith('./') || program.startsWith('../');
}

/**
 * The paths a RUN refers to when judged as a step before an install, or null when it may
 * prepare any install (read once per lint: see {@link Readings}).
 */
function preparedPaths(model: DocumentModel, info: InstructionInfo): References | null {
  const script = model.shellOf(info);
  if (!script || !fullyUnderstood(script)) return null;
  if (CONFIG_TEXT_RE.test(model.content.slice(script.start, script.end))) return null;
  const commands = script.commands;
  let changesDir = false;
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i] as SimpleCommand;
    const program = programName(c);
    if (CONFIGURING.has(program) || isScript(effectiveWords(c)[0]?.value ?? '')) return null;
    if (CHANGES_DIR.has(program)) changesDir = true;
  }
  // Judged as a step before an install, a RUN reads only what it names.
  return referencesOf(model, info, script, changesDir, false);
}

/** A package install command: apt install or apk add. */
interface PackageInstall {
  command: SimpleCommand;
  /** The subcommand word (`install`, `add`). */
  head: Word;
  tool: string;
}

/** The first package install of a script, or null. */
function packageInstall(script: ShellScript): PackageInstall | null {
  const commands = script.commands;
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i] as SimpleCommand;
    // One memoized name read tells apt and apk commands from the rest (most commands of most RUNs).
    const program = programName(command);
    if (program === 'apk') {
      const apk = apkCommand(command);
      if (apk && apk.sub === 'add' && apk.subWord) return { command, head: apk.subWord, tool: 'apk add' };
    } else if (isAptProgram(program)) {
      const apt = aptCommand(command);
      if (apt && apt.sub === 'install' && apt.subWord) return { command, head: apt.subWord, tool: `${apt.tool} install` };
    }
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

/** The lines a fix moves for an instruction: its comment block and its own lines. */
interface Block {
  firstLine: number;
  /** The lines' text, ending with the file's line break. */
  text: string;
}

/** The {@link Block} of an instruction, read once per lint: an install's own move and its group move both take it. */
function blockOf(model: DocumentModel, info: InstructionInfo, readings: Readings): Block {
  let block = readings.blocks.get(info);
  if (block === undefined) {
    const firstLine = blockStartLine(model, info);
    block = { firstLine, text: model.content.slice(model.text.lineStart(firstLine), lineEnd(model, info.range.end.line)) + model.eol };
    readings.blocks.set(info, block);
  }
  return block;
}

/** What findings and fixes say and do about a COPY that installs move above. */
interface Target {
  label: string;
  /** Where moved lines go: the first line of the COPY's comment block. */
  blockStart: number;
  /** The title of moving one install above it (made at the first such fix). */
  ownTitle: string | null;
}

/** The {@link Target} of a COPY, read once per lint: every finding and fix of a group names the same COPY. */
function targetOf(model: DocumentModel, info: InstructionInfo, readings: Readings): Target {
  // Every target was met by a walk, so its entry is there to hold it.
  const entry = readings.copies[info.index] ?? (readings.copies[info.index] = copyEntry(model, info));
  return (entry.about ??= { label: copyLabel(model, info), blockStart: model.text.lineStart(blockStartLine(model, info)), ownTitle: null });
}

/** What moving one install RUN above its COPY takes along, and whether that is provably harmless. */
interface MovePlan {
  install: InstructionInfo;
  /** ENV/ARG lines in between that move with it. */
  vars: InstructionInfo[];
  safe: boolean;
}

/**
 * What the walks and move plans of a stage read at every instruction they pass, by position in
 * the stage: made at the stage's first install, so each instruction is looked at once per lint
 * instead of once per install that walks or jumps over it.
 */
interface StageView {
  instructions: readonly InstructionInfo[];
  /** {@link COPY_KIND}, {@link RUN_KIND}, {@link ONBUILD_KIND} or 0 (nothing a walk stops at or reads). */
  kinds: Uint8Array;
  /** The instructions' indexes. */
  indexes: Int32Array;
  /**
   * A running count of the instructions that make a move unsafe by themselves (a USER, WORKDIR
   * or SHELL, or a variable apt reads): `counts[k]` covers the first `k` instructions. Extended
   * only as far as installs ask.
   */
  counts: number[];
}

const COPY_KIND = 1;
const RUN_KIND = 2;
const ONBUILD_KIND = 3;

function stageView(stage: Stage): StageView {
  const instructions = stage.instructions;
  const kinds = new Uint8Array(instructions.length);
  const indexes = new Int32Array(instructions.length);
  for (let k = 0; k < instructions.length; k++) {
    const info = instructions[k] as InstructionInfo;
    const keyword = info.keyword;
    kinds[k] = keyword === 'COPY' || keyword === 'ADD' ? COPY_KIND : keyword === 'RUN' ? RUN_KIND : keyword === 'ONBUILD' ? ONBUILD_KIND : 0;
    indexes[k] = info.index;
  }
  return { instructions, kinds, indexes, counts: [0] };
}

/** How many of the first `position` instructions of a stage make a move unsafe by themselves (see {@link StageView}). */
function blockersBefore(view: StageView, position: number): number {
  const counts = view.counts;
  for (let k = counts.length - 1; k < position; k++) {
    const info = view.instructions[k] as InstructionInfo;
    counts.push((counts[k] as number) + (CONTEXT_KEYWORDS.has(info.keyword) || definesImplicitOrMoved(info, null) ? 1 : 0));
  }
  return counts[position] as number;
}

/**
 * The plan of moving `install` above `target`. `systemOnly`: the install's script runs only
 * {@link SYSTEM_COMMANDS} (the same for every target, so the caller reads it once).
 */
function movePlan(model: DocumentModel, view: StageView, target: InstructionInfo, install: InstructionInfo, systemOnly: boolean): MovePlan {
  // Bounds, not a slice or filters of the stage: this runs for every install of a long stage.
  const all = view.instructions;
  const from = positionBefore(all, target.index) + 1;
  const to = positionBefore(all, install.index) + 1;
  const vars = variablesToMove(model, all, from, to, install);
  // Nothing moves along (most installs): only the instructions in between matter, counted per stage.
  if (vars.length === 0) return { install, vars, safe: systemOnly && blockersBefore(view, to) === blockersBefore(view, from) };
  let movedNames: Set<string> | null = null;
  for (const v of vars) for (const n of definedNames(v)) (movedNames ??= new Set()).add(n);
  let unsafe = !systemOnly;
  // The instructions that stay between the COPY and the install's new place.
  for (let k = from; k < to && !unsafe; k++) {
    const staying = all[k] as InstructionInfo;
    if (vars.includes(staying)) continue;
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
function moveFix(model: DocumentModel, target: InstructionInfo, plans: readonly MovePlan[], readings: Readings): Fix {
  const infos = movedInstructions(plans);
  let blocks = '';
  for (const info of infos) blocks += blockOf(model, info, readings).text;
  const about = targetOf(model, target, readings);
  // A RUN that was a paragraph of its own (blank lines around it) stays one above a COPY that starts a paragraph.
  const only = infos.length === 1 ? infos[0] : undefined;
  if (only && isParagraph(model, blockOf(model, only, readings).firstLine, only.range.end.line) && isBlankLine(model, blockStartLine(model, target) - 1)) blocks += model.eol;
  const edits = [insertAt(model, about.blockStart, blocks), ...removeBlocks(model, infos, (info) => blockOf(model, info, readings).firstLine)];
  // Every install moving alone above the same COPY has the same title: one string for all.
  const title = plans.length === 1 ? (about.ownTitle ??= moveTitle('the `RUN`', about.label)) : moveTitle(`the ${plans.length} \`RUN\` instructions that install packages`, about.label);
  return { title, applicability: plans.every((p) => p.safe) ? 'safe' : 'unsafe', edits };
}

/** The instructions that `plans` move (installs and their variables), each once, in document order. */
function movedInstructions(plans: readonly MovePlan[]): InstructionInfo[] {
  // Plans without variables, in document order (every own move and every group move): their installs as they are.
  if (plans.length === 1 && (plans[0] as MovePlan).vars.length === 0) return [(plans[0] as MovePlan).install];
  const installs: InstructionInfo[] = [];
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i] as MovePlan;
    const last = installs[installs.length - 1];
    if (plan.vars.length > 0 || (last !== undefined && last.index >= plan.install.index)) return [...new Set(plans.flatMap((p) => [...p.vars, p.install]))].sort((a, b) => a.index - b.index);
    installs.push(plan.install);
  }
  return installs;
}

function moveTitle(what: string, label: string): string {
  return `Move ${what} above \`${label}\``;
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
 * This lint's readings, mostly by instruction index: every install walks back over every COPY
 * and RUN before it, and the findings and fixes of a group name the same COPY and move the same
 * lines, so each is read once, and an array slot is the cheapest lookup. Made at the first install.
 */
interface Readings {
  copies: (CopyEntry | undefined)[];
  prepared: (References | null | undefined)[];
  /** Installs that later ones may move up with: the COPY each moves above (safely, or at all). */
  safeMovers: (InstructionInfo | undefined)[];
  anyMovers: (InstructionInfo | undefined)[];
  /** Blocks of the moved lines (a few per stage: a map, not a slot per instruction). */
  blocks: Map<InstructionInfo, Block>;
  /** {@link verdictsFor}, by the number of paths the installs refer to, then by the paths. */
  verdicts: (Map<string, Uint8Array> | undefined)[];
}

function newReadings(count: number): Readings {
  const slots = <T>(): (T | undefined)[] => new Array<T | undefined>(count).fill(undefined);
  return { copies: slots(), prepared: slots(), safeMovers: slots(), anyMovers: slots(), blocks: new Map(), verdicts: [] };
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

/** What a COPY or RUN means to a walk, for the paths an install refers to: 0 when not judged yet. */
type Verdict = 0 | typeof STOPS | typeof PASSES | typeof SOURCE;
/** The install may depend on it: the walk ends there. */
const STOPS = 1;
/** A RUN that prepares nothing the install uses, or a COPY it does not use of files not from the build context. */
const PASSES = 2;
/** A COPY from the build context that the install does not use: a COPY the install can move above. */
const SOURCE = 3;

/**
 * The verdicts of this lint's COPYs and RUNs (by instruction index) for installs that refer to
 * the same paths as `refs`: installs of a stage mostly clean up the same apt lists, so each one
 * after the first walks over verdicts rather than over paths.
 */
function verdictsFor(refs: References, readings: Readings): Uint8Array {
  const paths = refs.paths;
  // One map per number of paths: a single path (most installs) is then its own key, and longer
  // lists are keyed with each path's length first, so no two lists share a key.
  const byCount = (readings.verdicts[paths.length] ??= new Map<string, Uint8Array>());
  let key = paths.length === 1 ? (paths[0] as string) : '';
  if (paths.length > 1) for (const path of paths) key += `${path.length}:${path}`;
  let verdicts = byCount.get(key);
  if (verdicts === undefined) {
    verdicts = new Uint8Array(readings.copies.length);
    byCount.set(key, verdicts);
  }
  return verdicts;
}

function copyVerdict(model: DocumentModel, info: InstructionInfo, refs: References, readings: Readings): Verdict {
  const entry = readings.copies[info.index] ?? (readings.copies[info.index] = copyEntry(model, info));
  if (entry.dest === null || entry.system || overlapsAny(refs.paths, entry.dest)) return STOPS;
  return entry.fromContext ? SOURCE : PASSES;
}

function runVerdict(model: DocumentModel, info: InstructionInfo, refs: References, readings: Readings): Verdict {
  let prepared = readings.prepared[info.index];
  if (prepared === undefined) prepared = readings.prepared[info.index] = preparedPaths(model, info);
  return preparesInstall(prepared, refs) ? STOPS : PASSES;
}

/** Where an install can move: above `own` on its own, above `chain` together with earlier installs. */
interface Walk {
  own: InstructionInfo | null;
  chain: InstructionInfo;
}

/** One set of earlier installs that an install may move up with, and how far a walk got with it. */
class Lane {
  /** The earliest source COPY met so far. */
  target: InstructionInfo | null = null;
  own: InstructionInfo | null = null;
  bound: InstructionInfo | null = null;
  /** `bound.index`, or -1 without a bound: read at every step. */
  boundIndex = -1;
  done = false;

  constructor(private readonly movers: readonly (InstructionInfo | undefined)[]) {}

  /** Whether the RUN at `index` is an earlier install that moves up itself: the walk then goes on down to its COPY. */
  follows(index: number): boolean {
    const earlier = this.movers[index];
    if (earlier === undefined) return false;
    if (!this.bound) this.own = this.target;
    this.bound = earlier;
    this.boundIndex = earlier.index;
    return true;
  }

  result(): Walk | null {
    if (!this.bound) return this.target ? { own: this.target, chain: this.target } : null;
    // Moving up with the earlier installs is only possible to the COPY they move above.
    if (this.target === this.bound) return { own: this.own, chain: this.target };
    return this.own ? { own: this.own, chain: this.own } : null;
  }
}

/**
 * Walks back from an install to the last instruction it may depend on. `own` is the earliest
 * source COPY after that instruction. An earlier flagged install ends the walk too, since it may
 * configure the package manager, but one among the movers moves up itself (to the COPY it maps
 * to): moving both keeps their order, so `chain` continues past it down to (not beyond) that COPY.
 * Answers for both sets of movers (any moves, safe moves) in one pass: they differ only at
 * earlier installs, and every other instruction is judged once for both.
 */
function walkBack(model: DocumentModel, view: StageView, info: InstructionInfo, refs: References, readings: Readings): { any: Walk | null; safe: Walk | null } {
  const any = new Lane(readings.anyMovers);
  const safe = new Lane(readings.safeMovers);
  const all = view.instructions;
  const kinds = view.kinds;
  const indexes = view.indexes;
  const verdicts = verdictsFor(refs, readings);
  // Start right before the install: walking down from the stage's end made long stages quadratic.
  for (let k = positionBefore(all, info.index); k >= 0; k--) {
    const index = indexes[k] as number;
    if (!any.done && index < any.boundIndex) any.done = true;
    if (!safe.done && index < safe.boundIndex) safe.done = true;
    if (any.done && safe.done) break;
    const kind = kinds[k];
    if (kind === COPY_KIND) {
      const verdict = verdicts[index] || (verdicts[index] = copyVerdict(model, all[k] as InstructionInfo, refs, readings));
      if (verdict === STOPS) break;
      if (verdict === SOURCE) {
        if (!any.done) any.target = all[k] as InstructionInfo;
        if (!safe.done) safe.target = all[k] as InstructionInfo;
      }
    } else if (kind === RUN_KIND) {
      const anyMeets = !any.done && !any.follows(index);
      const safeMeets = !safe.done && !safe.follows(index);
      if (!anyMeets && !safeMeets) continue;
      const verdict = verdicts[index] || (verdicts[index] = runVerdict(model, all[k] as InstructionInfo, refs, readings));
      if (verdict === STOPS) {
        if (anyMeets) any.done = true;
        if (safeMeets) safe.done = true;
      }
    } else if (kind === ONBUILD_KIND) break;
  }
  return { any: any.result(), safe: safe.result() };
}

/**
 * The group moves of a stage, one fix per COPY (built once, shared by the findings): the moves
 * that `pick` gives, without variables along and, with `safeOnly`, safe. The safe group leaves
 * the unsafe moves out: those installs stay below the ones that move.
 */
function groupFixes(model: DocumentModel, pending: readonly Pending[], pick: (p: Pending) => Move | null, safeOnly: boolean, readings: Readings, built: BuiltGroups): (move: Move | null) => Fix | null {
  const groups = new Map<InstructionInfo, MovePlan[]>();
  for (const p of pending) {
    const m = pick(p);
    if (!m || m.plan.vars.length > 0 || (safeOnly && !m.plan.safe)) continue;
    const plans = groups.get(m.target);
    if (plans) plans.push(m.plan);
    else groups.set(m.target, [m.plan]);
  }
  const fixes = new Map<InstructionInfo, Fix | null>();
  return (move) => {
    if (!move || move.plan.vars.length > 0 || (safeOnly && !move.plan.safe)) return null;
    if (!fixes.has(move.target)) {
      const plans = groups.get(move.target) ?? [];
      fixes.set(move.target, plans.length > 1 ? groupFix(model, move.target, plans, readings, built) : null);
    }
    return fixes.get(move.target) ?? null;
  };
}

/** The group fixes of a stage built so far, by COPY, with the plans they move. */
type BuiltGroups = Map<InstructionInfo, { plans: readonly MovePlan[]; fix: Fix }>;

/**
 * The fix moving `plans` above `target`. The safe group and the whole group are mostly the same
 * plans: the fix built for one then serves the other (the same plans make the same fix).
 */
function groupFix(model: DocumentModel, target: InstructionInfo, plans: readonly MovePlan[], readings: Readings, built: BuiltGroups): Fix {
  const known = built.get(target);
  if (known && known.plans.length === plans.length && known.plans.every((p, i) => p === plans[i])) return known.fix;
  const fix = moveFix(model, target, plans, readings);
  if (!known) built.set(target, { plans, fix });
  return fix;
}

/**
 * The fixes of each pending finding. Installs that move up together (above the same COPY, no
 * variables along) get one fix that moves all of them: their own moves touch or overlap (each
 * spans from its COPY to its RUN), so fix-all could apply only some of them per pass and a file
 * with many such blocks would not settle within its pass limit. Order: the safe group move, the
 * install's own move, the group move through unsafe moves; the first safe one is what fix-all
 * takes, and when none is safe the group move comes first so `--unsafe` also settles quickly.
 */
function fixesOf(model: DocumentModel, pending: readonly Pending[], readings: Readings): Fix[][] {
  const built: BuiltGroups = new Map();
  const safeGroup = groupFixes(model, pending, (q) => q.withSafe, true, readings, built);
  const anyGroup = groupFixes(model, pending, (q) => q.withAny, false, readings, built);
  return pending.map((p) => {
    const own = p.own ? moveFix(model, p.own.target, [p.own.plan], readings) : null;
    const withSafe = safeGroup(p.withSafe);
    const withAny = anyGroup(p.withAny);
    const safeGroupFix = withSafe && withSafe.applicability === 'safe' ? withSafe : null;
    const safeOwn = own && own.applicability === 'safe' ? own : null;
    // Then the rest, the group move first when nothing is safe.
    return safeGroupFix || safeOwn ? distinct(safeGroupFix, safeOwn, own, withAny) : distinct(withAny, own, null, null);
  });
}

/**
 * The fixes given, in order, without nulls and without repeats. The same move can come twice
 * (the safe group is also the whole group): offer it once. At most three differ (the safe
 * group, the own move, the whole group), so the list is made at its final length.
 */
function distinct(...fixes: [Fix | null, Fix | null, Fix | null, Fix | null]): Fix[] {
  let a: Fix | null = null;
  let b: Fix | null = null;
  let c: Fix | null = null;
  for (const f of fixes) {
    if (f === null || sameMove(f, a) || sameMove(f, b) || sameMove(f, c)) continue;
    if (a === null) a = f;
    else if (b === null) b = f;
    else c = f;
  }
  return a === null ? [] : b === null ? [a] : c === null ? [a, b] : [a, b, c];
}

function sameMove(f: Fix, g: Fix | null): boolean {
  return g !== null && f.title === g.title && f.edits.length === g.edits.length;
}

/** The move of `install` above `target`, with its plan. */
function moveTo(model: DocumentModel, view: StageView, target: InstructionInfo, install: InstructionInfo, systemOnly: boolean): Move {
  return { target, plan: movePlan(model, view, target, install, systemOnly) };
}

/**
 * The finding of an install RUN (its `install` command, whether it runs only {@link SYSTEM_COMMANDS},
 * the paths it refers to) that can move above a COPY, or null. Records it among the movers that
 * later installs of the stage may follow up.
 */
function flag(model: DocumentModel, info: InstructionInfo, install: PackageInstall, systemOnly: boolean, refs: References, readings: Readings, view: StageView): Pending | null {
  // Walk back to the last instruction the install may depend on; source COPYs after it are the finding.
  const walks = walkBack(model, view, info, refs, readings);
  const anyWalk = walks.any;
  if (!anyWalk) return null;
  // The walks often name the same COPY: one plan (and move) per COPY.
  const own = anyWalk.own ? moveTo(model, view, anyWalk.own, info, systemOnly) : null;
  const withAny = own && own.target === anyWalk.chain ? own : moveTo(model, view, anyWalk.chain, info, systemOnly);
  const safeTarget = walks.safe?.chain;
  const withSafe = !safeTarget ? null : safeTarget === withAny.target ? withAny : own && safeTarget === own.target ? own : moveTo(model, view, safeTarget, info, systemOnly);
  const tool = effectiveWords(install.command)[0] as Word;
  // Only an install that moves with nothing else can let a later one follow it up.
  if (withSafe && withSafe.plan.vars.length === 0 && withSafe.plan.safe) readings.safeMovers[info.index] = withSafe.target;
  if (withAny.plan.vars.length === 0) readings.anyMovers[info.index] = withAny.target;
  return {
    own,
    withSafe,
    withAny,
    range: model.text.rangeOf(tool.start, install.head.end),
    message: `\`${install.tool}\` runs after \`${targetOf(model, anyWalk.own ?? anyWalk.chain, readings).label}\`, so every change to the copied files runs it again`,
  };
}

// -- Shared with PYD301 ---------------------------------------------------------------------------
// PYD301 moves installs of named pip packages above the source COPY the same way: one move
// machinery (its comment block, the ENV/ARG lines the RUN uses), judged by each rule's own notion
// of what the RUN reads.

/**
 * The absolute paths a RUN's words and redirections refer to (relative ones resolved against its
 * WORKDIR), or null when a word could be any path (an unresolved variable, `~`, an unknown or
 * changing working directory) or the script is not fully understood.
 */
export function runReferences(model: DocumentModel, info: InstructionInfo): readonly string[] | null {
  const script = model.shellOf(info);
  if (!script || !fullyUnderstood(script)) return null;
  const changesDir = script.commands.some((c) => CHANGES_DIR.has(programName(c)));
  const refs = referencesOf(model, info, script, changesDir, false);
  return refs.unknown || changesDir ? null : refs.paths;
}

/** What moving a RUN above a COPY takes along and jumps over (see {@link planRunMove}). */
export interface RunMovePlan {
  install: InstructionInfo;
  /** ENV/ARG lines in between that the RUN uses: they move with it, in order. */
  vars: readonly InstructionInfo[];
  /** USER, WORKDIR and SHELL instructions in between (the RUN would run as another user, elsewhere or in another shell). */
  context: readonly InstructionInfo[];
  /** ENV/ARG lines that stay in between and set a variable `readsImplicitly` accepts. */
  implicit: readonly InstructionInfo[];
  /** An instruction that stays in between uses or sets a variable that moves. */
  varsShared: boolean;
}

/**
 * The move of `install` above `target` (earlier in the same stage), with `readsImplicitly` the
 * variables the RUN's programs read without naming them (pip's `PIP_*`, `PATH`, …).
 */
export function planRunMove(model: DocumentModel, stage: Stage, target: InstructionInfo, install: InstructionInfo, readsImplicitly: (name: string) => boolean): RunMovePlan {
  const all = stage.instructions;
  const from = positionBefore(all, target.index) + 1;
  const to = positionBefore(all, install.index) + 1;
  const vars = variablesToMove(model, all, from, to, install);
  const moved = new Set<string>();
  for (const v of vars) for (const n of definedNames(v)) moved.add(n);
  const context: InstructionInfo[] = [];
  const implicit: InstructionInfo[] = [];
  let varsShared = false;
  for (let k = from; k < to; k++) {
    const staying = all[k] as InstructionInfo;
    if (vars.includes(staying)) continue;
    if (CONTEXT_KEYWORDS.has(staying.keyword)) context.push(staying);
    // LABEL has properties too, but only ENV and ARG set variables.
    const defined = staying.keyword === 'ENV' || staying.keyword === 'ARG' ? definedNames(staying) : NO_NAMES;
    if (defined.some(readsImplicitly)) implicit.push(staying);
    if (moved.size > 0 && (defined.some((n) => moved.has(n)) || sharesName(namesReferencedBy(model, staying), moved))) varsShared = true;
  }
  return { install, vars, context, implicit, varsShared };
}

/**
 * The fix moving the RUNs of `plans` (in document order, each with its variables and the comment
 * lines directly above it) right above `target`'s comment block, keeping their order.
 */
export function runMoveFix(model: DocumentModel, target: InstructionInfo, plans: readonly RunMovePlan[], safe: boolean): Fix {
  return moveFix(model, target, plans.map((p) => ({ install: p.install, vars: [...p.vars], safe })), newReadings(model.instructions.length));
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
    // Made at the first install: most files have few RUNs that install, many have none.
    let readings: Readings | null = null;
    for (const stage of model.stages) {
      const pending: Pending[] = [];
      let view: StageView | null = null;
      for (const info of stage.instructions) {
        if (info.keyword !== 'RUN') continue;
        const script = model.shellOf(info);
        if (!script || !fullyUnderstood(script)) continue;
        const install = packageInstall(script);
        if (!install) continue;
        const commands = script.commands;
        let changesDir = false;
        let systemOnly = true;
        for (let i = 0; i < commands.length; i++) {
          const program = programName(commands[i] as SimpleCommand);
          if (CHANGES_DIR.has(program)) changesDir = true;
          if (!SYSTEM_COMMANDS.has(program)) systemOnly = false;
        }
        // Programs other than the package managers may read their working directory without naming it.
        const refs = referencesOf(model, info, script, changesDir, !systemOnly);
        if (refs.unknown) continue;
        readings ??= newReadings(model.instructions.length);
        view ??= stageView(stage);
        const entry = flag(model, info, install, systemOnly, refs, readings, view);
        if (entry) pending.push(entry);
      }
      if (pending.length === 0 || !readings) continue;
      const fixes = fixesOf(model, pending, readings);
      pending.forEach((p, k) => ctx.report({ range: p.range, message: p.message, fixes: fixes[k] ?? [] }));
    }
  },
});
