// `pydockerfile rules`: the rule catalogue as a text table or a JSON array.
import { ALL_RULES } from '../rules/index';
import { hasFlag, lastValue, parseArgs, type OptionSpec } from './args';
import { formatRulesTable, toJsonRule } from './format';
import { RULES_HELP } from './help';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io';
import { findVersion } from './version';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'format', takesValue: true, choices: ['text', 'json'] },
  { name: 'help', short: 'h', takesValue: false },
  { name: 'version', takesValue: false },
];

/** Runs `rules` with the arguments after the command name; returns the exit code. */
export function runRules(argv: readonly string[], io: CliIo): ExitCode {
  const args = parseArgs(argv, OPTIONS, 'rules');
  if (hasFlag(args, 'help')) {
    io.stdout(RULES_HELP);
    return EXIT.ok;
  }
  if (hasFlag(args, 'version')) {
    io.stdout(`${findVersion()}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length > 0) throw new UsageError(`\`rules\` takes no arguments (got \`${args.positionals[0] ?? ''}\`)`);
  // Tombstones of removed rules stay in the registry for settings, but are not listed as rules.
  const rules = ALL_RULES.filter((r) => r.status !== 'removed');
  if (lastValue(args, 'format', 'text') === 'json') io.stdout(`${JSON.stringify(rules.map(toJsonRule), null, 2)}\n`);
  else io.stdout(`${formatRulesTable(rules).join('\n')}\n`);
  return EXIT.ok;
}
