// Helpers shared by the layers-and-cache rules: cache mounts, cleanup commands, apt configuration,
// exec-form arguments, the SHELL in effect, comment blocks and the `# syntax=` parser directive.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import { logicalText } from '../shell/lexer';
import type { SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords } from '../shell/query';
import { copyOperands, isWithin, joinPath, normalizePath, substitute, variableLookupBefore, workdirBefore } from './copy-paths';
import { insertAt, replaceSpan } from './edit-helpers';
import { flagsOf, runMounts } from './helpers';

// ---------------------------------------------------------------------------------------------
// RUN --mount

/** Mount types that keep a directory's content out of the layer. */
export type MountType = 'cache' | 'tmpfs' | 'bind' | 'secret' | 'ssh';

/** One `--mount` of a RUN with its normalized target. */
export interface MountInfo {
  type: string;
  /** Normalized absolute target (`target`, `dst` or `destination`), or null when absent. */
  target: string | null;
  options: ReadonlyMap<string, string>;
}

/**
 * The `--mount` flags of a RUN; the type defaults to `bind` as in BuildKit. Given the model,
 * `$NAME` in a target is replaced by the ARG/ENV value in effect, as BuildKit expands it
 * (`--mount=type=cache,target=${PIP_CACHE_DIR}`); unknown names stay as written.
 */
export function mountsOf(info: InstructionInfo, model?: DocumentModel): MountInfo[] {
  return runMounts(info).map((options) => {
    let raw = options.get('target') ?? options.get('dst') ?? options.get('destination') ?? null;
    if (raw !== null && model && raw.includes('$')) raw = substitute(raw, variableLookupBefore(model, info));
    return { type: (options.get('type') ?? 'bind').toLowerCase(), target: raw === null || raw === '' ? null : normalizePath(raw), options };
  });
}

/**
 * Whether a cache mount target holds pip's downloads: `…/.cache` or `…/.cache/pip`, the
 * directory pip was told to use (`cacheDir`, normalized, or ''), or the download part of either
 * (`http`, `http-v2` since pip 23.3), which is where the downloads go.
 */
export function servesPipDownloads(target: string, cacheDir: string): boolean {
  const t = target.replace(/\/+$/, '');
  if (/(^|\/)\.cache(\/pip(\/http(-v2)?)?)?$/.test(t)) return true;
  return cacheDir !== '' && (t === cacheDir || t === `${cacheDir}/http` || t === `${cacheDir}/http-v2`);
}

/**
 * Whether a cache or tmpfs mount of the RUN covers `dir`: its target is `dir` or a parent of it
 * (a mount on `/var/lib/apt` also keeps `/var/lib/apt/lists` out of the layer).
 */
export function mountCovers(info: InstructionInfo, dir: string, types: readonly string[] = ['cache', 'tmpfs']): boolean {
  const wanted = normalizePath(dir);
  return mountsOf(info).some((m) => types.includes(m.type) && m.target !== null && m.target !== '/' && isWithin(wanted, m.target));
}

// ---------------------------------------------------------------------------------------------
// Cleanup commands

/**
 * The operands of an `rm` command with its options removed (`rm -rf /var/lib/apt/lists/*` →
 * `['/var/lib/apt/lists/*']`), or null for other commands.
 */
export function rmOperands(cmd: SimpleCommand): string[] | null {
  const words = effectiveWords(cmd);
  if (baseName(words[0]) !== 'rm') return null;
  const operands: string[] = [];
  let options = true;
  for (const w of words.slice(1)) {
    if (options && w.value === '--') {
      options = false;
      continue;
    }
    if (options && w.value.startsWith('-') && w.value.length > 1) continue;
    operands.push(w.value);
  }
  return operands;
}

/**
 * Whether an `rm` command deletes the content of `dir`: an operand is `dir`, `dir/`, `dir/*`
 * or `dir/**`, or a parent directory of it (the parent must be removed recursively, which a
 * plain `rm` cannot do, so any parent operand counts only with `-r`/`-R`/`--recursive`).
 */
export function rmClears(cmd: SimpleCommand, dir: string): boolean {
  const operands = rmOperands(cmd);
  if (operands === null) return false;
  const wanted = normalizePath(dir);
  const recursive = effectiveWords(cmd).some((w) => /^-[a-zA-Z]*[rR]/.test(w.value) || w.value === '--recursive');
  return operands.some((op) => {
    const base = normalizePath(op.replace(/\/\*+$/, ''));
    if (base === wanted) return op.endsWith('*') || recursive;
    return recursive && base !== '/' && isWithin(wanted, base);
  });
}

// ---------------------------------------------------------------------------------------------
// apt configuration written by earlier instructions

/**
 * Whether an instruction before `info` in its stage chain may have configured apt in a way that
 * `key` describes: a RUN that writes the setting under `/etc/apt`, a COPY/ADD into `/etc/apt`, or an
 * `APT_CONFIG` variable pointing apt to another file. Used to stay silent when unsure.
 */
export function aptConfiguredBefore(model: DocumentModel, info: InstructionInfo, key: RegExp): boolean {
  if (!info.stage) return false;
  for (const i of stageChainInstructions(info.stage)) {
    if (i.index >= info.index) break;
    const text = model.content.slice(i.start, i.end);
    // The setting written into apt's configuration, not passed to one command with `-o`.
    if (i.keyword === 'RUN' && key.test(text) && text.includes('/etc/apt')) return true;
    if ((i.keyword === 'COPY' || i.keyword === 'ADD') && mayWriteAptConfig(model, i)) return true;
    if ((i.keyword === 'ENV' || i.keyword === 'ARG') && /\bAPT_CONFIG\b/.test(text)) return true;
  }
  return false;
}

/** Whether a COPY/ADD may put files into `/etc/apt` (unreadable operands count as "may"). */
function mayWriteAptConfig(model: DocumentModel, info: InstructionInfo): boolean {
  const op = copyOperands(model, info);
  if (!op || op.unresolved) return true;
  const workdir = op.dest.startsWith('/') ? '/' : workdirBefore(model, info)?.dir;
  if (workdir === undefined) return true;
  const dest = joinPath(workdir, op.dest);
  return dest === '/' || dest === '/etc' || dest === '/etc/apt' || dest.startsWith('/etc/apt/');
}

// ---------------------------------------------------------------------------------------------
// Exec form and SHELL

/**
 * The JSON array of an exec-form RUN/CMD/ENTRYPOINT/SHELL (continuations removed), or null for
 * shell form and anything that is not a JSON array of strings.
 */
export function execFormArgs(model: DocumentModel, info: InstructionInfo): string[] | null {
  if (!model.isExecForm(info)) return null;
  const first = info.node.getArguments()[0];
  if (!first) return null;
  const start = model.text.offsetAt(first.getRange().start);
  const joined = logicalText(model.content, start, info.end, model.escapeChar).chars.trim();
  try {
    const parsed: unknown = JSON.parse(joined);
    return Array.isArray(parsed) && parsed.every((x): x is string => typeof x === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/** The shell that runs shell-form instructions at a point of a stage. */
export interface ShellInEffect {
  /** The SHELL argv, or null when no SHELL instruction applies (the image default). */
  argv: string[] | null;
  /** The SHELL instruction that set it, or null. */
  info: InstructionInfo | null;
  /** False when a SHELL could not be read (not a JSON array): callers should stay silent. */
  known: boolean;
}

/** The SHELL in effect right before `info`, following the stage chain (`FROM <stage>`). */
export function shellBefore(model: DocumentModel, stage: Stage, info: InstructionInfo): ShellInEffect {
  let found: InstructionInfo | null = null;
  for (const i of stageChainInstructions(stage)) {
    if (i.index >= info.index) break;
    if (i.keyword === 'SHELL') found = i;
  }
  if (!found) return { argv: null, info: null, known: true };
  const argv = execFormArgs(model, found);
  return { argv, info: found, known: argv !== null && argv.length > 0 };
}

/** The base image's family, as far as the shell and package manager are concerned. */
export type ImageFamily = 'debian' | 'alpine' | 'windows' | 'unknown';

/**
 * The family of a stage's base image: the official python image (glibc variants are Debian,
 * `-alpine` is Alpine), `debian`, `ubuntu` and `buildpack-deps`, `alpine`; Windows tags; else
 * unknown (private images, unresolved variables, `scratch`, distroless).
 */
export function imageFamily(stage: Stage): ImageFamily {
  let root: Stage = stage;
  while (root.parent) root = root.parent;
  const image = root.image;
  if (!image || image.unresolved) return 'unknown';
  if (/windows|nanoserver|servercore|ltsc\d{4}/i.test(image.raw)) return 'windows';
  if (image.isPython) {
    const tag = image.python;
    if (!tag) return 'unknown';
    if (tag.variant === 'windowsservercore' || tag.variant === 'nanoserver') return 'windows';
    return tag.libc === 'musl' ? 'alpine' : 'debian';
  }
  if (image.registry !== null && !/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)$/i.test(image.registry)) return 'unknown';
  if (image.name === 'debian' || image.name === 'ubuntu' || image.name === 'buildpack-deps') return 'debian';
  if (image.name === 'alpine') return 'alpine';
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------
// Lines and comment blocks

/** Offset of the end of a line, before its terminator. */
export function lineEnd(model: DocumentModel, line: number): number {
  return model.text.lineStart(line) + model.text.lineText(line).length;
}

/**
 * The first line of an instruction together with the comment lines directly above it (an
 * ignore pragma or an explanation belongs to the instruction and moves with it).
 */
export function blockStartLine(model: DocumentModel, info: InstructionInfo): number {
  let line = info.range.start.line;
  while (line > 0) {
    const above = model.text.lineText(line - 1).trim();
    if (!above.startsWith('#') || model.instructionAtLine(line - 1) !== undefined) break;
    line--;
  }
  return line;
}

/**
 * Removes the lines of instructions and their comment blocks. Adjacent blocks are removed as
 * one span, and a file without a final line break keeps ending without one. A caller that
 * knows the blocks' first lines already passes `firstLineOf`.
 */
/** Whether a line exists and holds nothing but blanks. */
export function isBlankLine(model: DocumentModel, line: number): boolean {
  return line >= 0 && line < model.text.lineCount && model.text.lineText(line).trim() === '';
}

/**
 * Whether removing lines `first`..`last` takes a whole paragraph out: a blank line above and
 * one below. The removal then also takes the blank line below, so the instructions around
 * keep one blank line between them instead of two (a moved `COPY . .` used to leave both).
 */
export function isParagraph(model: DocumentModel, first: number, last: number): boolean {
  return isBlankLine(model, first - 1) && isBlankLine(model, last + 1);
}

/** Where the removal of lines `first`..`last` ends: after the blank line below a paragraph. */
export function blockRemovalEnd(model: DocumentModel, first: number, last: number): number {
  return model.text.nextLineStart(isParagraph(model, first, last) ? last + 1 : last);
}

export function removeBlocks(model: DocumentModel, infos: readonly InstructionInfo[], firstLineOf: (info: InstructionInfo) => number = (info) => blockStartLine(model, info)): TextEdit[] {
  const spans: [number, number][] = [];
  for (const info of infos) {
    const first = firstLineOf(info);
    const prev = spans[spans.length - 1];
    if (prev && prev[1] + 1 === first) prev[1] = info.range.end.line;
    else spans.push([first, info.range.end.line]);
  }
  return spans.map(([first, last]) => {
    const end = model.text.nextLineStart(last);
    if (end === lineEnd(model, last) && first > 0) return replaceSpan(model, lineEnd(model, first - 1), end, '');
    return replaceSpan(model, model.text.lineStart(first), blockRemovalEnd(model, first, last), '');
  });
}

/** The leading blanks of an instruction's first line. */
export function indentOf(model: DocumentModel, info: InstructionInfo): string {
  return /^[ \t]*/.exec(model.text.lineText(info.range.start.line).replace(/^\uFEFF/, ''))?.[0] ?? '';
}

/** Inserts whole lines above an instruction's comment block, with its indentation and the file's EOL. */
export function insertLinesAboveBlock(model: DocumentModel, info: InstructionInfo, lines: readonly string[]): TextEdit {
  const indent = indentOf(model, info);
  return insertAt(model, model.text.lineStart(blockStartLine(model, info)), lines.map((l) => indent + l + model.eol).join(''));
}

// ---------------------------------------------------------------------------------------------
// Parser directives and BuildKit

/** A parser directive at the top of the file (`# syntax=…`, `# escape=…`, `# check=…`). */
export interface Directive {
  /** Lower-cased name. */
  name: string;
  value: string;
  line: number;
}

const DIRECTIVE_RE = /^\s*#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;

/**
 * The parser directives: the `# name=value` lines at the very top. Docker stops looking at the
 * first line that is not one (a blank line, another comment or an instruction).
 */
export function parserDirectives(model: DocumentModel): Directive[] {
  const out: Directive[] = [];
  for (let line = 0; line < model.text.lineCount; line++) {
    const text = model.text.lineText(line).replace(/^\uFEFF/, '');
    const m = DIRECTIVE_RE.exec(text);
    if (!m) break;
    out.push({ name: (m[1] as string).toLowerCase(), value: m[2] as string, line });
  }
  return out;
}

/** The value of the `# syntax=` directive, or null. */
export function syntaxDirective(model: DocumentModel): string | null {
  // Rules ask per instruction; the top lines of a model never change, so read them once.
  const known = syntaxMemo.get(model);
  if (known !== undefined) return known;
  const value = parserDirectives(model).find((d) => d.name === 'syntax')?.value ?? null;
  syntaxMemo.set(model, value);
  return value;
}

const syntaxMemo = new WeakMap<DocumentModel, string | null>();

const FRONTEND_RE = /^(?:docker\.io\/)?docker\/dockerfile(?::(?<tag>[^@\s]+))?(?:@sha256:[0-9a-f]+)?$/i;

/**
 * Whether the `# syntax=` directive selects the official Dockerfile frontend at version
 * `1.<minMinor>` or newer: `docker/dockerfile:1` (the newest 1.x), `:1-labs`, `:latest`,
 * `:1.<n>[.<p>][-labs]` with n ≥ minMinor, or a later major. Other frontends and older
 * pins are not judged (false).
 */
export function frontendAtLeast(model: DocumentModel, minMinor: number): boolean {
  const value = syntaxDirective(model);
  if (value === null) return false;
  const m = FRONTEND_RE.exec(value.trim());
  if (!m) return false;
  const tag = m.groups?.['tag'];
  if (tag === undefined || tag === 'latest') return true;
  const v = /^(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-labs)?$/.exec(tag);
  if (!v) return false;
  const major = Number(v[1]);
  if (major !== 1) return major > 1;
  return v[2] === undefined || Number(v[2]) >= minMinor;
}

/** Flags that only BuildKit understands. */
const BUILDKIT_FLAGS: Record<string, readonly string[]> = {
  RUN: ['mount', 'network', 'security'],
  COPY: ['link', 'chmod', 'parents', 'exclude'],
  ADD: ['link', 'chmod', 'checksum', 'keep-git-dir', 'exclude'],
};

/**
 * Whether the Dockerfile already relies on BuildKit: a `# syntax=` directive, a BuildKit-only
 * flag (`RUN --mount`, `COPY --link`, `--chmod`, …) or a heredoc. Suggestions that need
 * BuildKit are only useful to files that are built with it.
 */
export function usesBuildKit(model: DocumentModel): boolean {
  if (syntaxDirective(model) !== null) return true;
  // No heredoc starts without `<<`: asking dockerfile-ast rescans the arguments of every
  // instruction, which cost more than the rest of this check on typical files.
  const anyHeredoc = model.content.includes('<<');
  return model.instructions.some((info) => {
    const names = BUILDKIT_FLAGS[info.keyword];
    if (names && flagsOf(info).some((f) => names.includes(f.getName()))) return true;
    return anyHeredoc && model.content.slice(info.start, info.end).includes('<<') && hasHeredoc(info);
  });
}

/** Whether dockerfile-ast finds a heredoc in the instruction. */
function hasHeredoc(info: InstructionInfo): boolean {
  const node = info.node as unknown as { getHeredocs?: () => unknown[] };
  return typeof node.getHeredocs === 'function' && node.getHeredocs().length > 0;
}

/** The line a fix adds when it needs BuildKit features and the file selects no frontend. */
export const SYNTAX_LINE = '# syntax=docker/dockerfile:1';

/**
 * An edit that adds `# syntax=docker/dockerfile:1` as the first line, or null when the file
 * already has a `# syntax=` directive (the author's choice of frontend is kept).
 */
export function addSyntaxDirective(model: DocumentModel): TextEdit | null {
  if (syntaxDirective(model) !== null) return null;
  return insertAt(model, 0, SYNTAX_LINE + model.eol);
}
