// Small edit builders shared by rules: insertions, replacements and whole-line removals.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { applyImageEdit, imageEdit, type ImageSite } from '../model/image-ref';
import type { TextEdit } from '../model/text';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import type { Fix } from './types';

/** Inserts text at a document offset. */
export function insertAt(model: DocumentModel, offset: number, newText: string): TextEdit {
  const pos = model.text.positionAt(offset);
  return { range: { start: pos, end: pos }, newText };
}

/** Replaces the document text between two offsets. */
export function replaceSpan(model: DocumentModel, start: number, end: number, newText: string): TextEdit {
  return { range: model.text.rangeOf(start, end), newText };
}

/** Removes whole lines of an instruction, including its line terminator. */
export function removeInstruction(model: DocumentModel, info: InstructionInfo): TextEdit {
  let start = model.text.lineStart(info.range.start.line);
  const end = model.text.nextLineStart(info.range.end.line);
  const endsWithEol = model.content.slice(0, end).endsWith('\n');
  if (!endsWithEol && start > 0) {
    // The last line has no terminator: remove the previous line's one instead, so no empty
    // line is left behind and the file keeps ending without a newline.
    start -= model.content.slice(0, start).endsWith('\r\n') ? 2 : 1;
  }
  return replaceSpan(model, start, end, '');
}

/** Inserts whole lines before an instruction, reusing its indentation and the file's EOL. */
export function insertLinesBefore(model: DocumentModel, info: InstructionInfo, lines: string[]): TextEdit {
  const lineStart = model.text.lineStart(info.range.start.line);
  const indent = /^[ \t]*/.exec(model.text.lineText(info.range.start.line))?.[0] ?? '';
  return insertAt(model, lineStart, lines.map((l) => indent + l + model.eol).join(''));
}

/** Inserts whole lines after an instruction. */
export function insertLinesAfter(model: DocumentModel, info: InstructionInfo, lines: string[]): TextEdit {
  const lineEnd = model.text.lineStart(info.range.end.line) + model.text.lineText(info.range.end.line).length;
  return insertAt(model, lineEnd, lines.map((l) => model.eol + l).join(''));
}

/** The full source lines of an instruction (with continuation lines), without the final EOL. */
export function instructionSource(model: DocumentModel, info: InstructionInfo): string {
  const start = model.text.lineStart(info.range.start.line);
  const end = model.text.lineStart(info.range.end.line) + model.text.lineText(info.range.end.line).length;
  return model.content.slice(start, end);
}

/** The range of the instruction keyword, a good anchor for instruction-level findings. */
export function keywordRange(info: InstructionInfo): TextEdit['range'] {
  return info.node.getInstructionRange();
}

/**
 * Removes one command of a shell script together with one adjacent `&&`/`;` connector.
 * Returns null when that could change what the remaining commands do (pipes, `||`, groups,
 * or the only command of the script, which the caller should remove as an instruction).
 */
export function removeCommandEdit(model: DocumentModel, script: ShellScript, index: number): TextEdit | null {
  const commands = script.commands;
  const cmd = commands[index];
  // Opaque parts (if/for/case, heredocs) are not in `commands`, so neighbours in the list may
  // not be neighbours in the text: removing a span could swallow an opaque block.
  if (!cmd || commands.length < 2 || script.error !== undefined || script.opaque.length > 0 || commands.some((c) => c.depth !== 0)) return null;
  const sequential = (c: SimpleCommand | undefined): boolean => c === undefined || c.connector === '&&' || c.connector === ';';
  const prev = commands[index - 1];
  const next = commands[index + 1];
  if (next) {
    if (!sequential(cmd) || !sequential(prev)) return null;
    return replaceSpan(model, cmd.start, next.start, '');
  }
  if (!prev || !sequential(prev)) return null;
  const end = cmd.connectorToken ? cmd.connectorToken.end : cmd.end;
  // The previous command would end its line: if its last character is the escape character
  // (`` echo `date` `` under `# escape=```), Docker would read it as a line continuation and
  // join the next instruction to this one.
  if (model.content.charAt(prev.end - 1) === model.escapeChar && restOfLineIsBlank(model.content, end)) return null;
  return replaceSpan(model, prev.end, end, '');
}

/** Whether only blanks follow `offset` up to the end of its line (or of the text). */
function restOfLineIsBlank(content: string, offset: number): boolean {
  for (let i = offset; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return true;
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/**
 * The unsafe fix that changes a FROM's image reference from `resolved` (its text with ARGs
 * expanded) to `replacement`, titled from the new reference as written. Null when the change
 * would reach into an ARG, which is not edited from here.
 */
export function imageReferenceFix(model: DocumentModel, site: ImageSite, resolved: string, replacement: string, title: (written: string) => string): Fix | null {
  const edit = imageEdit(site, resolved, replacement);
  if (!edit) return null;
  return { title: title(applyImageEdit(site, edit)), applicability: 'unsafe', edits: [replaceSpan(model, edit.start, edit.end, edit.newText)] };
}
