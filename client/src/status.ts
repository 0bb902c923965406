// Language status items for Dockerfiles: the active file's problems and the enabled rules (linking to
// Optimize), and the server's state (linking to the output channel, or to a restart when it failed).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CLIENT_NAME, DOCKERFILE_LANGUAGE } from './client';
import type { Ctx, ServerState } from './ctx';
import { describeStatus, parseRuleSummary } from './status-format';
import type { ProblemCounts } from './status-format';
import { CLIENT_COMMANDS, DIAGNOSTIC_SOURCE, RULE_SUMMARY_REQUEST } from '../../server/src/protocol';
import type { RuleSummaryParams, RuleSummaryResult } from '../../server/src/protocol';

/** Creates the two items (problems + rules, server state) and keeps them current until disposed. */
export function createStatusItem(ctx: Ctx): vscode.Disposable {
  const selector = { language: DOCKERFILE_LANGUAGE };
  const problems = vscode.languages.createLanguageStatusItem('pydockerfile.problems', selector);
  problems.name = `${CLIENT_NAME} problems`;
  problems.command = { title: 'Optimize', command: CLIENT_COMMANDS.optimize, tooltip: 'Optimize this Dockerfile' };
  const server = vscode.languages.createLanguageStatusItem('pydockerfile.status', selector);
  server.name = CLIENT_NAME;

  let summaryRequest = 0;
  // The last answer per document: new diagnostics re-render at once with it, and the fresh
  // answer replaces it when it comes (rule counts change only with the settings).
  const summaries = new Map<string, RuleSummaryResult>();
  const renderProblems = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== DOCKERFILE_LANGUAGE) return;
    const key = document.uri.toString();
    const show = (): void => {
      const counts = countProblems(vscode.languages.getDiagnostics(document.uri));
      const status = describeStatus(counts, summaries.get(key));
      problems.text = status.text;
      problems.detail = status.detail;
    };
    show();
    const request = ++summaryRequest;
    void ruleSummary(ctx.languageClient, document.uri).then((summary) => {
      // A newer render (another editor, new diagnostics) owns the item, and a fresher answer, by now.
      if (request !== summaryRequest) return;
      if (summary) summaries.set(key, summary);
      else summaries.delete(key);
      show();
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
    vscode.workspace.onDidCloseTextDocument((document) => summaries.delete(document.uri.toString())),
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

/**
 * Asks the server for the document's rule summary; undefined on any failure. An older server
 * answers "method not found", and sendRequest only rejects (no notification): the item then
 * shows the problems without the rule counts.
 */
async function ruleSummary(client: LanguageClient | undefined, uri: vscode.Uri): Promise<RuleSummaryResult | undefined> {
  if (!client) return undefined;
  try {
    const params: RuleSummaryParams = { uri: client.code2ProtocolConverter.asUri(uri) };
    return parseRuleSummary(await client.sendRequest(RULE_SUMMARY_REQUEST, params));
  } catch {
    return undefined;
  }
}
