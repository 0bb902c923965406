// Shell-form RUN scripts as rules read them: the RUNs whose scripts parsed (with their stage),
// a comparable key of a RUN's flags, option values of a command, and the directory a path
// written in a RUN command means.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { rootStage, type Stage } from '../model/stages';
import { logicalOffset, logicalText } from '../shell/lexer';
import type { ShellScript } from '../shell/parser';
import { programName } from '../shell/query';
import { joinPath, workdirBefore } from './copy-paths';
import { flagsOf, type CommandSite } from './helpers';

/** A shell-form RUN whose script parsed, with the stage it belongs to. */
export interface RunScript {
  readonly stage: Stage;
  readonly info: InstructionInfo;
  readonly script: ShellScript;
}

/**
 * The RUNs among `infos` (by default every instruction, in document order) whose shell-form
 * script parsed without error. Exec-form and heredoc RUNs have no script, a script that failed
 * to parse would only invite guesses (false positives), and a RUN before the first FROM belongs
 * to no stage: all are skipped.
 */
export function parsedRuns(model: DocumentModel, infos: readonly InstructionInfo[] = model.instructions): readonly RunScript[] {
  // Most callers ask for the whole document, rule after rule: that list is built once per model.
  if (infos !== model.instructions) return collectRuns(model, infos);
  let runs = allRuns.get(model);
  if (runs === undefined) {
    runs = collectRuns(model, infos);
    allRuns.set(model, runs);
  }
  return runs;
}

const allRuns = new WeakMap<DocumentModel, readonly RunScript[]>();

/** The parsed RUNs among `infos`: an array, as a generator's per-item cost exceeded most callers' loop bodies. */
function collectRuns(model: DocumentModel, infos: readonly InstructionInfo[]): RunScript[] {
  const runs: RunScript[] = [];
  for (const info of infos) {
    if (info.keyword !== 'RUN' || !info.stage) continue;
    const script = model.shellOf(info);
    if (!script || script.error !== undefined) continue;
    runs.push({ stage: info.stage, info, script });
  }
  return runs;
}

/** A stable text for comparing the flags of two RUNs (`--mount`, `--network`, …). */
export function flagKey(info: InstructionInfo): string {
  return flagsOf(info)
    .map((f) => `${f.getName()}=${f.getValue() ?? ''}`)
    .sort()
    .join(' ');
}

/** The builtins that change the working directory of later commands. */
const DIRECTORY_CHANGERS: ReadonlySet<string> = new Set(['cd', 'pushd', 'popd']);

/**
 * Whether a command of the script before index `index` changes directory (`cd`, `pushd`,
 * `popd`): relative paths written after it no longer mean what the WORKDIR says.
 */
export function changesDirectoryBefore(script: ShellScript, index: number): boolean {
  // A loop over a shared set: rules ask this per command, a list and a closure per call added up.
  for (const c of script.commands) {
    if (c.index < index && DIRECTORY_CHANGERS.has(programName(c))) return true;
  }
  return false;
}

/**
 * The absolute path a path written in a RUN command refers to, or null when the working
 * directory is not known for sure: a `cd` earlier in the RUN, an unresolved WORKDIR, or a base
 * image other than the official python image, whose own default WORKDIR we cannot see.
 */
export function resolveRunPath(model: DocumentModel, site: CommandSite, written: string): string | null {
  if (written.startsWith('/')) return joinPath('/', written);
  if (changesDirectoryBefore(site.script, site.command.index)) return null;
  const wd = workdirBefore(model, site.info);
  if (!wd || !site.info.stage) return null;
  if (wd.fromImage && !rootStage(site.info.stage).image?.isPython) return null;
  return joinPath(wd.dir, written);
}

/** Character code of `=`. */
const EQUALS = 0x3d;

/**
 * The value of the first of the given options anywhere among a command's words (`--opt v`,
 * `--opt=v`), or null. For options the package-manager models do not know.
 */
export function optionValue(words: readonly { value: string }[], names: readonly string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const v = (words[i] as { value: string }).value;
    for (const name of names) {
      if (v === name) return words[i + 1]?.value ?? null;
      // `v.startsWith(`${name}=`)` without building that string per word and name.
      if (v.length > name.length && v.charCodeAt(name.length) === EQUALS && v.startsWith(name)) return v.slice(name.length + 1);
    }
  }
  return null;
}

/**
 * Where text appended to a RUN's script goes: just after the last character the shell sees
 * between `start` and `end` (past trailing blanks and comment lines inside its continuation),
 * before a trailing `;` (`a;` + ` && b` reads as `a && b`). Null for an empty script, or after a
 * trailing `&` (the text would follow a background job). Offsets are read per character asked,
 * not as a list built for the whole RUN.
 */
export function scriptAppendOffset(model: DocumentModel, start: number, end: number): number | null {
  const text = logicalText(model.content, start, end, model.escapeChar);
  const { chars } = text;
  let k = lastNonBlank(chars, chars.length);
  if (k < 0) return null;
  const escaped = chars[k - 1] === '\\';
  if (chars[k] === '&' && !escaped) return null;
  if (chars[k] === ';' && !escaped) {
    k = lastNonBlank(chars, k);
    if (k < 0) return null;
  }
  return logicalOffset(text, k) + 1;
}

/** Index of the last non-blank character before `before`, or -1. */
function lastNonBlank(chars: string, before: number): number {
  let k = before - 1;
  while (k >= 0 && /\s/.test(chars[k] as string)) k--;
  return k;
}
