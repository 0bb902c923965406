// "Optimize this Dockerfile": asks the server for a proposal, shows it as a diff, applies on confirmation.
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';
import { readClientConfig } from './config';
import { FIX_ALL_COMMAND, OPTIMIZE_COMMAND } from '../../server/src/protocol';
import type { OptimizeCommandArgs, OptimizeCommandResult, Range, TextEdit } from '../../server/src/protocol';

/** URI scheme of the read-only "proposed" side of the Optimize diff. */
export const PROPOSED_SCHEME = 'pydockerfile-proposed';

/** How often a proposal is recomputed when the document keeps changing under it. */
export const MAX_ATTEMPTS = 3;

/** At most this many "not applied" lines in the confirmation, so the dialog stays readable. */
const MAX_SKIPPED_LINES = 8;

const APPLY = 'Apply';
const APPLY_UNSAFE = 'Apply including unsafe changes';

/**
 * Holds the proposed texts shown on the right side of Optimize diffs. A text is dropped when
 * its diff tab closes (or once applied), not when VS Code closes the virtual document, because
 * that also happens when the document's language is set.
 */
export class ProposalStore implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly proposals = new Map<string, { proposed: vscode.Uri; original: vscode.Uri; text: string }>();
  private readonly subscriptions: vscode.Disposable[];
  private nextId = 1;

  constructor() {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this),
      vscode.window.tabGroups.onDidChangeTabs((event) => this.forgetClosed(event.closed)),
    ];
  }

  /** Stores `text` under a fresh URI that keeps the original file name (for language detection). */
  add(original: vscode.Uri, text: string): vscode.Uri {
    // A fresh query per proposal: VS Code caches virtual documents by URI.
    const uri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: original.path, query: String(this.nextId++) });
    this.proposals.set(uri.toString(), { proposed: uri, original, text });
    return uri;
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

/**
 * Asks the server for the edits of `kind` on the current version of `document`.
 * Throws with a readable message when the server's answer is unusable.
 */
export async function requestProposal(
  client: LanguageClient,
  document: vscode.TextDocument,
  kind: ProposalKind,
  includeUnsafe = false,
): Promise<OptimizeCommandResult> {
  const args: OptimizeCommandArgs = {
    uri: client.code2ProtocolConverter.asUri(document.uri),
    version: document.version,
  };
  if (kind === 'optimize') args.includeUnsafe = includeUnsafe;
  const command = kind === 'optimize' ? OPTIMIZE_COMMAND : FIX_ALL_COMMAND;
  const answer: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
  const result = parseProposal(answer);
  if (!result) throw new Error(`The language server sent no usable answer to ${command} for ${fileName(document)}`);
  return result;
}

/**
 * Applies `proposal` to `document` as ONE WorkspaceEdit, so a single undo reverts it.
 * Returns false, without touching the document, when the document changed since the proposal
 * was computed: its edits would land in the wrong places.
 */
export async function applyProposal(document: vscode.TextDocument, proposal: OptimizeCommandResult): Promise<boolean> {
  if (document.isClosed) throw new Error(`${fileName(document)} was closed before the changes could be applied`);
  if (document.version !== proposal.version) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.set(document.uri, proposal.edits.map(toVsTextEdit));
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
 * `pydockerfile.optimize.showPreview` is off), confirm, apply, close the preview.
 */
export async function optimizeDocument(deps: OptimizeDeps, document: vscode.TextDocument): Promise<void> {
  const config = readClientConfig(document.uri);
  await runOptimize(deps, document, config.includeUnsafe, config.showPreview, 1);
}

async function runOptimize(
  deps: OptimizeDeps,
  document: vscode.TextDocument,
  includeUnsafe: boolean,
  showPreview: boolean,
  attempt: number,
): Promise<void> {
  const name = fileName(document);
  // With the setting off, also compute the unsafe proposal so the dialog can offer it,
  // but only when it would actually change something more.
  const [proposal, unsafe] = await Promise.all([
    requestProposal(deps.client, document, 'optimize', includeUnsafe),
    includeUnsafe ? undefined : requestProposal(deps.client, document, 'optimize', true),
  ]);
  const alternative =
    unsafe && unsafe.changed && unsafe.version === proposal.version && unsafe.text !== proposal.text ? unsafe : undefined;
  deps.log.info(`Optimize ${name} (version ${proposal.version}): ${describeProposal(proposal)}`);

  let chosen: OptimizeCommandResult | undefined = proposal;
  let preview: vscode.Uri | undefined;
  if (!proposal.changed) {
    chosen = await offerUnsafeOnly(name, alternative, showPreview);
    if (!chosen) return;
  }
  if (showPreview) {
    preview = await showDiff(deps.proposals, document, chosen);
    chosen = await confirm(name, chosen, chosen === proposal ? alternative : undefined);
    if (!chosen) return; // Cancelled: the diff stays open for reading.
  }
  const chosenUnsafe = includeUnsafe || chosen !== proposal;
  const applied = await applyProposal(document, chosen);
  if (preview) {
    await closeDiff(deps.proposals, preview);
    // Bring the edited file back to the front: the diff may have been its only visible editor.
    await vscode.window.showTextDocument(document);
  }
  if (applied) {
    const codes = formatCounts(chosen.applied);
    deps.log.info(`Optimize ${name}: applied ${codes || 'the proposed edits'}`);
    // Without a preview this message is the only sign of what changed.
    if (!showPreview) void vscode.window.showInformationMessage(`Optimized ${name}${codes ? `: ${codes}` : ''}`);
    return;
  }
  if (attempt >= MAX_ATTEMPTS) {
    throw new Error(`${name} kept changing while Optimize ran; run it again once editing has settled`);
  }
  // The document changed after the proposal was made: recompute from the current text at the
  // level the user picked, and ask again.
  deps.log.info(`Optimize ${name}: the document changed, recomputing the proposal`);
  await runOptimize(deps, document, chosenUnsafe, showPreview, attempt + 1);
}

/** Nothing safe to do; offers the unsafe proposal when there is one. */
async function offerUnsafeOnly(
  name: string,
  alternative: OptimizeCommandResult | undefined,
  showPreview: boolean,
): Promise<OptimizeCommandResult | undefined> {
  if (!alternative) {
    void vscode.window.showInformationMessage(`Nothing to optimize in ${name}`);
    return undefined;
  }
  const action = showPreview ? 'Preview unsafe changes' : 'Apply unsafe changes';
  const choice = await vscode.window.showInformationMessage(
    `No safe changes for ${name}; unsafe changes are available (${formatCounts(alternative.applied)})`,
    action,
  );
  return choice === action ? alternative : undefined;
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

/** The modal confirmation; resolves to the proposal to apply, or undefined when cancelled. */
async function confirm(
  name: string,
  proposal: OptimizeCommandResult,
  alternative: OptimizeCommandResult | undefined,
): Promise<OptimizeCommandResult | undefined> {
  const total = proposal.applied.reduce((sum, entry) => sum + entry.count, 0);
  const message = total > 0 ? `Apply ${plural(total, 'change')} to ${name}?` : `Apply the proposed changes to ${name}?`;
  const detail = confirmationDetail(proposal, alternative);
  const buttons = alternative ? [APPLY, APPLY_UNSAFE] : [APPLY];
  const choice = await vscode.window.showInformationMessage(message, { modal: true, detail }, ...buttons);
  if (choice === APPLY) return proposal;
  if (choice === APPLY_UNSAFE) return alternative;
  return undefined;
}

/** The dialog's detail: what applies, what does not, and what the unsafe button would add. */
export function confirmationDetail(
  proposal: OptimizeCommandResult,
  alternative: OptimizeCommandResult | undefined,
): string {
  const lines: string[] = [];
  if (proposal.applied.length > 0) lines.push(`Fixes: ${formatCounts(proposal.applied)}`);
  if (alternative) {
    const extra = extraCounts(proposal.applied, alternative.applied);
    const listed = extra.length > 0 ? `: ${formatCounts(extra)}` : '';
    lines.push(`"${APPLY_UNSAFE}" also applies unsafe fixes${listed}`);
  }
  if (proposal.skipped.length > 0) {
    lines.push('', 'Not applied:');
    for (const entry of proposal.skipped.slice(0, MAX_SKIPPED_LINES)) lines.push(`• ${entry.step}: ${entry.reason}`);
    const more = proposal.skipped.length - MAX_SKIPPED_LINES;
    if (more > 0) lines.push(`…and ${more} more (see the output)`);
  }
  return lines.join('\n');
}

/** "PYD201 ×2, PYD401" — the code list used in messages and the log. */
export function formatCounts(applied: readonly { code: string; count: number }[]): string {
  return applied.map(({ code, count }) => (count > 1 ? `${code} ×${count}` : code)).join(', ');
}

/** Per code, how many more times the unsafe proposal applies a fix than the safe one. */
function extraCounts(
  safe: readonly { code: string; count: number }[],
  unsafe: readonly { code: string; count: number }[],
): { code: string; count: number }[] {
  const base = new Map(safe.map(({ code, count }) => [code, count]));
  return unsafe
    .map(({ code, count }) => ({ code, count: count - (base.get(code) ?? 0) }))
    .filter(({ count }) => count > 0);
}

/** One log line: applied codes and skipped steps. */
function describeProposal(proposal: OptimizeCommandResult): string {
  if (!proposal.changed) return 'no changes';
  const skipped = proposal.skipped.map((entry) => `${entry.step} (${entry.reason})`).join('; ');
  return `proposes ${formatCounts(proposal.applied) || 'edits'}${skipped ? `; not applied: ${skipped}` : ''}`;
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
  const { uri, version, text, edits, applied, skipped, changed } = value;
  if (typeof uri !== 'string' || !isInteger(version) || typeof text !== 'string' || typeof changed !== 'boolean') {
    return undefined;
  }
  if (!Array.isArray(edits) || !edits.every(isTextEdit)) return undefined;
  if (!Array.isArray(applied) || !applied.every(isCodeCount)) return undefined;
  if (!Array.isArray(skipped) || !skipped.every(isSkippedStep)) return undefined;
  return { uri, version, text, edits, applied, skipped, changed };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
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
