// The command table: optimize, fix all, restart the server, show the output channel.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DOCKERFILE_LANGUAGE, DOCUMENT_SELECTOR } from './client';
import type { CommandEntry } from './ctx';
import { formatCounts } from './decision-format';
import { MAX_ATTEMPTS, applyProposal, fileName, optimizeDocument, requestProposal } from './optimize-preview';
import type { ProposalStore } from './optimize-preview';
import { CLIENT_COMMANDS } from '../../server/src/protocol';

/**
 * Builds the command table that `Ctx.registerCommands` registers. The ids are contributed in
 * package.json with the category "Python Dockerfile".
 */
export function createCommands(proposals: ProposalStore): Record<string, CommandEntry> {
  return {
    [CLIENT_COMMANDS.optimize]: {
      needsServer: true,
      async run(ctx, client, args) {
        const document = await targetDocument(args, proposals);
        if (document) await optimizeDocument({ client, proposals, log: ctx.outputChannel }, document);
      },
    },
    [CLIENT_COMMANDS.fixAll]: {
      needsServer: true,
      async run(ctx, client, args) {
        const document = await targetDocument(args, proposals);
        if (document) await fixAllDocument(client, ctx.outputChannel, document);
      },
    },
    [CLIENT_COMMANDS.restartServer]: {
      needsServer: false,
      async run(ctx) {
        await ctx.restart();
      },
    },
    [CLIENT_COMMANDS.showOutput]: {
      needsServer: false,
      async run(ctx) {
        ctx.outputChannel.show();
      },
    },
  };
}

/**
 * Applies the server's safe fix-all edits as one undoable edit. The proposal is recomputed when
 * the document changed between request and apply, because fix-all never replays stale edits.
 */
async function fixAllDocument(
  client: LanguageClient,
  log: vscode.LogOutputChannel,
  document: vscode.TextDocument,
): Promise<void> {
  const name = fileName(document);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const proposal = await requestProposal(client, document, 'fixAll');
    if (!proposal.changed) {
      void vscode.window.showInformationMessage(`No auto-fixable problems in ${name}`);
      return;
    }
    if (await applyProposal(document, proposal)) {
      log.info(`Fix all in ${name}: ${proposal.applied.length > 0 ? `fixed ${formatCounts(proposal.applied)}` : 'applied the safe fixes'}`);
      return;
    }
  }
  throw new Error(`${name} kept changing while fixing; run Fix all again once editing has settled`);
}

/**
 * The document a command acts on: the resource VS Code passes from `editor/title` and
 * `editor/context` menus, else the active editor's; for the proposed side of an Optimize diff,
 * the document it was proposed for. Explains and returns undefined when that is not a
 * Dockerfile the server knows about.
 */
async function targetDocument(
  args: readonly unknown[],
  proposals: ProposalStore,
): Promise<vscode.TextDocument | undefined> {
  // Menus pass a Uri; the server's "Optimize this Dockerfile…" code action passes the URI as a string.
  const given = args[0] instanceof vscode.Uri ? args[0] : typeof args[0] === 'string' ? parseUri(args[0]) : undefined;
  const resource = given ?? vscode.window.activeTextEditor?.document.uri;
  const uri = resource && (proposals.originalOf(resource) ?? resource);
  // Returns the open document when there is one, so unsaved edits are what gets optimized.
  const document = uri && (await vscode.workspace.openTextDocument(uri));
  if (!document) {
    void vscode.window.showInformationMessage('Open a Dockerfile to run this command');
    return undefined;
  }
  if (document.languageId !== DOCKERFILE_LANGUAGE) {
    void vscode.window.showInformationMessage(
      `${fileName(document)} is not a Dockerfile (its language mode is ${document.languageId})`,
    );
    return undefined;
  }
  if (vscode.languages.match(DOCUMENT_SELECTOR, document) === 0) {
    void vscode.window.showInformationMessage('Python Dockerfile works on files on disk and untitled documents only');
    return undefined;
  }
  return document;
}

/** A URI from a string argument, or undefined when it is not one. */
function parseUri(value: string): vscode.Uri | undefined {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) ? vscode.Uri.parse(value, true) : undefined;
  } catch {
    return undefined;
  }
}
