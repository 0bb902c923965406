// `pydockerfile optimize`: print, diff or rewrite the optimized Dockerfile, summary on stderr.
import * as path from 'node:path';
import { lint } from '../engine/lint';
import { optimize, type OptimizeResult } from '../engine/optimize';
import { chooseFix } from '../fix/apply';
import { ruleByCode } from '../rules/index';
import { hasFlag, parseArgs, type OptionSpec } from './args';
import { writeFileAtomic } from './atomic-write';
import { OPTIMIZE_HELP } from './help';
import { EXIT, programMessage, UsageError, type CliIo, type ExitCode } from './io';
import { contextReader, describeFsError, readInputFile } from './read-input';
import { diffPath, unifiedDiff } from './unified-diff';
import { findVersion } from './version';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'unsafe', takesValue: false },
  { name: 'diff', takesValue: false },
  { name: 'write', takesValue: false },
  { name: 'help', short: 'h', takesValue: false },
  { name: 'version', takesValue: false },
];

/** The stderr summary: what was applied (code, count, rule name), what was skipped and why. */
export function formatOptimizeSummary(file: string, result: OptimizeResult, unsafeLeft: number, wrote: boolean): string {
  const total = result.applied.reduce((n, a) => n + a.count, 0);
  const lines: string[] = [];
  if (!result.changed) lines.push(`${file}: nothing to change`);
  else lines.push(`${file}: applied ${total} ${total === 1 ? 'fix' : 'fixes'}${wrote ? ' and rewrote the file' : ''}`);
  for (const { code, count } of result.applied) lines.push(`  ${code}  ${count}x  ${ruleByCode(code)?.name ?? ''}`.trimEnd());
  for (const { step, reason } of result.skipped) lines.push(`  skipped ${step}: ${reason}`);
  if (unsafeLeft > 0) lines.push(`  ${unsafeLeft} more ${unsafeLeft === 1 ? 'problem has an unsafe fix' : 'problems have unsafe fixes'}: review them with \`pydockerfile check --unsafe-fixes\`, apply with \`--unsafe\``);
  return lines.map((line) => `${line}\n`).join('');
}

/** Runs `optimize` with the arguments after the command name; returns the exit code. */
export function runOptimize(argv: readonly string[], io: CliIo): ExitCode {
  const args = parseArgs(argv, OPTIONS, 'optimize');
  if (hasFlag(args, 'help')) {
    io.stdout(OPTIMIZE_HELP);
    return EXIT.ok;
  }
  if (hasFlag(args, 'version')) {
    io.stdout(`${findVersion()}\n`);
    return EXIT.ok;
  }
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new UsageError('`optimize` needs a Dockerfile path (see `pydockerfile optimize --help`)');
  if (extra.length > 0) throw new UsageError('`optimize` takes exactly one Dockerfile path');
  if (hasFlag(args, 'diff') && hasFlag(args, 'write')) throw new UsageError('`--diff` and `--write` cannot be combined');

  const absolute = path.resolve(io.cwd, file);
  const input = readInputFile(absolute);
  if (input.kind === 'unreadable') {
    io.stderr(programMessage(`cannot read ${file}: ${input.reason}`));
    return EXIT.error;
  }
  if (input.kind === 'skipped') {
    io.stderr(programMessage(`cannot optimize ${file}: ${input.reason}`));
    return EXIT.error;
  }
  const unsafe = hasFlag(args, 'unsafe');
  const env = { today: io.today, readContextFile: contextReader(absolute) };
  const result = optimize(input.text, { unsafe, env });
  // Findings whose only fix is unsafe: worth a pointer, since the safe run left them alone.
  const unsafeLeft = unsafe ? 0 : lint(result.text, { env }).findings.filter((f) => !chooseFix(f, 'safe') && chooseFix(f, 'unsafe')).length;

  let wrote = false;
  if (hasFlag(args, 'write')) {
    if (result.changed) {
      try {
        writeFileAtomic(absolute, result.text);
        wrote = true;
      } catch (error) {
        io.stderr(programMessage(`cannot write ${file}: ${describeFsError(error)}`));
        return EXIT.error;
      }
    }
  } else if (hasFlag(args, 'diff')) {
    const label = diffPath(file);
    io.stdout(unifiedDiff(input.text, result.text, `a/${label}`, `b/${label}`));
  } else {
    io.stdout(result.text);
  }
  io.stderr(formatOptimizeSummary(file, result, unsafeLeft, wrote));
  return EXIT.ok;
}
