// Extension entry point: builds the context, registers commands and starts the language server.
import * as vscode from 'vscode';
import { changeNeedsRestart } from './config';
import { createCommands } from './commands';
import { Ctx, messageOf } from './ctx';
import { ProposalStore } from './optimize-preview';
import { createStatusItem } from './status';

let ctx: Ctx | undefined;

/** Called by VS Code on `onLanguage:dockerfile` or when one of our commands runs. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  try {
    ctx = new Ctx(context);
    const proposals = new ProposalStore();
    ctx.track(proposals);
    ctx.registerCommands(createCommands(proposals));
    ctx.track(createStatusItem(ctx));
    ctx.track(vscode.workspace.onDidChangeConfiguration((event) => offerRestart(event)));
    await ctx.start();
  } catch (error) {
    // Surface the failure: without this an activation error only shows in the extension host log
    // (rust-analyzer main.ts does the same).
    void vscode.window.showErrorMessage(`Python Dockerfile failed to activate: ${messageOf(error)}`);
    throw error;
  }
}

/** Stops the server and disposes everything the extension registered. */
export async function deactivate(): Promise<void> {
  const current = ctx;
  ctx = undefined;
  await current?.dispose();
}

async function offerRestart(event: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!ctx || !changeNeedsRestart(event)) return;
  const restart = 'Restart language server';
  const choice = await vscode.window.showInformationMessage(
    'A changed Python Dockerfile setting takes effect after restarting the language server',
    restart,
  );
  if (choice === restart) await ctx.restart();
}
