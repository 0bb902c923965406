// `check` over many files on worker threads: the same report as on one thread, and work items
// that survive a worker that fails to start or throws.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import { runCli as runCliInProcess } from '../../server/src/cli/cli';
import type { CliIo } from '../../server/src/cli/io';
import { parallelMap } from '../../server/src/cli/parallel';
import { tempDir } from './run-cli';

/** The compiled CLI entry: started as a worker thread it serves its share of a `check`. */
const ENTRY = path.join(__dirname, '..', '..', 'server', 'src', 'cli', 'main.js');
const PARALLEL = path.join(__dirname, '..', '..', 'server', 'src', 'cli', 'parallel.js');

/** A worker script serving `parallelMap` items with `body` (JavaScript taking `i`). */
function workerScript(body: string, before = ''): string {
  const file = path.join(tempDir('worker'), 'worker.js');
  fs.writeFileSync(
    file,
    `const { workerData, threadId } = require('node:worker_threads');\nconst { serveParallelMap } = require(${JSON.stringify(PARALLEL)});\n${before}\nserveParallelMap(workerData, (i) => { ${body} });\n`,
  );
  return file;
}

/** Keeps the calling thread busy for a few milliseconds, so a worker gets items too. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe('parallelMap', () => {
  it('returns every item in index order, with items done by the worker', () => {
    const stats = { byWorkers: 0 };
    const script = workerScript('const end = Date.now() + 3; while (Date.now() < end); return { i, thread: threadId };');
    const results = parallelMap(
      400,
      (i) => {
        busy(3);
        return { i, thread: threadId };
      },
      { script, task: 'test', payload: null, workers: 1, stats },
    );
    assert.deepEqual(
      results.map((r) => r.i),
      Array.from({ length: 400 }, (_, i) => i),
    );
    assert.ok(stats.byWorkers > 0, 'the worker did no item');
    assert.equal(results.filter((r) => r.thread !== threadId).length, stats.byWorkers);
  });

  it('asks a workers function once, after decideAfterMs of work here, with the items left, and starts what it says', () => {
    const stats = { byWorkers: 0 };
    const script = workerScript('const end = Date.now() + 3; while (Date.now() < end); return { i, thread: threadId };');
    const asked: { remaining: number; afterMs: number }[] = [];
    const began = Date.now();
    const results = parallelMap(
      400,
      (i) => {
        busy(3);
        return { i, thread: threadId };
      },
      {
        script,
        task: 'test',
        payload: null,
        workers: (remaining) => {
          asked.push({ remaining, afterMs: Date.now() - began });
          return 1;
        },
        decideAfterMs: 60,
        stats,
      },
    );
    assert.deepEqual(
      results.map((r) => r.i),
      Array.from({ length: 400 }, (_, i) => i),
    );
    assert.equal(asked.length, 1);
    const [question] = asked as [{ remaining: number; afterMs: number }];
    assert.ok(question.afterMs >= 60, `asked after ${question.afterMs} ms`);
    // Some 20 items of 3 ms each were done here by then (fewer on a busy machine); the rest were left.
    assert.ok(question.remaining >= 200 && question.remaining <= 398, `remaining ${question.remaining}`);
    assert.ok(stats.byWorkers > 0, 'the worker started late did no item');
  });

  it('starts no worker when the workers function says none', () => {
    const stats = { byWorkers: 0 };
    const script = workerScript('return { i, thread: threadId };');
    const results = parallelMap(100, (i) => (busy(1), i), { script, task: 'test', payload: null, workers: () => 0, decideAfterMs: 10, stats });
    assert.deepEqual(results, Array.from({ length: 100 }, (_, i) => i));
    assert.equal(stats.byWorkers, 0);
  });

  it('does every item on the calling thread when the worker cannot start', () => {
    const script = workerScript('return i;', "throw new Error('broken worker');");
    assert.deepEqual(parallelMap(50, (i) => i * 2, { script, task: 'test', payload: null, workers: 1 }), Array.from({ length: 50 }, (_, i) => i * 2));
  });

  it('redoes the items of a worker whose work throws', () => {
    const script = workerScript("throw new Error('broken item');");
    const results = parallelMap(
      200,
      (i) => {
        busy(2);
        return i + 1;
      },
      { script, task: 'test', payload: null, workers: 1, patienceMs: 5000 },
    );
    assert.deepEqual(results, Array.from({ length: 200 }, (_, i) => i + 1));
  });
});

/** A tree of projects: varied Dockerfiles, a folder with a config warning, an unreadable file. */
function projectTree(): string {
  const root = tempDir('tree');
  for (let i = 0; i < 120; i++) {
    const dir = path.join(root, i < 60 ? 'a' : 'b', `proj-${String(i).padStart(3, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    const pin = i % 3 === 0 ? '==3.0.3' : '';
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM python:3.1${i % 4}-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt flask${pin}\nCOPY . .\nCMD python app.py\n`);
    if (i % 2 === 0) fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0.3\nrequests>=2.31\n');
  }
  // Both halves of the tree get a configuration file with an unknown key (one warning each).
  fs.writeFileSync(path.join(root, 'b', '.pydockerfile.toml'), 'unknown-key = 1\n');
  fs.writeFileSync(path.join(root, 'a', 'proj-007', 'Dockerfile'), Buffer.from([0x46, 0x52, 0x00, 0x4f, 0x4d]));
  return root;
}

function run(args: readonly string[], cwd: string, threads: CliIo['threads']): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, today: '2026-11-25', env: {}, stdoutIsTTY: false, ...(threads ? { threads } : {}) };
  const status = runCliInProcess(args, io);
  return { status, stdout, stderr };
}

describe('check on worker threads', () => {
  const root = projectTree();

  for (const format of ['text', 'json', 'sarif']) {
    it(`prints the same ${format} report, messages and exit code as one thread`, () => {
      const args = ['check', '--format', format, '.'];
      const single = run(args, root, undefined);
      const threaded = run(args, root, { script: ENTRY, workers: 1 });
      assert.equal(single.status, 1, single.stderr);
      assert.match(single.stderr, /skipping a[/\\]proj-007[/\\]Dockerfile/);
      assert.match(single.stderr, /warning: b[/\\]\.pydockerfile\.toml/);
      assert.deepEqual(threaded, single);
    });
  }
});
