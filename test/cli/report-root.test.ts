// Machine-read reports (SARIF, GitHub annotations, Code Climate) name files relative to the
// repository root, which is what GitHub code scanning, the Actions annotation API and GitLab
// code quality match against; a CI job that runs in a sub-folder must still point at the file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { pathUnderRoot, reportRoot } from '../../server/src/cli/report-root';
import { runInProcess } from './in-process';
import { tempDir } from './run-cli';

const UNCACHED = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';
const SELECT = ['--select', 'PYD201'];

interface SarifLog {
  runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
}

/** A repository (a `.git` folder is all the lookup needs) with a Dockerfile two folders down. */
function repository(): { root: string; service: string } {
  const root = tempDir('repo');
  fs.mkdirSync(path.join(root, '.git'));
  const service = path.join(root, 'services', 'api');
  fs.mkdirSync(service, { recursive: true });
  fs.writeFileSync(path.join(service, 'Dockerfile'), UNCACHED);
  return { root, service };
}

function sarifUris(stdout: string): { base: string | undefined; uris: string[] } {
  const run = (JSON.parse(stdout) as SarifLog).runs[0];
  assert.ok(run);
  return {
    base: run.originalUriBaseIds['%SRCROOT%']?.uri,
    uris: run.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri ?? ''),
  };
}

describe('report paths relative to the repository root', () => {
  it('finds the nearest folder with .git, or keeps the working folder outside a repository', () => {
    const { root, service } = repository();
    assert.equal(reportRoot(service), root);
    const outside = tempDir('plain');
    assert.equal(reportRoot(outside), outside);
    assert.equal(pathUnderRoot(path.join(root, 'a', 'Dockerfile'), root), 'a/Dockerfile');
    assert.equal(pathUnderRoot(path.join(root, '..', 'Dockerfile'), root), undefined);
    assert.equal(pathUnderRoot(root, root), undefined);
  });

  it('SARIF from a sub-folder: URIs under %SRCROOT% = the repository root', () => {
    const { root, service } = repository();
    const run = runInProcess(['check', ...SELECT, '--format', 'sarif'], service);
    assert.equal(run.status, 1, run.stderr);
    const { base, uris } = sarifUris(run.stdout);
    assert.equal(base, pathToFileURL(root).href.replace(/\/?$/, '/'));
    assert.deepEqual(uris, ['services/api/Dockerfile']);
  });

  it('GitHub annotations and Code Climate paths from a sub-folder are repository paths', () => {
    const { service } = repository();
    const github = runInProcess(['check', ...SELECT, '--format', 'github'], service);
    assert.match(github.stdout, /^::warning file=services\/api\/Dockerfile,line=2,/);
    const codeclimate = JSON.parse(runInProcess(['check', ...SELECT, '--format', 'codeclimate'], service).stdout) as { location: { path: string } }[];
    assert.deepEqual(codeclimate.map((i) => i.location.path), ['services/api/Dockerfile']);
  });

  it('the same file checked from the root or a sub-folder gets the same Code Climate fingerprint', () => {
    const { root, service } = repository();
    const fingerprints = (cwd: string, target: string): string[] =>
      (JSON.parse(runInProcess(['check', ...SELECT, '--format', 'codeclimate', target], cwd).stdout) as { fingerprint: string }[]).map((i) => i.fingerprint);
    assert.deepEqual(fingerprints(service, '.'), fingerprints(root, 'services/api'));
  });

  it('outside a repository, paths stay relative to the working folder; standard input stays `-`', () => {
    const dir = tempDir('plain');
    fs.mkdirSync(path.join(dir, 'svc'));
    fs.writeFileSync(path.join(dir, 'svc', 'Dockerfile'), UNCACHED);
    assert.deepEqual(sarifUris(runInProcess(['check', ...SELECT, '--format', 'sarif'], dir).stdout).uris, ['svc/Dockerfile']);
    const { service } = repository();
    const stdin = runInProcess(['check', ...SELECT, '--format', 'github', '-'], service, { stdin: UNCACHED });
    assert.match(stdin.stdout, /^::warning file=-,line=2,/);
    assert.deepEqual(sarifUris(runInProcess(['check', ...SELECT, '--format', 'sarif', '-'], service, { stdin: UNCACHED }).stdout).uris, ['-']);
    const named = runInProcess(['check', ...SELECT, '--format', 'github', '-', '--stdin-filename', 'Dockerfile'], service, { stdin: UNCACHED });
    assert.match(named.stdout, /^::warning file=services\/api\/Dockerfile,line=2,/);
  });
});
