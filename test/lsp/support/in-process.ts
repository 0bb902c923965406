// Runs the real server (startServer) in this process, joined to a TestClient by two pipes.
import { PassThrough } from 'node:stream';
import { createProtocolConnection, StreamMessageReader as ClientReader, StreamMessageWriter as ClientWriter } from 'vscode-languageserver-protocol/node';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { ruleByCode } from '../../../server/src/rules/index';
import type { Rule } from '../../../server/src/rules/types';
import { startServer, type ServerOptions } from '../../../server/src/start';
import { TestClient, type ClientProfile } from './client';

/** The date every in-process server believes it is, so end-of-life statements are stable. */
export const TEST_TODAY = '2026-11-25';

/** A running in-process server and its client. `dispose()` tears both down. */
export interface Session {
  client: TestClient;
  dispose(): void;
}

/**
 * Starts a server in-process. Reader/writer objects (not raw streams) are handed to
 * createConnection on purpose: with raw streams vscode-languageserver/node exits the process
 * when the input ends. Tests never send `exit` for the same reason.
 */
export async function startSession(profile: ClientProfile, options: ServerOptions = {}, settings: unknown = {}): Promise<Session> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(serverConnection, { today: () => TEST_TODAY, version: '0.0.0-test', ...options });
  const client = new TestClient(createProtocolConnection(new ClientReader(toClient), new ClientWriter(toServer)));
  client.settings = settings;
  await client.initialize(profile);
  return {
    client,
    dispose() {
      client.connection.dispose();
      serverConnection.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
}

/** Starts a session, runs `body`, and always disposes it. */
export async function withSession(profile: ClientProfile, options: ServerOptions, body: (client: TestClient) => Promise<void>, settings: unknown = {}): Promise<void> {
  const session = await startSession(profile, options, settings);
  try {
    await body(session.client);
  } finally {
    session.dispose();
  }
}

/** PYD201 from the registry; tests inject it alone so rules added later cannot change them. */
export function pyd201(): Rule {
  const rule = ruleByCode('PYD201');
  if (!rule) throw new Error('PYD201 is not registered');
  return rule;
}

/** A made-up rule for tests: flags every line that is exactly `RUN <word>` and offers the given fixes. */
export function testRule(code: string, overrides: Partial<Rule> & { fixes?: (lineText: string) => { title: string; applicability: 'safe' | 'unsafe'; newText: string }[] } = {}): Rule {
  const { fixes, ...meta } = overrides;
  return {
    code,
    name: `test-rule-${code.toLowerCase()}`,
    title: `Test rule ${code}`,
    category: 'layers-and-cache',
    defaultSeverity: 'info',
    status: 'stable',
    since: '0.0.0',
    fix: { availability: fixes ? 'always' : 'none', applicability: fixes ? 'unsafe' : 'none' },
    docs: {
      whatItDoes: 'Flags single-word RUN lines.',
      whyItMatters: 'Test rules explain nothing.',
      example: 'FROM scratch\nRUN true',
      useInstead: 'FROM scratch',
      fixSafety: 'Test fixes are unsafe.',
      references: [],
    },
    check(ctx) {
      const { model } = ctx;
      for (const info of model.instructions) {
        const line = info.range.start.line;
        const text = model.text.lineText(line);
        const m = /^(\s*)RUN ([a-z]+)$/.exec(text);
        if (!m) continue;
        const start = model.text.lineStart(line) + (m[1] ?? '').length;
        const range = model.text.rangeOf(start, start + text.trim().length);
        ctx.report({
          range,
          message: `Single-word \`RUN ${m[2] ?? ''}\``,
          fixes: (fixes?.(text) ?? []).map((f) => ({ title: f.title, applicability: f.applicability, edits: [{ range, newText: f.newText }] })),
        });
      }
    },
    ...meta,
  };
}
