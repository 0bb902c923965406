// Process entry of the `pydockerfile` CLI (bundled to server/out/cli.js); started as a worker
// thread, the same file serves a share of a `check` over many files instead.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isMainThread, workerData } from 'node:worker_threads';
import { CHECK_TASK, checkWorkerTask } from './check-command';
import { runCli } from './cli';
import { localToday, type CliIo } from './io';
import { isParallelHandshake, serveParallelMap } from './parallel';

/**
 * Worker threads besides the main one: one per idle core, a few at most (each loads and warms
 * up the engine anew). Cores busy with other processes do not count: on a loaded machine a
 * thread gains no CPU time, so its start-up and warm-up would only add work (like `make -l`).
 */
function spareCores(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  // loadavg() is [0, 0, 0] where the system has no such figure (Windows): all cores count as idle.
  const busy = Math.floor(os.loadavg()[0] ?? 0);
  // The main thread needs two cores: V8's garbage collection and compiler threads keep a second
  // one busy (a single-threaded check uses ~1.5 cores). On two cores a worker only competes with
  // them: measured 2.5 s with one worker vs 2.2 s without, for 1,000 files.
  return Math.max(0, Math.min(cores - 2 - busy, 3));
}

function runProcess(): void {
  // `pydockerfile check | head` closes the pipe early; that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }

  const io: CliIo = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    today: localToday(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    readStdin: () => fs.readFileSync(0),
    // The file node started when it sits next to this one (server/out/cli.js, which loads this
    // bundle with its code cache), so workers start the same way; else this file itself.
    threads: { script: require.main?.path === __dirname ? require.main.filename : __filename, workers: spareCores() },
  };

  // exitCode instead of exit(): lets buffered output to pipes drain before the process ends.
  process.exitCode = runCli(process.argv.slice(2), io);
}

if (!isMainThread && isParallelHandshake(workerData) && workerData.task === CHECK_TASK) serveParallelMap(workerData, checkWorkerTask(workerData));
else runProcess();
