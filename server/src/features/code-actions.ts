// Code actions: quick fixes, same-code fix-all, ignore pragmas, docs links, and fix-all on save.
import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Finding } from '../engine/lint';
import { diffEdits } from '../fix/diff';
import type { DocumentModel } from '../model/document-model';
import { comparePositions, type Range } from '../model/text';
import { DIAGNOSTIC_SOURCE, FIX_ALL_CODE_ACTION_KIND, SHOW_DOCUMENTATION_COMMAND } from '../protocol';
import type { Applicability, Fix } from '../rules/types';
import { readDiagnosticData } from './diagnostics';

/** Title of the once-per-request safe fix-all action (also used for the on-save source action). */
export const FIX_ALL_TITLE = 'Fix all auto-fixable problems';

/** Everything the code-action feature needs about the current version of a document. */
export interface CodeActionDocument {
  uri: string;
  version: number;
  text: string;
  model: DocumentModel;
  findings: readonly Finding[];
  /** Fix-all of the current text at a level, optionally limited to codes (memoized by the caller). */
  fixAllText(level: Applicability, codes?: readonly string[]): string;
}

/** Client capabilities that change the shape of the answer. */
export interface CodeActionClient {
  /** The client accepts `documentChanges`, so edits can carry the document version. */
  documentChanges: boolean;
}

/** Builds a WorkspaceEdit for one document, versioned when the client supports it. */
export function workspaceEdit(uri: string, version: number, edits: TextEdit[], client: CodeActionClient): WorkspaceEdit {
  if (client.documentChanges) return { documentChanges: [{ textDocument: { uri, version }, edits }] };
  return { changes: { [uri]: edits } };
}

/** True when the requested kinds (`context.only`) include `kind` or one of its parents. */
export function kindRequested(only: readonly string[] | undefined, kind: string, byDefault: boolean): boolean {
  if (!only || only.length === 0) return byDefault;
  return only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

/**
 * The current finding a client diagnostic stands for, or undefined when the diagnostic is not
 * ours or is stale: `data.version` differs from the current version (its ranges and edits
 * describe an older text), or no current finding has the same code and range.
 */
export function findingFor(doc: CodeActionDocument, diagnostic: Diagnostic): Finding | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = typeof diagnostic.code === 'string' ? diagnostic.code : undefined;
  if (code === undefined) return undefined;
  const data = readDiagnosticData(diagnostic.data);
  if (data && data.version !== doc.version) return undefined;
  return doc.findings.find((f) => f.code === code && sameRange(f.range, diagnostic.range));
}

/** Quick-fix title: `<fix title> (<CODE>)`, with ` (unsafe)` when it may change behaviour. */
export function fixTitle(fix: Fix, code: string): string {
  return `${fix.title} (${code})${fix.applicability === 'unsafe' ? ' (unsafe)' : ''}`;
}

/**
 * The edit that silences `code` for the instruction containing `line`: extends a
 * `# pydockerfile ignore=` pragma that already applies to that instruction, otherwise inserts
 * one on the line above with the instruction's indentation and the file's line ending.
 */
export function ignoreEdit(model: DocumentModel, code: string, line: number): { edit: TextEdit; instructionIndex: number } | undefined {
  const info = model.instructionAtLine(line);
  if (!info) return undefined;
  const existing = model.pragmas.all.filter((p) => p.tool === 'pydockerfile' && !p.global && p.instructionIndex === info.index).pop();
  if (existing) {
    const lineText = model.text.lineText(existing.line).trimEnd();
    const position = { line: existing.line, character: lineText.length };
    const separator = lineText.endsWith(',') ? '' : ',';
    return { edit: { range: { start: position, end: position }, newText: `${separator}${code}` }, instructionIndex: info.index };
  }
  const startLine = info.range.start.line;
  // A byte-order mark is not indentation, and the pragma must go after it, not before.
  const bom = startLine === 0 && model.text.hasBom ? 1 : 0;
  const indent = /^[ \t]*/.exec(model.text.lineText(startLine).slice(bom))?.[0] ?? '';
  const position = { line: startLine, character: bom };
  return {
    edit: { range: { start: position, end: position }, newText: `${indent}# pydockerfile ignore=${code}${model.eol}` },
    instructionIndex: info.index,
  };
}

function quickFix(title: string, diagnostic: Diagnostic | undefined, extra: Partial<CodeAction>): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, ...(diagnostic ? { diagnostics: [diagnostic] } : {}), ...extra };
}

/**
 * The code actions for a request, in vscode-eslint's order: per diagnostic its fixes,
 * "Fix all <CODE> problems in this file", "Ignore <CODE> for this instruction" and
 * "Show documentation for <CODE>"; then once "Fix all auto-fixable problems". When the
 * request asks for `source.fixAll` kinds, only the on-save fix-all action is returned.
 */
export function codeActions(doc: CodeActionDocument, context: CodeActionContext, client: CodeActionClient): CodeAction[] {
  const actions: CodeAction[] = [];
  const edit = (edits: TextEdit[]): WorkspaceEdit => workspaceEdit(doc.uri, doc.version, edits, client);

  if (kindRequested(context.only, FIX_ALL_CODE_ACTION_KIND, false)) {
    const fixed = doc.fixAllText('safe');
    if (fixed !== doc.text) actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_CODE_ACTION_KIND, edit: edit(diffEdits(doc.text, fixed)) });
  }
  if (!kindRequested(context.only, CodeActionKind.QuickFix, true)) return actions;

  const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
  const fixAllCodesDone = new Set<string>();
  const docsDone = new Set<string>();
  const ignoresDone = new Set<string>();
  for (const diagnostic of ours) {
    const finding = findingFor(doc, diagnostic);
    if (!finding) continue;
    const code = finding.code;

    for (const fix of finding.fixes) {
      actions.push(
        quickFix(fixTitle(fix, code), diagnostic, {
          ...(finding.fixes.length === 1 && fix.applicability === 'safe' ? { isPreferred: true } : {}),
          edit: edit(fix.edits),
        }),
      );
    }

    if (!fixAllCodesDone.has(code)) {
      fixAllCodesDone.add(code);
      const fixable = doc.findings.filter((f) => f.code === code && f.fixes.length > 0).length;
      if (fixable >= 2) {
        const fixed = doc.fixAllText('safe', [code]);
        if (fixed !== doc.text) actions.push(quickFix(`Fix all ${code} problems in this file`, diagnostic, { edit: edit(diffEdits(doc.text, fixed)) }));
      }
    }

    const ignore = ignoreEdit(doc.model, code, finding.range.start.line);
    if (ignore && !ignoresDone.has(`${code}|${ignore.instructionIndex}`)) {
      ignoresDone.add(`${code}|${ignore.instructionIndex}`);
      actions.push(quickFix(`Ignore ${code} for this instruction`, diagnostic, { edit: edit([ignore.edit]) }));
    }

    if (!docsDone.has(code)) {
      docsDone.add(code);
      const title = `Show documentation for ${code}`;
      actions.push(quickFix(title, diagnostic, { command: { title, command: SHOW_DOCUMENTATION_COMMAND, arguments: [finding.docsUrl] } }));
    }
  }

  // Offered whenever the request touches one of our diagnostics, even a stale one: it is
  // recomputed from the current text, so it is valid for the current version.
  if (ours.length > 0) {
    const fixed = doc.fixAllText('safe');
    if (fixed !== doc.text) actions.push(quickFix(FIX_ALL_TITLE, undefined, { edit: edit(diffEdits(doc.text, fixed)) }));
  }
  return actions;
}
