// Issue #5 over the protocol: Optimize decisions, the estimate, other files and the first-line action.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionKind } from 'vscode-languageserver-protocol';
import { OPTIMIZE_ACTION_TITLE, optimizeCodeAction } from '../../server/src/features/code-actions';
import { contextFileUri, readOptimizeArgs } from '../../server/src/features/optimize';
import { applyEdits } from '../../server/src/fix/apply';
import { DocumentModel } from '../../server/src/model/document-model';
import { CLIENT_COMMANDS, FIX_ALL_COMMAND, OPTIMIZE_COMMAND, type OptimizeCommandResult } from '../../server/src/protocol';
import { withSession } from './support/in-process';
import { SERVICE_DOCKERFILE as SERVICE } from './support/dockerfiles';

function asResult(value: unknown): OptimizeCommandResult {
  assert.ok(typeof value === 'object' && value !== null, 'the command answers a result');
  return value as OptimizeCommandResult;
}

/** A build context on disk with the service's requirements. */
function serviceFolder(withDockerignore: boolean): { dir: string; uri: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-optimize-'));
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'psycopg2==2.9.9\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), SERVICE);
  if (withDockerignore) fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n.venv\nvenv\n**/__pycache__\n.env\n');
  return { dir, uri: pathToFileURL(path.join(dir, 'Dockerfile')).href };
}

describe('optimize decisions over the protocol', () => {
  it('lists the decisions with their defaults and the estimate, and ticks the default ones with includeUnsafe', async () => {
    const { dir, uri } = serviceFolder(true);
    try {
      await withSession({ pull: true }, {}, async (client) => {
        await client.open(uri, SERVICE, 3);
        const result = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 3, includeUnsafe: true }]));
        const byId = new Map((result.decisions ?? []).map((d) => [d.id, d]));
        assert.equal(byId.get('multi-stage')?.applied, true, JSON.stringify(result.skipped));
        assert.equal(byId.get('multi-stage')?.default, true);
        assert.equal(byId.get('slim-runtime')?.applied, true);
        assert.ok(byId.get('multi-stage')?.codes.includes('PYD206'));
        assert.ok((byId.get('multi-stage')?.explanation ?? '').length > 40, 'a decision carries its explanation');
        assert.equal(applyEdits(SERVICE, result.edits), result.text, 'one edit set reproduces the proposal');
        assert.match(result.text, /^FROM python:3\.12-bookworm AS builder$/m);
        assert.match(result.text, /COPY --from=builder \/opt\/venv \/opt\/venv/);
        assert.ok(result.applied.some((a) => a.code === 'PYD206'));
        assert.equal(result.estimate?.kind, 'estimate');
        assert.ok(result.estimate?.lines.some((l) => l.startsWith('Estimate:') && l.includes('compressed')), JSON.stringify(result.estimate));
        assert.deepEqual(result.estimate?.buildPackagesRemoved, ['gcc', 'libpq-dev']);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recomputes the proposal for the decisions the client sends', async () => {
    const { dir, uri } = serviceFolder(true);
    try {
      await withSession({ pull: true }, {}, async (client) => {
        await client.open(uri, SERVICE, 1);
        const onlySlim = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: ['slim-runtime'] }]));
        assert.doesNotMatch(onlySlim.text, /AS builder/, 'multi-stage was not ticked');
        assert.match(onlySlim.text, /^FROM python:3\.12-slim-bookworm$/m);
        const ticked = (onlySlim.decisions ?? []).filter((d) => d.ticked).map((d) => d.id);
        assert.deepEqual(ticked, ['slim-runtime']);
        assert.ok((onlySlim.decisions ?? []).some((d) => d.id === 'multi-stage' && !d.ticked && !d.applied), 'unticked decisions are still listed');
        const none = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: [] }]));
        assert.match(none.text, /^FROM python:3\.12-bookworm$/m, 'no decision: only safe fixes');
        const unknown = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: ['no-such-step'] }]));
        assert.ok(unknown.skipped.some((s) => s.step === 'no-such-step'));
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps each request\'s decisions to itself: fix-all ignores them, and a refused request leaves none behind', async () => {
    const { dir, uri } = serviceFolder(true);
    try {
      await withSession({ pull: true }, {}, async (client) => {
        // Asked before the document is open: answered null, and its decisions must not linger.
        assert.equal(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: ['multi-stage'], otherFiles: true }]), null);
        await client.open(uri, SERVICE, 1);
        const fixAll = asResult(await client.executeCommand(FIX_ALL_COMMAND, [{ uri, version: 1, decisions: ['slim-runtime'], otherFiles: true }]));
        assert.match(fixAll.text, /^FROM python:3\.12-bookworm$/m, 'fix-all applies no decision');
        assert.equal(fixAll.decisions, undefined, 'fix-all lists no decisions');
        assert.equal(fixAll.fileEdits, undefined, 'fix-all proposes no other files');
        const plain = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1 }]));
        assert.doesNotMatch(plain.text, /AS builder/, 'no decision from an earlier request was applied');
        assert.deepEqual((plain.decisions ?? []).filter((d) => d.ticked).map((d) => d.id), []);
        assert.equal(plain.fileEdits, undefined);
        // Concurrent requests with different decisions each get their own proposal.
        const [slim, multi] = await Promise.all([
          client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: ['slim-runtime'] }]),
          client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: ['multi-stage', 'slim-runtime'] }]),
        ]);
        assert.doesNotMatch(asResult(slim).text, /AS builder/);
        assert.match(asResult(multi).text, /AS builder/);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('proposes the other files a decision creates when the client can apply them', async () => {
    const { dir, uri } = serviceFolder(false);
    try {
      await withSession({ pull: true }, {}, async (client) => {
        await client.open(uri, SERVICE, 1);
        const without = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: [] }]));
        assert.equal(without.fileEdits, undefined, 'other files only when asked');
        const withFiles = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, decisions: [], otherFiles: true }]));
        const ignore = (withFiles.fileEdits ?? []).find((f) => f.path === '.dockerignore');
        assert.ok(ignore, JSON.stringify(withFiles.fileEdits));
        assert.equal(ignore.create, true);
        assert.equal(ignore.uri, pathToFileURL(path.join(dir, '.dockerignore')).href);
        assert.match(applyEdits('', ignore.edits), /^\.git$/m);
        assert.ok(withFiles.applied.some((a) => a.code === 'PYD311'));
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readOptimizeArgs', () => {
  it('keeps well-formed decisions and otherFiles and ignores malformed ones', () => {
    assert.deepEqual(readOptimizeArgs([{ uri: 'untitled:a', version: 2, decisions: ['multi-stage'], otherFiles: true }]), { uri: 'untitled:a', version: 2, decisions: ['multi-stage'], otherFiles: true });
    assert.deepEqual(readOptimizeArgs([{ uri: 'untitled:b', decisions: ['x', 3], otherFiles: 'yes' }]), { uri: 'untitled:b', version: -1 });
  });
});

describe('contextFileUri', () => {
  it('resolves build-context paths next to the Dockerfile or above it', () => {
    assert.equal(contextFileUri('file:///work/app/Dockerfile', '.dockerignore'), 'file:///work/app/.dockerignore');
    assert.equal(contextFileUri('file:///work/app/docker/api.Dockerfile', 'scripts/start.sh', 'docker/api.Dockerfile'), 'file:///work/app/scripts/start.sh');
    assert.equal(contextFileUri('file:///Dockerfile', '.dockerignore'), 'file:///.dockerignore');
    assert.equal(contextFileUri('untitled:Untitled-1', '.dockerignore'), undefined);
  });
});

describe('"Optimize this Dockerfile…" code action', () => {
  const model = new DocumentModel('# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN pip install flask\n');
  const uri = 'file:///work/Dockerfile';
  const at = (line: number): { start: { line: number; character: number }; end: { line: number; character: number } } => ({ start: { line, character: 0 }, end: { line, character: 0 } });

  it('is offered on the first line and on the first instruction, as refactor.rewrite running the client command', () => {
    for (const line of [0, 1]) {
      const action = optimizeCodeAction({ uri, model, range: at(line) }, { diagnostics: [] });
      assert.ok(action, `line ${line}`);
      assert.equal(action.title, OPTIMIZE_ACTION_TITLE);
      assert.equal(action.kind, CodeActionKind.RefactorRewrite);
      assert.deepEqual(action.command, { title: OPTIMIZE_ACTION_TITLE, command: CLIENT_COMMANDS.optimize, arguments: [uri] });
    }
  });

  it('is not offered elsewhere, for other kinds, or without a range', () => {
    assert.equal(optimizeCodeAction({ uri, model, range: at(2) }, { diagnostics: [] }), undefined);
    assert.equal(optimizeCodeAction({ uri, model, range: at(0) }, { diagnostics: [], only: [CodeActionKind.QuickFix] }), undefined);
    assert.ok(optimizeCodeAction({ uri, model, range: at(0) }, { diagnostics: [], only: [CodeActionKind.Refactor] }));
    assert.equal(optimizeCodeAction({ uri, model }, { diagnostics: [] }), undefined);
  });
});
