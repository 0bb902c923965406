// The parts of the built server loaded on first use (optimize.js, hover-knowledge.js, see
// esbuild.mjs): the built server answers Optimize and hovers exactly as the server in-process does.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { isoToday } from '../../server/src/engine/lint';
import { OPTIMIZE_COMMAND, type OptimizeCommandResult } from '../../server/src/protocol';
import { TestClient, type ClientProfile } from '../lsp/support/client';
import { startSession } from '../lsp/support/in-process';
import { REPO_ROOT } from '../support/paths';

const OUT = path.join(REPO_ROOT, 'server', 'out');
const PROFILE: ClientProfile = { pull: true };
const URI = 'untitled:Dockerfile';
const TEXT = ['FROM python:3.12', 'ENV PYTHONUNBUFFERED=1', 'WORKDIR /app', 'COPY . .', 'RUN pip install --no-cache-dir -r requirements.txt', 'CMD python app.py', ''].join('\n');

/** What a client sees from Optimize and from hovers on an ENV variable and a pip flag. */
async function answers(client: TestClient): Promise<{ optimize: OptimizeCommandResult; env: unknown; flag: unknown }> {
  await client.open(URI, TEXT, 1);
  const optimize = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1, includeUnsafe: true }])) as OptimizeCommandResult;
  const env = await client.hover(URI, { line: 1, character: 8 });
  const flag = await client.hover(URI, { line: 4, character: 20 });
  return { optimize, env, flag };
}

describe('on-demand parts of the built server', () => {
  it('answer Optimize and hovers like the server in-process', { timeout: 30_000 }, async () => {
    for (const file of ['server.js', 'optimize.js', 'hover-knowledge.js']) assert.ok(fs.existsSync(path.join(OUT, file)), `server/out/${file} is missing: run npm run build`);
    const child = spawn(process.execPath, [path.join(OUT, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const built = new TestClient(createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin)));
    const session = await startSession(PROFILE, { today: isoToday });
    try {
      await built.initialize(PROFILE);
      const fromBundle = await answers(built);
      const inProcess = await answers(session.client);
      assert.deepEqual(fromBundle, inProcess);
      // Each part did something a user sees: a rewrite, and the tables' text in hovers.
      assert.equal(fromBundle.optimize.changed, true);
      assert.ok(fromBundle.optimize.edits.length > 0);
      assert.match(JSON.stringify(fromBundle.env), /PYTHONUNBUFFERED/);
      assert.match(JSON.stringify(fromBundle.flag), /no-cache-dir/);
    } finally {
      session.dispose();
      built.connection.dispose();
      child.kill();
    }
  });
});
