// Catalogue §4.4.2–§4.4.4: in the builder of a lock-file project (Poetry, Pipenv, uv), the
// dependencies install from the manifests alone and the sources arrive afterwards, so editing
// the code does not reinstall every dependency.
import type { InstructionInfo } from '../../model/document-model';
import type { SimpleCommand } from '../../shell/parser';
import { isPathOrUrl, pipInstall } from '../../shell/pip';
import { classifySource, copyOperands, copyTarget, joinPath, relativeWithin, workdirBefore } from '../../rules/copy-paths';
import { flagsOf } from '../../rules/helpers';
import { removeCommand, type RecipeInput, type SpanEdit } from './types';
import type { RunFacts } from '../analyse';

/** COPY/ADD flags that do not change which files arrive where. */
const HARMLESS_COPY_FLAGS = new Set(['chown', 'chmod', 'link']);

/** How a recipe splits its installs; see {@link splitLayout}. */
export interface SplitSpec {
  /** The tool's own install command (`uv sync`, `poetry install`, `pipenv sync`). */
  isToolInstall(command: SimpleCommand): boolean;
  /** Files the dependency install reads, relative to the context root; all must be known to exist. */
  manifests: readonly string[];
  /** Manifests copied too when the build context has them (`.python-version`, `poetry.toml`). */
  optionalManifests: readonly string[];
  /**
   * Whether the manifests may be assumed without a readable build context (the install
   * command itself fails without them, e.g. `uv sync --locked`).
   */
  impliedByCommands: boolean;
  /** Manifest contents that make the dependency install need the sources (path dependencies, workspaces). */
  needsSources(read: (file: string) => string | undefined): string | null;
}

/** The builder layout of a two-phase install. */
export interface SplitLayout {
  /** COPY/ADD of the whole context before the last install: they move after the dependency installs. */
  sourceCopies: InstructionInfo[];
  /** Manifests to copy where the first source copy was (those no earlier COPY brought). */
  manifests: string[];
}

/** Whether a COPY/ADD brings the whole build context into the install's working directory. */
function isWholeContextCopy(input: RecipeInput, info: InstructionInfo): boolean | null {
  if (info.keyword !== 'COPY' && info.keyword !== 'ADD') return false;
  const op = copyOperands(input.model, info);
  if (!op) return null;
  if (op.from !== null) return false;
  const whole = op.sources.some((s) => classifySource(s) === 'context');
  if (!whole) return false;
  if (op.unresolved || op.sources.length !== 1 || !op.flags.every((f) => HARMLESS_COPY_FLAGS.has(f.getName().toLowerCase()))) return null;
  const workdir = workdirBefore(input.model, info);
  if (!workdir || input.installWorkdir === null) return null;
  const target = copyTarget(op, op.sources[0] as string, workdir.dir);
  return target.kind === 'into' && target.dir === input.installWorkdir ? true : null;
}

/**
 * A `COPY --from=<image or stage>` (uv's binaries) whose destination lies outside the install's
 * working directory: the sources, now copied after it, cannot overwrite what it brings.
 */
function isToolCopyOutside(input: RecipeInput, info: InstructionInfo): boolean {
  if (info.keyword !== 'COPY') return false;
  const op = copyOperands(input.model, info);
  const workdir = workdirBefore(input.model, info);
  if (!op || op.from === null || op.unresolved || !workdir || input.installWorkdir === null) return false;
  return relativeWithin(joinPath(workdir.dir, op.dest), input.installWorkdir) === null && relativeWithin(input.installWorkdir, joinPath(workdir.dir, op.dest)) === null;
}

/** Files a file-only COPY into the install's working directory brings (context-relative). */
function copiedFiles(input: RecipeInput, info: InstructionInfo): string[] {
  if (info.keyword !== 'COPY') return [];
  const op = copyOperands(input.model, info);
  const workdir = workdirBefore(input.model, info);
  if (!op || op.from !== null || op.unresolved || !workdir) return [];
  return op.sources
    .filter((s) => classifySource(s) === 'file')
    .filter((s) => {
      const target = copyTarget(op, s, workdir.dir);
      return target.kind === 'files' && target.paths.some((p) => p === `${input.installWorkdir ?? ''}/${s.replace(/^\.\//, '')}`.replace(/^\/\//, '/'));
    })
    .map((s) => s.replace(/^\.\//, ''));
}

/** Whether every command of an install RUN can run without the sources (tool installs, named packages). */
function runsWithoutSources(run: RunFacts, spec: SplitSpec): boolean {
  if (run.role !== 'install' || !run.script) return false;
  // A bind mount may bring sources in; a cache mount does not.
  if (flagsOf(run.info).some((f) => f.getName().toLowerCase() === 'mount' && !/type=cache\b/.test(f.getValue() ?? ''))) return false;
  return run.script.commands.every((command, i) => {
    if (run.kinds[i] !== 'deps') return true;
    if (spec.isToolInstall(command)) return true;
    const pip = pipInstall(command);
    if (!pip || pip.values('-r', '--requirement', '-c', '--constraint', '-e', '--editable').length > 0) return false;
    return pip.packages.every((w) => !w.hasExpansion && !isPathOrUrl(w.value));
  });
}

/**
 * Where the builder can install the dependencies before the sources: the whole-context
 * COPYs that precede an install, and the manifests to copy in their place. Null when the
 * install is already split (or copies no sources), or when splitting it cannot be proven
 * harmless — the builder then keeps the original order.
 */
export function splitLayout(input: RecipeInput, spec: SplitSpec, read: ((file: string) => string | undefined) | undefined): SplitLayout | null {
  const lastRun = input.runs[input.runs.length - 1];
  if (!lastRun || input.installWorkdir === null) return null;
  const prefix = input.final.instructions.filter((i) => i.index <= lastRun.info.index);
  const runByIndex = new Map(input.runs.map((r) => [r.info.index, r]));
  const sourceCopies: InstructionInfo[] = [];
  const earlierFiles = new Set<string>();
  for (const info of prefix) {
    const whole = isWholeContextCopy(input, info);
    if (whole === null) return null;
    if (whole) {
      sourceCopies.push(info);
      continue;
    }
    if (sourceCopies.length === 0) {
      for (const f of copiedFiles(input, info)) earlierFiles.add(f);
      continue;
    }
    // After the sources arrive, only what cannot depend on them may move before them.
    if (info.keyword === 'ENV' || info.keyword === 'ARG' || isToolCopyOutside(input, info)) continue;
    const run = runByIndex.get(info.index);
    if (info.keyword === 'RUN' && run && (run.role === 'system' || runsWithoutSources(run, spec))) continue;
    return null;
  }
  const firstCopy = sourceCopies[0];
  if (!firstCopy || !input.runs.some((r) => r.info.index > firstCopy.index && r.role === 'install')) return null;
  const exists = (file: string): boolean | undefined => (read ? read(file) !== undefined : undefined);
  if (read) {
    if (!spec.manifests.every((f) => exists(f) === true)) return null;
    if (spec.needsSources(read) !== null) return null;
  } else if (!spec.impliedByCommands) {
    return null;
  }
  const wanted = [...spec.manifests, ...spec.optionalManifests.filter((f) => exists(f) === true)];
  return { sourceCopies, manifests: wanted.filter((f) => !earlierFiles.has(f)) };
}

/** A command's words as a key, ignoring the options that only the split adds. */
function commandKey(command: SimpleCommand, ignored: ReadonlySet<string>): string {
  return command.words
    .map((w) => w.value)
    .filter((v) => !ignored.has(v))
    .join(' ');
}

/** Commands a RUN repeats, and the edits that take them out. */
export interface Repeats {
  edits: SpanEdit[];
  removed: ReadonlySet<SimpleCommand>;
}

/**
 * The commands of a RUN that an earlier install RUN of the builder already ran word for word
 * (a reordering fix may have repeated `pip install poetry && poetry install`), with the edits
 * that take them out; `drop` when nothing else is left. No edits when the removal cannot be
 * done cleanly. Records the RUN's commands in `seen`.
 */
export function withoutRepeats(run: RunFacts, seen: Set<string>, ignored: ReadonlySet<string>): Repeats | 'drop' {
  const commands = run.script?.commands ?? [];
  const counts = (i: number): boolean => run.kinds[i] !== 'cleanup';
  const repeats = commands.filter((c, i) => counts(i) && seen.has(commandKey(c, ignored)));
  for (const [i, c] of commands.entries()) if (counts(i)) seen.add(commandKey(c, ignored));
  const none: Repeats = { edits: [], removed: new Set() };
  if (repeats.length === 0) return none;
  if (repeats.length === commands.filter((_, i) => counts(i)).length) return 'drop';
  const edits: SpanEdit[] = [];
  for (const c of repeats) {
    const removal = removeCommand(run, c);
    if (!removal) return none;
    edits.push(removal);
  }
  return overlaps(edits) ? none : { edits, removed: new Set(repeats) };
}

/** Whether two of the edits overlap. */
export function overlaps(edits: readonly SpanEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  return sorted.some((e, i) => i > 0 && e.start < (sorted[i - 1] as SpanEdit).end);
}

/**
 * A RUN that repeats one command of an install RUN, with `edits` (document offsets inside the
 * command) applied: `RUN`, the original RUN's flags, then the command as written.
 */
export function repeatCommand(input: RecipeInput, run: RunFacts, command: SimpleCommand, edits: readonly SpanEdit[]): string | null {
  const first = run.script?.commands[0];
  if (!first) return null;
  const model = input.model;
  // Continuation lines between the flags become one line; the command keeps its own.
  const esc = model.escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const head = model.content.slice(run.info.start, first.start).replace(new RegExp(`${esc}\\r?\\n\\s*`, 'g'), ' ');
  if (!/^RUN\s/i.test(head) || /\n/.test(head)) return null;
  let text = model.content.slice(command.start, command.end);
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    if (e.start < command.start || e.end > command.end) return null;
    text = text.slice(0, e.start - command.start) + e.newText + text.slice(e.end - command.start);
  }
  return `${head}${text}`;
}
