// Builds the LanguageClient: how the server process is launched and which documents it sees.
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { ErrorHandler, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../server/src/protocol';

/**
 * Client id. vscode-languageclient reads `<id>.trace.server`, which is why it equals the
 * settings prefix.
 */
export const CLIENT_ID = 'pydockerfile';

/** Human-readable client name, also the output channel's name. */
export const CLIENT_NAME = 'Python Dockerfile';

/** VS Code's built-in language id for Dockerfiles (extensions/docker in microsoft/vscode). */
export const DOCKERFILE_LANGUAGE = 'dockerfile';

/**
 * Documents the server is told about. Other schemes (git:, diff sides, our proposal scheme)
 * are left out so they never get diagnostics of their own.
 */
export const DOCUMENT_SELECTOR = [
  { language: DOCKERFILE_LANGUAGE, scheme: 'file' },
  { language: DOCKERFILE_LANGUAGE, scheme: 'untitled' },
] as const satisfies vscode.DocumentFilter[];

/** Relative path of the bundled server inside the extension (see esbuild.mjs). */
const SERVER_MODULE = 'server/out/server.js';

/** Absolute path of the bundled language server. */
export function serverModulePath(extensionContext: vscode.ExtensionContext): string {
  return extensionContext.asAbsolutePath(SERVER_MODULE);
}

/** Port for "Attach to Server" when the extension runs in debug mode (vscode-eslint uses 6011). */
const DEBUG_INSPECT_PORT = 6011;

/**
 * Creates (does not start) the language client for the server at `module`.
 *
 * `errorHandler` replaces vscode-languageclient's default crash handling (see ctx.ts).
 *
 * There is no `synchronize` section: the server pulls `pydockerfile` settings per document
 * with `workspace/configuration`, so nothing needs pushing (architecture.md B8).
 */
export function createLanguageClient(module: string, outputChannel: vscode.LogOutputChannel, errorHandler?: ErrorHandler): LanguageClient {
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', `--inspect=${DEBUG_INSPECT_PORT}`] },
    },
  };
  // Says outright that this client runs CLIENT_COMMANDS.optimize with its own preview, so the
  // server's "Optimize this Dockerfile…" code action opens it in forks whose appName it does not know.
  const initializationOptions: InitializationOptions = { optimizePreview: true };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [...DOCUMENT_SELECTOR],
    initializationOptions,
    outputChannel,
    // Crash handling (how often to restart, what to tell the user) is decided by the caller.
    ...(errorHandler ? { errorHandler } : {}),
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
