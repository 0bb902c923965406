// `pydockerfile optimize`: print, diff or rewrite the optimized Dockerfile, summary on stderr.
import * as path from 'node:path';
import { configLintOptions } from '../config/resolve-config';
import { lint } from '../engine/lint';
import { optimize, type OptimizeResult } from '../engine/optimize';
import { chooseFix } from '../fix/apply';
import { ruleByCode } from '../rules/index';
import { hasFlag, listValues, parseArgs, type OptionSpec } from './args';
import { commitFiles, type FileWrite } from './atomic-write';
import { cliContext, contextFile, contextFileDiff, contextOption, CONTEXT_OPTION } from './build-context';
import { CliConfig, CONFIG_OPTIONS } from './cli-config';
import { OPTIMIZE_HELP } from './help';
import { EXIT, programMessage, UsageError, type CliIo, type ExitCode } from './io';
import { describeFsError, readInputFile } from './read-input';
import { diffPath, unifiedDiff } from './unified-diff';
import { findVersion } from './version';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'unsafe', takesValue: false },
  { name: 'no-unsafe', takesValue: false },
  { name: 'decisions', takesValue: true },
  { name: 'explain', takesValue: false },
  { name: 'diff', takesValue: false },
  { name: 'write', takesValue: false },
  CONTEXT_OPTION,
  ...CONFIG_OPTIONS,
  { name: 'help', short: 'h', takesValue: false },
  { name: 'version', takesValue: false },
];

/** The stderr summary: what was applied (code, count, rule name), what was skipped and why. */
export function formatOptimizeSummary(file: string, result: OptimizeResult, unsafeLeft: number, wrote: boolean): string {
  const total = result.applied.reduce((n, a) => n + a.count, 0);
  const lines: string[] = [];
  if (!result.changed) lines.push(`${file}: nothing to change`);
  // Counted in problems, like `check` ("[*] N problems fixable", "Fixed N problems"): findings
  // whose fix was applied, two findings sharing one edit counting twice, each Optimize step once.
  else lines.push(`${file}: fixed ${total} ${total === 1 ? 'problem' : 'problems'}${wrote ? ' and rewrote the file' : ''}`);
  for (const { code, count, via } of result.applied) lines.push(`  ${code}  ${count}x  ${ruleByCode(code)?.name ?? ''}${via ? ` (by the ${via} rewrite)` : ''}`.trimEnd());
  for (const { step, reason } of result.skipped) lines.push(`  skipped ${step}: ${reason}`);
  if (unsafeLeft > 0) lines.push(`  ${unsafeLeft} more ${unsafeLeft === 1 ? 'problem has an unsafe fix' : 'problems have unsafe fixes'}: review them with \`pydockerfile check --unsafe-fixes\`, apply with \`--unsafe\``);
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * `--explain`: each applied step with its code, each decision ticked or not and why, the
 * skipped steps with their reasons, and the estimate (labelled as one).
 */
export function formatOptimizeExplanation(result: OptimizeResult): string {
  const lines: string[] = ['', 'Applied steps:'];
  if (result.applied.length === 0) lines.push('  none');
  for (const { code, count, via } of result.applied) {
    const rule = ruleByCode(code);
    // A decision's rewrite fixed it, not the rule's own fix (whose title names another remedy).
    const what = via ? `by the ${via} rewrite: ${result.decisions.find((d) => d.id === via)?.title ?? via}` : (rule?.title ?? '');
    lines.push(`  ${code} ${rule?.name ?? ''} (${count}x): ${what}`.trimEnd());
  }
  lines.push('', 'Decisions (tick with --decisions id,id; --unsafe ticks the [default] ones):');
  if (result.decisions.length === 0) lines.push('  none: this file offers no unsafe step');
  for (const d of result.decisions) {
    const state = d.applied ? 'applied' : d.ticked ? 'ticked, not applied (see skipped)' : 'not ticked';
    lines.push(`  [${d.ticked ? 'x' : ' '}] ${d.id}${d.default ? ' [default]' : ''}: ${state} (${d.codes.join(', ')})`);
    lines.push(`      ${d.title}`);
    lines.push(`      ${d.explanation}`);
  }
  lines.push('', 'Skipped:');
  if (result.skipped.length === 0) lines.push('  nothing');
  for (const { step, reason } of result.skipped) lines.push(`  ${step}: ${reason}`);
  lines.push('', `Estimate (not a measurement; size data checked ${result.estimate.dataDate || 'n/a'}):`);
  if (result.estimate.lines.length === 0) lines.push('  no size or cache effect to report');
  for (const line of result.estimate.lines) lines.push(`  ${line}`);
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
  if (hasFlag(args, 'unsafe') && hasFlag(args, 'no-unsafe')) throw new UsageError('`--unsafe` and `--no-unsafe` cannot be combined');
  // Flags override the configuration file's `optimize.include-unsafe`.
  const unsafeFlag = hasFlag(args, 'unsafe') ? true : hasFlag(args, 'no-unsafe') ? false : undefined;
  const config = new CliConfig(args, { source: { kind: 'command-line' }, ...(unsafeFlag !== undefined ? { includeUnsafe: unsafeFlag } : {}) }, io);

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
  const resolved = config.forFolder(path.dirname(absolute));
  if ('error' in resolved) {
    io.stderr(programMessage(`cannot optimize ${file}: ${resolved.error}`));
    return EXIT.error;
  }
  const unsafe = resolved.config.includeUnsafe;
  // The same workspace model as `check`: the build context is `--context` or the file's folder.
  const context = cliContext(absolute, contextOption(args, io.cwd));
  const options = { ...configLintOptions(resolved.config), env: { today: io.today, workspace: context.workspace, dockerfile: context.dockerfile } };
  // `--decisions a,b` ticks exactly those steps (an empty list: none), whatever `--unsafe` says.
  const decisions = hasFlag(args, 'decisions') ? listValues(args, 'decisions') : undefined;
  // Other files of the build context (`.dockerignore`, an entry script's `exec`) come from the same
  // run as the Dockerfile, exactly as the editor gets them: their fixes are decisions like any other.
  const result = optimize(input.text, { ...options, unsafe, otherFiles: true, ...(decisions ? { decisions } : {}) });
  const others = result.files.map((change) => ({ change, ...contextFile(context, change.path, io.cwd) }));
  // Findings whose only fix is unsafe: worth a pointer, since the safe run left them alone.
  const unsafeLeft = unsafe ? 0 : lint(result.text, options).findings.filter((f) => !chooseFix(f, 'safe') && chooseFix(f, 'unsafe')).length;

  let wrote = false;
  if (hasFlag(args, 'write')) {
    // `changed` also counts other files; the Dockerfile itself is rewritten only when its text changed.
    const dockerfileChanged = result.text !== input.text;
    if (dockerfileChanged || others.length > 0) {
      // One change: every file is staged first, so a failure leaves all of them as they were.
      const writes: FileWrite[] = others.map((o) => ({ file: o.absolute, content: o.change.after, create: o.change.created }));
      if (dockerfileChanged) writes.push({ file: absolute, content: result.text, create: false });
      try {
        commitFiles(writes);
        wrote = dockerfileChanged;
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
  if (hasFlag(args, 'explain')) io.stderr(formatOptimizeExplanation(result));
  // Standard output holds the Dockerfile alone: the other files a fix creates or changes are listed here.
  const written = hasFlag(args, 'write');
  for (const o of others) io.stderr(`${o.file}: ${written ? (o.change.created ? 'created' : 'changed') : `would be ${o.change.created ? 'created' : 'changed'}`} by a fix${written ? '' : ' (`--write` applies it)'}\n${written ? '' : contextFileDiff(o.file, o.change)}`);
  return EXIT.ok;
}
