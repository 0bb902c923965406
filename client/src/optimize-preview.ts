// "Optimize this Dockerfile": asks the server for a proposal, shows it as a diff, lets the user
// pick the unsafe decisions, and applies the chosen proposal as one undoable edit.
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';
import { readClientConfig } from './config';
import { createdFileContent } from './created-file';
import { DECISIONS_PLACEHOLDER, decisionDescription, formatCounts } from './decision-format';
import { FIX_ALL_COMMAND, OPTIMIZE_COMMAND } from '../../server/src/protocol';
import type {
  OptimizeCommandArgs,
  OptimizeCommandResult,
  OptimizeDecisionData,
  OptimizeEstimateData,
  OptimizeFileEdit,
  Range,
  TextEdit,
} from '../../server/src/protocol';

/** URI scheme of the read-only "proposed" side of the Optimize diff. */
export const PROPOSED_SCHEME = 'pydockerfile-proposed';

/** How often a proposal is recomputed when the document keeps changing under it. */
export const MAX_ATTEMPTS = 3;

/** At most this many "not applied" lines in the confirmation, so the dialog stays readable. */
const MAX_SKIPPED_LINES = 8;

const APPLY = 'Apply';
const CHOOSE = 'Choose decisions…';

/**
 * Holds the proposed texts shown on the right side of Optimize diffs. A text is dropped when
 * its diff tab closes (or once applied), not when VS Code closes the virtual document, because
 * that also happens when the document's language is set.
 */
export class ProposalStore implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly proposals = new Map<string, { proposed: vscode.Uri; original: vscode.Uri; text: string }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[];
  private nextId = 1;
  /** Fired when a proposal's text changes, so an open diff refreshes. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this),
      vscode.window.tabGroups.onDidChangeTabs((event) => this.forgetClosed(event.closed)),
      this.changed,
    ];
  }

  /** Stores `text` under a fresh URI that keeps the original file name (for language detection). */
  add(original: vscode.Uri, text: string): vscode.Uri {
    // A fresh query per proposal: VS Code caches virtual documents by URI.
    const uri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: original.path, query: String(this.nextId++) });
    this.proposals.set(uri.toString(), { proposed: uri, original, text });
    return uri;
  }

  /** Replaces a proposal's text (new decisions) and refreshes the diff showing it. */
  update(uri: vscode.Uri, text: string): void {
    const entry = this.proposals.get(uri.toString());
    if (!entry || entry.text === text) return;
    entry.text = text;
    this.changed.fire(uri);
  }

  /** Forgets a proposal. */
  delete(uri: vscode.Uri): void {
    this.proposals.delete(uri.toString());
  }

  /**
   * The document a proposal was made for. Focus sits on the proposed side once its diff is
   * shown, so commands run from there act on the original instead.
   */
  originalOf(uri: vscode.Uri): vscode.Uri | undefined {
    return this.proposals.get(uri.toString())?.original;
  }

  /** Proposals currently held for `original` (older diffs a new Optimize run replaces). */
  proposalsFor(original: vscode.Uri): vscode.Uri[] {
    const key = original.toString();
    return [...this.proposals.values()]
      .filter((proposal) => proposal.original.toString() === key)
      .map((proposal) => proposal.proposed);
  }

  /** Content for the diff's right side; empty once the proposal was dropped. */
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.toString())?.text ?? '';
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.proposals.clear();
  }

  private forgetClosed(closed: readonly vscode.Tab[]): void {
    for (const tab of closed) {
      const uri = proposedUriOf(tab);
      if (uri && findProposalTabs(uri).length === 0) this.delete(uri);
    }
  }
}

/** Which server command to ask: the Optimize proposal, or the safe fix-all. */
export type ProposalKind = 'optimize' | 'fixAll';

/** What to ask the server for besides the document. */
export interface ProposalRequest {
  /** Tick the decisions that are on by default. */
  includeUnsafe?: boolean;
  /** Tick exactly these decisions (wins over `includeUnsafe`). */
  decisions?: readonly string[];
}

/**
 * Asks the server for the edits of `kind` on the current version of `document`. Optimize
 * proposals also carry the changes of other files (`.dockerignore`, entry scripts).
 * Throws with a readable message when the server's answer is unusable.
 */
export async function requestProposal(
  client: LanguageClient,
  document: vscode.TextDocument,
  kind: ProposalKind,
  request: ProposalRequest = {},
): Promise<OptimizeCommandResult> {
  const args: OptimizeCommandArgs = {
    uri: client.code2ProtocolConverter.asUri(document.uri),
    version: document.version,
  };
  if (kind === 'optimize') {
    args.includeUnsafe = request.includeUnsafe ?? false;
    if (request.decisions) args.decisions = [...request.decisions];
    args.otherFiles = true;
  }
  const command = kind === 'optimize' ? OPTIMIZE_COMMAND : FIX_ALL_COMMAND;
  const answer: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
  const result = parseProposal(answer);
  if (!result) throw new Error(`The language server sent no usable answer to ${command} for ${fileName(document)}`);
  return result;
}

/**
 * Applies `proposal` to `document` as ONE WorkspaceEdit, so a single undo reverts it, together
 * with the other files it creates (written with their text at once) or changes. Returns false, without touching anything, when
 * the document changed since the proposal was computed: its edits would land in the wrong places.
 */
export async function applyProposal(document: vscode.TextDocument, proposal: OptimizeCommandResult): Promise<boolean> {
  if (document.isClosed) throw new Error(`${fileName(document)} was closed before the changes could be applied`);
  if (document.version !== proposal.version) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.set(document.uri, proposal.edits.map(toVsTextEdit));
  for (const file of proposal.fileEdits ?? []) {
    const uri = vscode.Uri.parse(file.uri);
    const contents = file.create ? createdFileContent(file.edits) : undefined;
    if (contents !== undefined) {
      // A file that appeared since the proposal was made is the user's: it is left alone.
      edit.createFile(uri, { ignoreIfExists: true, contents: new TextEncoder().encode(contents) });
      continue;
    }
    if (file.create) edit.createFile(uri, { ignoreIfExists: true });
    edit.set(uri, file.edits.map(toVsTextEdit));
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new Error(`VS Code refused to apply the changes to ${fileName(document)}`);
  }
  return true;
}

/** What the Optimize flow needs besides the document. */
export interface OptimizeDeps {
  client: LanguageClient;
  proposals: ProposalStore;
  log: vscode.LogOutputChannel;
}

/**
 * The whole Optimize command for one document: request, preview (unless
 * `pydockerfile.optimize.showPreview` is off), decisions, confirm, apply, close the preview.
 * With the preview, the decisions that are on by default start ticked; without it, they are
 * applied only when `pydockerfile.optimize.includeUnsafe` is on.
 */
export async function optimizeDocument(deps: OptimizeDeps, document: vscode.TextDocument): Promise<void> {
  const config = readClientConfig(document.uri);
  const request: ProposalRequest = { includeUnsafe: config.showPreview || config.includeUnsafe };
  await runOptimize(deps, document, request, config.showPreview, 1);
}

async function runOptimize(
  deps: OptimizeDeps,
  document: vscode.TextDocument,
  request: ProposalRequest,
  showPreview: boolean,
  attempt: number,
): Promise<void> {
  const name = fileName(document);
  let proposal = await requestProposal(deps.client, document, 'optimize', request);
  deps.log.info(`Optimize ${name} (version ${proposal.version}): ${describeProposal(proposal)}`);
  const decisions = proposal.decisions ?? [];
  if (!proposal.changed && (decisions.length === 0 || !showPreview)) {
    // Without the preview there is no checklist: say that unsafe steps exist, if any.
    const offered = decisions.length > 0 ? ` (${plural(decisions.length, 'unsafe step')} offered: turn on pydockerfile.optimize.showPreview to choose)` : '';
    void vscode.window.showInformationMessage(`Nothing to optimize in ${name}${offered}`);
    return;
  }

  let preview: vscode.Uri | undefined;
  let chosen: readonly string[] = decisions.filter((d) => d.ticked).map((d) => d.id);
  if (showPreview) {
    preview = await showDiff(deps.proposals, document, proposal);
    // The decisions first (when there are any), then the confirmation; the user can go back.
    let choose = decisions.length > 0;
    for (;;) {
      if (choose) {
        const picked = await pickDecisions(name, proposal.decisions ?? decisions);
        if (picked === undefined) return; // Cancelled: the diff stays open for reading.
        if (!sameIds(picked, (proposal.decisions ?? []).filter((d) => d.ticked).map((d) => d.id))) {
          proposal = await requestProposal(deps.client, document, 'optimize', { decisions: picked });
          deps.proposals.update(preview, proposal.text);
          deps.log.info(`Optimize ${name}: decisions ${picked.join(', ') || 'none'}: ${describeProposal(proposal)}`);
        }
        chosen = picked;
      }
      const answer = await confirm(name, proposal);
      if (answer === APPLY) break;
      if (answer !== CHOOSE) return;
      choose = true;
    }
    if (!proposal.changed) {
      await closeDiff(deps.proposals, preview);
      void vscode.window.showInformationMessage(`Nothing to optimize in ${name} with these decisions`);
      return;
    }
  }
  const applied = await applyProposal(document, proposal);
  if (preview) {
    await closeDiff(deps.proposals, preview);
    // Bring the edited file back to the front: the diff may have been its only visible editor.
    await vscode.window.showTextDocument(document);
  }
  if (applied) {
    const codes = formatCounts(proposal.applied);
    deps.log.info(`Optimize ${name}: ${codes ? `fixed ${codes}` : 'applied the proposed edits'}`);
    // Without a preview this message is the only sign of what changed.
    if (!showPreview) void vscode.window.showInformationMessage(`Optimized ${name}${codes ? `: ${codes}` : ''}`);
    return;
  }
  if (attempt >= MAX_ATTEMPTS) {
    throw new Error(`${name} kept changing while Optimize ran; run it again once editing has settled`);
  }
  // The document changed after the proposal was made: recompute from the current text with the
  // decisions the user chose, and ask again.
  deps.log.info(`Optimize ${name}: the document changed, recomputing the proposal`);
  await runOptimize(deps, document, { decisions: chosen }, showPreview, attempt + 1);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** A decision as a QuickPick item. */
interface DecisionItem extends vscode.QuickPickItem {
  id: string;
}

/** The QuickPick items of the decisions: ticked ones pre-selected, the explanation as detail. */
export function decisionItems(decisions: readonly OptimizeDecisionData[]): DecisionItem[] {
  return decisions.map((d) => ({
    id: d.id,
    label: d.title,
    description: decisionDescription(d),
    detail: d.explanation,
    picked: d.ticked,
  }));
}

/** Lets the user tick decisions; resolves to the ticked ids, or undefined when dismissed. */
async function pickDecisions(name: string, decisions: readonly OptimizeDecisionData[]): Promise<string[] | undefined> {
  const items = decisionItems(decisions);
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: `Optimize ${name}: unsafe steps`,
    placeHolder: DECISIONS_PLACEHOLDER,
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return picked?.map((item) => item.id);
}

/** Opens "original ↔ proposed" and returns the proposed URI. */
async function showDiff(
  proposals: ProposalStore,
  document: vscode.TextDocument,
  proposal: OptimizeCommandResult,
): Promise<vscode.Uri> {
  // One diff per document: an earlier one left open (cancelled) is outdated now.
  for (const earlier of proposals.proposalsFor(document.uri)) await closeDiff(proposals, earlier);
  const uri = proposals.add(document.uri, proposal.text);
  // Names like `prod.Dockerfile` or a manually set language are not detected from the path.
  const proposed = await vscode.workspace.openTextDocument(uri);
  if (proposed.languageId !== document.languageId) {
    await vscode.languages.setTextDocumentLanguage(proposed, document.languageId);
  }
  const title = `Optimize: ${fileName(document)} (proposed)`;
  // Not a preview editor: a preview diff would replace the file's own preview tab (a file opened
  // with a single click), leaving no editor of the file once the diff closes.
  await vscode.commands.executeCommand('vscode.diff', document.uri, uri, title, { preview: false });
  return uri;
}

/** The modal confirmation; resolves to the button pressed, or undefined when cancelled. */
async function confirm(name: string, proposal: OptimizeCommandResult): Promise<string | undefined> {
  const total = proposal.applied.reduce((sum, entry) => sum + entry.count, 0);
  // The counts are of problems (findings fixed, each Optimize step once), like the CLI's "Fixed N problems".
  const message = total > 0 ? `Apply the fixes for ${plural(total, 'problem')} to ${name}?` : `Apply the proposed changes to ${name}?`;
  const detail = confirmationDetail(proposal);
  const buttons = (proposal.decisions ?? []).length > 0 ? [APPLY, CHOOSE] : [APPLY];
  return vscode.window.showInformationMessage(message, { modal: true, detail }, ...buttons);
}

/** The dialog's detail: applied codes, the decisions, other files, what was not applied, the estimate. */
export function confirmationDetail(proposal: OptimizeCommandResult): string {
  const lines: string[] = [];
  if (proposal.applied.length > 0) lines.push(`Fixes: ${formatCounts(proposal.applied)}`);
  const decisions = proposal.decisions ?? [];
  const ticked = decisions.filter((d) => d.ticked);
  if (decisions.length > 0) {
    lines.push(`Decisions: ${ticked.length > 0 ? ticked.map((d) => `${d.id}${d.applied ? '' : ' (not applied)'}`).join(', ') : 'none ticked'} (${decisions.length} offered)`);
  }
  for (const file of proposal.fileEdits ?? []) lines.push(`${file.create ? 'Creates' : 'Changes'} ${file.path}`);
  if (proposal.skipped.length > 0) {
    lines.push('', 'Not applied:');
    for (const entry of proposal.skipped.slice(0, MAX_SKIPPED_LINES)) lines.push(`• ${entry.step}: ${entry.reason}`);
    const more = proposal.skipped.length - MAX_SKIPPED_LINES;
    if (more > 0) lines.push(`…and ${more} more (see the output)`);
  }
  const estimate = proposal.estimate?.lines ?? [];
  if (estimate.length > 0) lines.push('', ...estimate.map((line) => `• ${line}`));
  return lines.join('\n');
}

/** One log line: applied codes, decisions, skipped steps and the estimate. */
function describeProposal(proposal: OptimizeCommandResult): string {
  if (!proposal.changed) return 'no changes';
  const skipped = proposal.skipped.map((entry) => `${entry.step} (${entry.reason})`).join('; ');
  const decisions = (proposal.decisions ?? []).map((d) => `${d.ticked ? '[x]' : '[ ]'} ${d.id}`).join(' ');
  const estimate = (proposal.estimate?.lines ?? []).join(' ');
  return [`proposes ${formatCounts(proposal.applied) || 'edits'}`, decisions && `decisions: ${decisions}`, skipped && `not applied: ${skipped}`, estimate].filter((x) => x !== '').join('; ');
}

async function closeDiff(proposals: ProposalStore, uri: vscode.Uri): Promise<void> {
  await vscode.window.tabGroups.close(findProposalTabs(uri));
  proposals.delete(uri);
}

function findProposalTabs(uri: vscode.Uri): vscode.Tab[] {
  const key = uri.toString();
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs.filter((tab) => proposedUriOf(tab)?.toString() === key));
}

function proposedUriOf(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputTextDiff && input.modified.scheme === PROPOSED_SCHEME) return input.modified;
  return undefined;
}

/** The last path segment, as VS Code shows it in tab titles ("Dockerfile", "Untitled-1"). */
export function fileName(document: vscode.TextDocument): string {
  const path = document.uri.path;
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function toVsTextEdit(edit: TextEdit): vscode.TextEdit {
  return new vscode.TextEdit(toVsRange(edit.range), edit.newText);
}

function toVsRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

// ---- Validation of the server's answer (a process boundary: trust nothing) ----

/** Narrows the server's executeCommand answer to an OptimizeCommandResult, or undefined. */
export function parseProposal(value: unknown): OptimizeCommandResult | undefined {
  if (!isRecord(value)) return undefined;
  const { uri, version, text, edits, applied, skipped, changed, decisions, estimate, fileEdits } = value;
  if (typeof uri !== 'string' || !isInteger(version) || typeof text !== 'string' || typeof changed !== 'boolean') {
    return undefined;
  }
  if (!Array.isArray(edits) || !edits.every(isTextEdit)) return undefined;
  if (!Array.isArray(applied) || !applied.every(isCodeCount)) return undefined;
  if (!Array.isArray(skipped) || !skipped.every(isSkippedStep)) return undefined;
  const result: OptimizeCommandResult = { uri, version, text, edits, applied, skipped, changed };
  // The optional parts are dropped, not fatal, when malformed: the proposal itself stays usable.
  if (Array.isArray(decisions) && decisions.every(isDecision)) result.decisions = decisions;
  if (isEstimate(estimate)) result.estimate = estimate;
  if (Array.isArray(fileEdits) && fileEdits.every(isFileEdit)) result.fileEdits = fileEdits;
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isPosition(value: unknown): boolean {
  return isRecord(value) && isInteger(value['line']) && isInteger(value['character']);
}

function isTextEdit(value: unknown): value is TextEdit {
  return (
    isRecord(value) &&
    typeof value['newText'] === 'string' &&
    isRecord(value['range']) &&
    isPosition(value['range']['start']) &&
    isPosition(value['range']['end'])
  );
}

function isCodeCount(value: unknown): value is { code: string; count: number } {
  return isRecord(value) && typeof value['code'] === 'string' && isInteger(value['count']);
}

function isSkippedStep(value: unknown): value is { step: string; reason: string } {
  return isRecord(value) && typeof value['step'] === 'string' && typeof value['reason'] === 'string';
}

function isDecision(value: unknown): value is OptimizeDecisionData {
  return (
    isRecord(value) &&
    typeof value['id'] === 'string' &&
    typeof value['title'] === 'string' &&
    typeof value['explanation'] === 'string' &&
    isStringArray(value['codes']) &&
    typeof value['default'] === 'boolean' &&
    typeof value['ticked'] === 'boolean' &&
    typeof value['applied'] === 'boolean'
  );
}

function isSizeChange(value: unknown): boolean {
  return value === null || (isRecord(value) && typeof value['from'] === 'string' && typeof value['to'] === 'string' && typeof value['compressedMb'] === 'number' && typeof value['diskMb'] === 'number');
}

function isEstimate(value: unknown): value is OptimizeEstimateData {
  return isRecord(value) && value['kind'] === 'estimate' && isSizeChange(value['base']) && isStringArray(value['lines']) && isStringArray(value['buildPackagesRemoved']) && isStringArray(value['noLongerRebuiltOnSourceChange']) && typeof value['dataDate'] === 'string';
}

function isFileEdit(value: unknown): value is OptimizeFileEdit {
  return isRecord(value) && typeof value['uri'] === 'string' && typeof value['path'] === 'string' && typeof value['create'] === 'boolean' && Array.isArray(value['edits']) && value['edits'].every(isTextEdit);
}
