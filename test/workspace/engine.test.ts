// The workspace rules over real folders (test/workspaces/): findings on the Dockerfile and on
// other files, fixes that create or edit files, project-type detection and read caching.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lint, type LintOptions } from '../../server/src/engine/lint';
import { fixAll } from '../../server/src/fix/apply';
import { nodeWorkspaceFs } from '../../server/src/workspace/node-fs';
import { detectProjectType } from '../../server/src/workspace/project-type';
import { Workspace } from '../../server/src/workspace/workspace';
import type { WorkspaceFs } from '../../server/src/workspace/workspace-fs';
import { DocumentModel } from '../../server/src/model/document-model';
import { at, copyWorkspace, TODAY, WORKSPACE_CASES, WORKSPACE_CODES } from './fixture-workspaces';

function optionsFor(dir: string, dockerfile: string, fs_: WorkspaceFs = nodeWorkspaceFs(dir)): LintOptions {
  return { only: WORKSPACE_CODES, env: { today: TODAY, workspace: new Workspace(fs_), dockerfile } };
}

/** Writes fix-all's file changes to disk, as `check --fix` and `optimize --write` do. */
function writeChanges(dir: string, files: readonly { path: string; after: string }[]): void {
  for (const f of files) fs.writeFileSync(path.join(dir, ...f.path.split('/')), f.after);
}

describe('fixture workspaces through the engine', () => {
  for (const c of WORKSPACE_CASES) {
    it(`${c.folder}/${c.dockerfile}: findings on the Dockerfile and on other files`, () => {
      const dir = copyWorkspace(c.folder);
      const text = fs.readFileSync(path.join(dir, c.dockerfile), 'utf8');
      const result = lint(text, optionsFor(dir, c.dockerfile));
      assert.deepEqual(result.findings.map((f) => at(f.code, f.range)).sort(), c.findings);
      assert.deepEqual(result.otherFiles.map((f) => `${f.file ?? '?'} ${at(f.code, f.range)}`).sort(), c.otherFiles);
    });

    it(`${c.folder}/${c.dockerfile}: fix-all changes exactly the expected files, and then they are clean`, () => {
      const dir = copyWorkspace(c.folder);
      const file = path.join(dir, c.dockerfile);
      const text = fs.readFileSync(file, 'utf8');
      for (const [level, expected] of [['safe', c.safeFiles], ['unsafe', c.unsafeFiles]] as const) {
        const result = fixAll(text, { ...optionsFor(dir, c.dockerfile), level });
        assert.deepEqual(result.files.map((f) => `${f.created ? '+' : '~'}${f.path}`).sort(), expected, `${level} fix-all`);
      }
      // Applied for real, the file fixes leave nothing for a second run to change.
      const unsafe = fixAll(text, { ...optionsFor(dir, c.dockerfile), level: 'unsafe' });
      writeChanges(dir, unsafe.files);
      fs.writeFileSync(file, unsafe.text);
      const again = fixAll(unsafe.text, { ...optionsFor(dir, c.dockerfile), level: 'unsafe' });
      assert.deepEqual(again.files, [], 'a second fix-all changed other files again');
      assert.equal(again.text, unsafe.text, 'a second fix-all changed the Dockerfile');
    });
  }

  it('creates .dockerignore with the Python defaults and the Dockerfile line endings', () => {
    const dir = copyWorkspace('requirements');
    const crlf = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8').replace(/\n/g, '\r\n');
    const result = fixAll(crlf, { ...optionsFor(dir, 'Dockerfile'), level: 'safe', codes: ['PYD311'] });
    const created = result.files.find((f) => f.path === '.dockerignore');
    assert.ok(created?.created);
    assert.equal(created.after.split('\r\n').slice(0, 4).join(' '), '.git .venv venv **/__pycache__');
    assert.doesNotMatch(created.after, /(^|[^\r])\n/, 'a line of the new file lost its CR');
    assert.equal(result.text, crlf, 'the Dockerfile itself is not edited');
  });

  it('edits the entry script: `set -e` after the #! line and `exec` before the forwarded command', () => {
    const dir = copyWorkspace('requirements');
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const script = fixAll(text, { ...optionsFor(dir, 'Dockerfile'), level: 'unsafe', codes: ['PYD403'] }).files.find((f) => f.path === 'docker-entrypoint.sh');
    assert.equal(script?.after, '#!/bin/sh\nset -e\n# migrate, then hand over to the command\npython manage.py migrate --noinput\nexec "$@"\n');
  });

  it('adds the missing defaults at the top of an existing .dockerignore, so its own lines still win', () => {
    const dir = copyWorkspace('pipenv');
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const change = fixAll(text, { ...optionsFor(dir, 'Dockerfile'), level: 'safe' }).files.find((f) => f.path === '.dockerignore');
    assert.ok(change && !change.created);
    assert.ok(change.after.startsWith('# Python defaults\nvenv\n**/__pycache__\n'), change.after);
    assert.ok(change.after.endsWith('\n\n.git\n.venv\n'), 'the original lines stay, after the defaults');
    assert.ok(!/^\.git$/m.test(change.after.split('\n\n')[0] ?? ''), 'entries the file already excludes are not repeated');
  });

  it('offers `.env` only as an unsafe choice', () => {
    const dir = copyWorkspace('pip-project');
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const finding = lint(text, optionsFor(dir, 'Dockerfile')).findings.find((f) => f.code === 'PYD311');
    assert.deepEqual(finding?.fixes.map((f) => f.applicability), ['unsafe']);
    const change = fixAll(text, { ...optionsFor(dir, 'Dockerfile'), level: 'unsafe' }).files.find((f) => f.path === '.dockerignore');
    assert.match(change?.after ?? '', /^\.env$/m);
    // setuptools-scm reads the version from git: `.git` must stay in the context.
    assert.doesNotMatch(change?.after.split('\n\n')[0] ?? '', /^\.git$/m);
  });

  it('reads `<name>.Dockerfile.dockerignore` for that Dockerfile instead of `.dockerignore`', () => {
    const dir = copyWorkspace('requirements');
    const text = 'FROM python:3.12-slim-bookworm\nCOPY . /app\n';
    const ignored = lint(text, { ...optionsFor(dir, 'with-ignore.Dockerfile'), only: ['PYD311'] }).findings;
    assert.deepEqual(ignored, []);
    const plain = lint(text, { ...optionsFor(dir, 'Dockerfile'), only: ['PYD311'] }).findings;
    assert.deepEqual(plain.map((f) => f.code), ['PYD311']);
    // Once the root `.dockerignore` exists, it is what `Dockerfile` gets.
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.venv\n');
    assert.match(lint(text, { ...optionsFor(dir, 'Dockerfile'), only: ['PYD311'] }).findings[0]?.message ?? '', /^`\.dockerignore` does not exclude `__pycache__`/);
  });

  it('stays silent on files it cannot read, and says once which one and why', () => {
    const dir = copyWorkspace('pipenv');
    fs.writeFileSync(path.join(dir, '.dockerignore'), Buffer.from([0x2e, 0x67, 0x69, 0x74, 0x00, 0x0a]));
    fs.writeFileSync(path.join(dir, 'Pipfile'), Buffer.from([0x5b, 0xff, 0xfe, 0x5d]));
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const { findings } = lint(text, optionsFor(dir, 'Dockerfile'));
    assert.deepEqual(findings.filter((f) => f.code === 'PYD311'), []);
    const notes = findings.filter((f) => f.code === 'PYD217').map((f) => f.message);
    assert.deepEqual(notes, [
      '`.dockerignore` could not be used (it is a binary file (contains NUL bytes)), so the checks that need it skipped it',
      '`Pipfile` could not be used (it is not valid UTF-8 text), so the checks that need it skipped it',
    ]);
  });

  it('never throws on malformed project files', () => {
    const dir = copyWorkspace('poetry');
    for (const [name, content] of [['pyproject.toml', '[[[['], ['poetry.lock', 'package = ['], ['.python-version', '\u0000'], ['Jenkinsfile', 'sh """docker build'], ['.dockerignore', '!\n**\n[\n']]) {
      fs.writeFileSync(path.join(dir, name as string), content as string);
    }
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const result = lint(text, { env: { today: TODAY, workspace: new Workspace(nodeWorkspaceFs(dir)), dockerfile: 'Dockerfile' }, onRuleError: (code, error) => assert.fail(`${code} threw: ${String(error)}`) });
    assert.ok(result.findings.some((f) => f.code === 'PYD217' && f.message.startsWith('`pyproject.toml` could not be used (invalid TOML')));
  });
});

describe('detectProjectType', () => {
  const cases: [string, string, string[]][] = [
    ['requirements', 'requirements', ['requirements.txt', 'requirements/base.txt']],
    ['poetry', 'poetry', ['pyproject.toml', 'poetry.lock']],
    ['uv', 'uv', ['pyproject.toml', 'uv.lock']],
    ['pipenv', 'pipenv', ['Pipfile', 'Pipfile.lock']],
    ['pip-project', 'pip-project', ['pyproject.toml']],
  ];
  for (const [folder, type, manifests] of cases) {
    it(`detects ${type} in ${folder}/ and names its manifests`, () => {
      const dir = copyWorkspace(folder);
      const model = new DocumentModel(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
      assert.deepEqual(detectProjectType(new Workspace(nodeWorkspaceFs(dir)), model), { type, manifests });
    });
  }

  it('is unknown without a workspace or without project files', () => {
    const model = new DocumentModel('FROM python:3.12-slim-bookworm\nCOPY . /app\nRUN pip install --no-cache-dir flask==3.1.2\n');
    assert.deepEqual(detectProjectType(undefined, model), { type: 'unknown', manifests: [] });
    assert.deepEqual(detectProjectType(new Workspace(nodeWorkspaceFs(copyWorkspace('pip-project'))), new DocumentModel('FROM python:3.12-slim-bookworm\n')).type, 'unknown');
  });
});

describe('workspace caching', () => {
  /** A node file system that records every file read. */
  function counting(dir: string): { fs: WorkspaceFs; reads: string[] } {
    const reads: string[] = [];
    return { fs: nodeWorkspaceFs(dir, { onRead: (file) => reads.push(path.relative(dir, file)) }), reads };
  }

  it('linting again, even a changed Dockerfile, reads no file again until one is invalidated', () => {
    const dir = copyWorkspace('requirements');
    const { fs: countingFs, reads } = counting(dir);
    const workspace = new Workspace(countingFs);
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const options: LintOptions = { env: { today: TODAY, workspace, dockerfile: 'Dockerfile' } };
    lint(text, options);
    const first = reads.length;
    assert.ok(first > 0);
    assert.equal(new Set(reads).size, first, 'a file was read twice within one lint');
    lint(text, options);
    lint(`${text}# a comment\n`, options);
    assert.equal(reads.length, first, 'a second lint read files again');
    fs.writeFileSync(path.join(dir, 'requirements', 'base.txt'), 'django==5.2.8\nwhitenoise==6.9.0\n');
    workspace.invalidate(['requirements/base.txt']);
    const after = lint(text, options);
    assert.deepEqual(reads.slice(first), ['requirements/base.txt'], 'only the invalidated file is read again');
    assert.deepEqual(after.findings.filter((f) => f.code === 'PYD215'), [], 'the new content is used');
  });
});
