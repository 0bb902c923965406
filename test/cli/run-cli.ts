// Runs the BUILT CLI bundle (server/out/cli.js) in a child process, as users and CI do.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

/** The bundle `npm run build` produces and the `pydockerfile` bin points at. */
export const CLI_BUNDLE = path.join(REPO_ROOT, 'server', 'out', 'cli.js');
/** The example app whose Dockerfile demonstrates every planned rule. */
export const EXAMPLE_DIR = path.join(REPO_ROOT, 'examples', 'flask-app');
/** Dockerfiles written for the CLI tests. */
export const CLI_FIXTURES = path.join(REPO_ROOT, 'test', 'cli', 'fixtures');

/** Exit status and decoded output of one CLI run. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Extra inputs of a run: standard input, and environment variables to set (undefined removes one). */
export interface CliRunOptions {
  input?: string | Buffer;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Spawns `node server/out/cli.js …args` in `cwd` (the repository root by default). Color
 * variables of the test runner's own environment are removed, so output is plain unless a
 * test sets them.
 */
export function runCli(args: readonly string[], cwd: string = REPO_ROOT, options: CliRunOptions = {}): CliRun {
  assert.ok(fs.existsSync(CLI_BUNDLE), `${path.relative(REPO_ROOT, CLI_BUNDLE)} is missing: run npm run build`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const result = spawnSync(process.execPath, [CLI_BUNDLE, ...args], { cwd, encoding: 'utf8', timeout: 30_000, env, ...(options.input !== undefined ? { input: options.input } : {}) });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratchRoot: string | undefined;

/** A fresh temporary folder; all of them are removed when the test process exits. */
export function tempDir(prefix: string): string {
  if (scratchRoot === undefined) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-cli-'));
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
    scratchRoot = root;
  }
  return fs.mkdtempSync(path.join(scratchRoot, `${prefix}-`));
}

/** Copies the example app into a temporary folder (so `--write` never touches the repository). */
export function copyExample(transform: (text: string) => string = (t) => t): string {
  const dir = tempDir('example');
  fs.cpSync(EXAMPLE_DIR, dir, { recursive: true });
  const dockerfile = path.join(dir, 'Dockerfile');
  fs.writeFileSync(dockerfile, transform(fs.readFileSync(dockerfile, 'utf8')));
  return dir;
}

/** Asserts the run failed with exit code 2 and exactly one `pydockerfile: …` line on stderr. */
export function assertUsageFailure(run: CliRun, includes: string): void {
  assert.equal(run.status, 2, `exit code (stderr: ${run.stderr})`);
  assert.match(run.stderr, /^pydockerfile: [^\n]+\n$/, 'stderr must be one line');
  assert.ok(run.stderr.includes(includes), `stderr "${run.stderr.trim()}" lacks "${includes}"`);
}
