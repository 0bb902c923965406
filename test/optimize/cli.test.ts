// `pydockerfile optimize --decisions` and `--explain` on a golden case, through the built CLI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from '../cli/run-cli';
import { goldenCases } from './support';

/** Writes a golden case's Dockerfile and build context into a fresh folder. */
function caseFolder(name: string): string {
  const c = goldenCases().find((x) => x.name === name);
  assert.ok(c, `no golden case ${name}`);
  const dir = tempDir(`optimize-${name}`);
  fs.writeFileSync(path.join(dir, 'Dockerfile'), c.before);
  for (const [file, text] of Object.entries(c.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  // A .dockerignore keeps other-file fixes out of these runs.
  if (!('.dockerignore' in c.files)) fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n.venv\nvenv\n**/__pycache__\n.env\n');
  return dir;
}

describe('optimize --decisions and --explain', () => {
  it('takes exactly the listed decisions, whatever --unsafe says', () => {
    const dir = caseFolder('psycopg2-build-deps');
    const onlyMulti = runCli(['optimize', 'Dockerfile', '--decisions', 'multi-stage'], dir);
    assert.equal(onlyMulti.status, 0, onlyMulti.stderr);
    assert.match(onlyMulti.stdout, /^FROM python:3\.12-slim-bookworm AS builder$/m);
    assert.doesNotMatch(onlyMulti.stdout, /GUNICORN_CMD_ARGS/, 'gunicorn-env was not listed');
    const none = runCli(['optimize', 'Dockerfile', '--unsafe', '--decisions='], dir);
    assert.equal(none.status, 0, none.stderr);
    assert.doesNotMatch(none.stdout, /AS builder/, 'an empty list takes no decision, even with --unsafe');
  });

  it('explains applied steps, every decision, skipped steps and the estimate on stderr', () => {
    const dir = caseFolder('precondition-entry-script');
    const run = runCli(['optimize', 'Dockerfile', '--unsafe', '--explain'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^Applied steps:$/m);
    assert.match(run.stderr, /^ {2}PYD201 pip-install-with-cache \(1x\): /m);
    assert.match(run.stderr, /^ {2}\[x\] multi-stage \[default\]: ticked, not applied \(see skipped\)/m);
    assert.match(run.stderr, /^Skipped:$/m);
    assert.match(run.stderr, /stopped after the safe phases: the container installs packages when it starts/);
    assert.match(run.stderr, /^Estimate \(not a measurement; size data checked \d{4}-\d{2}-\d{2}\):$/m);
    assert.match(run.stdout, /^FROM python:3\.12\nENV PYTHONUNBUFFERED=1/, 'stdout stays the Dockerfile alone');
  });

  it('says which rewrite fixed a problem when it is not the rule\'s own fix', () => {
    // The Poetry builder split is credited to PYD210, whose own fix (exporting requirements) did not run.
    const dir = caseFolder('poetry-in-project');
    const run = runCli(['optimize', 'Dockerfile', '--unsafe', '--explain'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /AS builder$/m);
    assert.match(run.stderr, /^ {2}PYD210 {2}1x {2}poetry-export-pitfalls \(by the multi-stage rewrite\)$/m);
    assert.match(run.stderr, /^ {2}PYD210 poetry-export-pitfalls \(1x\): by the multi-stage rewrite: Build dependencies in a `builder` stage/m);
    assert.doesNotMatch(run.stderr, /Export Poetry requirements/, 'the rule\'s own remedy was not applied');
    const safeOnly = runCli(['optimize', 'Dockerfile', '--explain'], dir);
    assert.doesNotMatch(safeOnly.stderr, /by the .* rewrite/, 'no decision, no credit to one');
  });
});
