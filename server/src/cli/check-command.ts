// `pydockerfile check`: lint files and folders, print findings, exit by severity threshold.
import * as path from 'node:path';
import { lint, type LintOptions } from '../engine/lint';
import { ruleByCode, ruleByName } from '../rules/index';
import type { Severity, SeveritySetting } from '../rules/types';
import { hasFlag, lastValue, listValues, parseArgs, type OptionSpec } from './args';
import { discover } from './discover';
import { formatTextFinding, formatTextSummary, meetsThreshold, SEVERITY_ORDER, toJsonFinding, withoutBomColumns, type FileFinding } from './format';
import { CHECK_HELP } from './help';
import { EXIT, programMessage, UsageError, type CliIo, type ExitCode } from './io';
import { contextReader, readInputFile } from './read-input';
import { findVersion } from './version';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'format', takesValue: true, choices: ['text', 'json'] },
  { name: 'select', takesValue: true },
  { name: 'ignore', takesValue: true },
  { name: 'severity-threshold', takesValue: true, choices: SEVERITY_ORDER },
  { name: 'unsafe-fixes', takesValue: false },
  { name: 'help', short: 'h', takesValue: false },
  { name: 'version', takesValue: false },
];

/** Maps rule codes or names (any case for codes) to codes; unknown ones are a usage error. */
export function resolveRuleCodes(values: readonly string[], option: string): string[] {
  return values.map((value) => {
    const rule = ruleByCode(value) ?? ruleByName(value);
    if (!rule) throw new UsageError(`unknown rule \`${value}\` in \`--${option}\` (see \`pydockerfile rules\`)`);
    return rule.code;
  });
}

/** Lint options for one Dockerfile: rule selection plus the file's build context and today. */
function lintOptionsFor(file: string, io: CliIo, base: LintOptions): LintOptions {
  return { ...base, env: { today: io.today, readContextFile: contextReader(path.resolve(io.cwd, file)) } };
}

/** Runs `check` with the arguments after the command name; returns the exit code. */
export function runCheck(argv: readonly string[], io: CliIo): ExitCode {
  const args = parseArgs(argv, OPTIONS, 'check');
  if (hasFlag(args, 'help')) {
    io.stdout(CHECK_HELP);
    return EXIT.ok;
  }
  if (hasFlag(args, 'version')) {
    io.stdout(`${findVersion()}\n`);
    return EXIT.ok;
  }
  const format = lastValue(args, 'format', 'text');
  const threshold = lastValue(args, 'severity-threshold', 'warning') as Severity;
  const showUnsafe = hasFlag(args, 'unsafe-fixes');
  const selected = resolveRuleCodes(listValues(args, 'select'), 'select');
  const ignored = resolveRuleCodes(listValues(args, 'ignore'), 'ignore');
  const base: LintOptions = {
    ...(selected.length > 0 ? { only: selected } : {}),
    severities: Object.fromEntries(ignored.map((code): [string, SeveritySetting] => [code, 'off'])),
  };

  const found = discover(args.positionals.length > 0 ? args.positionals : ['.'], io.cwd);
  let unreadable = found.errors.length;
  for (const { path: p, reason } of found.errors) io.stderr(programMessage(`cannot read ${p}: ${reason}`));
  for (const dir of found.empty) io.stderr(programMessage(`no Dockerfiles found in ${dir}`));

  const results: FileFinding[] = [];
  let checked = 0;
  let skipped = 0;
  for (const file of found.files) {
    const input = readInputFile(path.resolve(io.cwd, file));
    if (input.kind === 'unreadable') {
      unreadable++;
      io.stderr(programMessage(`cannot read ${file}: ${input.reason}`));
      continue;
    }
    if (input.kind === 'skipped') {
      skipped++;
      io.stderr(programMessage(`skipping ${file}: ${input.reason}`));
      continue;
    }
    checked++;
    const options = lintOptionsFor(file, io, {
      ...base,
      // A crashing rule is our bug, not the user's: say so and keep the other rules' findings.
      onRuleError: (code, error) => io.stderr(programMessage(`internal error in rule ${code} while checking ${file}: ${error instanceof Error ? error.message : String(error)}`)),
    });
    for (const finding of lint(input.text, options).findings) results.push({ file, finding: withoutBomColumns(finding, input.text) });
  }

  if (format === 'json') {
    io.stdout(`${JSON.stringify(results.map((r) => toJsonFinding(r, showUnsafe ? 'unsafe' : 'safe')), null, 2)}\n`);
  } else {
    const lines = results.map((r) => formatTextFinding(r, showUnsafe));
    if (checked > 0) lines.push(...formatTextSummary({ filesChecked: checked, findings: results, threshold, showUnsafe }));
    if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
  }

  if (unreadable > 0) return EXIT.error;
  if (checked === 0) {
    // Skipped files alone, or folders without Dockerfiles: nothing was checked, which CI must not mistake for success.
    if (skipped === 0 && found.empty.length === 0) io.stderr(programMessage('no Dockerfiles to check'));
    return EXIT.error;
  }
  return results.some((r) => meetsThreshold(r.finding.severity, threshold)) ? EXIT.findings : EXIT.ok;
}
