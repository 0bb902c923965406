// What a builder recipe (catalogue §4.4) decides: where the environment lives and how the
// install RUNs read in the builder stage.
import type { DocumentModel, InstructionInfo } from '../../model/document-model';
import type { Stage } from '../../model/stages';
import type { Word } from '../../shell/lexer';
import type { SimpleCommand } from '../../shell/parser';
import type { RunFacts } from '../analyse';
import type { SplitLayout } from './two-phase';

/** A replacement of document text between two offsets. */
export interface SpanEdit {
  start: number;
  end: number;
  newText: string;
}

/** Everything a recipe may look at. */
export interface RecipeInput {
  model: DocumentModel;
  final: Stage;
  /** RUNs of the final stage up to and including the last install. */
  runs: readonly RunFacts[];
  /** The WORKDIR in effect at the first dependency install (absolute), or null when unknown. */
  installWorkdir: string | null;
  /** A virtual environment the stage already creates and uses (absolute), or null. */
  existingVenv: string | null;
  /** ENV/ARG values of the final stage before its last install. */
  variables: ReadonlyMap<string, string>;
  /** The programs the container starts (first words of its commands). */
  entryPrograms: readonly string[];
  /** Reads a file of the build context (undefined: missing or no context known). */
  readContextFile?: (relativePath: string) => string | undefined;
}

/** How the builder installs: the environment to copy and the edits of the install RUNs. */
export interface BuilderPlan {
  /** Absolute path of the environment the runtime stage copies (same path in both stages). */
  venv: string;
  /** The builder creates the environment itself (`python -m venv <venv>`) before the first install. */
  createVenv: boolean;
  /** ENV lines (complete instructions) the builder sets before the first dependency install. */
  envLines: string[];
  /**
   * Edits that turn an install RUN into its builder form (document offsets), `drop` when the
   * builder does without it, or a refusal.
   */
  editRun(run: RunFacts): SpanEdit[] | 'drop' | { refused: string };
  /**
   * Two-phase install (lock-file projects): `editRun` then gives the dependencies-only form,
   * the whole-context COPYs move after it, followed by `afterSources` (complete RUN
   * instructions that install the project itself, possibly none).
   */
  split?: { layout: SplitLayout; afterSources: string[] };
}

/** A recipe's answer: a plan, or why the project cannot be rewritten with it. */
export type RecipeResult = BuilderPlan | { refused: string };

/** Removes one word of a command line and the blanks before it. */
export function removeWord(model: DocumentModel, word: Word): SpanEdit {
  let start = word.start;
  while (start > 0 && (model.content[start - 1] === ' ' || model.content[start - 1] === '\t')) start--;
  return { start, end: word.end, newText: '' };
}

/** Inserts ` <text>` right after a word. */
export function appendAfter(word: Word, text: string): SpanEdit {
  return { start: word.end, end: word.end, newText: ` ${text}` };
}

/** Removes a simple command together with one adjacent `&&`/`;`, or null when that is not clean. */
export function removeCommand(run: RunFacts, command: SimpleCommand): SpanEdit | null {
  const script = run.script;
  if (!script) return null;
  const commands = script.commands;
  const index = commands.indexOf(command);
  const sequential = (c: SimpleCommand | undefined): boolean => c === undefined || c.connector === '&&' || c.connector === ';';
  const next = commands[index + 1];
  const prev = commands[index - 1];
  if (next) return sequential(command) && sequential(prev) ? { start: command.start, end: next.start, newText: '' } : null;
  if (!prev || !sequential(prev)) return null;
  return { start: prev.end, end: command.connectorToken ? command.connectorToken.end : command.end, newText: '' };
}

/** The source text of an instruction (all its lines, without the final line break) with edits applied. */
export function instructionWithEdits(model: DocumentModel, info: InstructionInfo, edits: readonly SpanEdit[]): string {
  const start = model.text.lineStart(info.range.start.line);
  const end = model.text.lineStart(info.range.end.line) + model.text.lineText(info.range.end.line).length;
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let text = model.content.slice(start, end);
  for (const e of sorted) {
    if (e.start < start || e.end > end) continue;
    text = text.slice(0, e.start - start) + e.newText + text.slice(e.end - start);
  }
  return text.replace(/^\uFEFF/, '');
}
