// The CLI's boundary with the process: output sinks, exit codes and usage errors.

/** Where a command writes and what it knows about its surroundings (injected for tests). */
export interface CliIo {
  /** Writes text to standard output exactly as given. */
  stdout(text: string): void;
  /** Writes text to standard error exactly as given. */
  stderr(text: string): void;
  /** Directory that relative paths are resolved against. */
  cwd: string;
  /** Current date (YYYY-MM-DD) for end-of-life checks. */
  today: string;
  /** Environment variables that change output (`NO_COLOR`, `FORCE_COLOR`, `TERM`); none when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Whether standard output is a terminal (colors are only used there unless forced). */
  stdoutIsTTY?: boolean;
  /** Reads all of standard input (`check -`); absent when the process has none to give. */
  readStdin?: () => Uint8Array;
  /**
   * Worker threads a command may use besides its own for many files (`check` over a tree):
   * the script they run (the CLI entry) and how many, or a function asked once the command
   * knows it has many files (it measures how idle the machine is). Absent: everything runs on
   * this thread.
   */
  threads?: { script: string; workers: number | (() => number) };
}

/** Exit codes shared by every command (architecture.md B17). */
export const EXIT = {
  /** Nothing at or above the threshold (or the command succeeded). */
  ok: 0,
  /** Findings at or above the severity threshold. */
  findings: 1,
  /** Usage error, or input that could not be read. */
  error: 2,
} as const;

/** One of the exit codes in EXIT. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in the command line; reported as one line on stderr with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Prefix for every diagnostic line the CLI prints about itself. */
export const PROGRAM = 'pydockerfile';

/** Formats a one-line message about the tool itself (errors, skipped files). */
export function programMessage(message: string): string {
  return `${PROGRAM}: ${message.replace(/\s*\r?\n\s*/g, ' ')}\n`;
}

/** The current local date as YYYY-MM-DD: "today" as the user running the CLI sees it. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
