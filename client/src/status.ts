// Language status items for Dockerfiles: the active file's problems and the enabled rules (linking to
// Optimize), and the server's state (linking to the output channel, or to a restart when it failed).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CLIENT_NAME, DOCKERFILE_LANGUAGE } from './client';
import type { Ctx, ServerState } from './ctx';
import { CLIENT_COMMANDS, DIAGNOSTIC_SOURCE } from '../../server/src/protocol';

/**
 * Custom request for the number of rules that run on a document under its settings (pragmas
 * aside). Only sent to a server that announces it with
 * `capabilities.experimental.pydockerfile.ruleSummary === true`: an unknown request would make
 * vscode-languageclient pop up an error.
 */
export const RULE_SUMMARY_METHOD = 'pydockerfile/ruleSummary';

/** Parameters of {@link RULE_SUMMARY_METHOD}. */
export interface RuleSummaryParams {
  uri: string;
}

/** Answer of {@link RULE_SUMMARY_METHOD}. */
export interface RuleSummary {
  /** Rules that run on the document. */
  enabled: number;
  /** Rules in the registry (removed ones excluded). */
  total: number;
}

/** Problem counts of one document, as the Problems panel counts them (hints are not listed there). */
export interface ProblemCounts {
  errors: number;
  warnings: number;
  infos: number;
}

/** Creates the two items (problems + rules, server state) and keeps them current until disposed. */
export function createStatusItem(ctx: Ctx): vscode.Disposable {
  const selector = { language: DOCKERFILE_LANGUAGE };
  const problems = vscode.languages.createLanguageStatusItem('pydockerfile.problems', selector);
  problems.name = `${CLIENT_NAME} problems`;
  problems.command = { title: 'Optimize', command: CLIENT_COMMANDS.optimize, tooltip: 'Optimize this Dockerfile' };
  const server = vscode.languages.createLanguageStatusItem('pydockerfile.status', selector);
  server.name = CLIENT_NAME;

  let summaryRequest = 0;
  const renderProblems = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== DOCKERFILE_LANGUAGE) return;
    problems.text = describeProblems(countProblems(vscode.languages.getDiagnostics(document.uri)));
    const request = ++summaryRequest;
    void ruleSummary(ctx.languageClient, document.uri).then((summary) => {
      // A newer render (another editor, new diagnostics) owns the item by now.
      if (request === summaryRequest) problems.detail = describeRules(summary);
    });
  };
  const renderServer = (state: ServerState): void => {
    server.text = ctx.serverVersion ? `pydockerfile ${ctx.serverVersion}` : 'pydockerfile';
    server.detail = describeState(state, ctx.failureReason);
    server.busy = state === 'starting';
    server.severity = state === 'failed' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    server.command =
      state === 'failed'
        ? { title: 'Restart', command: CLIENT_COMMANDS.restartServer, tooltip: 'Restart the language server' }
        : { title: 'Show output', command: CLIENT_COMMANDS.showOutput, tooltip: 'Open the Python Dockerfile output channel' };
    renderProblems();
  };

  renderServer(ctx.state);
  const subscriptions = [
    ctx.onDidChangeState(renderServer),
    vscode.window.onDidChangeActiveTextEditor(renderProblems),
    vscode.languages.onDidChangeDiagnostics((event) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && event.uris.some((uri) => uri.toString() === active)) renderProblems();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('pydockerfile')) renderProblems();
    }),
  ];
  return vscode.Disposable.from(...subscriptions, problems, server);
}

/** Counts our diagnostics by severity; other sources (other linters) are not ours to count. */
export function countProblems(diagnostics: readonly vscode.Diagnostic[]): ProblemCounts {
  const counts: ProblemCounts = { errors: 0, warnings: 0, infos: 0 };
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    if (diagnostic.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
    else if (diagnostic.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
    else if (diagnostic.severity === vscode.DiagnosticSeverity.Information) counts.infos++;
  }
  return counts;
}

/** "No problems", "1 problem (1 warning)", "3 problems (1 error, 2 warnings)". */
export function describeProblems(counts: ProblemCounts): string {
  const total = counts.errors + counts.warnings + counts.infos;
  if (total === 0) return '$(check) No problems';
  const parts = [plural(counts.errors, 'error'), plural(counts.warnings, 'warning'), `${counts.infos} info`].filter(
    (part) => !part.startsWith('0 '),
  );
  return `${plural(total, 'problem')} (${parts.join(', ')})`;
}

/** The problems item's detail: how many rules run, when the server can tell. */
export function describeRules(summary: RuleSummary | undefined): string {
  if (!summary) return 'in this Dockerfile';
  return `in this Dockerfile · ${summary.enabled} of ${plural(summary.total, 'rule')} enabled`;
}

/** The server item's detail line for a server state. */
export function describeState(state: ServerState, failure: string | undefined): string {
  switch (state) {
    case 'running':
      return 'Server running';
    case 'starting':
      return 'Server starting';
    case 'stopped':
      return 'Server stopped';
    case 'failed':
      return failure ? `Server failed: ${failure}` : 'Server failed (see the output)';
  }
}

/** Asks a server that announced {@link RULE_SUMMARY_METHOD}; undefined otherwise or on any failure. */
async function ruleSummary(client: LanguageClient | undefined, uri: vscode.Uri): Promise<RuleSummary | undefined> {
  if (!client || !announcesRuleSummary(client.initializeResult?.capabilities.experimental)) return undefined;
  try {
    const params: RuleSummaryParams = { uri: client.code2ProtocolConverter.asUri(uri) };
    return parseRuleSummary(await client.sendRequest(RULE_SUMMARY_METHOD, params));
  } catch {
    // The count is a nicety: a failed request leaves the item without it (the client logs it).
    return undefined;
  }
}

function announcesRuleSummary(experimental: unknown): boolean {
  if (!isRecord(experimental)) return false;
  const ours = experimental['pydockerfile'];
  return isRecord(ours) && ours['ruleSummary'] === true;
}

/** Narrows the server's answer (a process boundary). */
export function parseRuleSummary(value: unknown): RuleSummary | undefined {
  if (!isRecord(value)) return undefined;
  const { enabled, total } = value;
  if (!isCount(enabled) || !isCount(total) || enabled > total) return undefined;
  return { enabled, total };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
