// Composition root of the language server: capabilities and handler wiring, transport-free
// so tests can run it in-process over a pair of streams.
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type MarkupKind,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_FILE_GLOBS, ConfigFileCache } from './config/find-config';
import { configNotes } from './config/resolve-config';
import { inputRefusal } from './engine/guards';
import { isoToday, lint as lintText, type LintOptions } from './engine/lint';
import { CONTEXT_FILE_GLOBS, RelatedDiagnostics, WorkspaceStore } from './features/build-context';
import type { WorkspaceFs } from './workspace/workspace-fs';
import { codeActions, multiFileEdit, readFixAllActionData, resolveCodeAction, type CodeActionClient, type CodeActionDocument, type OptimizeVia } from './features/code-actions';
import { toDiagnostic, toDiagnostics } from './features/diagnostics';
import { hoverAt, preferredFormat } from './features/hover';
import { startHeapPolicy } from './heap-policy';
import { disabledResult, optimizeDocument, readOptimizeArgs, unchangedResult } from './features/optimize';
import { relativeToWorkspace, ruleSummary } from './features/rule-summary';
import { DocumentCache, type CachedLint } from './model/document-cache';
import {
  FIX_ALL_CODE_ACTION_KIND,
  FIX_ALL_COMMAND,
  OPTIMIZE_APPLY_COMMAND,
  OPTIMIZE_COMMAND,
  RULE_SUMMARY_REQUEST,
  SETTINGS_SECTION,
  SHOW_DOCUMENTATION_COMMAND,
  type OptimizeCommandArgs,
  type OptimizeCommandResult,
  type RuleSummaryParams,
  type RuleSummaryResult,
} from './protocol';
import { ALL_RULES } from './rules/index';
import { RULE_REDIRECTS } from './rules/redirects';
import type { Rule } from './rules/types';
import { FileConfigProvider, lintOptionsOf, lintSettingsKey, SettingsStore, type DocumentSettings, type Settings } from './settings';

/** Name reported in `serverInfo` and by `--version`. */
export const SERVER_NAME = 'pydockerfile-language-server';

/** Engine options for embedding and tests; production uses the defaults. */
export interface ServerOptions {
  /** The rule set (defaults to the registry); tests inject rules here. */
  rules?: readonly Rule[];
  /** Today's ISO date, for end-of-life statements (tests pin it). */
  today?: () => string;
  /** Version reported in `serverInfo`. */
  version?: string;
  /** The file system of a build context folder (tests count or fake reads with it). */
  workspaceFs?: (root: string) => WorkspaceFs;
  /** The repository root of a build context, where CI files are read (defaults to the nearest `.git`). */
  repositoryRoot?: (context: string) => string;
}

/** What the client told us it can do, reduced to the decisions we make from it. */
interface ClientFeatures {
  pullDiagnostics: boolean;
  configuration: boolean;
  diagnosticRefresh: boolean;
  documentChanges: boolean;
  hoverFormat: MarkupKind;
  showDocument: boolean;
  watchFiles: boolean;
  /** `workspace/applyEdit` works: the server may apply an Optimize proposal itself. */
  applyEdit: boolean;
  /** The client runs `pydockerfile.optimizeDockerfile` (our VS Code extension), which previews Optimize. */
  optimizePreview: boolean;
  /** The client resolves the `edit` of code actions and keeps their `data` (see CodeActionClient.resolveEdit). */
  resolveEdit: boolean;
  /** Workspace folder URIs, to show configuration file paths relative to them. */
  workspaceFolders: string[];
}

/** The current version of an open document with its settings and (when enabled) lint result. */
interface DocumentState {
  settings: DocumentSettings;
  /** Undefined when `pydockerfile.enable` is false for the document. */
  lint: CachedLint | undefined;
  settingsKey: string;
  text: string;
  version: number;
}

/** The capabilities we announce; diagnostics are pulled only from clients that can pull. */
export function serverCapabilities(pullDiagnostics: boolean): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'pydockerfile', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
    // resolveProvider: fix-all actions leave their edit to `codeAction/resolve` in clients that can resolve.
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, FIX_ALL_CODE_ACTION_KIND], resolveProvider: true },
    hoverProvider: true,
    executeCommandProvider: { commands: [OPTIMIZE_COMMAND, FIX_ALL_COMMAND, SHOW_DOCUMENTATION_COMMAND, OPTIMIZE_APPLY_COMMAND] },
    // Clients ask for custom requests only when announced (an unknown request is an error).
    experimental: { pydockerfile: { ruleSummary: true } },
  };
}

/**
 * Whether the client is our VS Code extension (or says it implements its Optimize command):
 * only then may a code action run `pydockerfile.optimizeDockerfile`. VS Code and its forks
 * send their application name as `clientInfo.name`; a wrong "no" merely loses the preview.
 */
export function hasOptimizePreview(params: Pick<InitializeParams, 'clientInfo' | 'initializationOptions'>): boolean {
  const options: unknown = params.initializationOptions;
  if (typeof options === 'object' && options !== null && (options as Record<string, unknown>)['optimizePreview'] === true) return true;
  return /visual studio code|code - oss|vscodium|code-server/i.test(params.clientInfo?.name ?? '');
}

/**
 * Resolves after two turns of the event loop. vscode-jsonrpc dispatches one queued message
 * per turn, so by then every change (or `$/cancelRequest`) that had already arrived has been
 * applied: work scheduled after this sees the newest version and skips stale ones.
 */
function afterQueuedMessages(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * Ends a request the client cancelled (the user moved on) with the `RequestCancelled` error
 * the protocol prescribes, so no work is spent on an answer nobody reads.
 */
function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled');
}

/** The lint result of a text lint refuses: its one notice, computed without parsing the text. */
function refusedLint(doc: TextDocument, options: LintOptions): CachedLint {
  const text = doc.getText();
  return { uri: doc.uri, version: doc.version, text, options, ...lintText(text, options) };
}

/** The file system path of a `file:` URI; undefined for other schemes. */
function fileSystemPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Wires every handler onto `connection` and starts listening. Handlers never throw: a
 * failure is logged to the client's console and answered with an empty result.
 */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const heap = startHeapPolicy();
  const documents = new TextDocuments(TextDocument);
  const cache = new DocumentCache();
  // The project files around each Dockerfile, read once and kept until a watched file changes.
  const workspaces = new WorkspaceStore({ ...(options.workspaceFs ? { fs: options.workspaceFs } : {}), ...(options.repositoryRoot ? { repositoryRoot: options.repositoryRoot } : {}) });
  const related = new RelatedDiagnostics<Diagnostic>((d) => `${d.code ?? ''}|${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}|${d.message}`);
  const rules = options.rules ?? ALL_RULES;
  const today = options.today ?? isoToday;
  const ruleErrorsLogged = new Set<string>();
  let client: ClientFeatures = {
    pullDiagnostics: false,
    configuration: false,
    diagnosticRefresh: false,
    documentChanges: false,
    hoverFormat: preferredFormat(undefined),
    showDocument: false,
    watchFiles: false,
    applyEdit: false,
    optimizePreview: false,
    resolveEdit: false,
    workspaceFolders: [],
  };
  // Clients without `workspace/configuration` may still push settings with didChangeConfiguration.
  let pushedSettings: unknown = undefined;
  // The nearest `.pydockerfile.toml` / `[tool.pydockerfile]` sits under the editor settings; its
  // problems are shown once, since a broken file silently ignored would be worse.
  const configFiles = new FileConfigProvider(new ConfigFileCache({ rules, redirects: RULE_REDIRECTS }), (message) => {
    log(message);
    // A notification, not `showWarningMessage` (a request): nothing waits for the user to close it.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  });
  const settings = new SettingsStore(
    (uri) => (client.configuration ? connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }) : Promise.resolve(pushedSettings)),
    configFiles,
  );

  const log = (message: string): void => {
    try {
      connection.console.error(message);
    } catch {
      // The connection is gone; there is nobody left to tell.
    }
  };

  /** Runs a handler, turning any exception into a log line and the fallback answer. */
  const guard =
    <P, R>(name: string, fallback: R, handler: (params: P, token?: CancellationToken) => R | Promise<R>) =>
    async (params: P, token?: CancellationToken): Promise<R> => {
      try {
        return await handler(params, token);
      } catch (error) {
        // A cancelled request is answered with the LSP error the client expects, not logged.
        if (error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled) throw error;
        log(`pydockerfile: ${name} failed: ${describeError(error)}`);
        return fallback;
      }
    };

  /** How "Optimize this Dockerfile" can run in this client (see CodeActionClient.optimize). */
  const optimizeVia = (): OptimizeVia => (client.optimizePreview ? 'preview' : client.applyEdit ? 'apply' : 'none');

  const lintOptionsFor = (uri: string, current: Settings): LintOptions => {
    // Without file watching we would never learn about changes: read the files afresh instead.
    if (!client.watchFiles) workspaces.clear();
    const context = workspaces.workspaceFor(uri);
    return {
      ...lintOptionsOf(current),
      rules,
      env: { today: today(), ...(context ? { workspace: context.workspace, dockerfile: context.dockerfile } : {}) },
      onRuleError: (code, error) => {
        // Once per rule and document: a broken rule would otherwise flood the log on every keystroke.
        const key = `${code}|${uri}`;
        if (ruleErrorsLogged.has(key)) return;
        ruleErrorsLogged.add(key);
        log(`pydockerfile: rule ${code} failed on ${uri} (other rules still ran): ${describeError(error)}`);
      },
    };
  };

  /** The state of the document's CURRENT version (never an older one), or undefined if closed. */
  const stateOf = async (uri: string): Promise<DocumentState | undefined> => {
    if (!documents.get(uri)) return undefined;
    const current = await settings.get(uri);
    // The document may have changed or closed while the settings were fetched.
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const settingsKey = `${lintSettingsKey(current)};today=${today()}`;
    const options = (): LintOptions => lintOptionsFor(uri, current);
    // A text lint refuses (binary, mis-decoded, too large) must not reach the cache, which
    // parses every version first: answer the refusal notice without parsing, uncached.
    const lint = !current.enable ? undefined : inputRefusal(doc.getText()) ? refusedLint(doc, options()) : heap.aroundLint(doc.getText().length, () => cache.get(doc, settingsKey, options));
    return { settings: current, lint, settingsKey, text: lint?.text ?? doc.getText(), version: doc.version };
  };

  const diagnosticsOf = (state: DocumentState | undefined): Diagnostic[] => (state?.lint ? toDiagnostics(state.lint.findings, state.lint.version) : []);

  /** Pushes what a Dockerfile reports on other files of its build context (see RelatedDiagnostics). */
  const publishRelated = async (uri: string, state: DocumentState | undefined): Promise<void> => {
    const perFile = new Map<string, Diagnostic[]>();
    for (const finding of state?.lint?.otherFiles ?? []) {
      const fileUri = finding.file === undefined ? undefined : workspaces.fileUri(uri, finding.file);
      if (fileUri === undefined) continue;
      perFile.set(fileUri, [...(perFile.get(fileUri) ?? []), toDiagnostic(finding, state?.version ?? 0)]);
    }
    for (const p of related.update(uri, perFile)) await connection.sendDiagnostics(p);
  };

  const publish = async (uri: string): Promise<void> => {
    const state = await stateOf(uri);
    if (!state) return;
    await connection.sendDiagnostics({ uri, version: state.version, diagnostics: diagnosticsOf(state) });
    await publishRelated(uri, state);
  };

  /** Settings or context files changed: ask pull clients to re-pull, re-publish for the others. */
  const refreshDiagnostics = async (): Promise<void> => {
    if (client.pullDiagnostics) {
      if (client.diagnosticRefresh) await connection.languages.diagnostics.refresh();
      return;
    }
    await Promise.all(documents.all().map((doc) => publish(doc.uri)));
  };

  connection.onInitialize((params): InitializeResult => {
    const caps = params.capabilities;
    client = {
      pullDiagnostics: caps.textDocument?.diagnostic !== undefined,
      configuration: caps.workspace?.configuration === true,
      diagnosticRefresh: caps.workspace?.diagnostics?.refreshSupport === true,
      documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
      hoverFormat: preferredFormat(caps.textDocument?.hover?.contentFormat),
      showDocument: caps.window?.showDocument?.support === true,
      watchFiles: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      applyEdit: caps.workspace?.applyEdit === true,
      optimizePreview: hasOptimizePreview(params),
      resolveEdit: caps.textDocument?.codeAction?.dataSupport === true && (caps.textDocument.codeAction.resolveSupport?.properties.includes('edit') ?? false),
      workspaceFolders: params.workspaceFolders ? params.workspaceFolders.map((f) => f.uri) : params.rootUri ? [params.rootUri] : [],
    };
    return {
      capabilities: serverCapabilities(client.pullDiagnostics),
      serverInfo: { name: SERVER_NAME, ...(options.version ? { version: options.version } : {}) },
    };
  });

  connection.onInitialized(
    guard('initialized', undefined, async () => {
      if (client.watchFiles) {
        const globs = [...new Set([...CONTEXT_FILE_GLOBS, ...CONFIG_FILE_GLOBS])];
        await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: globs.map((globPattern) => ({ globPattern })) });
      }
    }),
  );

  documents.onDidChangeContent(
    guard('publishing diagnostics', undefined, async (event: { document: TextDocument }) => {
      if (client.pullDiagnostics) return;
      const { uri, version } = event.document;
      // Typing sends changes in bursts: lint only the newest version, never the ones in between.
      await afterQueuedMessages();
      if (documents.get(uri)?.version !== version) return;
      await publish(uri);
    }),
  );

  // After the burst's lints (the timer restarts with every open or close).
  documents.onDidOpen(() => heap.documentOpenedOrClosed());

  documents.onDidClose(
    guard('closing a document', undefined, async (event: { document: TextDocument }) => {
      heap.documentOpenedOrClosed();
      const uri = event.document.uri;
      settings.delete(uri);
      cache.delete(uri);
      if (!client.pullDiagnostics) await connection.sendDiagnostics({ uri, diagnostics: [] });
      for (const p of related.remove(uri)) await connection.sendDiagnostics(p);
    }),
  );

  const pullDiagnostics = guard('pulling diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] } as DocumentDiagnosticReport, async (params: { textDocument: { uri: string }; previousResultId?: string }): Promise<DocumentDiagnosticReport> => {
    const state = await stateOf(params.textDocument.uri);
    await publishRelated(params.textDocument.uri, state);
    const resultId = state?.lint?.resultId;
    // The client holds the diagnostics of this very lint result (VS Code pulls every open
    // Dockerfile again after each change to another one): say so instead of sending them again.
    if (resultId !== undefined && params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, items: diagnosticsOf(state), ...(resultId !== undefined ? { resultId } : {}) };
  });
  connection.languages.diagnostics.on(async (params, token: CancellationToken) => {
    // A client cancels a pull when the user types on; let that (and the newer change) arrive
    // first, and then do not lint a version nobody is waiting for.
    await afterQueuedMessages();
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The diagnostic request was cancelled');
    return pullDiagnostics(params);
  });

  /** What the code-action feature needs about the current version of a document. */
  const actionDocument = (state: DocumentState, lint: CachedLint, range?: CodeActionDocument['range']): CodeActionDocument => ({
    uri: lint.uri,
    version: lint.version,
    text: lint.text,
    model: lint.model,
    findings: lint.findings,
    ...(range ? { range } : {}),
    fixAllText: (level, codes) => {
      try {
        return cache.fixAllText(lint, state.settingsKey, level, codes);
      } catch (error) {
        // A broken fix must not take the other actions down: offer no fix-all instead.
        log(`pydockerfile: fix-all failed on ${lint.uri}: ${describeError(error)}`);
        return lint.text;
      }
    },
    fileUri: (path) => workspaces.fileUri(lint.uri, path),
    fixAllFiles: (level, codes) => {
      try {
        // Shares the fix-all run (and its cache entry) with fixAllText above.
        return cache.fixAllFiles(lint, state.settingsKey, level, codes);
      } catch (error) {
        log(`pydockerfile: fix-all failed on ${lint.uri}: ${describeError(error)}`);
        return [];
      }
    },
  });
  const actionClient = (): CodeActionClient => ({ documentChanges: client.documentChanges, optimize: optimizeVia(), resolveEdit: client.resolveEdit });

  connection.onCodeAction(
    guard('computing code actions', [] as CodeAction[], async (params, token) => {
      throwIfCancelled(token);
      const state = await stateOf(params.textDocument.uri);
      // Settings may have been fetched meanwhile; fix-all below is the costly part, skip it.
      throwIfCancelled(token);
      const lint = state?.lint;
      if (!state || !lint) return [];
      return codeActions(actionDocument(state, lint, params.range), params.context, actionClient());
    }),
  );

  // Fix-all actions offered without their edit get it here, for the version they were offered for only.
  const resolveAction = guard('resolving a code action', undefined as CodeAction | undefined, async (action: CodeAction, token?: CancellationToken) => {
    throwIfCancelled(token);
    const data = readFixAllActionData(action.data);
    if (!data) return action;
    // A newer version makes the action stale: answer it without computing fix-all at all.
    const state = documents.get(data.uri)?.version === data.version ? await stateOf(data.uri) : undefined;
    throwIfCancelled(token);
    return resolveCodeAction(action, state?.lint ? actionDocument(state, state.lint) : undefined, actionClient());
  });
  connection.onCodeActionResolve(async (action, token) => {
    const resolved = await resolveAction(action, token);
    // After a failure the action comes back without an edit, never with one the client made up.
    return resolved ?? resolveCodeAction(action, undefined, actionClient());
  });

  connection.onHover(
    guard('computing a hover', null as Hover | null, async (params, token) => {
      throwIfCancelled(token);
      const state = await stateOf(params.textDocument.uri);
      throwIfCancelled(token);
      if (!state?.lint) return null;
      return hoverAt(state.lint, params.position, {
        format: client.hoverFormat,
        today: today(),
        ruleFor: (code) => rules.find((rule) => rule.code === code),
        configNotes: (code) => {
          const rule = rules.find((r) => r.code === code);
          return rule ? configNotes(state.settings.effective, rule) : [];
        },
      });
    }),
  );

  /**
   * The Optimize (or safe fix-all) proposal for a document's current version, with the
   * decisions and other files the arguments ask for; null when the document is not open.
   */
  const proposalFor = async (command: string, args: OptimizeCommandArgs): Promise<OptimizeCommandResult | null> => {
    const state = await stateOf(args.uri);
    if (!state) return null;
    // Answered for the current version even when the client asked about an older one.
    const target = { uri: args.uri, version: state.version, text: state.text };
    if (!state.settings.enable) return disabledResult(target);
    const fixAll = command === FIX_ALL_COMMAND;
    const unsafe = fixAll ? false : (args.includeUnsafe ?? state.settings.effective.includeUnsafe);
    try {
      const result = optimizeDocument(target, {
        ...lintOptionsFor(args.uri, state.settings),
        unsafe,
        ...(!fixAll && args.decisions ? { decisions: args.decisions } : {}),
        otherFiles: !fixAll && args.otherFiles === true,
      });
      if (!fixAll) return result;
      // Fix-all has no decisions and no estimate (protocol: absent for fix-all).
      const { decisions: _decisions, estimate: _estimate, ...rest } = result;
      return rest;
    } catch (error) {
      log(`pydockerfile: ${command} failed on ${args.uri}: ${describeError(error)}`);
      return unchangedResult(target, 'an internal error stopped the rewrite; see the pydockerfile output for details');
    }
  };

  /**
   * OPTIMIZE_APPLY_COMMAND: the proposal applied by the server through `workspace/applyEdit`,
   * for clients without our preview. Other files are included only where the edit can create
   * them (`documentChanges`); the edit names the document version, so a client whose document
   * changed meanwhile rejects it instead of misplacing it.
   */
  const optimizeAndApply = async (args: OptimizeCommandArgs): Promise<OptimizeCommandResult | null> => {
    const result = await proposalFor(OPTIMIZE_COMMAND, { ...args, otherFiles: client.documentChanges });
    if (!result) return null;
    const tell = (message: string): void => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message });
    if (!result.changed) {
      tell(`pydockerfile: nothing to optimize${result.skipped[0] ? ` (${result.skipped[0].reason})` : ''}`);
      return result;
    }
    const others = (result.fileEdits ?? []).map((f) => ({ uri: f.uri, create: f.create, edits: f.edits }));
    const edit = multiFileEdit(result.uri, result.version, result.edits, others, { documentChanges: client.documentChanges });
    if (!edit) return result;
    const answer = await connection.workspace.applyEdit({ label: 'Optimize this Dockerfile', edit });
    if (!answer.applied) tell(`pydockerfile: the editor did not apply the optimized Dockerfile${answer.failureReason ? `: ${answer.failureReason}` : ''}`);
    return result;
  };

  connection.onExecuteCommand(
    guard('running a command', null as OptimizeCommandResult | null, async (params) => {
      if (params.command === SHOW_DOCUMENTATION_COMMAND) {
        const url: unknown = params.arguments?.[0];
        if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null;
        if (client.showDocument) await connection.window.showDocument({ uri: url, external: true });
        else connection.window.showInformationMessage(`Documentation: ${url}`);
        return null;
      }
      if (params.command !== OPTIMIZE_COMMAND && params.command !== FIX_ALL_COMMAND && params.command !== OPTIMIZE_APPLY_COMMAND) {
        log(`pydockerfile: unknown command ${params.command}`);
        return null;
      }
      const args = readOptimizeArgs(params.arguments);
      if (!args) {
        log(`pydockerfile: ${params.command} expects [{ uri, version, includeUnsafe?, decisions?, otherFiles? }]`);
        return null;
      }
      if (params.command === OPTIMIZE_APPLY_COMMAND) return optimizeAndApply(args);
      return proposalFor(params.command, args);
    }),
  );

  connection.onRequest(
    RULE_SUMMARY_REQUEST,
    guard('summarising rules', null as RuleSummaryResult | null, async (params: RuleSummaryParams) => {
      const uri: unknown = (params as unknown as Record<string, unknown> | null)?.['uri'];
      if (typeof uri !== 'string') return null;
      const state = await stateOf(uri);
      if (!state) return null;
      const fileLayer = configFiles.layerFor(uri);
      const configFile = fileLayer?.source.kind === 'file' ? relativeToWorkspace(fileLayer.source.path, client.workspaceFolders, fileSystemPath) : null;
      return ruleSummary({
        rules,
        enable: state.settings.enable,
        options: lintOptionsOf(state.settings),
        ...(state.lint ? { pragmas: state.lint.model.pragmas } : {}),
        findings: state.lint?.findings ?? [],
        configFile,
      });
    }),
  );

  connection.onDidChangeConfiguration(
    guard('applying a configuration change', undefined, async (params) => {
      const pushed: unknown = params.settings;
      if (typeof pushed === 'object' && pushed !== null) pushedSettings = (pushed as Record<string, unknown>)[SETTINGS_SECTION];
      settings.clear();
      cache.clearResults();
      await refreshDiagnostics();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('reacting to a file change', undefined, async (params: { changes: { uri: string }[] }) => {
      // Only the files that changed are read again; everything else stays cached.
      workspaces.changed(params.changes.map((c) => c.uri));
      // A pyproject.toml or .pydockerfile.toml may have changed: re-read configuration too.
      configFiles.clear();
      settings.clear();
      cache.clearResults();
      await refreshDiagnostics();
    }),
  );

  documents.listen(connection);
  connection.listen();
}
