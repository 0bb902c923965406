// The Workspace class and its file systems: caching, listings, overlays, problems, and how
// fix-all carries edits of other files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { fixAll } from '../../server/src/fix/apply';
import type { Rule } from '../../server/src/rules/types';
import { describeReadError, nodeWorkspaceFs } from '../../server/src/workspace/node-fs';
import { Workspace } from '../../server/src/workspace/workspace';
import { memoryWorkspaceFs, normalizeContextPath, readerWorkspaceFs } from '../../server/src/workspace/workspace-fs';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-workspace-model-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('context paths', () => {
  it('normalizes relative paths and refuses the others', () => {
    assert.equal(normalizeContextPath('./a//b/./c.txt'), 'a/b/c.txt');
    assert.equal(normalizeContextPath('a\\b.txt'), 'a/b.txt');
    assert.equal(normalizeContextPath('a/../b'), 'b');
    for (const bad of ['/etc/passwd', '../x', 'a/../../x', 'C:/x', '', 'a\0b']) assert.equal(normalizeContextPath(bad), null, bad);
  });
});

describe('Workspace over memory', () => {
  it('reads once, lists folders, and forgets exactly what is invalidated', () => {
    const reads: string[] = [];
    const memory = memoryWorkspaceFs({ 'requirements.txt': 'flask==3.1.2\n', 'deps/a.txt': 'x\n', '.github/workflows/ci.yml': 'on: push\n' });
    const ws = new Workspace({ ...memory, read: (p) => (reads.push(p), memory.read(p)) });
    assert.equal(ws.text('./requirements.txt'), 'flask==3.1.2\n');
    assert.equal(ws.text('requirements.txt'), 'flask==3.1.2\n');
    assert.equal(ws.text('missing.txt'), undefined);
    assert.equal(ws.text('missing.txt'), undefined);
    assert.deepEqual(reads, ['requirements.txt', 'missing.txt'], 'missing files are cached too');
    assert.deepEqual(ws.list('.github/workflows')?.map((e) => e.name), ['ci.yml']);
    assert.deepEqual(ws.list('')?.map((e) => `${e.name}:${e.kind}`), ['.github:directory', 'deps:directory', 'requirements.txt:file']);
    assert.equal(ws.exists('deps'), true, 'folders exist when the backend can stat');
    ws.invalidate(['requirements.txt']);
    ws.text('requirements.txt');
    ws.text('missing.txt');
    assert.deepEqual(reads, ['requirements.txt', 'missing.txt', 'deps', 'requirements.txt']);
    ws.invalidate();
    ws.text('missing.txt');
    assert.equal(reads.length, 5);
  });

  it('refuses paths outside the context', () => {
    const ws = new Workspace(memoryWorkspaceFs({ 'a.txt': 'a' }));
    assert.equal(ws.read('../a.txt').kind, 'missing');
    assert.equal(ws.read('/a.txt').kind, 'missing');
  });

  it('follows requirement includes relative to the including file, through cycles', () => {
    const ws = new Workspace(memoryWorkspaceFs({ 'req/prod.txt': '-r base.txt\n-c ../constraints.txt\n-r https://example.com/r.txt\n-r ${EXTRA}\n', 'req/base.txt': '-r prod.txt\n-r gone.txt\nflask\n', 'constraints.txt': 'flask==3.1.2\n' }));
    const tree = ws.requirementsTree('req/prod.txt');
    assert.deepEqual(tree.files.map((f) => `${f.path}:${f.role}`), ['req/prod.txt:requirements', 'req/base.txt:requirements', 'constraints.txt:constraints']);
    assert.deepEqual(tree.missing, ['req/gone.txt']);
    assert.deepEqual(tree.unknown, ['https://example.com/r.txt', '${EXTRA}']);
  });

  it('finds locked versions in lock files first, then in exact requirement pins', () => {
    const ws = new Workspace(memoryWorkspaceFs({ 'uv.lock': '[[package]]\nname = "gunicorn"\nversion = "23.0.0"\n', 'requirements.txt': 'Flask==3.1.2\ngunicorn==22.0.0\nuvicorn>=0.30\n' }));
    assert.deepEqual(ws.lockedVersion('gunicorn', ['requirements.txt']), { version: '23.0.0', source: 'uv.lock' });
    assert.deepEqual(ws.lockedVersion('flask', ['requirements.txt']), { version: '3.1.2', source: 'requirements.txt' });
    assert.equal(ws.lockedVersion('uvicorn', ['requirements.txt']), undefined);
  });

  it('collects problems of the files it met, repository files shown from the context', () => {
    const repo = new Workspace(memoryWorkspaceFs({ '.gitlab-ci.yml': 'a: [\n' }));
    const ws = new Workspace(memoryWorkspaceFs({ 'pyproject.toml': '[x' }), { repository: { workspace: repo, contextPath: 'services/api' } });
    ws.pyproject();
    ws.ciFiles();
    assert.deepEqual(ws.problems().map((p) => p.path), ['../../.gitlab-ci.yml', 'pyproject.toml']);
  });

  it('shows other contents in an overlay, sharing the base cache', () => {
    const reads: string[] = [];
    const memory = memoryWorkspaceFs({ '.dockerignore': '.git\n' });
    const base = new Workspace({ ...memory, read: (p) => (reads.push(p), memory.read(p)) });
    const view = base.withOverlay(new Map([['start.sh', 'exec gunicorn\n']]));
    assert.equal(view.text('start.sh'), 'exec gunicorn\n');
    assert.equal(view.text('.dockerignore'), '.git\n');
    assert.equal(base.text('.dockerignore'), '.git\n');
    assert.deepEqual(reads, ['.dockerignore'], 'the overlay read through the base cache');
    assert.deepEqual(view.list('')?.map((e) => e.name).sort(), ['.dockerignore', 'start.sh']);
    assert.equal(base.text('start.sh'), undefined, 'the base is not changed');
  });

  it('works over a bare read callback, which cannot list', () => {
    const ws = new Workspace(readerWorkspaceFs((p) => (p === 'a.txt' ? 'a' : undefined)));
    assert.equal(ws.text('a.txt'), 'a');
    assert.equal(ws.canList, false);
    assert.equal(ws.list(''), undefined);
    assert.equal(ws.exists('nothing'), false);
  });
});

describe('Workspace on disk', () => {
  it('reports binary, non-UTF-8 and oversized files as unreadable, folders and absent files as missing', () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'disk-'));
    fs.writeFileSync(path.join(dir, 'bin.txt'), Buffer.from([0x61, 0x00]));
    fs.writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([0xe9]));
    fs.writeFileSync(path.join(dir, 'big.txt'), 'x'.repeat(2048));
    fs.mkdirSync(path.join(dir, 'folder'));
    const ws = new Workspace(nodeWorkspaceFs(dir, { maxBytes: 1024 }));
    assert.deepEqual(ws.read('bin.txt'), { kind: 'unreadable', reason: 'it is a binary file (contains NUL bytes)' });
    assert.deepEqual(ws.read('latin1.txt'), { kind: 'unreadable', reason: 'it is not valid UTF-8 text' });
    assert.equal(ws.read('big.txt').kind, 'unreadable');
    assert.deepEqual(ws.read('folder'), { kind: 'missing' });
    assert.deepEqual(ws.read('absent/x.txt'), { kind: 'missing' });
    assert.equal(ws.exists('folder'), true);
  });

  it('phrases file-system errors for a diagnostic', () => {
    assert.equal(describeReadError(Object.assign(new Error('EACCES: permission denied, open x'), { code: 'EACCES' })), 'permission denied');
    assert.equal(describeReadError(Object.assign(new Error('x'), { code: 'EISDIR' })), 'it is a directory');
    assert.equal(describeReadError('odd'), 'odd');
  });
});

describe('fix-all with edits of other files', () => {
  /** A rule that asks to append a line to `notes.txt`, or to create it, until it has `done`. */
  function notesRule(create: boolean): Rule {
    return {
      code: 'PYD990',
      name: 'test-notes',
      title: 'Test notes',
      category: 'dependencies',
      defaultSeverity: 'info',
      status: 'stable',
      since: '0.0.0',
      fix: { availability: 'always', applicability: 'safe' },
      docs: { whatItDoes: 'x', whyItMatters: 'x', example: 'FROM scratch', useInstead: 'FROM scratch', references: [] },
      check(ctx) {
        const text = ctx.workspace?.text('notes.txt');
        const first = ctx.model.instructions[0];
        if (!first || text?.includes('done')) return;
        const end = { line: (text ?? '').split('\n').length - 1, character: 0 };
        ctx.report({
          range: first.range,
          message: 'Notes are not done',
          fixes: [{ title: 'Write notes', applicability: 'safe', edits: [], fileEdits: [{ path: 'notes.txt', ...(create ? { create: true } : {}), edits: [{ range: { start: end, end }, newText: text === undefined ? 'step\n' : 'done\n' }] }] }],
        });
      },
    };
  }

  it('applies file edits pass after pass against the edited text, then stops', () => {
    const ws = new Workspace(memoryWorkspaceFs({}));
    const rule = notesRule(true);
    const created = fixAll('FROM scratch\n', { rules: [rule], level: 'safe', env: { today: '2026-11-25', workspace: ws } });
    // Pass 1 creates the file; the rule's next fix must then edit the existing file, which a
    // `create` edit may not do: fix-all rejects it instead of clobbering the file.
    assert.deepEqual(created.files.map((f) => [f.path, f.created, f.after]), [['notes.txt', true, 'step\n']]);
    assert.deepEqual(created.rejected, [{ code: 'PYD990', title: 'Write notes' }]);
    const existing = new Workspace(memoryWorkspaceFs({ 'notes.txt': 'step\n' }));
    const edited = fixAll('FROM scratch\n', { rules: [notesRule(false)], level: 'safe', env: { today: '2026-11-25', workspace: existing } });
    assert.deepEqual(edited.files.map((f) => [f.path, f.created, f.before, f.after]), [['notes.txt', false, 'step\n', 'step\ndone\n']]);
    assert.equal(edited.applied.get('PYD990'), 1);
    assert.equal(existing.text('notes.txt'), 'step\n', 'fix-all never writes');
  });

  it('cannot apply edits of other files without a build context', () => {
    const result = fixAll('FROM scratch\n', { rules: [notesRule(true)], level: 'safe', env: { today: '2026-11-25' } });
    assert.deepEqual(result.files, []);
    assert.equal(result.passes, 0);
  });

  it('keeps readContextFile working on top of the workspace', () => {
    const seen: (string | undefined)[] = [];
    const rule: Rule = { ...notesRule(true), check: (ctx) => void seen.push(ctx.env.readContextFile?.('notes.txt'), ctx.workspace?.text('notes.txt')) };
    lint('FROM scratch\n', { rules: [rule], env: { today: '2026-11-25', workspace: new Workspace(memoryWorkspaceFs({ 'notes.txt': 'n' })) } });
    lint('FROM scratch\n', { rules: [rule], env: { today: '2026-11-25', readContextFile: (p) => (p === 'notes.txt' ? 'r' : undefined) } });
    assert.deepEqual(seen, ['n', 'n', 'r', 'r']);
  });
});
