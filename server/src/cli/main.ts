// Process entry of the `pydockerfile` CLI (bundled to server/out/cli.js).
import * as fs from 'node:fs';
import { runCli } from './cli';
import { localToday, type CliIo } from './io';

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
};

// exitCode instead of exit(): lets buffered output to pipes drain before the process ends.
process.exitCode = runCli(process.argv.slice(2), io);
