// A minimal LSP client for the benchmark: spawns a server over stdio and times its answers.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');

/**
 * What we tell every server: the same capabilities for ours and the peer, so neither gets
 * an easier protocol. `pull` adds pull diagnostics (what VS Code uses with our server).
 * @param {boolean} pull
 */
function clientCapabilities(pull) {
  return {
    workspace: {
      applyEdit: true,
      configuration: true,
      workspaceEdit: { documentChanges: true },
      didChangeConfiguration: { dynamicRegistration: false },
      ...(pull ? { diagnostics: { refreshSupport: true } } : {}),
    },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source', 'source.fixAll'] } }, isPreferredSupport: true, dataSupport: true, resolveSupport: { properties: ['edit'] } },
      ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
    },
    window: { workDoneProgress: false },
  };
}

/**
 * Resident set size of a process in bytes (Linux /proc, else `ps`), or null.
 * @param {number} pid
 * @returns {number | null}
 */
export function residentBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux: fall through to ps.
  }
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
    const kb = Number(out.trim());
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * @typedef {{ range: { start: { line: number, character: number }, end: { line: number, character: number } } }} RangeHolder
 * @typedef {{ uri: string, version?: number, diagnostics: RangeHolder[] }} PublishParams
 */

/**
 * A running server with helpers that time round trips. Every wait has a timeout so a
 * misbehaving server fails the benchmark section instead of hanging it.
 */
export class LspSession {
  /**
   * Spawns the server and completes the initialize handshake.
   * @param {{ name: string, command: string, args: string[], cwd: string, pull?: boolean, rootUri: string }} options
   * @returns {Promise<LspSession>}
   */
  static async start(options) {
    const session = new LspSession(options);
    await session.initialize();
    return session;
  }

  /** @param {{ name: string, command: string, args: string[], cwd: string, pull?: boolean, rootUri: string }} options */
  constructor(options) {
    this.name = options.name;
    this.pull = options.pull === true;
    this.rootUri = options.rootUri;
    this.spawnedAt = performance.now();
    this.child = spawn(options.command, options.args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stderr.on('data', (chunk) => {
      if (this.stderr.length < 20000) this.stderr += chunk;
    });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    /** @type {Map<string, { count: number, last: PublishParams | undefined }>} */
    this.published = new Map();
    /** @type {Set<() => void>} */
    this.waiters = new Set();
    this.connection.onNotification('textDocument/publishDiagnostics', (/** @type {PublishParams} */ params) => {
      const entry = this.published.get(params.uri) ?? { count: 0, last: undefined };
      entry.count++;
      entry.last = params;
      this.published.set(params.uri, entry);
      for (const wake of [...this.waiters]) wake();
    });
    // Answer what servers ask of a client: configuration (defaults), registrations, refreshes.
    this.connection.onRequest((method, params) => {
      if (method === 'workspace/configuration') return (params?.items ?? []).map(() => null);
      return null;
    });
    this.connection.onNotification(() => {});
    this.connection.listen();
  }

  async initialize() {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: this.rootUri,
      workspaceFolders: [{ uri: this.rootUri, name: 'bench' }],
      capabilities: clientCapabilities(this.pull),
    });
    // Spawn to initialize result: what a user waits for when the editor starts the server (the
    // request goes out at once and is read as soon as the server listens).
    this.startupMs = performance.now() - this.spawnedAt;
    await this.connection.sendNotification('initialized', {});
  }

  /**
   * Resolves when `done()` holds, re-checking on every publish; rejects after `timeoutMs`.
   * @param {() => boolean} done
   * @param {string} what
   * @param {number} [timeoutMs]
   */
  until(done, what, timeoutMs = 30000) {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`${this.name}: timed out waiting for ${what}${this.stderr ? `\n${this.stderr.slice(0, 2000)}` : ''}`));
      }, timeoutMs);
      const wake = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /** @param {string} uri */
  publishCount(uri) {
    return this.published.get(uri)?.count ?? 0;
  }

  /**
   * The diagnostics of the last publish for a URI.
   * @param {string} uri
   * @returns {RangeHolder[]}
   */
  lastDiagnostics(uri) {
    return this.published.get(uri)?.last?.diagnostics ?? [];
  }

  /**
   * Waits for the publish that answers version `version` of `uri`: one carrying that version,
   * or, from servers that do not send versions, the first publish after `countBefore`.
   * @param {string} uri
   * @param {number} version
   * @param {number} countBefore
   */
  waitForPublish(uri, version, countBefore) {
    return this.until(() => {
      const entry = this.published.get(uri);
      if (!entry || entry.count <= countBefore || !entry.last) return false;
      return entry.last.version === undefined || entry.last.version === null || entry.last.version === version;
    }, `diagnostics of ${uri} v${version}`);
  }

  /**
   * Opens a document; with push diagnostics, waits for its first publish.
   * @param {string} uri
   * @param {string} text
   * @returns {Promise<number>} milliseconds until diagnostics (push) or the first pull answered
   */
  async open(uri, text) {
    const before = this.publishCount(uri);
    const start = performance.now();
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    if (this.pull) await this.pullDiagnostics(uri);
    else await this.waitForPublish(uri, 1, before);
    return performance.now() - start;
  }

  /**
   * Sends one change and times until the diagnostics of that version are in.
   * @param {string} uri
   * @param {number} version
   * @param {{ range: RangeHolder['range'], text: string }[]} changes
   * @returns {Promise<number>}
   */
  async changeAndWait(uri, version, changes) {
    const before = this.publishCount(uri);
    const start = performance.now();
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    if (this.pull) await this.pullDiagnostics(uri);
    else await this.waitForPublish(uri, version, before);
    return performance.now() - start;
  }

  /**
   * Pulls diagnostics (`textDocument/diagnostic`) and keeps them as the last known set.
   * @param {string} uri
   */
  async pullDiagnostics(uri) {
    const report = await this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    const entry = this.published.get(uri) ?? { count: 0, last: undefined };
    entry.last = { uri, diagnostics: report?.items ?? [] };
    this.published.set(uri, entry);
    return report;
  }

  /**
   * Times a request.
   * @param {string} method
   * @param {unknown} params
   * @returns {Promise<{ ms: number, result: unknown }>}
   */
  async timed(method, params) {
    const start = performance.now();
    const result = await this.connection.sendRequest(method, params);
    return { ms: performance.now() - start, result };
  }

  /** @returns {number | null} */
  rss() {
    return this.child.pid === undefined ? null : residentBytes(this.child.pid);
  }

  /** Shuts the server down politely, then makes sure the process is gone. */
  async close() {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone.
    }
    const exited = new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve(undefined);
      else this.child.once('exit', () => resolve(undefined));
    });
    const timer = setTimeout(() => this.child.kill(), 2000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}
