// Code actions: quick fixes, same-code fix-all, ignore pragmas, docs links, fix-all on save, and their resolve.
import { CodeActionKind, CreateFile, TextDocumentEdit, type CodeAction, type CodeActionContext, type Command, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { FileChange } from '../fix/apply';
import type { Finding } from '../engine/lint';
import { diffEdits } from '../fix/diff';
import type { DocumentModel } from '../model/document-model';
import { comparePositions, type Range } from '../model/text';
import { CLIENT_COMMANDS, DIAGNOSTIC_SOURCE, FIX_ALL_CODE_ACTION_KIND, OPTIMIZE_APPLY_COMMAND, SHOW_DOCUMENTATION_COMMAND, type OptimizeCommandArgs } from '../protocol';
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
  /** The URI of a build-context file, for fixes that edit other files; undefined when unknown. */
  fileUri?(path: string): string | undefined;
  /** The other files fix-all changes at a level (`.dockerignore`, entry scripts); none by default. */
  fixAllFiles?(level: Applicability, codes?: readonly string[]): FileChange[];
  /** The range the actions are asked for; without it, no position-dependent action is offered. */
  range?: Range;
}

/** An edit of another file: created (CreateFile, then its text) or changed in place. */
interface OtherFileEdit {
  uri: string;
  create: boolean;
  edits: TextEdit[];
}

/**
 * A WorkspaceEdit for the document and other files. Other files need `documentChanges`
 * (CreateFile + TextDocumentEdit); a client without it gets `changes`, which cannot create
 * files: then undefined is returned when a file would have to be created.
 */
export function multiFileEdit(uri: string, version: number, edits: TextEdit[], others: readonly OtherFileEdit[], client: CodeActionClient): WorkspaceEdit | undefined {
  if (others.length === 0) return workspaceEdit(uri, version, edits, client);
  if (client.documentChanges) {
    const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
    if (edits.length > 0) documentChanges.push(TextDocumentEdit.create({ uri, version }, edits));
    for (const other of others) {
      if (other.create) documentChanges.push(CreateFile.create(other.uri, { ignoreIfExists: true }));
      // A file that is not open has no version to check against: null, as the protocol allows.
      documentChanges.push(TextDocumentEdit.create({ uri: other.uri, version: null }, other.edits));
    }
    return { documentChanges };
  }
  if (others.some((o) => o.create)) return undefined;
  const changes: Record<string, TextEdit[]> = edits.length > 0 ? { [uri]: edits } : {};
  for (const other of others) changes[other.uri] = [...(changes[other.uri] ?? []), ...other.edits];
  return { changes };
}

/** Client capabilities that change the shape of the answer. */
export interface CodeActionClient {
  /** The client accepts `documentChanges`, so edits can carry the document version. */
  documentChanges: boolean;
  /**
   * How "Optimize this Dockerfile" runs in this client: `preview` = the client's own command
   * (VS Code shows a diff with the decisions; the default), `apply` = the server's
   * OPTIMIZE_APPLY_COMMAND, which applies the safe proposal with `workspace/applyEdit`,
   * `none` = not offered (the client can neither preview nor apply edits the server sends).
   */
  optimize?: OptimizeVia;
  /**
   * The client resolves code actions (`codeAction.resolveSupport` lists `edit`, and it keeps
   * `data`): the whole-file fix-all actions are then answered without their edit, which
   * `codeAction/resolve` computes (see resolveCodeAction). Fix-all re-lints the file pass
   * after pass, and editors ask for code actions at every cursor move, mostly in vain.
   */
  resolveEdit?: boolean;
}

/** The `data` of a fix-all action whose edit is left to `codeAction/resolve`. */
export interface FixAllActionData {
  kind: 'pydockerfile.fixAll';
  uri: string;
  /** The document version the action was offered for; a resolve for another one gets no edit. */
  version: number;
  /** Limits the fix-all to these codes ("Fix all <CODE> problems in this file"). */
  codes?: string[];
}

/** The fix-all data of a code action, or undefined when it is not a deferred fix-all of ours. */
export function readFixAllActionData(data: unknown): FixAllActionData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (d['kind'] !== 'pydockerfile.fixAll' || typeof d['uri'] !== 'string' || typeof d['version'] !== 'number') return undefined;
  const codes = d['codes'];
  if (codes !== undefined && !(Array.isArray(codes) && codes.every((c) => typeof c === 'string'))) return undefined;
  return { kind: 'pydockerfile.fixAll', uri: d['uri'], version: d['version'], ...(codes ? { codes: codes as string[] } : {}) };
}

/** See CodeActionClient.optimize. */
export type OptimizeVia = 'preview' | 'apply' | 'none';

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

/**
 * Quick-fix title: `<fix title> (<CODE>)`, or `<fix title> (<CODE>, unsafe)` when it may change
 * behaviour: one bracket group, as menus show a single trailing note per entry.
 */
export function fixTitle(fix: Fix, code: string): string {
  return `${fix.title} (${code}${fix.applicability === 'unsafe' ? ', unsafe' : ''})`;
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
 * The code actions for a request, in vscode-eslint's order: per diagnostic its fixes (a fix
 * another diagnostic already offered is listed once), Optimize where it is the remedy,
 * "Fix all <CODE> problems in this file", "Ignore <CODE> for this instruction" and
 * "Show documentation for <CODE>"; then once "Fix all auto-fixable problems". When the
 * request asks for `source.fixAll` kinds, only the on-save fix-all action is returned.
 * With `client.resolveEdit` the fix-all actions carry `data` instead of their edit.
 */
export function codeActions(doc: CodeActionDocument, context: CodeActionContext, client: CodeActionClient): CodeAction[] {
  const actions: CodeAction[] = [];
  const edit = (edits: TextEdit[]): WorkspaceEdit => workspaceEdit(doc.uri, doc.version, edits, client);
  /** The edit of a fix, with its other files; undefined when they cannot be expressed. */
  const fixEdit = (fix: Fix): WorkspaceEdit | undefined => {
    const others: OtherFileEdit[] = [];
    for (const f of fix.fileEdits ?? []) {
      const uri = doc.fileUri?.(f.path);
      if (uri === undefined) return undefined;
      others.push({ uri, create: f.create === true, edits: f.edits });
    }
    return multiFileEdit(doc.uri, doc.version, fix.edits, others, client);
  };
  /**
   * The edit of a safe fix-all, or with a resolving client only the `data` to compute it
   * from later; undefined when there is nothing to fix.
   */
  const fixAllPart = (codes?: readonly string[]): Pick<CodeAction, 'edit' | 'data'> | undefined => {
    if (client.resolveEdit) {
      if (!hasSafeFix(doc, codes)) return undefined;
      const data: FixAllActionData = { kind: 'pydockerfile.fixAll', uri: doc.uri, version: doc.version, ...(codes ? { codes: [...codes] } : {}) };
      return { data };
    }
    const all = fixAllEdit(doc, 'safe', codes, client);
    return all ? { edit: all } : undefined;
  };

  if (kindRequested(context.only, FIX_ALL_CODE_ACTION_KIND, false)) {
    const all = fixAllPart();
    if (all) actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_CODE_ACTION_KIND, ...all });
  }
  const optimizeAction = client.optimize === 'none' ? undefined : optimizeCodeAction(doc, context, client.optimize);
  if (optimizeAction) actions.push(optimizeAction);
  if (!kindRequested(context.only, CodeActionKind.QuickFix, true)) return actions;

  const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
  /**
   * Quick fixes already offered, by title and edit: two findings of one rule on the same
   * instruction can share one fix (PYD405 reports PYTHONUNBUFFERED and PYTHONFAULTHANDLER
   * separately, and one ENV line fixes both). The menu then lists it once, for both diagnostics.
   */
  const fixesOffered = new Map<string, CodeAction>();
  const fixAllCodesDone = new Set<string>();
  const optimizeRemediesDone = new Set<string>();
  const docsDone = new Set<string>();
  const ignoresDone = new Set<string>();
  for (const diagnostic of ours) {
    const finding = findingFor(doc, diagnostic);
    if (!finding) continue;
    const code = finding.code;

    for (const fix of finding.fixes) {
      const fixWorkspaceEdit = fixEdit(fix);
      if (!fixWorkspaceEdit) continue;
      const title = fixTitle(fix, code);
      const key = `${title}\u0000${JSON.stringify(fixWorkspaceEdit)}`;
      const offered = fixesOffered.get(key);
      if (offered) {
        offered.diagnostics = [...(offered.diagnostics ?? []), diagnostic];
        continue;
      }
      const action = quickFix(title, diagnostic, {
        ...(finding.fixes.length === 1 && fix.applicability === 'safe' ? { isPreferred: true } : {}),
        edit: fixWorkspaceEdit,
      });
      fixesOffered.set(key, action);
      actions.push(action);
    }

    // A finding whose remedy is a restructuring that only Optimize makes gets Optimize here too:
    // otherwise its light bulb offers nothing but "Ignore", and Optimize hides under Refactor… on line 1.
    // Only where Optimize previews with its decisions (the default `preview`): the restructuring
    // is an unsafe decision, which the applying server command leaves out unless includeUnsafe is on.
    const remedy = OPTIMIZE_REMEDIES[code];
    if (remedy !== undefined && (client.optimize ?? 'preview') === 'preview' && !optimizeRemediesDone.has(code)) {
      optimizeRemediesDone.add(code);
      const optimize = optimizeCommand(doc, 'preview');
      actions.push(quickFix(`${remedy}: ${optimize.title} (${code})`, diagnostic, { command: optimize }));
    }

    if (!fixAllCodesDone.has(code)) {
      fixAllCodesDone.add(code);
      // Findings whose fixes are the same edit count once: "Fix all" must do more than the quick fix.
      const fixable = new Set(doc.findings.filter((f) => f.code === code && f.fixes.length > 0).map((f) => fixesKey(f.fixes))).size;
      if (fixable >= 2) {
        const all = fixAllPart([code]);
        if (all) actions.push(quickFix(`Fix all ${code} problems in this file`, diagnostic, all));
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
    const all = fixAllPart();
    if (all) actions.push(quickFix(FIX_ALL_TITLE, undefined, all));
  }
  return actions;
}

/** The edits of a finding's fixes, as a key: findings with equal keys are fixed by the same edit. */
function fixesKey(fixes: readonly Fix[]): string {
  return JSON.stringify(fixes.map((fix) => [fix.edits, fix.fileEdits ?? []]));
}

/**
 * Whether a safe fix-all (limited to `codes`) has something to apply: a finding with a safe
 * fix that changes the text. Cheap, unlike fix-all itself; fix-all may still drop a fix
 * (overlaps, fixes that undo each other), so the resolved edit can be empty.
 */
export function hasSafeFix(doc: Pick<CodeActionDocument, 'findings' | 'model'>, codes?: readonly string[]): boolean {
  return doc.findings.some(
    (f) =>
      (!codes || codes.includes(f.code)) &&
      f.fixes.some((fix) => fix.applicability === 'safe' && ((fix.fileEdits?.length ?? 0) > 0 || fix.edits.some((e) => doc.model.text.slice(e.range) !== e.newText))),
  );
}

/** The edit of a fix-all: the document's diff plus the other files it changes; undefined when nothing changes. */
export function fixAllEdit(doc: CodeActionDocument, level: Applicability, codes: readonly string[] | undefined, client: CodeActionClient): WorkspaceEdit | undefined {
  const fixed = doc.fixAllText(level, codes);
  const files = doc.fixAllFiles?.(level, codes) ?? [];
  if (fixed === doc.text && files.length === 0) return undefined;
  const others: OtherFileEdit[] = [];
  for (const change of files) {
    const uri = doc.fileUri?.(change.path);
    if (uri === undefined) continue;
    others.push({ uri, create: change.created, edits: diffEdits(change.before, change.after) });
  }
  // A client that cannot create files still gets the document's part of the fix-all.
  return (
    multiFileEdit(doc.uri, doc.version, diffEdits(doc.text, fixed), others, client) ??
    (fixed === doc.text ? undefined : workspaceEdit(doc.uri, doc.version, diffEdits(doc.text, fixed), client))
  );
}

/**
 * `codeAction/resolve`: adds the edit of a deferred fix-all action. `doc` is the current
 * version of the document (undefined when it is closed or disabled). An action offered for
 * another version, or whose fix-all changes nothing, is answered without an edit: edits of
 * one version must never be applied to another. Actions that are not ours come back as sent.
 */
export function resolveCodeAction(action: CodeAction, doc: CodeActionDocument | undefined, client: CodeActionClient): CodeAction {
  const data = readFixAllActionData(action.data);
  if (!data) return action;
  // An edit the client sent back is not trusted: it is recomputed or dropped.
  const { edit: _sent, ...rest } = action;
  if (!doc || doc.uri !== data.uri || doc.version !== data.version) return rest;
  const edit = fixAllEdit(doc, 'safe', data.codes, client);
  return edit ? { ...rest, edit } : rest;
}

/** Title of the code action that starts "Optimize this Dockerfile" (the client previews the rewrite). */
export const OPTIMIZE_ACTION_TITLE = 'Optimize this Dockerfile…';
/** Title of the same action in clients without a preview, where it applies the proposal at once (no ellipsis: no dialog follows). */
export const OPTIMIZE_APPLY_ACTION_TITLE = 'Optimize this Dockerfile';

/**
 * "Optimize this Dockerfile…" (kind `refactor.rewrite`) when the requested range touches the
 * first line of the file or the first instruction. By default it runs the client's command,
 * which shows the proposal as a diff with its decisions before anything changes; with `apply`
 * it runs the server's OPTIMIZE_APPLY_COMMAND instead, because a client command id means
 * nothing to other editors.
 */
export function optimizeCodeAction(doc: Pick<CodeActionDocument, 'uri' | 'model' | 'range'> & { version?: number }, context: CodeActionContext, via: Exclude<OptimizeVia, 'none'> = 'preview'): CodeAction | undefined {
  const range = doc.range;
  if (!range || !kindRequested(context.only, CodeActionKind.RefactorRewrite, true)) return undefined;
  const firstInstruction = doc.model.instructions[0]?.range.start.line ?? 0;
  const touches = (line: number): boolean => range.start.line <= line && line <= range.end.line;
  if (!touches(0) && !touches(firstInstruction)) return undefined;
  const command = optimizeCommand(doc, via);
  return { title: command.title, kind: CodeActionKind.RefactorRewrite, command };
}

/** The command that starts Optimize in this client (see optimizeCodeAction), titled as the action. */
function optimizeCommand(doc: Pick<CodeActionDocument, 'uri'> & { version?: number }, via: Exclude<OptimizeVia, 'none'> = 'preview'): Command {
  if (via === 'apply') {
    const args: OptimizeCommandArgs = { uri: doc.uri, version: doc.version ?? -1 };
    return { title: OPTIMIZE_APPLY_ACTION_TITLE, command: OPTIMIZE_APPLY_COMMAND, arguments: [args] };
  }
  return { title: OPTIMIZE_ACTION_TITLE, command: CLIENT_COMMANDS.optimize, arguments: [doc.uri] };
}

/**
 * Codes whose remedy is a restructuring done by Optimize (their rule's fix safety says so),
 * with what Optimize does about them; the quick-fix title reads "<remedy>: Optimize this Dockerfile…".
 */
const OPTIMIZE_REMEDIES: Readonly<Record<string, string>> = {
  // The multi-stage decision (ticked by default) moves the build packages to a builder stage.
  PYD206: 'Move the build packages to a builder stage',
};
