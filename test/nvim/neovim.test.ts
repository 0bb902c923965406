// Neovim 0.7 (Debian's) as a second real LSP client: headless nvim runs test/nvim/lsp-client.lua, which
// attaches the built language server over stdio to a `dockerfile` buffer; we assert what nvim saw:
// diagnostics, a quick fix, and the first-line Optimize refactoring applied over workspace/applyEdit.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(REPO_ROOT, 'server', 'out', 'server.js');
const CLIENT_SCRIPT = path.join(REPO_ROOT, 'test', 'nvim', 'lsp-client.lua');
/** The Lua script waits up to 20 s twice; past this the nvim process is killed. */
const NVIM_TIMEOUT_MS = 60_000;

/** Written by us: PYD201 on line 4, PYD501 (runs as root), PYD405 (turned off in the settings). */
const DOCKERFILE = [
  'FROM python:3.12-slim-bookworm',
  'WORKDIR /app',
  'COPY requirements.txt .',
  'RUN pip install -r requirements.txt',
  'COPY . .',
  'CMD ["python", "-m", "app"]',
  '',
].join('\n');

interface NvimDiagnostic {
  code?: string;
  source?: string;
  message: string;
  lnum: number;
  col: number;
}

interface NvimResult {
  error?: string;
  log?: string[];
  filetype?: string;
  diagnostics?: NvimDiagnostic[];
  actions?: { title: string; kind?: string; isPreferred?: boolean }[];
  applied?: string;
  lines?: string[];
  pyd201_cleared?: boolean;
  first_line_actions?: { title: string; kind?: string; command?: string }[];
  optimized?: boolean;
  optimized_lines?: string[];
}

const nvimMissing = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).error !== undefined;
const skipReason = nvimMissing ? 'nvim is not installed (apt-get install neovim; .ci/run installs it)' : false;
if (skipReason) console.log(`# Neovim LSP test skipped: ${skipReason}`);

test('Neovim 0.7 attaches the server to a dockerfile buffer, shows its diagnostics, applies a quick fix and the first-line Optimize', { skip: skipReason }, async () => {
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-nvim-'));
  try {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, DOCKERFILE);
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0.3\n');
    const resultFile = path.join(dir, 'result.json');
    const run = await runNvim({
      PYD_NVIM_RESULT: resultFile,
      PYD_NVIM_SERVER: SERVER,
      PYD_NVIM_NODE: process.execPath,
      PYD_NVIM_FILE: file,
    });
    assert.ok(fs.existsSync(resultFile), `nvim wrote no result (exit ${run.code}, ${run.signal ?? 'no signal'}):\n${run.output}`);
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as NvimResult;
    assert.equal(result.error, undefined, `the Lua client failed: ${result.error}\n${run.output}`);
    assert.equal(result.filetype, 'dockerfile', 'nvim detects the Dockerfile filetype');

    const diagnostics = result.diagnostics ?? [];
    const codes = new Set(diagnostics.map((d) => d.code));
    assert.ok(codes.has('PYD201'), `PYD201 among ${[...codes].join(', ')} (${(result.log ?? []).join('; ')})`);
    assert.ok(codes.has('PYD501'), `PYD501 among ${[...codes].join(', ')}`);
    assert.ok(!codes.has('PYD405'), 'PYD405 is off in the settings nvim answers workspace/configuration with');
    assert.ok(diagnostics.every((d) => d.source === 'pydockerfile'));
    const pip = diagnostics.find((d) => d.code === 'PYD201');
    assert.deepEqual({ lnum: pip?.lnum, col: pip?.col }, { lnum: 3, col: 4 }, 'PYD201 sits on `pip install` (0-based)');

    const titles = (result.actions ?? []).map((action) => action.title);
    const quickFix = (result.actions ?? []).find((action) => action.kind === 'quickfix' && action.title.endsWith('(PYD201)'));
    assert.ok(quickFix, `a PYD201 quick fix among: ${titles.join(' | ')}`);
    assert.equal(quickFix.isPreferred, true, 'the safe fix is the preferred one');
    assert.ok(titles.some((title) => title.startsWith('Ignore PYD201')), `an ignore action among: ${titles.join(' | ')}`);

    assert.equal(result.applied, quickFix.title);
    assert.equal(result.lines?.[3], 'RUN pip install --no-cache-dir -r requirements.txt');
    assert.equal(result.pyd201_cleared, true, 'PYD201 disappears once the fix is applied');
    assert.ok(!titles.some((title) => title.startsWith('Optimize this Dockerfile')), `Optimize is offered on line 1 only, not among: ${titles.join(' | ')}`);

    // Line 1: the refactoring runs the server's command, as nvim has no Optimize preview of its own.
    const firstLine = result.first_line_actions ?? [];
    const optimizeAction = firstLine.find((action) => action.title === 'Optimize this Dockerfile');
    assert.deepEqual(optimizeAction, { title: 'Optimize this Dockerfile', kind: 'refactor.rewrite', command: 'pydockerfile.server.optimizeApply' }, `among: ${firstLine.map((action) => action.title).join(' | ')}`);
    // includeUnsafe is on in the settings: the default-on non-root user comes with the safe fixes.
    const optimized = result.optimized_lines ?? [];
    assert.equal(result.optimized, true, `the buffer gets a USER line (${(result.log ?? []).join('; ')}):\n${optimized.join('\n')}`);
    assert.ok(optimized.some((line) => /^USER \d+:\d+$/.test(line)), optimized.join('\n'));
    assert.equal(optimized[0], 'FROM python:3.12-slim-bookworm', 'Optimize keeps the base image line');
    assert.ok(optimized.includes('RUN pip install --no-cache-dir -r requirements.txt'), 'the quick fix survives Optimize');
    assert.equal(optimized.at(-1), 'CMD ["python", "-m", "app"]', 'CMD stays the last instruction');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs headless nvim with the Lua client; kills it (and so its server) after NVIM_TIMEOUT_MS. */
function runNvim(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    // -u NONE -i NONE: no user config, plugins or shada, so only the test's setup counts.
    const child = spawn('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-c', 'lua dofile(os.getenv("PYD_NVIM_SCRIPT"))'], {
      // The script path travels in the environment, so no path needs Vim command escaping.
      env: { ...process.env, ...env, PYD_NVIM_SCRIPT: CLIENT_SCRIPT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), NVIM_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}
