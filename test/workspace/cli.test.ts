// The workspace through the command line: `check` reports on the Dockerfile and on the files it
// uses, `--context` chooses the build context, `optimize --write` creates and edits those files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { JsonFinding } from '../../server/src/cli/format';
import { assertUsageFailure, runCli } from '../cli/run-cli';
import { copyWorkspace, WORKSPACE_CASES, WORKSPACE_CODES } from './fixture-workspaces';

const SELECT = ['--select', WORKSPACE_CODES.join(',')];

function checkJson(dir: string, args: readonly string[], select: readonly string[] = SELECT): JsonFinding[] {
  const run = runCli(['check', ...args, ...select, '--format', 'json'], dir);
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return JSON.parse(run.stdout) as JsonFinding[];
}

const key = (f: JsonFinding): string => `${f.code} ${f.line}:${f.column}`;

describe('check on the fixture workspaces', () => {
  for (const c of WORKSPACE_CASES) {
    it(`${c.folder}/${c.dockerfile}: findings on the Dockerfile and on the files it uses`, () => {
      const dir = copyWorkspace(c.folder);
      const findings = checkJson(dir, [c.dockerfile]);
      assert.deepEqual(findings.filter((f) => f.file === c.dockerfile).map(key).sort(), c.findings);
      assert.deepEqual(findings.filter((f) => f.file !== c.dockerfile).map((f) => `${f.file.split(path.sep).join('/')} ${key(f)}`).sort(), c.otherFiles);
    });
  }

  it('prints other files\' findings in the text format with their own path', () => {
    const dir = copyWorkspace('requirements');
    const run = runCli(['check', 'Dockerfile', '--select', 'PYD403'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^docker-entrypoint\.sh:4:1: PYD403 The command is started without `exec`/m);
    assert.match(run.stdout, /^Dockerfile:7:13: PYD403 `docker-entrypoint\.sh` starts the command it is given/m);
  });
});

describe('--context', () => {
  /** The requirements project with its Dockerfile moved to `docker/Dockerfile`. */
  function nested(): string {
    const dir = copyWorkspace('requirements');
    fs.mkdirSync(path.join(dir, 'docker'));
    fs.renameSync(path.join(dir, 'Dockerfile'), path.join(dir, 'docker', 'Dockerfile'));
    return dir;
  }

  it('reads the project files of the given context, not of the Dockerfile\'s folder', () => {
    const dir = nested();
    // In its own folder there are no project files: only what the Dockerfile itself shows.
    const own = checkJson(dir, ['docker/Dockerfile']);
    assert.deepEqual([...new Set(own.map((f) => f.code))].sort(), ['PYD202', 'PYD301', 'PYD311']);
    const withContext = checkJson(dir, ['docker/Dockerfile', '--context', '.']);
    const codes = [...new Set(withContext.filter((f) => f.file === path.join('docker', 'Dockerfile')).map((f) => f.code))].sort();
    // The CI job builds ./Dockerfile, not docker/Dockerfile: PYD312 is gone.
    assert.deepEqual(codes, ['PYD202', 'PYD207', 'PYD215', 'PYD301', 'PYD311', 'PYD403', 'PYD409']);
    assert.ok(withContext.some((f) => f.file === 'docker-entrypoint.sh' && f.code === 'PYD403'), 'other files are shown from the working folder');
  });

  it('is used by optimize too, and must be a folder', () => {
    const dir = nested();
    const run = runCli(['optimize', 'docker/Dockerfile', '--context', '.', '--write'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^\.dockerignore: created by a fix$/m);
    assert.ok(fs.existsSync(path.join(dir, '.dockerignore')));
    assertUsageFailure(runCli(['check', 'docker/Dockerfile', '--context', 'nowhere'], dir), '`--context nowhere` is not a folder');
    assertUsageFailure(runCli(['optimize', 'docker/Dockerfile', '--context', 'docker/Dockerfile'], dir), 'is not a folder');
  });
});

describe('optimize and the files of the build context', () => {
  it('--write creates .dockerignore next to the rewritten Dockerfile, atomically', () => {
    const dir = copyWorkspace('uv');
    const run = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^\.dockerignore: created by a fix$/m);
    const created = fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8');
    assert.ok(created.startsWith('.git\n.venv\nvenv\n**/__pycache__\n'), created);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'temp files left behind');
    // Nothing left to do for the workspace rules.
    assert.deepEqual(checkJson(dir, ['Dockerfile'], ['--select', 'PYD311']), []);
    const again = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assert.doesNotMatch(again.stderr, /\.dockerignore/);
  });

  it('--write with --unsafe edits the entry script as well', () => {
    const dir = copyWorkspace('requirements');
    const run = runCli(['optimize', 'Dockerfile', '--unsafe', '--write'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^docker-entrypoint\.sh: changed by a fix$/m);
    assert.equal(fs.readFileSync(path.join(dir, 'docker-entrypoint.sh'), 'utf8'), '#!/bin/sh\nset -e\n# migrate, then hand over to the command\npython manage.py migrate --noinput\nexec "$@"\n');
  });

  it('prints the Dockerfile alone on stdout and lists the other files on stderr', () => {
    const dir = copyWorkspace('pipenv');
    const before = fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8');
    const run = runCli(['optimize', 'Dockerfile'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.startsWith('FROM python:3.12-slim-bookworm AS builder\n'));
    assert.match(run.stderr, /^\.dockerignore: would be changed by a fix \(`--write` applies it\)\n--- a\/\.dockerignore\n\+\+\+ b\/\.dockerignore\n@@ -1,2 \+1,[0-9]+ @@\n\+# Python defaults\n/m);
    assert.equal(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8'), before, 'nothing is written without --write');
  });
});
