// `pydockerfile optimize` writes and shows the other files of the build context (`.dockerignore`,
// the entry script's `exec`) exactly as the engine's Optimize returns them to the editor.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { optimize } from '../../server/src/engine/optimize';
import { nodeWorkspaceFs } from '../../server/src/workspace/node-fs';
import { Workspace } from '../../server/src/workspace/workspace';
import { REPO_ROOT } from '../support/paths';
import { runInProcess } from './in-process';
import { tempDir } from './run-cli';

const TODAY = '2026-11-25';

/** A fresh copy of the requirements workspace: no `.dockerignore`, an entry script without `exec`. */
function requirementsProject(): string {
  const dir = tempDir('optimize-other-files');
  fs.cpSync(path.join(REPO_ROOT, 'test', 'workspaces', 'requirements'), dir, { recursive: true });
  return dir;
}

/** What the editor gets: the engine's Optimize with the same build context. */
function engineResult(dir: string, options: { unsafe?: boolean; decisions?: string[] }): ReturnType<typeof optimize> {
  const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const workspace = new Workspace(nodeWorkspaceFs(dir));
  return optimize(text, { ...options, otherFiles: true, env: { today: TODAY, workspace, dockerfile: 'Dockerfile' } });
}

function read(dir: string, file: string): string | undefined {
  const at = path.join(dir, file);
  return fs.existsSync(at) ? fs.readFileSync(at, 'utf8') : undefined;
}

describe('optimize and the other files of the build context', () => {
  it('--write writes the Dockerfile and the files of the same Optimize run', () => {
    const dir = requirementsProject();
    const expected = engineResult(dir, { unsafe: true });
    const changed = expected.files.map((f) => f.path).sort();
    assert.deepEqual(changed, ['.dockerignore', 'docker-entrypoint.sh'], 'the engine changes both files');
    const run = runInProcess(['optimize', 'Dockerfile', '--unsafe', '--write'], dir, { today: TODAY });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(read(dir, 'Dockerfile'), expected.text);
    for (const file of expected.files) assert.equal(read(dir, file.path), file.after, `${file.path} differs from the engine's`);
    assert.match(read(dir, 'docker-entrypoint.sh') ?? '', /^exec "\$@"$/m);
    assert.match(run.stderr, /^\.dockerignore: created by a fix$/m);
    assert.match(run.stderr, /^docker-entrypoint\.sh: changed by a fix$/m);
    const again = runInProcess(['optimize', 'Dockerfile', '--unsafe', '--write'], dir, { today: TODAY });
    assert.match(again.stderr, /^Dockerfile: nothing to change$/m, 'a second run finds nothing left');
  });

  it('follows the decisions: without the entry-script decision the script stays as it is', () => {
    const dir = requirementsProject();
    const script = read(dir, 'docker-entrypoint.sh');
    const expected = engineResult(dir, { decisions: ['dockerignore'] });
    assert.deepEqual(expected.files.map((f) => f.path), ['.dockerignore']);
    const run = runInProcess(['optimize', 'Dockerfile', '--decisions', 'dockerignore', '--write'], dir, { today: TODAY });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(read(dir, '.dockerignore'), expected.files[0]?.after);
    assert.equal(read(dir, 'docker-entrypoint.sh'), script);
  });

  it('--diff leaves every file alone, prints the Dockerfile diff and shows the other files on stderr', () => {
    const dir = requirementsProject();
    const before = read(dir, 'Dockerfile');
    const run = runInProcess(['optimize', 'Dockerfile', '--unsafe', '--diff'], dir, { today: TODAY });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^--- a\/Dockerfile$/m);
    assert.doesNotMatch(run.stdout, /^(---|\+\+\+) .*(dockerignore|docker-entrypoint)/m, 'stdout holds the Dockerfile diff alone');
    assert.match(run.stderr, /^\.dockerignore: would be created by a fix/m);
    assert.match(run.stderr, /^\+exec "\$@"$/m, 'the entry script diff is shown');
    assert.equal(read(dir, 'Dockerfile'), before);
    assert.equal(read(dir, '.dockerignore'), undefined);
  });
});
