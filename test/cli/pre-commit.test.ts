// `.pre-commit-hooks.yaml`: the two hooks pre-commit offers, which files they receive, and that
// their entries work as pre-commit runs them (the staged file names appended).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isDockerfileName } from '../../server/src/cli/discover';
import { REPO_ROOT } from '../support/paths';
import { runCli, tempDir } from './run-cli';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  exclude: string;
}

const hooks = parse(fs.readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

function hook(id: string): Hook {
  const found = hooks.find((h) => h.id === id);
  assert.ok(found, `no hook ${id}`);
  return found;
}

/** pre-commit matches `files`/`exclude` with Python's re.search on the repository path. */
function selects(h: Hook, file: string): boolean {
  return new RegExp(h.files).test(file) && !new RegExp(h.exclude).test(file);
}

describe('.pre-commit-hooks.yaml', () => {
  it('offers a check hook and a fix hook, installed as a node package', () => {
    assert.deepEqual(hooks.map((h) => [h.id, h.entry, h.language]), [
      ['pydockerfile', 'pydockerfile check', 'node'],
      ['pydockerfile-fix', 'pydockerfile check --fix', 'node'],
    ]);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string>; scripts?: Record<string, string> };
    assert.equal(pkg.bin?.['pydockerfile'], 'server/out/cli.js', 'the entry is the package bin');
    assert.ok(pkg.scripts?.['prepare'], 'pre-commit installs from git, so the bundle must be built on install');
  });

  it('passes the files folder search treats as Dockerfiles, in any folder', () => {
    const names = ['Dockerfile', 'Containerfile', 'Containerfile.prod', 'Containerfile.', 'Dockerfile.dev', 'api.Dockerfile', 'Dockerfile.dockerignore', 'api.Dockerfile.dockerignore', 'Dockerfile.', 'dockerfile', 'README.md', 'Dockerfiles'];
    for (const h of hooks) {
      for (const name of names) {
        for (const file of [name, `services/api/${name}`]) assert.equal(selects(h, file), isDockerfileName(name), `${h.id}: ${file}`);
      }
    }
  });

  it('runs the entries the way pre-commit does: file names appended, exit 1 while problems are left', () => {
    const dir = tempDir('pre-commit');
    fs.mkdirSync(path.join(dir, 'api'));
    fs.writeFileSync(path.join(dir, 'api', 'Dockerfile'), 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n');
    const entry = (h: Hook): string[] => [...h.entry.split(' ').slice(1), '--select', 'PYD201', 'api/Dockerfile'];
    assert.equal(runCli(entry(hook('pydockerfile')), dir).status, 1);
    const fixed = runCli(entry(hook('pydockerfile-fix')), dir);
    assert.equal(fixed.status, 0, fixed.stdout);
    assert.match(fs.readFileSync(path.join(dir, 'api', 'Dockerfile'), 'utf8'), /--no-cache-dir/);
    assert.equal(runCli(entry(hook('pydockerfile')), dir).status, 0);
  });
});
