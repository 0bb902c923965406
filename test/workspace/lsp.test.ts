// The workspace over the protocol: diagnostics of the fixture workspaces (on the Dockerfile and
// pushed for the other files), quick fixes that create and edit files, watched-file changes,
// and that re-validating reads no file again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, type CodeAction, type CreateFile, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver-protocol';
import { ALL_RULES } from '../../server/src/rules/index';
import { nodeWorkspaceFs } from '../../server/src/workspace/node-fs';
import type { TestClient } from '../lsp/support/client';
import { actionsOnly } from '../lsp/support/client';
import { withSession } from '../lsp/support/in-process';
import { at, copyWorkspace, WORKSPACE_CASES, WORKSPACE_CODES } from './fixture-workspaces';

const RULES = ALL_RULES.filter((r) => WORKSPACE_CODES.includes(r.code));
/** The copies have no `.git`: their own folder is where CI files are. */
const OPTIONS = { rules: RULES, repositoryRoot: (context: string) => context };

function uriOf(dir: string, rel: string): string {
  return pathToFileURL(path.join(dir, ...rel.split('/'))).href;
}

/** The diagnostics last pushed for every uri, as `rel CODE line:col`. */
function pushedFor(client: TestClient, dir: string, except: string): string[] {
  const last = new Map<string, Diagnostic[]>();
  for (const p of client.published) last.set(p.uri, p.diagnostics);
  const base = pathToFileURL(dir).href;
  const out: string[] = [];
  for (const [uri, diagnostics] of last) {
    if (uri === except || !uri.startsWith(`${base}/`)) continue;
    for (const d of diagnostics) out.push(`${decodeURIComponent(uri.slice(base.length + 1))} ${at(String(d.code), d.range)}`);
  }
  return out.sort();
}

async function openCase(client: TestClient, dir: string, dockerfile: string): Promise<string> {
  const uri = uriOf(dir, dockerfile);
  await client.open(uri, fs.readFileSync(path.join(dir, dockerfile), 'utf8'));
  return uri;
}

describe('fixture workspaces over the protocol', () => {
  for (const c of WORKSPACE_CASES) {
    it(`${c.folder}/${c.dockerfile}: pulled diagnostics, and other files' diagnostics pushed`, async () => {
      const dir = copyWorkspace(c.folder);
      await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
        const uri = await openCase(client, dir, c.dockerfile);
        const diagnostics = await client.pull(uri);
        assert.deepEqual(diagnostics.map((d) => at(String(d.code), d.range)).sort(), c.findings);
        assert.deepEqual(pushedFor(client, dir, uri), c.otherFiles);
      });
    });
  }

  it('declares inter-file dependencies and watches the files the workspace reads', async () => {
    await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
      await client.pull('untitled:none');
      assert.equal((client.initializeResult?.capabilities.diagnosticProvider as { interFileDependencies?: boolean }).interFileDependencies, true);
      const registration = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
      const globs = (registration?.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
      for (const glob of ['**/.dockerignore', '**/*.dockerignore', '**/requirements*.txt', '**/*.sh', '**/.gitlab-ci.yml', '**/.github/workflows/*.{yml,yaml}', '**/Jenkinsfile', '**/Pipfile.lock']) {
        assert.ok(globs.includes(glob), `${glob} is watched`);
      }
    });
  });
});

describe('quick fixes that edit other files', () => {
  const diagnosticOf = async (client: TestClient, uri: string, code: string, message: RegExp = /./): Promise<Diagnostic> => {
    const found = (await client.pull(uri)).find((d) => d.code === code && typeof d.message === 'string' && message.test(d.message));
    assert.ok(found, `no ${code} diagnostic`);
    return found;
  };

  it('creates .dockerignore with CreateFile and a TextDocumentEdit', async () => {
    const dir = copyWorkspace('requirements');
    await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
      const uri = await openCase(client, dir, 'Dockerfile');
      const diagnostic = await diagnosticOf(client, uri, 'PYD311');
      const actions = actionsOnly(await client.codeActions(uri, diagnostic.range, [diagnostic]));
      const create = actions.find((a) => a.title === 'Create `.dockerignore` with the Python defaults (PYD311)');
      assert.ok(create, actions.map((a) => a.title).join(', '));
      assert.equal(create.isPreferred, true);
      const changes = create.edit?.documentChanges ?? [];
      const target = uriOf(dir, '.dockerignore');
      assert.deepEqual((changes[0] as CreateFile), { kind: 'create', uri: target, options: { ignoreIfExists: true } });
      const edit = changes[1] as TextDocumentEdit;
      assert.deepEqual(edit.textDocument, { uri: target, version: null });
      assert.ok((edit.edits[0] as { newText: string }).newText.startsWith('.git\n.venv\nvenv\n**/__pycache__\n'));
      assert.equal(changes.length, 2, 'the Dockerfile itself is not edited');
    });
  });

  it('edits the entry script, and fix-all on save creates .dockerignore too', async () => {
    const dir = copyWorkspace('requirements');
    await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
      const uri = await openCase(client, dir, 'Dockerfile');
      const diagnostic = await diagnosticOf(client, uri, 'PYD403', /without `exec`/);
      const actions = actionsOnly(await client.codeActions(uri, diagnostic.range, [diagnostic]));
      const exec = actions.find((a) => a.title === 'Start the command with `exec` in `docker-entrypoint.sh` (PYD403, unsafe)');
      const edit = exec?.edit?.documentChanges?.[0] as TextDocumentEdit | undefined;
      assert.equal(edit?.textDocument.uri, uriOf(dir, 'docker-entrypoint.sh'));
      assert.deepEqual(edit?.edits, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: 'exec ' }]);
      const onSave = actionsOnly(await client.codeActions(uri, diagnostic.range, [], ['source.fixAll.pydockerfile']))[0] as CodeAction | undefined;
      const kinds = (onSave?.edit?.documentChanges ?? []).map((c) => ('kind' in c ? `${c.kind} ${c.kind === 'rename' ? c.newUri : c.uri}` : `edit ${c.textDocument.uri}`));
      assert.deepEqual(kinds, [`edit ${uri}`, `create ${uriOf(dir, '.dockerignore')}`, `edit ${uriOf(dir, '.dockerignore')}`]);
    });
  });

  it('falls back to `changes` without documentChanges, where files cannot be created', async () => {
    const dir = copyWorkspace('requirements');
    await withSession({ pull: true, watchFiles: true, documentChanges: false }, OPTIONS, async (client) => {
      const uri = await openCase(client, dir, 'Dockerfile');
      const ignore = await diagnosticOf(client, uri, 'PYD311');
      const titles = actionsOnly(await client.codeActions(uri, ignore.range, [ignore])).map((a) => a.title);
      assert.ok(!titles.some((t) => t.startsWith('Create `.dockerignore`')), 'a create fix is not offered');
      const exec = await diagnosticOf(client, uri, 'PYD403', /without `exec`/);
      const action = actionsOnly(await client.codeActions(uri, exec.range, [exec])).find((a) => a.title.startsWith('Start the command with `exec`'));
      assert.deepEqual(Object.keys(action?.edit?.changes ?? {}), [uriOf(dir, 'docker-entrypoint.sh')]);
    });
  });
});

describe('watched files', () => {
  it('a new .dockerignore on disk updates the Dockerfile\'s diagnostics without reopening it', async () => {
    const dir = copyWorkspace('uv');
    await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
      const uri = await openCase(client, dir, 'Dockerfile');
      assert.ok((await client.pull(uri)).some((d) => d.code === 'PYD311'));
      fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n.venv\n**/__pycache__\n');
      const refreshed = client.nextRefresh();
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(dir, '.dockerignore'), type: FileChangeType.Created }] });
      await refreshed;
      assert.ok(!(await client.pull(uri)).some((d) => d.code === 'PYD311'));
    });
  });

  it('an edited requirements file updates the Dockerfile and clears what was pushed for it', async () => {
    const dir = copyWorkspace('requirements');
    await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
      const uri = await openCase(client, dir, 'with-ignore.Dockerfile');
      assert.deepEqual((await client.pull(uri)).map((d) => String(d.code)).sort(), ['PYD207', 'PYD215']);
      assert.deepEqual(pushedFor(client, dir, uri), ['requirements/base.txt PYD215 1:1']);
      fs.writeFileSync(path.join(dir, 'requirements', 'base.txt'), 'django==5.2.8\nwhitenoise==6.9.0\n');
      const refreshed = client.nextRefresh();
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(dir, 'requirements/base.txt'), type: FileChangeType.Changed }] });
      await refreshed;
      assert.deepEqual((await client.pull(uri)).map((d) => String(d.code)), ['PYD207']);
      assert.deepEqual(pushedFor(client, dir, uri), [], 'the pushed diagnostics of base.txt were cleared');
    });
  });

  it('closing the Dockerfile clears the diagnostics it pushed for other files', async () => {
    const dir = copyWorkspace('requirements');
    await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
      const uri = await openCase(client, dir, 'Dockerfile');
      await client.pull(uri);
      const files = [...new Set(pushedFor(client, dir, uri).map((line) => line.split(' ')[0] as string))];
      assert.deepEqual(files, ['.gitlab-ci.yml', 'docker-entrypoint.sh', 'gunicorn.conf.py', 'requirements/base.txt']);
      const cleared = files.map((f) => client.nextPublish(uriOf(dir, f), (p) => p.diagnostics.length === 0));
      await client.close(uri);
      await Promise.all(cleared);
      assert.deepEqual(pushedFor(client, dir, uri), []);
    });
  });

  it('pushes other files\' diagnostics to clients that do not pull, too', async () => {
    const dir = copyWorkspace('requirements');
    await withSession({ pull: false, watchFiles: true }, OPTIONS, async (client) => {
      const script = client.nextPublish(uriOf(dir, 'gunicorn.conf.py'));
      await openCase(client, dir, 'Dockerfile');
      assert.deepEqual((await script).diagnostics.map((d) => at(String(d.code), d.range)), ['PYD409 4:1']);
    });
  });
});

describe('workspace caching in the server', () => {
  it('re-validating reads no file again until a watched file changes, then only that file', async () => {
    const dir = copyWorkspace('requirements');
    const reads: string[] = [];
    const workspaceFs = (root: string) => nodeWorkspaceFs(root, { onRead: (file) => reads.push(path.relative(dir, file)) });
    await withSession({ pull: true, watchFiles: true }, { ...OPTIONS, workspaceFs }, async (client) => {
      const uri = await openCase(client, dir, 'Dockerfile');
      await client.pull(uri);
      const first = reads.length;
      assert.ok(first > 0);
      const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
      await client.replace(uri, 2, `${text}# edited\n`);
      await client.pull(uri);
      await client.replace(uri, 3, text);
      await client.pull(uri);
      assert.deepEqual(reads.slice(first), [], 'editing the Dockerfile read project files again');
      const refreshed = client.nextRefresh();
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(dir, 'requirements.txt'), type: FileChangeType.Changed }] });
      await refreshed;
      await client.pull(uri);
      assert.deepEqual(reads.slice(first), ['requirements.txt']);
    });
  });
});

describe('CI files at the repository root', () => {
  it('are read above a sub-folder context, reported there, and re-read when they change', async () => {
    const root = copyWorkspace('pip-project');
    fs.mkdirSync(path.join(root, '.git'));
    fs.writeFileSync(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.mkdirSync(path.join(root, 'services', 'api'), { recursive: true });
    fs.writeFileSync(path.join(root, 'services', 'api', 'Dockerfile'), 'FROM python:3.12-slim-bookworm\nCMD ["python", "-m", "api"]\n');
    const ci = path.join(root, '.gitlab-ci.yml');
    fs.writeFileSync(ci, 'api:\n  script:\n    - docker build -t api services/api\n');
    // No repositoryRoot override: the server finds the repository by its `.git`.
    await withSession({ pull: true, watchFiles: true }, { rules: RULES }, async (client) => {
      const uri = await openCase(client, path.join(root, 'services', 'api'), 'Dockerfile');
      const diagnostics = await client.pull(uri);
      assert.deepEqual(diagnostics.map((d) => `${at(String(d.code), d.range)} ${String(d.message)}`), ['PYD312 1:1 `../../.gitlab-ci.yml` builds this Dockerfile without a remote layer cache (`--cache-from`/`--cache-to`), and tags the image only `latest`: each CI run rebuilds every layer']);
      const pushed = client.published.filter((p) => p.uri === pathToFileURL(ci).href).pop();
      assert.deepEqual(pushed?.diagnostics.map((d) => at(String(d.code), d.range)), ['PYD312 3:7']);
      fs.writeFileSync(ci, 'api:\n  script:\n    - docker build --cache-from api:latest -t api services/api\n');
      const refreshed = client.nextRefresh();
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(ci).href, type: FileChangeType.Changed }] });
      await refreshed;
      assert.deepEqual(await client.pull(uri), []);
    });
  });
});
