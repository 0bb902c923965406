// Helpers for the rules about where Python packages land: USER in effect, stage-to-stage copies, word removal, line insertion.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { copyFromFlag, resolveStageRef, stageChainInstructions, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import type { Word } from '../shell/lexer';
import type { SimpleCommand } from '../shell/parser';
import { copyOperands, workdirBefore, type CopyOperands, type WorkdirState } from './copy-paths';
import { insertAt, replaceSpan } from './edit-helpers';

/**
 * The `USER` in effect right before `info`, following the stage chain (`FROM <stage>`), or
 * null when no `USER` was set (the base image's default, root for the official images).
 */
export function userBefore(info: InstructionInfo): string | null {
  if (!info.stage) return null;
  let user: string | null = null;
  for (const i of stageChainInstructions(info.stage)) {
    if (i.index >= info.index) break;
    if (i.keyword === 'USER') user = i.node.getArgumentsContent()?.trim() ?? null;
  }
  return user;
}

/** True for `root`, `0`, `root:<group>` and `0:<group>`: the user part decides the UID. */
export function isRootUser(value: string): boolean {
  const user = value.split(':')[0]?.trim() ?? '';
  return user === 'root' || user === '0';
}

/** A `COPY --from=<stage>` in a later stage, with its operands and the WORKDIR it runs in. */
export interface StageCopy {
  info: InstructionInfo;
  /** The stage that holds the COPY. */
  consumer: Stage;
  op: CopyOperands;
  workdir: WorkdirState | null;
}

/**
 * Every `COPY --from=` that reads from `stage` (by alias or index). COPYs whose operands
 * cannot be read reliably (JSON form, quotes, heredocs) are left out, so callers must treat
 * the list as "known copies", not "all copies" — see {@link hasUnreadableCopyFrom}.
 */
export function copiesFrom(model: DocumentModel, stage: Stage): StageCopy[] {
  const copies: StageCopy[] = [];
  for (const consumer of model.stages) {
    if (consumer.index <= stage.index) continue;
    for (const info of consumer.instructions) {
      if (info.keyword !== 'COPY') continue;
      const op = copyOperands(model, info);
      if (!op || op.from === null) continue;
      if (resolveStageRef(model.stages, op.from, consumer.index) !== stage) continue;
      copies.push({ info, consumer, op, workdir: workdirBefore(model, info) });
    }
  }
  return copies;
}

/** Whether a later stage copies from `stage` with a COPY whose operands we cannot read. */
export function hasUnreadableCopyFrom(model: DocumentModel, stage: Stage): boolean {
  for (const consumer of model.stages) {
    if (consumer.index <= stage.index) continue;
    for (const info of consumer.instructions) {
      if (info.keyword !== 'COPY' || copyOperands(model, info) !== null) continue;
      const from = copyFromFlag(info)?.getValue();
      if (from && resolveStageRef(model.stages, from, consumer.index) === stage) return true;
    }
  }
  return false;
}

/** Whether a word's document text is exactly its logical text (no continuation inside it). */
export function isVerbatim(model: DocumentModel, word: Word): boolean {
  return model.content.slice(word.start, word.end) === word.raw;
}

/** Whether the document text between two offsets is only blanks and line continuations. */
function isBlankGap(model: DocumentModel, start: number, end: number): boolean {
  const escape = model.escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const gap = model.content.slice(start, end).replace(new RegExp(`${escape}[ \\t]*\\r?\\n`, 'g'), ' ');
  return /^[ \t]*$/.test(gap);
}

/**
 * Removes the words `first`..`last` of a command together with the blank that separates
 * them from the next word (or, at the end of the command, from the previous one). Returns
 * null when the surrounding text is more than blanks and continuations (a redirection or a
 * comment line could be swallowed), or when the words do not belong to the command.
 */
export function removeWordsEdit(model: DocumentModel, command: SimpleCommand, first: Word, last: Word): TextEdit | null {
  const words = command.words;
  const from = words.indexOf(first);
  const to = words.indexOf(last);
  if (from <= 0 || to < from) return null;
  for (let k = from; k < to; k++) if (!isBlankGap(model, (words[k] as Word).end, (words[k + 1] as Word).start)) return null;
  const next = words[to + 1];
  if (next) return isBlankGap(model, last.end, next.start) ? replaceSpan(model, first.start, next.start, '') : null;
  const prev = words[from - 1] as Word;
  return isBlankGap(model, prev.end, first.start) ? replaceSpan(model, prev.end, last.end, '') : null;
}

/** How messages name a stage: `stage \`builder\``, `the final stage`, or `stage 2` (0-based index). */
export function describeStage(stage: Stage): string {
  if (stage.alias !== null) return `stage \`${stage.alias}\``;
  return stage.isFinal ? 'the final stage' : `stage ${stage.index}`;
}

/**
 * Inserts whole lines below an instruction, at the start of the next line (or at the end of a
 * file without a final line break). Unlike inserting at the end of the instruction's last
 * line, this position lies inside any other fix that rewrites the line break after the
 * instruction (merging it with the next RUN, say), so fix-all applies the two in separate
 * passes instead of splicing the new lines into the middle of the merged instruction.
 */
export function insertLinesBelow(model: DocumentModel, info: InstructionInfo, lines: string[]): TextEdit {
  const next = model.text.nextLineStart(info.range.end.line);
  const terminated = /\r?\n$/.test(model.content.slice(0, next));
  if (terminated) return insertAt(model, next, lines.map((l) => l + model.eol).join(''));
  // A line ended by a lone CR (no line break for Docker, which splits at LF only): the new
  // lines go before that CR, since a line break written after it would make it a CRLF.
  const at = next > 0 && model.content.charCodeAt(next - 1) === 13 ? next - 1 : model.content.length;
  return insertAt(model, at, lines.map((l) => model.eol + l).join(''));
}
