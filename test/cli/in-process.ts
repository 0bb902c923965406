// Runs the CLI's code in this process with an injected CliIo: fast enough for a run per fixture
// case, and the only way to give it a terminal or a pinned date. Spawned runs (run-cli.ts) test
// the bundle users get.
import { runCli as runCliInProcess } from '../../server/src/cli/cli';
import type { CliIo } from '../../server/src/cli/io';
import type { CliRun } from './run-cli';

/** What a test may set about the process the CLI believes it runs in. */
export interface InProcessOptions {
  stdin?: string | Uint8Array;
  env?: Readonly<Record<string, string | undefined>>;
  stdoutIsTTY?: boolean;
  today?: string;
}

/** Runs `pydockerfile …args` in-process with `cwd` as the working folder. */
export function runInProcess(args: readonly string[], cwd: string, options: InProcessOptions = {}): CliRun {
  let stdout = '';
  let stderr = '';
  const { stdin } = options;
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd,
    today: options.today ?? '2026-11-25',
    env: options.env ?? {},
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    ...(stdin !== undefined ? { readStdin: () => (typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin) } : {}),
  };
  const status = runCliInProcess(args, io);
  return { status, stdout, stderr };
}
