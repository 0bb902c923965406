// Command dispatch: global options, the command table, and turning usage errors into exit 2.
import { runCheck } from './check-command';
import { hasFlag, parseArgs } from './args';
import { CHECK_HELP, MAIN_HELP, OPTIMIZE_HELP, RULES_HELP } from './help';
import { EXIT, programMessage, UsageError, type CliIo, type ExitCode } from './io';
import { runOptimize } from './optimize-command';
import { runRules } from './rules-command';
import { findVersion } from './version';

type Command = (argv: readonly string[], io: CliIo) => ExitCode;

const COMMANDS: Readonly<Record<string, { run: Command; help: string }>> = {
  check: { run: runCheck, help: CHECK_HELP },
  optimize: { run: runOptimize, help: OPTIMIZE_HELP },
  rules: { run: runRules, help: RULES_HELP },
};

function dispatch(argv: readonly string[], io: CliIo): ExitCode {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command (see `pydockerfile --help`)');
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout(MAIN_HELP);
      return EXIT.ok;
    }
    const command = COMMANDS[topic];
    if (!command) throw new UsageError(`unknown command \`${topic}\` (see \`pydockerfile --help\`)`);
    io.stdout(command.help);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (command) return command.run(rest, io);
  if (first.startsWith('-')) {
    // Only global options may precede a command.
    const args = parseArgs([first], [{ name: 'help', short: 'h', takesValue: false }, { name: 'version', takesValue: false }], 'pydockerfile');
    if (hasFlag(args, 'help')) io.stdout(MAIN_HELP);
    else io.stdout(`${findVersion()}\n`);
    return EXIT.ok;
  }
  throw new UsageError(`unknown command \`${first}\` (expected check, optimize or rules; see \`pydockerfile --help\`)`);
}

/** Runs the CLI on argv (without the node and script paths) and returns the exit code. Never throws. */
export function runCli(argv: readonly string[], io: CliIo): ExitCode {
  try {
    return dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(programMessage(error.message));
      return EXIT.error;
    }
    // Anything else is a bug: one line for the user, exit 2 so CI does not pass silently.
    io.stderr(programMessage(`internal error: ${error instanceof Error ? error.message : String(error)}`));
    return EXIT.error;
  }
}
