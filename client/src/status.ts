// Language status item for Dockerfiles: server state at a glance, with a link to Optimize.
import * as vscode from 'vscode';
import { CLIENT_NAME, DOCKERFILE_LANGUAGE } from './client';
import type { Ctx, ServerState } from './ctx';
import { CLIENT_COMMANDS } from '../../server/src/protocol';

/** Creates the item and keeps it in sync with the server state until disposed. */
export function createStatusItem(ctx: Ctx): vscode.Disposable {
  const item = vscode.languages.createLanguageStatusItem('pydockerfile.status', { language: DOCKERFILE_LANGUAGE });
  item.name = CLIENT_NAME;
  item.text = 'pydockerfile';
  item.command = { title: 'Optimize', command: CLIENT_COMMANDS.optimize, tooltip: 'Optimize this Dockerfile' };
  const render = (state: ServerState): void => {
    item.detail = describeState(state, ctx.failureReason, ctx.serverVersion);
    item.busy = state === 'starting';
    item.severity = state === 'failed' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
  };
  render(ctx.state);
  const subscription = ctx.onDidChangeState(render);
  return vscode.Disposable.from(subscription, item);
}

/** The item's detail line for a server state. */
export function describeState(state: ServerState, failure: string | undefined, version: string | undefined): string {
  switch (state) {
    case 'running':
      return version ? `Server ${version} running` : 'Server running';
    case 'starting':
      return 'Server starting';
    case 'stopped':
      return 'Server stopped';
    case 'failed':
      return failure ? `Server failed: ${failure}` : 'Server failed (see the output)';
  }
}
