// Rules may read build-context files next to a file: Dockerfile, never outside it, never writing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { contextReader } from '../../server/src/features/build-context';
import type { Rule } from '../../server/src/rules/types';
import { testRule, withSession } from './support/in-process';

let root = '';
let project = '';

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-context-'));
  project = path.join(root, 'my app');
  fs.mkdirSync(path.join(project, 'deps'), { recursive: true });
  fs.writeFileSync(path.join(project, 'requirements.txt'), 'flask==3.0.0\n');
  fs.writeFileSync(path.join(project, 'deps', 'dev.txt'), 'pytest\n');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the context\n');
});

after(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function dockerfileUri(): string {
  return pathToFileURL(path.join(project, 'Dockerfile')).href;
}

describe('contextReader', () => {
  it('reads files relative to the Dockerfile folder (URIs with escaped spaces too)', () => {
    const read = contextReader(dockerfileUri());
    assert.ok(read);
    assert.equal(read('requirements.txt'), 'flask==3.0.0\n');
    assert.equal(read('./deps/dev.txt'), 'pytest\n');
  });

  it('reads missing files, folders and paths outside the context as undefined', () => {
    const read = contextReader(dockerfileUri());
    assert.ok(read);
    assert.equal(read('poetry.lock'), undefined);
    assert.equal(read('deps'), undefined);
    assert.equal(read('../secret.txt'), undefined);
    assert.equal(read(path.join(root, 'secret.txt')), undefined);
    assert.equal(read(''), undefined);
  });

  it('has no build context for untitled documents', () => {
    assert.equal(contextReader('untitled:Untitled-1'), undefined);
  });
});

describe('build context over the protocol', () => {
  /** Reports the first line of requirements.txt, or that there is no context. */
  function requirementsRule(): Rule {
    const base = testRule('PYD989');
    return {
      ...base,
      check(ctx) {
        const first = ctx.model.instructions[0];
        if (!first) return;
        const content = ctx.env.readContextFile ? (ctx.env.readContextFile('requirements.txt') ?? 'missing') : 'no context';
        ctx.report({ range: first.range, message: `requirements: ${content.trim()}` });
      },
    };
  }

  it('gives rules the files next to a file: Dockerfile', async () => {
    await withSession({ pull: true }, { rules: [requirementsRule()] }, async (client) => {
      const uri = dockerfileUri();
      await client.open(uri, 'FROM python:3.12-slim\n');
      assert.deepEqual((await client.pull(uri)).map((d) => d.message), ['requirements: flask==3.0.0']);
      await client.open('untitled:Untitled-1', 'FROM python:3.12-slim\n');
      assert.deepEqual((await client.pull('untitled:Untitled-1')).map((d) => d.message), ['requirements: no context']);
    });
  });

  it('asks clients that can watch files to report changes to manifests and lock files', async () => {
    await withSession({ pull: true, watchFiles: true }, { rules: [requirementsRule()] }, async (client) => {
      // The registration is sent after `initialized`; a request round-trip orders it before us.
      await client.pull('untitled:none');
      const registration = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
      assert.ok(registration, 'a file watcher is registered');
      const globs = (registration.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
      assert.ok(globs.includes('**/requirements*.txt'));
      assert.ok(globs.includes('**/pyproject.toml'));
    });
  });

  it('re-reads context files after the client reports a change to them', async () => {
    await withSession({ pull: true }, { rules: [requirementsRule()] }, async (client) => {
      const uri = dockerfileUri();
      const file = path.join(project, 'requirements.txt');
      await client.open(uri, 'FROM python:3.12-slim\n');
      assert.deepEqual((await client.pull(uri)).map((d) => d.message), ['requirements: flask==3.0.0']);
      fs.writeFileSync(file, 'flask==3.1.0\n');
      try {
        const refreshed = client.nextRefresh();
        await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).href, type: FileChangeType.Changed }] });
        await refreshed;
        assert.deepEqual((await client.pull(uri)).map((d) => d.message), ['requirements: flask==3.1.0']);
      } finally {
        fs.writeFileSync(file, 'flask==3.0.0\n');
      }
    });
  });
});
