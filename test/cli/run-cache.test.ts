// What one `check` run remembers about the disk (folder listings, config and repository lookups)
// never gives a stale or borrowed answer: per project, per Dockerfile, and after `--fix` writes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { JsonFinding } from '../../server/src/cli/format';
import { runInProcess } from './in-process';
import { tempDir } from './run-cli';

const UNCACHED = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\nCMD ["python", "-m", "app"]\n';
/** Sends the whole folder: PYD311 offers a safe fix that creates `.dockerignore`. */
const COPIES_ALL = 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nUSER 10001\nCMD ["python", "-m", "app"]\n';

function tree(files: Record<string, string>): string {
  const dir = tempDir('run-cache');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function findings(args: readonly string[], dir: string): string[] {
  const run = runInProcess(['check', ...args, '--format', 'json'], dir);
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return (JSON.parse(run.stdout) as JsonFinding[]).map((f) => `${f.file.split(path.sep).join('/')} ${f.code} ${f.severity} ${f.line}:${f.column}`).sort();
}

describe('one check run over several projects', () => {
  it('gives each project the config file of its own folder, whichever was looked up first', () => {
    const files = {
      'a/.pydockerfile.toml': 'select = ["PYD201"]\nseverity = { PYD201 = "error" }\n',
      'a/Dockerfile': UNCACHED,
      'b/pyproject.toml': '[project]\nname = "b"\n\n[tool.pydockerfile]\nselect = ["PYD201"]\nseverity = { PYD201 = "info" }\n',
      'b/Dockerfile': UNCACHED,
      // A pyproject.toml without a pydockerfile table configures nothing: c falls back to the root file.
      'c/pyproject.toml': '[project]\nname = "c"\n',
      'c/Dockerfile': UNCACHED,
      'd/Dockerfile': UNCACHED,
      '.pydockerfile.toml': 'select = ["PYD201"]\nseverity = { PYD201 = "hint" }\n',
    };
    const dir = tree(files);
    const expected = ['a/Dockerfile PYD201 error 2:5', 'b/Dockerfile PYD201 info 2:5', 'c/Dockerfile PYD201 hint 2:5', 'd/Dockerfile PYD201 hint 2:5'];
    assert.deepEqual(findings([], dir), expected);
    // Another order of lookups (d, c, b, a) in one run: no answer carries over from one folder to the next.
    assert.deepEqual(findings(['d', 'c', 'b', 'a'], dir), expected);
    for (const name of ['a', 'b', 'c', 'd']) assert.deepEqual(findings([name], dir), expected.filter((f) => f.startsWith(`${name}/`)));
  });

  it('gives Dockerfiles that share a folder the same context answers as when checked alone', () => {
    const dir = tree({ 'app/Dockerfile': COPIES_ALL, 'app/Dockerfile.dev': COPIES_ALL, 'app/requirements.txt': 'flask==3.0.3\n', 'other/Dockerfile': COPIES_ALL });
    const together = findings(['--select', 'PYD311,PYD301'], dir);
    const alone = ['app/Dockerfile', 'app/Dockerfile.dev', 'other/Dockerfile'].flatMap((file) => findings([file, '--select', 'PYD311,PYD301'], dir));
    assert.deepEqual(together, alone.sort());
    // other/ has no requirements.txt: what app/ has must not leak into its answers.
    assert.ok(together.some((f) => f.startsWith('other/Dockerfile ')), together.join('\n'));
  });

  it('finds Dockerfiles through links to files, not through links to folders or dangling links', () => {
    const dir = tree({ 'real/Dockerfile': UNCACHED });
    fs.mkdirSync(path.join(dir, 'linked'));
    fs.symlinkSync(path.join(dir, 'real', 'Dockerfile'), path.join(dir, 'linked', 'Dockerfile'));
    fs.mkdirSync(path.join(dir, 'dangling'));
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling', 'Dockerfile'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'folder-link'));
    assert.deepEqual(findings(['--select', 'PYD201'], dir), ['linked/Dockerfile PYD201 warning 2:5', 'real/Dockerfile PYD201 warning 2:5']);
  });
});

describe('check --fix over Dockerfiles that share a folder', () => {
  it('lets the second Dockerfile see the file a fix of the first one created', () => {
    const dir = tree({ 'Dockerfile': COPIES_ALL, 'Dockerfile.dev': COPIES_ALL, 'requirements.txt': 'flask==3.0.3\n' });
    const plan = findings(['--select', 'PYD311'], dir);
    assert.deepEqual(plan.map((f) => f.split(' ').slice(0, 2).join(' ')), ['Dockerfile PYD311', 'Dockerfile.dev PYD311']);
    const run = runInProcess(['check', '--fix', '--select', 'PYD311'], dir);
    assert.notEqual(run.status, 2, run.stderr);
    // Created once, by the first Dockerfile's fix; the second one found it in place (a stale listing would create it again).
    assert.equal(run.stderr, 'pydockerfile: created .dockerignore (a fix for Dockerfile)\n');
    assert.ok(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8').startsWith('.git\n'));
    assert.deepEqual(findings(['--select', 'PYD311'], dir), []);
  });
});
