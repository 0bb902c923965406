// "Optimize this Dockerfile" as a first-line code action over the protocol: VS Code gets its
// preview command, other editors a server command that applies the proposal with workspace/applyEdit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CreateFile, Range, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { OPTIMIZE_ACTION_TITLE, OPTIMIZE_APPLY_ACTION_TITLE } from '../../server/src/features/code-actions';
import { applyEdits } from '../../server/src/fix/apply';
import { CLIENT_COMMANDS, OPTIMIZE_APPLY_COMMAND, type OptimizeCommandResult } from '../../server/src/protocol';
import { ruleByCode } from '../../server/src/rules/index';
import { actionsOnly, editsFor, type ClientProfile, type TestClient } from './support/client';
import { pyd201, withSession } from './support/in-process';
import { SERVICE_DOCKERFILE as SERVICE } from './support/dockerfiles';

const URI = 'untitled:Dockerfile';
const TEXT = '# The web image\nFROM python:3.12-slim\nRUN pip install flask\n';
const FIXED = '# The web image\nFROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n';

const VS_CODE: ClientProfile = { pull: true, applyEdit: true, clientName: 'Visual Studio Code' };
const NEOVIM: ClientProfile = { pull: false, applyEdit: true, clientName: 'Neovim' };

function lineRange(line: number): Range {
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}

async function optimizeActionAt(client: TestClient, uri: string, line: number, only?: string[]): Promise<CodeAction | undefined> {
  const actions = actionsOnly(await client.codeActions(uri, lineRange(line), [], only));
  return actions.find((a) => a.kind === 'refactor.rewrite');
}

/** Applies the Dockerfile part of a WorkspaceEdit to `text`. */
function applyTo(edit: WorkspaceEdit, uri: string, text: string): string {
  return applyEdits(text, editsFor(edit, uri).edits);
}

describe('"Optimize this Dockerfile…" code action in VS Code', () => {
  it('runs the client command with the document URI, on the first line and the first instruction only', async () => {
    await withSession(VS_CODE, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT);
      for (const line of [0, 1]) {
        const action = await optimizeActionAt(client, URI, line);
        assert.ok(action, `offered on line ${line}`);
        assert.equal(action.title, OPTIMIZE_ACTION_TITLE);
        assert.deepEqual(action.command, { title: OPTIMIZE_ACTION_TITLE, command: CLIENT_COMMANDS.optimize, arguments: [URI] });
        assert.equal(action.edit, undefined, 'the client previews first: nothing is edited by the action itself');
      }
      assert.equal(await optimizeActionAt(client, URI, 2), undefined, 'not offered further down');
      assert.equal(await optimizeActionAt(client, URI, 0, ['quickfix']), undefined, 'not among quick fixes');
      assert.ok(await optimizeActionAt(client, URI, 0, ['refactor']), 'offered when refactorings are asked for');
    });
  });

  it('recognises code-server and clients that declare the preview in initializationOptions', async () => {
    for (const profile of [{ ...NEOVIM, clientName: 'code-server' }, { ...NEOVIM, initializationOptions: { optimizePreview: true } }]) {
      await withSession(profile, { rules: [pyd201()] }, async (client) => {
        await client.open(URI, TEXT);
        assert.equal((await optimizeActionAt(client, URI, 0))?.command?.command, CLIENT_COMMANDS.optimize, JSON.stringify(profile));
      });
    }
  });
});

describe('Optimize as the remedy of a finding without a fix of its own', () => {
  // PYD206's remedy is the builder stage Optimize writes; without it the light bulb on the
  // apt-get line offered only "Ignore" and "Show documentation".
  const BUILD = 'FROM python:3.12-slim-trixie\nRUN apt-get update && apt-get install -y gcc libpq-dev\nRUN pip install --no-cache-dir psycopg2==2.9.10\n';
  const TITLE = `Move the build packages to a builder stage: ${OPTIMIZE_ACTION_TITLE} (PYD206)`;

  async function pyd206Actions(client: TestClient): Promise<CodeAction[]> {
    await client.open(URI, BUILD);
    const diagnostics = (await client.pull(URI)).filter((d) => d.code === 'PYD206');
    assert.equal(diagnostics.length, 1);
    return actionsOnly(await client.codeActions(URI, (diagnostics[0] as { range: Range }).range, diagnostics, ['quickfix']));
  }

  it('offers Optimize among the quick fixes of PYD206, before ignore and docs, running the preview command', async () => {
    const pyd206 = ruleByCode('PYD206');
    assert.ok(pyd206);
    await withSession(VS_CODE, { rules: [pyd206] }, async (client) => {
      const actions = await pyd206Actions(client);
      assert.deepEqual(actions.map((a) => a.title), [TITLE, 'Ignore PYD206 for this instruction', 'Show documentation for PYD206']);
      assert.deepEqual(actions[0]?.command, { title: OPTIMIZE_ACTION_TITLE, command: CLIENT_COMMANDS.optimize, arguments: [URI] });
      assert.equal(actions[0]?.kind, 'quickfix');
    });
  });

  it('is left out where Optimize applies without its decisions: the builder stage is an unsafe one', async () => {
    const pyd206 = ruleByCode('PYD206');
    assert.ok(pyd206);
    for (const profile of [NEOVIM, { ...NEOVIM, applyEdit: false }]) {
      await withSession(profile, { rules: [pyd206] }, async (client) => {
        assert.deepEqual((await pyd206Actions(client)).map((a) => a.title), ['Ignore PYD206 for this instruction', 'Show documentation for PYD206']);
      });
    }
  });
});

describe('"Optimize this Dockerfile" in other editors', () => {
  it('runs a server command that applies the safe proposal with one versioned workspace/applyEdit', async () => {
    await withSession(NEOVIM, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT, 5);
      const action = await optimizeActionAt(client, URI, 0);
      assert.ok(action, 'offered');
      assert.equal(action.title, OPTIMIZE_APPLY_ACTION_TITLE);
      assert.equal(action.command?.command, OPTIMIZE_APPLY_COMMAND, 'a command the server itself executes');
      const result = (await client.executeCommand(action.command.command, action.command.arguments ?? [])) as OptimizeCommandResult;
      assert.equal(result.text, FIXED);
      assert.equal(client.appliedEdits.length, 1);
      const applied = client.appliedEdits[0];
      assert.ok(applied);
      assert.equal(applyTo(applied.edit, URI, TEXT), FIXED);
      assert.equal(editsFor(applied.edit, URI).version, 5, 'an editor whose document changed meanwhile rejects the edit');
    });
  });

  it('leaves unsafe decisions unticked unless pydockerfile.optimize.includeUnsafe is on', async () => {
    await withSession(NEOVIM, {}, async (client) => {
      await client.open(URI, SERVICE, 1);
      const safe = (await client.executeCommand(OPTIMIZE_APPLY_COMMAND, [{ uri: URI, version: 1 }])) as OptimizeCommandResult;
      assert.doesNotMatch(safe.text, /AS builder/, 'no multi-stage rewrite without asking');
      assert.ok(safe.decisions?.some((d) => d.id === 'multi-stage' && d.default && !d.ticked), JSON.stringify(safe.decisions));
      const before = client.appliedEdits.length;
      client.settings = { optimize: { includeUnsafe: true } };
      await client.changeConfiguration();
      await client.executeCommand(OPTIMIZE_APPLY_COMMAND, [{ uri: URI, version: 1 }]);
      const unsafe = client.appliedEdits[before];
      assert.ok(unsafe, 'the default decisions change the file');
      assert.match(applyTo(unsafe.edit, URI, SERVICE), /^FROM python:3\.12-bookworm AS builder$/m);
    });
  });

  it('creates .dockerignore in the same edit when the client can create files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-optimize-action-'));
    try {
      fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.1.2\n');
      const uri = pathToFileURL(path.join(dir, 'Dockerfile')).href;
      const ignoreUri = pathToFileURL(path.join(dir, '.dockerignore')).href;
      await withSession(NEOVIM, {}, async (client) => {
        await client.open(uri, SERVICE, 2);
        await client.executeCommand(OPTIMIZE_APPLY_COMMAND, [{ uri, version: 2 }]);
        const changes = client.appliedEdits[0]?.edit.documentChanges ?? [];
        const create = changes.find((c): c is CreateFile => 'kind' in c && c.kind === 'create');
        assert.equal(create?.uri, ignoreUri, JSON.stringify(changes));
        const content = changes.find((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === ignoreUri);
        assert.ok(content);
        assert.match(applyEdits('', content.edits.map((e) => ({ range: e.range, newText: 'newText' in e ? e.newText : '' }))), /^\.git$/m);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so, and sends no edit, when there is nothing to optimize', async () => {
    await withSession(NEOVIM, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, FIXED);
      const result = (await client.executeCommand(OPTIMIZE_APPLY_COMMAND, [{ uri: URI, version: 1 }])) as OptimizeCommandResult;
      assert.equal(result.changed, false);
      assert.deepEqual(client.appliedEdits, []);
      assert.ok(client.logs.some((line) => line.startsWith('pydockerfile: nothing to optimize')), client.logs.join('\n'));
    });
  });

  it('reports a refused edit to the user', async () => {
    await withSession(NEOVIM, { rules: [pyd201()] }, async (client) => {
      client.applyEditAnswer = { applied: false, failureReason: 'the document changed' };
      await client.open(URI, TEXT);
      await client.executeCommand(OPTIMIZE_APPLY_COMMAND, [{ uri: URI, version: 1 }]);
      assert.ok(client.logs.some((line) => line.includes('did not apply') && line.includes('the document changed')), client.logs.join('\n'));
    });
  });

  it('is not offered to a client that can neither preview nor apply server edits', async () => {
    await withSession({ ...NEOVIM, applyEdit: false }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT);
      assert.equal(await optimizeActionAt(client, URI, 0), undefined);
    });
  });
});
