// Helpers shared by the Poetry, Pipenv and uv rules: variables seen by a command, stage reach, tool installs.
import type { DocumentModel } from '../model/document-model';
import { resolveStageRef, stageReferences, type Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import { mayBePythonTool, pipInstall, requirementName, type PipInstall } from '../shell/pip';
import { baseName, effectiveWords, inlineEnv } from '../shell/query';
import type { TextEdit } from '../model/text';
import { definedVariables, runCommands, type CommandSite } from './helpers';
import { replaceSpan } from './edit-helpers';

/**
 * Whether a boolean environment value is true. Poetry accepts `true`/`1`; uv and Pipenv also
 * accept `yes`/`on`. Anything else (including `0`, `false` and empty) is false.
 */
export function isTruthy(value: string): boolean {
  return /^(1|true|yes|on)$/i.test(value.trim());
}

/**
 * The value of an environment variable as a command sees it: an inline assignment
 * (`NAME=v cmd`, `env NAME=v cmd`), an `export NAME=v` earlier in the same RUN, or an ENV/ARG
 * in the stage chain before the RUN. Returns undefined when nothing sets it and null when it
 * is set to something we cannot know (an ARG without default, a `$` expansion).
 */
export function variableAt(site: CommandSite, name: string): string | null | undefined {
  const inline = inlineEnv(site.command).get(name);
  if (inline !== undefined) return inline.includes('$') ? null : inline;
  let exported: string | null | undefined;
  for (const cmd of site.script.commands) {
    if (cmd.index >= site.command.index) break;
    const words = effectiveWords(cmd);
    if (baseName(words[0]) !== 'export') continue;
    for (const w of words.slice(1)) {
      if (w.value === name) exported = null;
      else if (w.value.startsWith(`${name}=`)) exported = w.hasExpansion ? null : w.value.slice(name.length + 1);
    }
  }
  if (exported !== undefined) return exported;
  const stage = site.info.stage;
  if (!stage) return undefined;
  const vars = definedVariables(stage, site.info);
  if (!vars.has(name)) return undefined;
  const value = vars.get(name);
  return value === null || value === undefined || value.includes('$') ? null : value;
}

/**
 * The RUN commands (of a stage, or of the whole file) whose program may be a Python packaging
 * tool: pip, python, uv, pipx, poetry, pipenv (see `mayBePythonTool`). Every tool model these
 * rules ask for (`pipInstall`, `toolCommand`, `toolInstall`) is null for the other commands, so
 * several rules walk this shorter list instead of asking each model about every command
 * (`apt-get`, `rm`, `chmod`, … make up most of a typical file). Read-only, shared.
 */
export function toolSites(model: DocumentModel, stage?: Stage): readonly CommandSite[] {
  const all = runCommands(model, stage);
  // Keyed by the shared site list: it is rebuilt (a new array) whenever the stage changes.
  let known = toolSitesMemo.get(all);
  if (known === undefined) {
    known = all.filter((site) => mayBePythonTool(effectiveWords(site.command)[0]));
    toolSitesMemo.set(all, known);
  }
  return known;
}

const toolSitesMemo = new WeakMap<readonly CommandSite[], readonly CommandSite[]>();

/** The stages a stage reads files from: `COPY --from`, `RUN --mount=from=` and its FROM parent. */
function referencedStages(model: DocumentModel, stage: Stage, includeParent: boolean): Stage[] {
  const refs = stageReferences(stage)
    .map((ref) => resolveStageRef(model.stages, ref, stage.index))
    .filter((s): s is Stage => s !== null);
  return includeParent && stage.parent ? [...refs, stage.parent] : refs;
}

/**
 * Stages whose content reaches the built image: the final stage and its ancestors, plus every
 * stage that one of them copies from, transitively. A stage that only feeds a test stage does not.
 */
export function stagesReachingImage(model: DocumentModel): Set<Stage> {
  const reached = new Set(model.stages.filter((s) => s.ships));
  const queue = [...reached];
  for (let stage = queue.shift(); stage; stage = queue.shift()) {
    for (const ref of referencedStages(model, stage, true)) {
      if (reached.has(ref)) continue;
      reached.add(ref);
      queue.push(ref);
    }
  }
  return reached;
}

/**
 * Stages that some later stage copies files out of (`COPY --from`, `RUN --mount=from=`). A
 * stage that is only built upon with `FROM <stage>` is not included: its children keep every
 * file at the same path, source tree included.
 */
export function copiedStages(model: DocumentModel): Set<Stage> {
  const copied = new Set<Stage>();
  for (const stage of model.stages) {
    for (const ref of referencedStages(model, stage, false)) copied.add(ref);
  }
  return copied;
}

/** A command that installs a named Python tool, and the word naming it. */
export interface ToolInstall {
  /** The package word, e.g. `poetry==2.1.3`. */
  word: Word;
  /** The pip model when installed with `pip`/`uv pip`, else null (`pipx`, `uv tool`). */
  pip: PipInstall | null;
}

/**
 * Recognises `pip install <name>…` (any runner), `pipx install <name>` and
 * `uv tool install <name>` for the distribution `name` (normalized, e.g. `poetry`).
 */
export function toolInstall(site: CommandSite, name: string): ToolInstall | null {
  const pip = pipInstall(site.command);
  if (pip) {
    const word = pip.packages.find((w) => !w.hasExpansion && requirementName(w.value) === name);
    return word ? { word, pip } : null;
  }
  const words = effectiveWords(site.command);
  const program = baseName(words[0]);
  let from = -1;
  if (program === 'pipx' && words[1]?.value === 'install') from = 2;
  if (program === 'uv' && words[1]?.value === 'tool' && words[2]?.value === 'install') from = 3;
  if (from < 0) return null;
  const word = words.slice(from).find((w) => !w.value.startsWith('-') && !w.hasExpansion && requirementName(w.value) === name);
  return word ? { word, pip: null } : null;
}

const LOWER_BOUND_RE = /^\s*(===|==|~=|>=|>)\s*v?(\d+)/;

/**
 * Whether a requirement specifier (`poetry>=2`, `poetry==2.*`, `~=2.1`) only admits major
 * version `major` or later. Upper bounds, exclusions and missing specifiers say nothing.
 */
export function requiresMajorAtLeast(spec: string, major: number): boolean {
  const body = spec.replace(/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?/, '').split(';')[0] ?? '';
  return body.split(',').some((clause) => {
    const m = LOWER_BOUND_RE.exec(clause);
    if (!m) return false;
    // `>1` still admits 1.9, so only the bound's own major version counts.
    return Number(m[2]) >= major;
  });
}

/**
 * Removes an option word (and its separate value word) together with the blank before it,
 * so `poetry export --without-hashes -f x` becomes `poetry export -f x`. Continuation lines
 * after the option are kept.
 */
export function removeOptionEdit(model: DocumentModel, site: CommandSite, word: Word, valueWord: Word | null = null): TextEdit | null {
  const words = [...site.command.assignments, ...site.command.words];
  const index = words.indexOf(word);
  const prev = words[index - 1];
  if (index <= 0 || !prev) return null;
  const last = valueWord ?? word;
  return replaceSpan(model, prev.end, last.end, '');
}
