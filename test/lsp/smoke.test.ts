// Smoke test of the BUILT server bundle over stdio, as Neovim, Helix or Emacs would start it.
import * as assert from 'node:assert/strict';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { lint } from '../../server/src/engine/lint';
import { applyEdits } from '../../server/src/fix/apply';
import { REPO_ROOT } from '../support/paths';
import { actionsOnly, editsFor, TestClient } from './support/client';

const BUNDLE = path.join(REPO_ROOT, 'server', 'out', 'server.js');
const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function requireBundle(): void {
  assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`);
}

describe('server bundle', () => {
  it('prints its version and exits without waiting for a client', () => {
    requireBundle();
    const run = spawnSync(process.execPath, [BUNDLE, '--version'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `pydockerfile-language-server ${PACKAGE_VERSION}\n`);
  });

  it('prints usage for --help and exits', () => {
    requireBundle();
    const run = spawnSync(process.execPath, [BUNDLE, '--help'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /--stdio/);
    assert.match(run.stdout, /--node-ipc/);
    assert.match(run.stdout, /--socket=<port>/);
  });

  it('explains a missing transport instead of hanging', () => {
    requireBundle();
    const run = spawnSync(process.execPath, [BUNDLE], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no transport given/);
  });

  it('serves a stdio client: initialize, diagnostics, a quick fix that applies, shutdown and exit', { timeout: 30_000 }, async () => {
    requireBundle();
    const child = spawn(process.execPath, [BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const client = new TestClient(createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin)));
    try {
      const uri = 'untitled:Dockerfile';
      const text = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir gunicorn\nRUN pip install flask\n';
      const init = await client.initialize({ pull: false });
      assert.equal(init.serverInfo?.name, 'pydockerfile-language-server');
      assert.equal(init.serverInfo?.version, PACKAGE_VERSION);

      const published = client.nextPublish(uri, (p) => p.diagnostics.some((d) => d.code === 'PYD201'));
      await client.open(uri, text, 1);
      const diagnostic = (await published).diagnostics.find((d) => d.code === 'PYD201');
      assert.ok(diagnostic);
      assert.deepEqual(diagnostic.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 21 } });

      const actions = actionsOnly(await client.codeActions(uri, diagnostic.range, [diagnostic]));
      const fix = actions.find((a) => a.title === 'Add `--no-cache-dir` (PYD201)');
      assert.ok(fix, `quick fix offered among: ${actions.map((a) => a.title).join(', ')}`);
      const fixed = applyEdits(text, editsFor(fix.edit, uri).edits);
      assert.equal(fixed, 'FROM python:3.12-slim\nRUN pip install --no-cache-dir gunicorn\nRUN pip install --no-cache-dir flask\n');
      assert.ok(!lint(fixed).findings.some((f) => f.code === 'PYD201'));

      await client.shutdown();
      assert.equal(await exited, 0, `server exit code (stderr: ${stderr})`);
    } finally {
      client.connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  });

  /** Initializes, checks one pushed diagnostic, shuts down, and expects a clean exit. */
  async function roundTrip(connection: ProtocolConnection, child: ChildProcess): Promise<void> {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const client = new TestClient(connection);
    try {
      await client.initialize({ pull: false });
      const published = client.nextPublish('untitled:Dockerfile');
      await client.open('untitled:Dockerfile', 'FROM python:3.12-slim\nRUN pip install flask\n');
      assert.ok((await published).diagnostics.some((d) => d.code === 'PYD201'));
      await client.shutdown();
      assert.equal(await exited, 0);
    } finally {
      client.connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  }

  it('serves a client over --node-ipc, as VS Code starts it', { timeout: 30_000 }, async () => {
    requireBundle();
    const child = fork(BUNDLE, ['--node-ipc'], { silent: true });
    await roundTrip(createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child)), child);
  });

  it('serves a client listening on --socket=<port>', { timeout: 30_000 }, async () => {
    requireBundle();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      const child = spawn(process.execPath, [BUNDLE, `--socket=${address.port}`], { stdio: 'ignore' });
      const socket = await accepted;
      await roundTrip(createProtocolConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket)), child);
      socket.destroy();
    } finally {
      server.close();
    }
  });
});
