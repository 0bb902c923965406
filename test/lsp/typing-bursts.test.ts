// Typing over the protocol: changes that arrive together are linted once (the newest version),
// a pull cancelled before it is answered lints nothing, a re-pull of the result the client
// holds is answered "unchanged", and push and pull report the same.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { StreamMessageReader as ClientReader } from 'vscode-languageserver-protocol/node';
import { createConnection, LSPErrorCodes, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer, type ServerOptions } from '../../server/src/start';
import type { Rule } from '../../server/src/rules/types';
import { SERVICE_DOCKERFILE } from './support/dockerfiles';
import { pyd201, TEST_TODAY } from './support/in-process';

const URI = 'untitled:Dockerfile';
const PIP = 'FROM python:3.12-slim\nRUN pip install flask\n';
/** How long to wait for a message before failing the test. */
const WAIT_MS = 5000;

/** A JSON-RPC message as it travels: requests, responses and notifications alike. */
interface Wire {
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

/** One message framed with its header, as a client writes it. */
function frame(message: Wire): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

/**
 * A server joined to a raw client: messages are written as bytes, so a test can put several in
 * one chunk, which is how a burst of keystrokes (or a request and its cancellation) reaches a
 * server that is busy: all of them already read when it gets to the first.
 */
class RawSession {
  readonly received: Wire[] = [];
  private readonly toServer = new PassThrough();
  private readonly toClient = new PassThrough();
  private readonly server = createConnection(new StreamMessageReader(this.toServer), new StreamMessageWriter(this.toClient));
  private readonly waiters = new Set<() => void>();
  private readonly reader = new ClientReader(this.toClient);

  constructor(options: ServerOptions) {
    startServer(this.server, { today: () => TEST_TODAY, version: '0.0.0-test', ...options });
    this.reader.listen((message) => {
      this.received.push(message as Wire);
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Writes the messages as a single chunk. */
  send(...messages: Wire[]): void {
    this.toServer.write(messages.map(frame).join(''));
  }

  /** Resolves with the first received message (from `from` on) that `accept` takes. */
  waitFor(accept: (message: Wire) => boolean, from = 0): Promise<Wire> {
    const find = (): Wire | undefined => this.received.slice(from).find(accept);
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`no matching message in ${WAIT_MS} ms; received: ${JSON.stringify(this.received.slice(from))}`));
      }, WAIT_MS);
      const wake = (): void => {
        const message = find();
        if (!message) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(message);
      };
      this.waiters.add(wake);
    });
  }

  /** Sends a request and waits for its response. */
  request(id: number, method: string, params: unknown): Promise<Wire> {
    const from = this.received.length;
    this.send({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined, from);
  }

  async initialize(pull: boolean): Promise<void> {
    await this.request(0, 'initialize', { processId: null, rootUri: null, capabilities: pull ? { textDocument: { diagnostic: {} } } : {} });
    this.send({ method: 'initialized', params: {} });
  }

  dispose(): void {
    this.reader.dispose();
    this.server.dispose();
    this.toServer.destroy();
    this.toClient.destroy();
  }
}

async function withRawSession(pull: boolean, options: ServerOptions, body: (session: RawSession) => Promise<void>): Promise<void> {
  const session = new RawSession(options);
  try {
    await session.initialize(pull);
    await body(session);
  } finally {
    session.dispose();
  }
}

/** PYD201, counting its runs (one per lint of a version). */
function countingPyd201(): { rule: Rule; runs: () => number } {
  let runs = 0;
  const base = pyd201();
  return {
    rule: { ...base, check: (ctx) => { runs++; base.check(ctx); } },
    runs: () => runs,
  };
}

/** `didChange` replacing the whole text. */
function change(version: number, text: string): Wire {
  return { method: 'textDocument/didChange', params: { textDocument: { uri: URI, version }, contentChanges: [{ text }] } };
}

function open(text: string, version = 1): Wire {
  return { method: 'textDocument/didOpen', params: { textDocument: { uri: URI, languageId: 'dockerfile', version, text } } };
}

const isPublish = (m: Wire): boolean => m.method === 'textDocument/publishDiagnostics';
const publishParams = (m: Wire): { version?: number; diagnostics: { code?: unknown }[] } => m.params as { version?: number; diagnostics: { code?: unknown }[] };

/** Versions 2..6 of the text: one more `pip install` line per keystroke burst step. */
function burst(): Wire[] {
  return [2, 3, 4, 5, 6].map((v) => change(v, PIP + 'RUN pip install gunicorn\n'.repeat(v - 1)));
}

describe('typing bursts (push)', () => {
  it('lints and publishes only the newest of the changes that arrived together', async () => {
    const counting = countingPyd201();
    await withRawSession(false, { rules: [counting.rule] }, async (session) => {
      session.send(open(PIP));
      await session.waitFor((m) => isPublish(m) && publishParams(m).version === 1);
      assert.equal(counting.runs(), 1);
      const from = session.received.length;
      session.send(...burst());
      const newest = await session.waitFor((m) => isPublish(m) && publishParams(m).version === 6, from);
      assert.equal(publishParams(newest).diagnostics.length, 6, 'the findings of version 6');
      // A request round-trip after the burst: a late publish of an older version would arrive first.
      await session.request(1, 'textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 0 } });
      assert.deepEqual(session.received.slice(from).filter(isPublish).map((m) => publishParams(m).version), [6], 'no publish for versions 2 to 5');
      assert.equal(counting.runs(), 2, 'versions 2 to 5 were never linted');
    });
  });
});

describe('typing bursts (pull)', () => {
  it('answers a pull cancelled before it was served with RequestCancelled, without linting', async () => {
    const counting = countingPyd201();
    await withRawSession(true, { rules: [counting.rule] }, async (session) => {
      session.send(open(PIP));
      const from = session.received.length;
      session.send({ id: 7, method: 'textDocument/diagnostic', params: { textDocument: { uri: URI } } }, { method: '$/cancelRequest', params: { id: 7 } });
      const answer = await session.waitFor((m) => m.id === 7, from);
      assert.equal(answer.error?.code, LSPErrorCodes.RequestCancelled);
      assert.equal(counting.runs(), 0, 'nothing was linted for the cancelled pull');
      const pulled = await session.request(8, 'textDocument/diagnostic', { textDocument: { uri: URI } });
      assert.equal((pulled.result as { items: unknown[] }).items.length, 1);
      assert.equal(counting.runs(), 1);
    });
  });

  it('answers a pull sent with a burst of changes for the newest version, linted once', async () => {
    const counting = countingPyd201();
    await withRawSession(true, { rules: [counting.rule] }, async (session) => {
      session.send(open(PIP));
      const from = session.received.length;
      session.send(...burst(), { id: 9, method: 'textDocument/diagnostic', params: { textDocument: { uri: URI } } });
      const answer = await session.waitFor((m) => m.id === 9, from);
      const items = (answer.result as { items: { data?: { version?: number } }[] }).items;
      assert.equal(items.length, 6);
      assert.deepEqual([...new Set(items.map((d) => d.data?.version))], [6]);
      assert.equal(counting.runs(), 1);
    });
  });
});

describe('pull result ids', () => {
  /** The pull report for URI, optionally naming the result the client holds. */
  const pull = async (session: RawSession, id: number, previousResultId?: string): Promise<{ kind: string; resultId?: string; items?: unknown[] }> => {
    const answer = await session.request(id, 'textDocument/diagnostic', { textDocument: { uri: URI }, ...(previousResultId !== undefined ? { previousResultId } : {}) });
    return answer.result as { kind: string; resultId?: string; items?: unknown[] };
  };

  it('answers "unchanged" when the client holds the current result, and a full report otherwise', async () => {
    const counting = countingPyd201();
    await withRawSession(true, { rules: [counting.rule] }, async (session) => {
      session.send(open(PIP));
      const first = await pull(session, 1);
      assert.equal(first.kind, 'full');
      assert.equal(first.items?.length, 1);
      assert.equal(typeof first.resultId, 'string');
      // What VS Code does for every other open Dockerfile after each change to one of them.
      assert.deepEqual(await pull(session, 2, first.resultId), { kind: 'unchanged', resultId: first.resultId });
      assert.equal(counting.runs(), 1);
      const foreign = await pull(session, 3, 'not-a-result-of-this-server');
      assert.deepEqual(foreign, first, 'an unknown result id gets the full report');

      session.send(change(2, `${PIP}RUN pip install gunicorn\n`));
      const second = await pull(session, 4, first.resultId);
      assert.equal(second.kind, 'full', 'a new version is reported in full');
      assert.equal(second.items?.length, 2);
      assert.notEqual(second.resultId, first.resultId);
    });
  });

  it('reports in full again after a configuration change, even for the same version', async () => {
    await withRawSession(true, { rules: [pyd201()] }, async (session) => {
      session.send(open(PIP));
      const before = await pull(session, 1);
      session.send({ method: 'workspace/didChangeConfiguration', params: { settings: { pydockerfile: { rules: { PYD201: 'error' } } } } });
      const after = await pull(session, 2, before.resultId);
      assert.equal(after.kind, 'full');
      assert.notEqual(after.resultId, before.resultId);
      assert.equal((after.items as { severity?: number }[] | undefined)?.[0]?.severity, 1, 'the new severity, not the held one');
    });
  });
});

describe('push and pull', () => {
  it('report the same diagnostics, in the same order, for the same text', async () => {
    const text = `${SERVICE_DOCKERFILE}RUN pip install flask\nUSER root\n`;
    let pushed: unknown;
    await withRawSession(false, {}, async (session) => {
      session.send(open(text, 4));
      pushed = publishParams(await session.waitFor((m) => isPublish(m) && publishParams(m).version === 4)).diagnostics;
    });
    await withRawSession(true, {}, async (session) => {
      session.send(open(text, 4));
      const pulled = (await session.request(1, 'textDocument/diagnostic', { textDocument: { uri: URI } })).result as { items: unknown[] };
      assert.ok(pulled.items.length > 1, 'the text has several findings');
      assert.deepEqual(pulled.items, pushed);
    });
  });
});
