// The language server under bad conditions (issue #10): a rule that throws, stale versions,
// cancelled requests, huge, binary and mis-decoded documents. Runs the real server in-process.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancellationTokenSource, CodeActionRequest, DocumentDiagnosticRequest, HoverRequest, LSPErrorCodes, ResponseError, type Diagnostic } from 'vscode-languageserver-protocol';
import { REFUSAL_CODE } from '../../server/src/engine/guards';
import { OPTIMIZE_COMMAND, type DiagnosticData, type OptimizeCommandResult } from '../../server/src/protocol';
import type { Rule } from '../../server/src/rules/types';
import { actionsOnly, editsFor } from '../lsp/support/client';
import { pyd201, testRule, withSession } from '../lsp/support/in-process';

const URI = 'untitled:Dockerfile';
const PIP = 'FROM python:3.12-slim\nRUN pip install flask\n';

/** A rule that throws on every document, to show the others still report. */
const exploding: Rule = testRule('PYD996', {
  check: () => {
    throw new Error('rule exploded on purpose');
  },
});

/** The error a request ended with, or undefined when it was answered. */
async function errorOf(request: Promise<unknown>): Promise<unknown> {
  try {
    await request;
    return undefined;
  } catch (error) {
    return error;
  }
}

function isCancelled(error: unknown): boolean {
  return error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled;
}

describe('a rule that throws', () => {
  it('does not stop the other rules: pushed diagnostics still arrive, and the failure is logged once with code and document', async () => {
    await withSession({ pull: false }, { rules: [exploding, pyd201()] }, async (client) => {
      const first = client.nextPublish(URI, (p) => p.version === 1);
      await client.open(URI, PIP, 1);
      assert.deepEqual((await first).diagnostics.map((d) => d.code), ['PYD201']);
      const second = client.nextPublish(URI, (p) => p.version === 2);
      await client.replace(URI, 2, PIP + 'RUN pip install gunicorn\n');
      assert.deepEqual((await second).diagnostics.map((d) => d.code), ['PYD201', 'PYD201']);
      const lines = client.logs.filter((line) => line.includes('PYD996'));
      assert.equal(lines.length, 1, `logged once per rule and document, got ${lines.length}`);
      assert.match(lines[0] ?? '', /rule exploded on purpose/);
      assert.ok(lines[0]?.includes(URI), 'the log names the document');
    });
  });

  it('leaves hovers, code actions and Optimize working', async () => {
    await withSession({ pull: true }, { rules: [exploding, pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      const [diagnostic] = await client.pull(URI);
      assert.ok(diagnostic);
      const hover = await client.hover(URI, diagnostic.range.start);
      assert.ok(hover, 'the PYD201 hover is still shown');
      const titles = actionsOnly(await client.codeActions(URI, diagnostic.range, [diagnostic])).map((a) => a.title);
      assert.ok(titles.includes('Add `--no-cache-dir` (PYD201)'), titles.join(' | '));
      const result = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }])) as OptimizeCommandResult;
      assert.ok(result.text.includes('--no-cache-dir'));
    });
  });
});

describe('stale versions', () => {
  it('never answers a request with edits of an older version', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      const old = await client.pull(URI);
      // The user types on: the same finding is now on another line.
      const shifted = '# moved down\n' + PIP;
      await client.replace(URI, 2, shifted);
      const actions = actionsOnly(await client.codeActions(URI, old[0]?.range ?? { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } }, old));
      for (const action of actions) {
        const { version } = editsFor(action.edit, URI);
        assert.equal(version, 2, `"${action.title}" must be versioned for the current text`);
      }
      assert.ok(!actions.some((a) => a.title.startsWith('Add `--no-cache-dir`')), 'the stale quick fix (version 1 ranges) is not offered');
      const current = await client.pull(URI);
      assert.equal((current[0]?.data as DiagnosticData).version, 2);
      const optimized = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }])) as OptimizeCommandResult;
      assert.equal(optimized.version, 2, 'Optimize says which version it rewrote, so the client applies it only to that one');
    });
  });

  it('answers empty for documents that are not open', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      await client.close(URI);
      assert.deepEqual(await client.pull(URI), []);
      assert.equal(await client.hover(URI, { line: 1, character: 6 }), null);
      assert.deepEqual(await client.codeActions(URI, { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } }, []), []);
      assert.equal(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }]), null);
    });
  });
});

describe('cancellation', () => {
  /** Sends `request` and cancels it at once, before the server has its settings. */
  async function cancelledAtOnce(send: (token: CancellationTokenSource['token']) => Promise<unknown>): Promise<unknown> {
    const source = new CancellationTokenSource();
    const pending = errorOf(send(source.token));
    source.cancel();
    return pending;
  }

  it('answers a cancelled hover with RequestCancelled', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      const error = await cancelledAtOnce((token) => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 1, character: 6 } }, token));
      assert.ok(isCancelled(error), `expected RequestCancelled, got ${String(error)}`);
      assert.ok(await client.hover(URI, { line: 1, character: 6 }), 'the next hover is answered');
    });
  });

  it('answers a cancelled diagnostic pull with RequestCancelled, and the next pull is answered', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      const error = await cancelledAtOnce((token) => client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: URI } }, token));
      assert.ok(isCancelled(error), `expected RequestCancelled, got ${String(error)}`);
      assert.deepEqual((await client.pull(URI)).map((d) => d.code), ['PYD201']);
    });
  });

  it('answers a cancelled code-action request with RequestCancelled, and logs nothing', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      const range = { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } };
      const error = await cancelledAtOnce((token) => client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range, context: { diagnostics: [] } }, token));
      assert.ok(isCancelled(error), `expected RequestCancelled, got ${String(error)}`);
      assert.deepEqual(client.logs.filter((line) => line.includes('failed')), [], 'a cancellation is not a failure');
    });
  });
});

describe('documents the server refuses to lint', () => {
  const huge = 'FROM python:3.12\n' + 'RUN pip install flask\n'.repeat(60_000);
  for (const [name, text, pattern] of [
    ['a 1.3 MB document', huge, /characters, more than the limit/],
    ['a 100,000-line document', 'FROM python:3.12\n' + 'RUN x\n'.repeat(100_000), /more than 25,000 lines/],
    ['a binary document', 'FROM python:3.12\n\0\0\0RUN pip install flask\n', /NUL bytes/],
    ['a mis-decoded document', 'FROM python:3.12\nRUN pip install caf\uFFFD\n', /U\+FFFD/],
  ] as const) {
    it(`reports ${name} with one info diagnostic, pulled or pushed`, async () => {
      const check = (diagnostics: Diagnostic[]): void => {
        assert.equal(diagnostics.length, 1);
        assert.equal(diagnostics[0]?.code, REFUSAL_CODE);
        assert.equal(diagnostics[0]?.severity, 3, 'information');
        const message = diagnostics[0]?.message;
        assert.match(typeof message === 'string' ? message : (message?.value ?? ''), pattern);
        assert.equal(diagnostics[0]?.range.start.line, 0);
      };
      await withSession({ pull: true }, {}, async (client) => {
        await client.open(URI, text, 1);
        const started = Date.now();
        check(await client.pull(URI));
        assert.ok(Date.now() - started < 3000, 'answered without linting');
        const actions = actionsOnly(await client.codeActions(URI, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, await client.pull(URI)));
        assert.ok(!actions.some((a) => a.edit), 'no edits for a refused document');
        const result = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }])) as OptimizeCommandResult;
        assert.equal(result.changed, false);
      });
      await withSession({ pull: false }, {}, async (client) => {
        const published = client.nextPublish(URI);
        await client.open(URI, text, 1);
        check((await published).diagnostics);
      });
    });
  }
});
