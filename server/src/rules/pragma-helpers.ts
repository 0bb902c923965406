// Where the codes of an ignore pragma sit in the text, and edits that drop or replace one code.
import { readsLikeParserDirective, type DocumentModel } from '../model/document-model';
import type { Pragma } from '../model/pragmas';
import type { TextEdit } from '../model/text';
import { replaceSpan } from './edit-helpers';

/** One code of a pragma's list, upper-cased, with its document offsets. */
export interface PragmaCode {
  code: string;
  start: number;
  end: number;
}

/** The comment up to the code list: `#`, the tool, `global`, `ignore`, `=`. A BOM may precede it. */
const PRAGMA_HEAD = /^[\s\uFEFF]*#\s*(?:pydockerfile|hadolint)\s+(?:global\s+)?ignore\s*=\s*/i;
const CODE_TOKEN = /[A-Za-z0-9_]+/g;

/**
 * The pydockerfile pragmas a meta rule may judge: those on real comment lines. A `#` line
 * inside an instruction (a heredoc body, or a comment within a continuation) is not a pragma
 * Docker or the linter would honour, so it is left alone.
 */
export function standalonePragmas(model: DocumentModel): Pragma[] {
  return model.pragmas.all.filter((p) => p.tool === 'pydockerfile' && model.instructionAtLine(p.line) === undefined);
}

/** The codes of a pragma in the order written, with their offsets in the document. */
export function pragmaCodes(model: DocumentModel, pragma: Pragma): PragmaCode[] {
  const text = model.text.lineText(pragma.line);
  const head = PRAGMA_HEAD.exec(text);
  if (!head) return [];
  const lineStart = model.text.lineStart(pragma.line);
  const listStart = head[0].length;
  const out: PragmaCode[] = [];
  for (const m of text.slice(listStart).matchAll(CODE_TOKEN)) {
    const start = lineStart + listStart + (m.index ?? 0);
    out.push({ code: m[0].toUpperCase(), start, end: start + m[0].length });
  }
  return out;
}

/** Offsets of the pragma comment itself: from `#` to the last non-blank character of the line. */
export function pragmaSpan(model: DocumentModel, pragma: Pragma): { start: number; end: number } {
  const text = model.text.lineText(pragma.line);
  const lineStart = model.text.lineStart(pragma.line);
  return { start: lineStart + Math.max(0, text.indexOf('#')), end: lineStart + text.trimEnd().length };
}

/**
 * Deletes the pragma's whole line, line ending included (the next line moves up). In the
 * comment block a file starts with, a line below that reads like a parser directive would move
 * up into the directives and start to count (`# escape=\``, `# syntax=…`): there only the
 * pragma's text goes and its line stays, empty, which ends the directives as the pragma did.
 */
export function removePragmaLine(model: DocumentModel, pragma: Pragma): TextEdit {
  const start = model.text.lineStart(pragma.line);
  if (directiveBelowInLeadingComments(model, pragma.line)) {
    // From the `#` on: a byte-order mark before it stays.
    const text = model.text.lineText(pragma.line);
    return replaceSpan(model, start + Math.max(0, text.indexOf('#')), start + text.length, '');
  }
  return replaceSpan(model, start, model.text.nextLineStart(pragma.line), '');
}

/** Whether `line` is in the file's first run of comment lines and a later line of that run reads like a directive. */
function directiveBelowInLeadingComments(model: DocumentModel, line: number): boolean {
  const isComment = (l: number): boolean => /^[\s\uFEFF]*#/.test(model.text.lineText(l));
  for (let l = 0; l < line; l++) if (!isComment(l)) return false;
  for (let l = line + 1; l < model.text.lineCount && isComment(l); l++) if (readsLikeParserDirective(model.text.lineText(l))) return true;
  return false;
}

/**
 * Deletes code `index` of the pragma with one neighbouring separator, so `A,B,C` becomes
 * `A,C`; deleting the only code deletes the pragma line, since `ignore=` alone means nothing.
 */
export function removeCodeEdit(model: DocumentModel, pragma: Pragma, codes: readonly PragmaCode[], index: number): TextEdit {
  const code = codes[index];
  if (!code || codes.length === 1) return removePragmaLine(model, pragma);
  const next = codes[index + 1];
  if (next) return replaceSpan(model, code.start, next.start, '');
  const previous = codes[index - 1] as PragmaCode;
  return replaceSpan(model, previous.end, code.end, '');
}

/** Replaces code `index` of the pragma, or drops it when the replacement is already listed. */
export function replaceCodeEdit(model: DocumentModel, pragma: Pragma, codes: readonly PragmaCode[], index: number, replacement: string): TextEdit {
  const code = codes[index] as PragmaCode;
  if (codes.some((c, i) => i !== index && c.code === replacement)) return removeCodeEdit(model, pragma, codes, index);
  return replaceSpan(model, code.start, code.end, replacement);
}
