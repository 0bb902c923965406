// `pydockerfile optimize` end to end: stdout, --diff, --write, idempotence, errors.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { localToday } from '../../server/src/cli/io';
import { contextReader } from '../../server/src/cli/read-input';
import type { JsonFinding } from '../../server/src/cli/format';
import { lint } from '../../server/src/engine/lint';
import { optimize } from '../../server/src/engine/optimize';
import { syntaxProblemCount } from '../../server/src/fix/apply';
import { DocumentModel } from '../../server/src/model/document-model';
import { assertUsageFailure, copyExample, EXAMPLE_DIR, runCli, tempDir } from './run-cli';

const EXAMPLE = 'examples/flask-app/Dockerfile';

/** Applies a unified diff to a text (independent of the implementation under test). */
function applyUnifiedDiff(before: string, diff: string): string {
  const lines = before.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
  const out: string[] = [];
  let cursor = 0;
  const diffLines = diff.split('\n');
  diffLines.pop();
  for (let i = 2; i < diffLines.length; i++) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(diffLines[i] as string);
    assert.ok(header, `hunk header expected: ${diffLines[i]}`);
    const oldStart = Number(header[1]) - (header[2] === '0' ? 0 : 1);
    while (cursor < oldStart) out.push(lines[cursor++] as string);
    for (i++; i < diffLines.length && !(diffLines[i] as string).startsWith('@@'); i++) {
      const line = diffLines[i] as string;
      const noNewline = diffLines[i + 1] === '\\ No newline at end of file';
      const content = line.slice(1) + (noNewline ? '' : '\n');
      if (noNewline) i++;
      if (line[0] === '+') out.push(content);
      else {
        assert.equal(lines[cursor], content, `context or removed line ${cursor + 1} does not match`);
        if (line[0] === ' ') out.push(content);
        cursor++;
      }
    }
    i--;
  }
  while (cursor < lines.length) out.push(lines[cursor++] as string);
  return out.join('');
}

function expectedFor(dir: string): { before: string; result: ReturnType<typeof optimize> } {
  const file = path.join(dir, 'Dockerfile');
  const before = fs.readFileSync(file, 'utf8');
  // The CLI takes other-file changes (`.dockerignore`) from the same run, as the editor does.
  return { before, result: optimize(before, { otherFiles: true, env: { today: localToday(), readContextFile: contextReader(file) } }) };
}

describe('optimize on the example app', () => {
  const run = runCli(['optimize', EXAMPLE]);
  const { before, result } = expectedFor(EXAMPLE_DIR);

  it('prints exactly the optimized Dockerfile, which still parses', () => {
    assert.equal(run.status, 0, run.stderr);
    assert.notEqual(run.stdout, before, 'the example has safe fixes');
    assert.equal(run.stdout, result.text);
    const model = new DocumentModel(run.stdout);
    assert.ok(model.stages.length > 0);
    assert.equal(syntaxProblemCount(model), 0, 'the output has syntax problems');
  });

  it('summarises the applied codes on stderr', () => {
    const total = result.applied.reduce((n, a) => n + a.count, 0);
    assert.ok(run.stderr.startsWith(`${EXAMPLE}: fixed ${total} problem`), run.stderr);
    for (const { code, count } of result.applied) assert.match(run.stderr, new RegExp(`^  ${code}  ${count}x  `, 'm'));
  });

  it('leaves none of the codes whose safe fix it applied, and nothing more to do', () => {
    const dir = copyExample(() => run.stdout);
    // The other files the run proposed (`.dockerignore`), as `--write` writes them with the Dockerfile.
    for (const change of result.files) fs.writeFileSync(path.join(dir, change.path), change.after);
    const recheck = runCli(['check', 'Dockerfile', '--format', 'json'], dir);
    const findings = JSON.parse(recheck.stdout) as JsonFinding[];
    const applied = new Set(result.applied.map((a) => a.code));
    assert.ok(applied.size > 0);
    assert.deepEqual(findings.filter((f) => applied.has(f.code)).map((f) => `${f.code} ${f.line}:${f.column} ${f.message}`), []);
    // Fixes that only create or change other files (a `.dockerignore`) are `check --fix`'s job:
    // `optimize` prints the Dockerfile alone.
    const dockerfile = path.join(dir, 'Dockerfile');
    const otherFilesOnly = new Set(
      lint(run.stdout, { env: { today: localToday(), readContextFile: contextReader(dockerfile) } })
        .findings.filter((f) => f.fixes.some((fix) => fix.applicability === 'safe' && fix.edits.length === 0))
        .map((f) => f.code),
    );
    // A safe fix that changes the container's command (PYD408) runs only through its decision,
    // which plain `optimize` leaves unticked.
    const unticked = new Set(result.decisions.filter((d) => !d.ticked).flatMap((d) => d.codes));
    assert.deepEqual(findings.filter((f) => f.fix !== null && !otherFilesOnly.has(f.code) && !unticked.has(f.code)).map((f) => f.code), [], 'safe fixes left after optimize');
    const again = runCli(['optimize', 'Dockerfile'], dir);
    assert.equal(again.status, 0);
    assert.equal(again.stdout, run.stdout, 'optimizing the output again changed it');
    assert.match(again.stderr, /^Dockerfile: nothing to change\n/);
  });

  it('prints a unified diff that turns the file into the optimized text', () => {
    const diff = runCli(['optimize', `./${EXAMPLE}`, '--diff']);
    assert.equal(diff.status, 0, diff.stderr);
    const lines = diff.stdout.split('\n');
    assert.equal(lines[0], `--- a/${EXAMPLE}`);
    assert.equal(lines[1], `+++ b/${EXAMPLE}`);
    assert.match(lines[2] ?? '', /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@$/);
    assert.equal(applyUnifiedDiff(before, diff.stdout), result.text);
  });
});

describe('optimize --write', () => {
  it('rewrites a CRLF copy in place, keeping CRLF and the file mode', () => {
    const dir = copyExample((text) => text.replace(/\n/g, '\r\n'));
    const file = path.join(dir, 'Dockerfile');
    fs.chmodSync(file, 0o640);
    const { before, result } = expectedFor(dir);
    assert.ok(result.changed);
    const run = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^Dockerfile: fixed \d+ problems? and rewrote the file\n/);
    const after = fs.readFileSync(file, 'utf8');
    assert.equal(after, result.text);
    assert.notEqual(after, before);
    assert.doesNotMatch(after, /(^|[^\r])\n/, 'a line lost its CR');
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'temp file left behind');
    const again = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assert.match(again.stderr, /^Dockerfile: nothing to change\n/);
    assert.equal(fs.readFileSync(file, 'utf8'), after);
  });

  it('keeps a byte-order mark', () => {
    const dir = tempDir('bom-write');
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, '\uFEFFFROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n');
    const run = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(fs.readFileSync(file, 'utf8').startsWith('\uFEFFFROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir flask==3.0.3'));
  });
});

describe('optimize errors', () => {
  it('exits 2 with one line for bad usage and unreadable files', () => {
    assertUsageFailure(runCli(['optimize']), '`optimize` needs a Dockerfile path');
    assertUsageFailure(runCli(['optimize', EXAMPLE, 'other']), 'exactly one');
    assertUsageFailure(runCli(['optimize', EXAMPLE, '--diff', '--write']), '`--diff` and `--write` cannot be combined');
    assertUsageFailure(runCli(['optimize', 'missing/Dockerfile']), 'cannot read missing/Dockerfile: no such file or directory');
    const dir = tempDir('binary-optimize');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), Buffer.from([0, 1, 2, 3]));
    const binary = runCli(['optimize', 'Dockerfile', '--write'], dir);
    assertUsageFailure(binary, 'cannot optimize Dockerfile: binary file');
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'Dockerfile'))], [0, 1, 2, 3], 'the file must not be touched');
  });
});
