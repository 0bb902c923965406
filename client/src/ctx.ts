// Owns the language client's lifecycle (start, stop, restart) and the command table's dispatch.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, State } from 'vscode-languageclient/node';
import type { ErrorHandler, LanguageClient } from 'vscode-languageclient/node';
import { CLIENT_NAME, createLanguageClient, serverModulePath } from './client';
import { gaveUpReason, RestartPolicy } from './restart-policy';

/** Server state as the UI shows it; `failed` covers both a failed start and an unexpected stop. */
export type ServerState = 'stopped' | 'starting' | 'running' | 'failed';

/**
 * One row of the command table (rust-analyzer's enabled/disabled idea): commands that need the
 * server get the running client; while it is not running they explain that instead of failing
 * with a JSON-RPC error.
 */
export type CommandEntry =
  | {
      readonly needsServer: true;
      run(ctx: Ctx, client: LanguageClient, args: readonly unknown[]): Promise<void>;
    }
  | {
      readonly needsServer: false;
      run(ctx: Ctx, args: readonly unknown[]): Promise<void>;
    };

/** Milliseconds granted to the server to shut down before its process is killed. */
const STOP_TIMEOUT_MS = 2000;

/**
 * The extension's runtime context. Extension-lifetime disposables (output channel, commands,
 * emitters) live in `subscriptions`; client-lifetime ones in `clientSubscriptions`, which a
 * restart throws away together with the client.
 */
export class Ctx implements vscode.Disposable {
  /** The "Python Dockerfile" output channel; the client logs and traces into it. */
  readonly outputChannel: vscode.LogOutputChannel;
  /** Fires whenever {@link Ctx.state} changes. */
  readonly onDidChangeState: vscode.Event<ServerState>;

  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private clientSubscriptions: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private currentState: ServerState = 'stopped';
  private lastFailure: string | undefined;
  /** Crashes counted across clients: a restart after a crash creates no new policy. */
  private readonly restartPolicy = new RestartPolicy();

  constructor(private readonly extensionContext: vscode.ExtensionContext) {
    this.outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
    this.onDidChangeState = this.stateEmitter.event;
    this.subscriptions.push(this.outputChannel, this.stateEmitter);
  }

  /** Current server state. */
  get state(): ServerState {
    return this.currentState;
  }

  /** Why the server is in the `failed` state, for the status item and messages. */
  get failureReason(): string | undefined {
    return this.lastFailure;
  }

  /** The language client while the server runs (for requests of the status item), else undefined. */
  get languageClient(): LanguageClient | undefined {
    return this.currentState === 'running' ? this.client : undefined;
  }

  /** The server's self-reported version, once initialized. */
  get serverVersion(): string | undefined {
    return this.client?.initializeResult?.serverInfo?.version;
  }

  /** Starts the server unless it is already running or starting. Never rejects. */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (this.client) return Promise.resolve();
    this.starting = this.startClient().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Stops the server (if any) and forgets the client. */
  async stop(): Promise<void> {
    await this.starting;
    await this.disposeClient();
    this.setState('stopped');
  }

  /** Stops, then starts a fresh client: the remedy offered for every server problem. */
  async restart(): Promise<void> {
    // Asked for by the user: earlier crashes no longer count against the cap.
    this.restartPolicy.reset();
    await this.stop();
    await this.start();
  }

  /** Registers every command of `table`, dispatching on the server state at call time. */
  registerCommands(table: Readonly<Record<string, CommandEntry>>): void {
    for (const [id, entry] of Object.entries(table)) {
      this.subscriptions.push(
        vscode.commands.registerCommand(id, (...args: unknown[]) => this.dispatch(entry, args)),
      );
    }
  }

  /** Keeps `disposable` until the extension deactivates. */
  track(disposable: vscode.Disposable): void {
    this.subscriptions.push(disposable);
  }

  /** Disposes the client and everything the extension registered. */
  async dispose(): Promise<void> {
    await this.disposeClient();
    for (const disposable of this.subscriptions.splice(0).reverse()) disposable.dispose();
  }

  private async dispatch(entry: CommandEntry, args: readonly unknown[]): Promise<void> {
    try {
      if (!entry.needsServer) {
        await entry.run(this, args);
        return;
      }
      // A command fired right after activation should wait for the start, not be refused.
      await this.starting;
      const client = this.currentState === 'running' ? this.client : undefined;
      if (client) await entry.run(this, client, args);
      else await this.explainNotRunning();
    } catch (error) {
      const message = messageOf(error);
      this.outputChannel.error(message);
      const choice = await vscode.window.showErrorMessage(`Python Dockerfile: ${message}`, 'Show output');
      if (choice === 'Show output') this.outputChannel.show(true);
    }
  }

  private async explainNotRunning(): Promise<void> {
    const reason = this.currentState === 'failed' && this.lastFailure ? `: ${this.lastFailure}` : '';
    const restart = 'Restart language server';
    const output = 'Show output';
    const choice = await vscode.window.showWarningMessage(
      `The Python Dockerfile language server is not running${reason}`,
      restart,
      output,
    );
    if (choice === restart) await this.restart();
    else if (choice === output) this.outputChannel.show(true);
  }

  private async startClient(): Promise<void> {
    const module = serverModulePath(this.extensionContext);
    // Checked up front: forking a missing module only surfaces as "connection got disposed".
    if (!fs.existsSync(module)) {
      this.failStart(`${module} is missing (in a development checkout, run npm run build)`);
      return;
    }
    const client = createLanguageClient(module, this.outputChannel, this.crashHandler());
    this.client = client;
    this.clientSubscriptions.push(client.onDidChangeState((event) => this.onClientState(event.newState)));
    this.setState('starting');
    try {
      await client.start();
      // The state listener normally reports Running; set it here too in case the event raced.
      this.setState('running');
    } catch (error) {
      await this.disposeClient();
      this.failStart(messageOf(error));
    }
  }

  /** Records a failed start and says so once, with the two ways forward. */
  private failStart(reason: string): void {
    this.outputChannel.error(`The language server failed to start: ${reason}`);
    this.setState('failed', reason);
    void this.explainNotRunning();
  }

  /**
   * vscode-languageclient's handler for a lost connection: restart a crashed server up to
   * the policy's cap, then stop and tell the user (with the ways forward) instead of looping.
   */
  private crashHandler(): ErrorHandler {
    return {
      // Same tolerance as the library's default: a few write/read errors, then shut down.
      error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
      closed: () => {
        const decision = this.restartPolicy.crashed();
        if (decision.restart) {
          this.outputChannel.warn(`The language server stopped unexpectedly; restarting it (crash ${decision.attempt} of at most ${this.restartPolicy.maxRestarts} in a row)`);
          return { action: CloseAction.Restart, handled: true };
        }
        const reason = gaveUpReason(decision.crashes, this.restartPolicy.windowMs);
        this.outputChannel.error(`The language server is not restarted: ${reason}`);
        this.setState('failed', reason);
        // The visible notice, with "Restart language server" and "Show output".
        void this.explainNotRunning();
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  private onClientState(state: State): void {
    switch (state) {
      case State.Starting:
        this.setState('starting');
        break;
      case State.Running:
        this.setState('running');
        break;
      case State.StartFailed:
        // startClient() follows up with the actual error once client.start() rejects.
        this.setState('failed', 'the server did not initialize');
        break;
      case State.Stopped:
        // Our own stop() unsubscribes before stopping, so reaching this means the server
        // went away by itself (crash, or the crash handler gave up restarting it). Keep the
        // handler's more precise reason when it already gave one.
        if (this.currentState !== 'failed') this.setState('failed', 'the server stopped unexpectedly (see the output)');
        break;
    }
  }

  private async disposeClient(): Promise<void> {
    // Unsubscribe first, so the Stopped event of an intentional stop is not taken for a crash.
    for (const disposable of this.clientSubscriptions.splice(0)) disposable.dispose();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.dispose(STOP_TIMEOUT_MS);
    } catch (error) {
      // A server that already died cannot acknowledge shutdown; nothing is left to clean up.
      this.outputChannel.warn(`Stopping the language server: ${messageOf(error)}`);
    }
  }

  /** Records the state (and, for `failed`, why); listeners hear about any change of either. */
  private setState(state: ServerState, failure?: string): void {
    const reason = state === 'failed' ? failure : undefined;
    if (state === this.currentState && reason === this.lastFailure) return;
    this.currentState = state;
    this.lastFailure = reason;
    this.stateEmitter.fire(state);
  }
}

/** A readable message from anything thrown (JSON-RPC errors, Error, strings). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return String(error);
}
