// Whole-process timings (CLI check and optimize, start-up included) and production bundle sizes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median } from './stats.mjs';

/**
 * Writes `files` as a tree of project folders (`proj-0000/Dockerfile`, …), every other one
 * with a small requirements.txt, so the CLI reads build contexts like it would in a monorepo.
 * @param {string} dir
 * @param {readonly string[]} files
 * @returns {string[]} the Dockerfile paths
 */
export function writeProjectTree(dir, files) {
  const paths = [];
  files.forEach((text, i) => {
    const project = path.join(dir, `proj-${String(i).padStart(4, '0')}`);
    fs.mkdirSync(project, { recursive: true });
    const file = path.join(project, 'Dockerfile');
    fs.writeFileSync(file, text);
    if (i % 2 === 0) fs.writeFileSync(path.join(project, 'requirements.txt'), 'flask==3.0.3\ngunicorn==23.0.0\nrequests>=2.31\n');
    paths.push(file);
  });
  return paths;
}

/**
 * Runs a command up to `runs` times after an optional warm-up run (which fills the
 * file-system cache) and reports the median wall time, from spawn to exit. Stops repeating
 * once `budgetMs` is spent (there is always one measured run).
 * @param {string} command
 * @param {readonly string[]} args
 * A run that takes longer than `timeoutMs` is stopped and reported as such, so one slow
 * command cannot hold the whole benchmark past its time limit.
 * @param {{ cwd: string, runs: number, warmup?: boolean, budgetMs?: number, timeoutMs?: number, okStatuses?: readonly number[] | 'any' }} options
 */
export function timeProcess(command, args, options) {
  const samples = [];
  let last = null;
  const began = performance.now();
  const first = options.warmup === false ? 1 : 0;
  for (let run = first; run <= options.runs; run++) {
    if (samples.length > 0 && performance.now() - began > (options.budgetMs ?? Infinity)) break;
    const start = performance.now();
    const result = spawnSync(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
    const ms = performance.now() - start;
    last = result;
    if (result.signal !== null) {
      return { median: null, samples, status: null, timedOutAfterMs: options.timeoutMs ?? ms, error: `${command} ${args.slice(0, 2).join(' ')}… stopped after ${Math.round(ms)} ms (${result.signal})` };
    }
    if (run > 0) samples.push(ms);
  }
  const status = last?.status ?? null;
  const ok = status !== null && (options.okStatuses === 'any' || (options.okStatuses ?? [0]).includes(status));
  return {
    median: ok ? median(samples) : null,
    samples,
    status,
    stdoutBytes: last?.stdout?.length ?? 0,
    error: ok ? undefined : `${command} ${args.slice(0, 3).join(' ')}… exited with ${status}: ${String(last?.stderr ?? '').slice(0, 500)}`,
  };
}

/**
 * Builds the minified production bundles with the project's own esbuild.mjs into a scratch
 * folder (sources are symlinked in), so the normal outputs used by tests stay untouched.
 * @param {string} root repository root
 * @param {string} scratch an empty folder
 * @returns {{ client: number | null, server: number | null, serverOnDemand: number | null, cli: number | null, error?: string }}
 */
export function productionBundleSizes(root, scratch) {
  fs.mkdirSync(scratch, { recursive: true });
  for (const part of ['client/src', 'server/src']) {
    fs.mkdirSync(path.join(scratch, path.dirname(part)), { recursive: true });
    fs.symlinkSync(path.join(root, part), path.join(scratch, part), 'dir');
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
  fs.copyFileSync(path.join(root, 'esbuild.mjs'), path.join(scratch, 'esbuild.mjs'));
  const result = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: scratch, encoding: 'utf8' });
  const size = (file) => {
    try {
      return fs.statSync(path.join(scratch, file)).size;
    } catch {
      return null;
    }
  };
  const onDemand = ['server/out/rule-docs.json', 'server/out/yaml.js', 'server/out/optimize.js', 'server/out/hover-knowledge.js'].map(size);
  return {
    client: size('client/out/extension.js'),
    server: size('server/out/server.js'),
    // Shipped next to the bundle and read only when needed (docs on hover, YAML for CI files,
    // the Optimize rewrite, the hover tables of environment variables and package flags).
    serverOnDemand: onDemand.some((n) => n !== null) ? onDemand.reduce((sum, n) => sum + (n ?? 0), 0) : null,
    cli: size('server/out/cli.js'),
    ...(result.status === 0 ? {} : { error: `esbuild --production failed: ${result.stderr.slice(0, 1000)}` }),
  };
}
