// The V8 code cache of the built server and CLI: the build's cache is taken, and a missing,
// foreign, stale or damaged one falls back to a normal compile with the same behaviour.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { Worker } from 'node:worker_threads';
import { CODE_CACHE_SUFFIX, codeCacheHeader, compileBundle, readCodeCache } from '../../server/src/boot/code-cache';
import { REPO_ROOT } from '../support/paths';

const OUT = path.join(REPO_ROOT, 'server', 'out');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'flask-app', 'Dockerfile');
const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** What a built program needs next to it. */
const PROGRAM_FILES = ['cli.js', 'cli-bundle.js', 'rule-docs.json', 'yaml.js'];

function requireBuild(file: string): string {
  const full = path.join(OUT, file);
  assert.ok(fs.existsSync(full), `${path.relative(REPO_ROOT, full)} is missing: run npm run build`);
  return full;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pyd-code-cache-'));
}

/** A copy of the built CLI in a temp folder, with `cache` (or none) as its bundle's code cache. */
function cliCopy(cache: Buffer | undefined): string {
  const dir = tempDir();
  for (const file of PROGRAM_FILES) fs.copyFileSync(requireBuild(file), path.join(dir, file));
  if (cache !== undefined) fs.writeFileSync(path.join(dir, `cli-bundle.js${CODE_CACHE_SUFFIX}`), cache);
  return dir;
}

function checkExample(dir: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(dir, 'cli.js'), 'check', '--format', 'json', EXAMPLE], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The built cache with one payload byte changed and the header left as it was. */
function damagedCache(): Buffer {
  const cache = fs.readFileSync(requireBuild(`cli-bundle.js${CODE_CACHE_SUFFIX}`));
  const at = cache.indexOf(0x0a) + 1 + Math.floor((cache.length - cache.indexOf(0x0a)) / 2);
  cache[at] = (cache[at] ?? 0) ^ 0xff;
  return cache;
}

/**
 * What became of `bundle`'s cache when compiled as `entry` starts it: in a fresh process, under
 * the entry's V8 flags (V8 takes a cache only under the flags it was made with).
 */
function cacheOutcome(entry: string, bundle: string): string {
  const script = 'const e = require(process.argv[1]); e.applyV8Flags(e.V8_FLAGS); process.stdout.write(e.compileBundle(process.argv[2]).cache);';
  const run = spawnSync(process.execPath, ['-e', script, requireBuild(entry), requireBuild(bundle)], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

describe('code cache of the built programs', () => {
  for (const [entry, bundle] of [['server.js', 'server-bundle.js'], ['cli.js', 'cli-bundle.js']] as const) {
    it(`${entry} compiles ${bundle} with the cache the build made`, () => {
      assert.equal(cacheOutcome(entry, bundle), 'used');
    });
  }

  it('runs the CLI under V8 flags this Node.js knows, and the cache is made under them', () => {
    const { V8_FLAGS } = require(requireBuild('cli.js')) as { V8_FLAGS: readonly string[] };
    assert.ok(V8_FLAGS.length > 0);
    // An unknown flag would only print a warning and change nothing: fail here instead.
    const run = spawnSync(process.execPath, [...V8_FLAGS, '-e', '0'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0);
    assert.equal(run.stderr, '');
    // Compiled under default flags, the CLI's cache is refused: it really was made under V8_FLAGS.
    const plain = spawnSync(process.execPath, ['-e', 'process.stdout.write(require(process.argv[1]).compileBundle(process.argv[2]).cache)', requireBuild('cli.js'), requireBuild('cli-bundle.js')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(plain.stdout, 'rejected');
  });

  it('reports the same findings with the cache, without it, and with a broken one', () => {
    const reference = checkExample(cliCopy(undefined));
    assert.equal(reference.status, 1, reference.stderr);
    assert.match(reference.stdout, /PYD\d{3}/);
    const garbage = Buffer.from('not a code cache\n'.repeat(100));
    const header = Buffer.from(`${codeCacheHeader(Buffer.from('another bundle'), Buffer.from('x'))}`, 'latin1');
    for (const cache of [fs.readFileSync(requireBuild(`cli-bundle.js${CODE_CACHE_SUFFIX}`)), garbage, damagedCache(), Buffer.concat([header, Buffer.from('x')]), Buffer.alloc(0)]) {
      assert.deepEqual(checkExample(cliCopy(cache)), reference);
    }
  });

  it('answers initialize with a garbage cache next to the server bundle', async () => {
    const dir = tempDir();
    for (const file of ['server.js', 'server-bundle.js', 'rule-docs.json', 'yaml.js']) fs.copyFileSync(requireBuild(file), path.join(dir, file));
    fs.writeFileSync(path.join(dir, `server-bundle.js${CODE_CACHE_SUFFIX}`), Buffer.from('garbage'.repeat(1000)));
    const child = spawn(process.execPath, [path.join(dir, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to initialize: ${stderr}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('"id":1')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      child.kill();
    }
    assert.match(stdout, /"id":1,"result":\{"capabilities"/, stderr);
  });

  it('answers initialize without loading node:crypto (about 3 ms of every start)', async () => {
    // vscode-jsonrpc gets a lazy stand-in for crypto (esbuild.mjs), and the cache check uses CRC-32.
    const dir = tempDir();
    const report = path.join(dir, 'modules.txt');
    const preload = path.join(dir, 'preload.js');
    fs.writeFileSync(preload, `process.on('SIGTERM', () => { require('node:fs').writeFileSync(${JSON.stringify(report)}, process.moduleLoadList.join('\\n')); process.exit(0); });\n`);
    const child = spawn(process.execPath, ['-r', preload, requireBuild('server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let stdout = '';
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to initialize')), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"id":1')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    await exited;
    const modules = fs.readFileSync(report, 'utf8').split('\n');
    assert.ok(modules.some((m) => m.endsWith(' net')), 'the list is the server process\'s own');
    assert.deepEqual(modules.filter((m) => / crypto$/.test(m)), []);
  });

  it('starts as a worker thread, as `check` starts its workers', async () => {
    // main.ts hands workers the file node started: the entry, which loads the bundle with its cache.
    const worker = new Worker(requireBuild('cli.js'), { argv: ['--version'], stdout: true });
    let stdout = '';
    worker.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    const code = await new Promise<number>((resolve) => worker.on('exit', resolve));
    assert.equal(code, 0);
    assert.equal(stdout, `${PACKAGE_VERSION}\n`);
  });
});

describe('compileBundle and readCodeCache', () => {
  it('keeps file names, line numbers and the CommonJS module variables of the bundle', () => {
    const dir = tempDir();
    const bundle = path.join(dir, 'tiny-bundle.js');
    fs.writeFileSync(bundle, [
      '"use strict";',
      'module.exports.where = { filename: __filename, dirname: __dirname, isMain: require.main === module, path: typeof require("node:path").join };',
      'module.exports.fail = () => { throw new Error("boom"); };',
      '',
    ].join('\n'));
    const entry = { exports: {} } as NodeModule;
    const compiled = compileBundle(bundle);
    assert.equal(compiled.cache, 'absent');
    compiled.run(entry);
    const exports = entry.exports as { where: unknown; fail: () => void };
    assert.deepEqual(exports.where, { filename: bundle, dirname: dir, isMain: false, path: 'function' });
    assert.throws(exports.fail, (error: Error) => {
      assert.ok(error.stack?.includes(`${bundle}:3:`), error.stack);
      return true;
    });
  });

  it('leaves a bundle to Node.js when source maps are on, so stack traces point at the sources', () => {
    const dir = tempDir();
    const source = path.join(dir, 'thrower.ts');
    fs.writeFileSync(source, 'export function thrower(): never {\n  throw new Error("boom");\n}\nthrower();\n');
    const bundle = path.join(dir, 'thrower-bundle.js');
    esbuild.buildSync({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', sourcemap: 'linked', outfile: bundle, logLevel: 'silent' });
    const start = `require(${JSON.stringify(path.join(__dirname, '..', '..', 'server', 'src', 'boot', 'code-cache.js'))}).startBundle(${JSON.stringify(bundle)}, module);`;
    const mapped = spawnSync(process.execPath, ['--enable-source-maps', '-e', start], { encoding: 'utf8', timeout: 30_000 });
    assert.ok(mapped.stderr.includes(`${source}:2:`), mapped.stderr);
    const plain = spawnSync(process.execPath, ['-e', start], { encoding: 'utf8', timeout: 30_000 });
    assert.ok(plain.stderr.includes(`${bundle}:`), plain.stderr);
  });

  it('takes a cache only for the bundle, V8 and payload it was made for', () => {
    const dir = tempDir();
    const bundle = path.join(dir, 'tiny-bundle.js');
    const source = Buffer.from('module.exports.answer = () => 42;\n');
    fs.writeFileSync(bundle, source);
    const compiled = compileBundle(bundle);
    compiled.run({ exports: {} } as NodeModule);
    const payload = compiled.script.createCachedData();
    const cacheFile = bundle + CODE_CACHE_SUFFIX;
    fs.writeFileSync(cacheFile, Buffer.concat([Buffer.from(codeCacheHeader(source, payload), 'latin1'), payload]));
    assert.deepEqual(readCodeCache(cacheFile, source), payload);
    assert.equal(compileBundle(bundle).cache, 'used');

    // Same length, other content: V8 alone would take the cache.
    const other = Buffer.from('module.exports.answer = () => 43;\n');
    assert.equal(readCodeCache(cacheFile, other), undefined);
    fs.writeFileSync(bundle, other);
    const recompiled = compileBundle(bundle);
    assert.equal(recompiled.cache, 'invalid');
    const entry = { exports: {} } as NodeModule;
    recompiled.run(entry);
    assert.equal((entry.exports as { answer: () => number }).answer(), 43);

    const foreign = codeCacheHeader(source, payload).replace(process.versions.v8, '0.0.0.0');
    fs.writeFileSync(cacheFile, Buffer.concat([Buffer.from(foreign, 'latin1'), payload]));
    assert.equal(readCodeCache(cacheFile, source), undefined);
    fs.writeFileSync(cacheFile, Buffer.concat([Buffer.from(codeCacheHeader(source, payload), 'latin1'), payload.subarray(0, payload.length - 1)]));
    assert.equal(readCodeCache(cacheFile, source), undefined);
  });
});
