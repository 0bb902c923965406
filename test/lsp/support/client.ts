// A small typed LSP client for protocol tests: records what the server sends and answers the
// server's own requests (configuration, refresh, showDocument) like an editor would.
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  CodeActionResolveRequest,
  ConfigurationRequest,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowDocumentRequest,
  ShowMessageNotification,
  ShutdownRequest,
  type ApplyWorkspaceEditParams,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type ConfigurationParams,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type Registration,
  type ShowDocumentParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';

/** How long to wait for a notification before failing the test. */
const WAIT_MS = 5000;

/** Editor features a test client declares. */
export interface ClientProfile {
  /** `textDocument.diagnostic`: the client pulls diagnostics (VS Code); otherwise it waits for pushes (Neovim 0.7). */
  pull?: boolean;
  /** `workspace.configuration`. Defaults to true. */
  configuration?: boolean;
  /** `workspace.diagnostics.refreshSupport`. Defaults to true. */
  refresh?: boolean;
  /** `workspace.workspaceEdit.documentChanges`. Defaults to true. */
  documentChanges?: boolean;
  /** `textDocument.hover.contentFormat`. Defaults to markdown first. */
  hoverFormat?: string[];
  /** `window.showDocument.support`. Defaults to true. */
  showDocument?: boolean;
  /** `workspace.didChangeWatchedFiles.dynamicRegistration`. Defaults to false. */
  watchFiles?: boolean;
  /** `workspace.applyEdit`: the client applies edits the server sends. Defaults to false. */
  applyEdit?: boolean;
  /** `clientInfo.name` (VS Code sends its application name, e.g. `Visual Studio Code`). */
  clientName?: string;
  /** `initializationOptions`. */
  initializationOptions?: unknown;
  /** `rootUri` (the workspace folder). Defaults to null. */
  rootUri?: string;
  /** `textDocument.codeAction.resolveSupport.properties` (VS Code and Neovim 0.7 send `['edit']`). Defaults to none. */
  resolveProperties?: string[];
}

/** The capabilities an editor with the given profile would send. */
export function capabilitiesOf(profile: ClientProfile): ClientCapabilities {
  return {
    workspace: {
      applyEdit: profile.applyEdit ?? false,
      configuration: profile.configuration ?? true,
      diagnostics: { refreshSupport: profile.refresh ?? true },
      workspaceEdit: { documentChanges: profile.documentChanges ?? true },
      didChangeWatchedFiles: { dynamicRegistration: profile.watchFiles ?? false },
    },
    textDocument: {
      synchronization: { dynamicRegistration: false },
      ...(profile.pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
      publishDiagnostics: { versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite', 'source', 'source.fixAll'] } }, isPreferredSupport: true, dataSupport: true, ...(profile.resolveProperties ? { resolveSupport: { properties: profile.resolveProperties } } : {}) },
      hover: { contentFormat: (profile.hoverFormat ?? ['markdown', 'plaintext']) as ('markdown' | 'plaintext')[] },
    },
    window: { showDocument: { support: profile.showDocument ?? true } },
  };
}

interface Waiter<T> {
  accept(value: T): boolean;
}

/** The test side of a connection to the server under test. */
export class TestClient {
  /** Settings answered to `workspace/configuration`, by section (scopeUri ignored unless perUri has it). */
  settings: unknown = {};
  /** Per-document settings overrides, by scopeUri. */
  readonly perUri = new Map<string, unknown>();
  readonly configurationRequests: ConfigurationParams[] = [];
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly shownDocuments: ShowDocumentParams[] = [];
  readonly registrations: Registration[] = [];
  /** `workspace/applyEdit` requests the server sent, in order. */
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  /** The answer to the next `workspace/applyEdit` requests (an editor refuses stale edits). */
  applyEditAnswer: { applied: boolean; failureReason?: string } = { applied: true };
  refreshRequests = 0;
  initializeResult: InitializeResult | undefined;
  private readonly publishWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly refreshWaiters: (() => void)[] = [];

  constructor(readonly connection: ProtocolConnection) {
    connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params);
      return params.items.map((item) => (item.scopeUri !== undefined && this.perUri.has(item.scopeUri) ? this.perUri.get(item.scopeUri) : this.settings));
    });
    connection.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshRequests++;
      for (const resolve of this.refreshWaiters.splice(0)) resolve();
    });
    connection.onRequest(ShowDocumentRequest.type, (params) => {
      this.shownDocuments.push(params);
      return { success: true };
    });
    connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      this.appliedEdits.push(params);
      return this.applyEditAnswer;
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      for (let i = this.publishWaiters.length - 1; i >= 0; i--) {
        if (this.publishWaiters[i]?.accept(params)) this.publishWaiters.splice(i, 1);
      }
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    connection.onNotification(ShowMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    connection.listen();
  }

  async initialize(profile: ClientProfile, rootUri: string | null = profile.rootUri ?? null): Promise<InitializeResult> {
    // processId null: the server would otherwise poll this very process and keep it alive.
    this.initializeResult = await this.connection.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri,
      capabilities: capabilitiesOf(profile),
      workspaceFolders: null,
      ...(profile.clientName !== undefined ? { clientInfo: { name: profile.clientName } } : {}),
      ...(profile.initializationOptions !== undefined ? { initializationOptions: profile.initializationOptions } : {}),
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return this.initializeResult;
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version, text } });
  }

  /** Replaces the whole text (a range-less change is valid under incremental sync). */
  async replace(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** An incremental change: replaces `range` with `text`. */
  async edit(uri: string, version: number, range: Range, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async changeConfiguration(settings: unknown = null): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /** `textDocument/diagnostic`; fails the test unless the report is a full one. */
  async pull(uri: string): Promise<Diagnostic[]> {
    const report = await this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    if (report.kind !== 'full') throw new Error(`expected a full report, got ${report.kind}`);
    return report.items;
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<(CodeAction | Command)[]> {
    const result = await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
    return result ?? [];
  }

  /** `codeAction/resolve`: what an editor sends before applying an action that came without its edit. */
  async resolveCodeAction(action: CodeAction): Promise<CodeAction> {
    return this.connection.sendRequest(CodeActionResolveRequest.type, action);
  }

  async hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async executeCommand(command: string, args: unknown[]): Promise<unknown> {
    return this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  /** Resolves with the next publishDiagnostics for `uri` that satisfies `predicate`. */
  nextPublish(uri: string, predicate: (params: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no publishDiagnostics for ${uri} within ${WAIT_MS} ms`)), WAIT_MS);
      this.publishWaiters.push({
        accept: (params) => {
          if (params.uri !== uri || !predicate(params)) return false;
          clearTimeout(timer);
          resolve(params);
          return true;
        },
      });
    });
  }

  /** Resolves at the next `workspace/diagnostic/refresh` request. */
  nextRefresh(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostic refresh within ${WAIT_MS} ms`)), WAIT_MS);
      this.refreshWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async shutdown(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
  }
}

/** The code actions of a result (drops bare commands, which this server never returns). */
export function actionsOnly(result: (CodeAction | Command)[]): CodeAction[] {
  return result.filter((item): item is CodeAction => !('command' in item && typeof item.command === 'string'));
}

/** The text edits a WorkspaceEdit makes to one document, from `documentChanges` or `changes`. */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): { edits: TextEdit[]; version: number | null | undefined } {
  if (!edit) return { edits: [], version: undefined };
  if (edit.documentChanges) {
    const edits: TextEdit[] = [];
    let version: number | null | undefined;
    for (const change of edit.documentChanges) {
      if (!('textDocument' in change) || change.textDocument.uri !== uri) continue;
      version = change.textDocument.version;
      for (const e of change.edits) {
        if (!('newText' in e)) throw new Error('the server sent a snippet edit');
        edits.push({ range: e.range, newText: e.newText });
      }
    }
    return { edits, version };
  }
  return { edits: edit.changes?.[uri] ?? [], version: undefined };
}
