// Process entry of the `pydockerfile` CLI (bundled to server/out/cli.js); started as a worker
// thread, the same file serves a share of a `check` over many files instead.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isMainThread, workerData } from 'node:worker_threads';
import { CHECK_TASK, checkWorkerTask } from './check-command';
import { runCli } from './cli';
import { localToday, type CliIo } from './io';
import { isParallelHandshake, serveParallelMap } from './parallel';
import { spareCores, type CpuSample } from './spare-cores';

/** The machine's CPU times now. */
function cpuSample(): CpuSample {
  return { cpus: os.cpus(), atMs: performance.now() };
}

function runProcess(): void {
  // Taken first: how idle the other cores stay while this thread starts up, finds the files and
  // checks the first of them decides how many workers a large check gets (see spare-cores.ts).
  const started = cpuSample();
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
    threads: { script: require.main?.path === __dirname ? require.main.filename : __filename, workers: () => spareCores(started, cpuSample(), os.loadavg()[0] ?? 0) },
  };

  // exitCode instead of exit(): lets buffered output to pipes drain before the process ends.
  process.exitCode = runCli(process.argv.slice(2), io);
}

if (!isMainThread && isParallelHandshake(workerData) && workerData.task === CHECK_TASK) serveParallelMap(workerData, checkWorkerTask(workerData));
else runProcess();
