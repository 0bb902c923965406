// `pydockerfile check`: lint files, folders, globs or stdin; print findings in one of six formats;
// optionally fix in place (`--fix`) or show the fixes as a diff (`--diff`); exit by threshold.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigLayer } from '../config/config-layer';
import { configLintOptions, type EffectiveConfig } from '../config/resolve-config';
import { inputRefusal } from '../engine/guards';
import { enabledRules, lint, type Finding, type LintOptions } from '../engine/lint';
import { fixAll, type FileChange } from '../fix/apply';
import { ALL_RULES } from '../rules/index';
import type { Applicability, Severity } from '../rules/types';
import { DiskSnapshot } from '../workspace/node-fs';
import type { Workspace } from '../workspace/workspace';
import { hasFlag, lastValue, parseArgs, type OptionSpec, type ParsedArgs } from './args';
import { commitFiles, type FileWrite } from './atomic-write';
import { cliContext, contextOption, CONTEXT_OPTION, RunDisk } from './build-context';
import { formatCheckstyle } from './checkstyle';
import { CliConfig, CONFIG_OPTIONS, displayPath, resolveFlagCodes } from './cli-config';
import { formatCodeClimate } from './codeclimate';
import { colorEnabled, palette } from './color';
import { discover, isDockerfileName, type Discovery } from './discover';
import {
  allFindings,
  formatSourceExcerpt,
  formatStatistics,
  formatTextFinding,
  formatTextSummary,
  meetsThreshold,
  SEVERITY_ORDER,
  statistics,
  toJsonFinding,
  withoutBomColumns,
  type CheckedFile,
} from './format';
import { formatGithub } from './github-format';
import { expandGlob, isGlob } from './glob';
import { CHECK_HELP } from './help';
import { EXIT, programMessage, UsageError, type CliIo, type ExitCode } from './io';
import { parallelMap, type ParallelHandshake } from './parallel';
import { decodeText, describeFsError, readInputFile } from './read-input';
import { reportRoot } from './report-root';
import { formatSarif } from './sarif';
import { diffPath, unifiedDiff } from './unified-diff';
import { findVersion } from './version';

/** The output formats of `check`. */
export const CHECK_FORMATS = ['text', 'json', 'sarif', 'github', 'codeclimate', 'checkstyle'] as const;
type CheckFormat = (typeof CHECK_FORMATS)[number];

const OPTIONS: readonly OptionSpec[] = [
  { name: 'format', takesValue: true, choices: CHECK_FORMATS },
  { name: 'select', takesValue: true },
  { name: 'ignore', takesValue: true },
  { name: 'severity-threshold', takesValue: true, choices: SEVERITY_ORDER },
  { name: 'failure-threshold', takesValue: true, choices: SEVERITY_ORDER },
  { name: 'preview', takesValue: false },
  { name: 'unsafe-fixes', takesValue: false },
  { name: 'no-unsafe-fixes', takesValue: false },
  { name: 'fix', takesValue: false },
  { name: 'diff', takesValue: false },
  { name: 'statistics', takesValue: false },
  { name: 'show-source', takesValue: false },
  { name: 'stdin-filename', takesValue: true },
  CONTEXT_OPTION,
  ...CONFIG_OPTIONS,
  { name: 'help', short: 'h', takesValue: false },
  { name: 'version', takesValue: false },
];

/** One input to check: a file on disk, or standard input. */
interface Input {
  /** The path shown in the output. */
  file: string;
  absolute: string | undefined;
  /** Folder whose configuration applies (the file's, or the working folder for nameless stdin). */
  folder: string;
  stdin: boolean;
  /** The build context folder (`--context`), when it is not the Dockerfile's own folder. */
  context?: string;
}

/** What the run did, for the exit code and the summaries. */
interface RunState {
  errors: number;
  skipped: number;
  checked: CheckedFile[];
  /** Fixes applied (or, with `--diff`, that would be) and the files they touch. */
  fixed: number;
  fixedFiles: number;
  /** Text of standard input after `--fix`. */
  stdinOutput: string | undefined;
  diffs: string[];
  thresholds: Map<string, Severity>;
  /** Codes of the rules that ran on some input (SARIF describes these). */
  ran: Set<string>;
  /** What the run (or this thread of it) remembers about the disk. */
  disk: RunDisk;
}

/** The command-line flags as the highest configuration layer. */
function flagLayer(args: ParsedArgs, io: CliIo): ConfigLayer {
  const select = resolveFlagCodes(args, 'select', io);
  const ignore = resolveFlagCodes(args, 'ignore', io);
  const threshold = args.options.get('severity-threshold')?.at(-1) ?? args.options.get('failure-threshold')?.at(-1);
  const unsafe = hasFlag(args, 'unsafe-fixes') ? true : hasFlag(args, 'no-unsafe-fixes') ? false : undefined;
  if (hasFlag(args, 'unsafe-fixes') && hasFlag(args, 'no-unsafe-fixes')) throw new UsageError('`--unsafe-fixes` and `--no-unsafe-fixes` cannot be combined');
  return {
    source: { kind: 'command-line' },
    ...(select.length > 0 ? { select } : {}),
    ...(ignore.length > 0 ? { ignore } : {}),
    ...(threshold !== undefined ? { failureThreshold: threshold as Severity } : {}),
    ...(hasFlag(args, 'preview') ? { preview: true } : {}),
    ...(unsafe !== undefined ? { includeUnsafe: unsafe } : {}),
  };
}

/** Rejects option combinations that have no sensible meaning. */
function checkCombinations(args: ParsedArgs, format: CheckFormat): void {
  if (hasFlag(args, 'statistics') && format !== 'text' && format !== 'json') throw new UsageError('`--statistics` works with `--format text` or `json`');
  if (hasFlag(args, 'show-source') && format !== 'text') throw new UsageError('`--show-source` works with `--format text` only');
  if (hasFlag(args, 'diff') && (format !== 'text' || hasFlag(args, 'statistics'))) throw new UsageError('`--diff` prints a diff and cannot be combined with `--format` or `--statistics`');
}

/** The glob's files that count as Dockerfiles: a bare `*` keeps only Dockerfile names, a pattern with text keeps what it names. */
function globTargets(pattern: string, cwd: string): string[] {
  const last = pattern.replace(/\\/g, '/').split('/').pop() ?? '';
  const literal = /[^*?]/.test(last);
  return expandGlob(pattern, cwd).filter((match) => {
    const stat = fs.statSync(path.resolve(cwd, match), { throwIfNoEntry: false });
    return stat !== undefined && (stat.isDirectory() || literal || isDockerfileName(path.basename(match)));
  });
}

/** Files, folders and glob patterns → the Dockerfiles to check. Folders matched by a glob may hold none. */
function discoverInputs(positionals: readonly string[], cwd: string, snapshot: DiskSnapshot | undefined): Discovery {
  const plain: string[] = [];
  const globbed: string[] = [];
  const errors: Discovery['errors'] = [];
  for (const given of positionals) {
    if (!isGlob(given) || fs.existsSync(path.resolve(cwd, given))) {
      plain.push(given);
      continue;
    }
    const matches = globTargets(given, cwd);
    if (matches.length === 0) errors.push({ path: given, reason: 'no files match this pattern' });
    globbed.push(...matches);
  }
  const found = discover(plain, cwd, snapshot);
  const fromGlobs = discover(globbed, cwd, snapshot);
  const seen = new Set(found.files.map((f) => path.resolve(cwd, f)));
  return {
    files: [...found.files, ...fromGlobs.files.filter((f) => !seen.has(path.resolve(cwd, f)))],
    errors: [...errors, ...found.errors, ...fromGlobs.errors],
    empty: found.empty,
  };
}

/** Reads standard input as a Dockerfile, or says why it cannot be checked. */
function readStdinText(io: CliIo): { text: string } | { error: string } {
  if (!io.readStdin) return { error: 'standard input is not available' };
  let bytes: Uint8Array;
  try {
    bytes = io.readStdin();
  } catch (error) {
    return { error: `cannot read standard input: ${describeFsError(error)}` };
  }
  const decoded = decodeText(bytes);
  if (decoded.kind !== 'text') return { error: `cannot check standard input: ${decoded.reason}` };
  const refusal = inputRefusal(decoded.text);
  return refusal ? { error: `cannot check standard input: ${refusal.reason}` } : { text: decoded.text };
}

/**
 * Lint options for one input under its configuration. The build context is the Dockerfile's
 * folder, read through a fresh workspace each time (so a lint after `--fix` sees the files
 * the fixes wrote). Standard input without a name has no build context.
 */
function lintOptionsFor(input: Input, config: EffectiveConfig, io: CliIo, disk: RunDisk): LintOptions {
  const built = input.absolute !== undefined ? cliContext(input.absolute, input.context, disk) : undefined;
  const context = built ? { workspace: built.workspace, dockerfile: built.dockerfile } : {};
  return {
    ...configLintOptions(config),
    env: { today: io.today, ...context },
    // A crashing rule is our bug, not the user's: say so and keep the other rules' findings.
    onRuleError: (code, error) => io.stderr(programMessage(`internal error in rule ${code} while checking ${input.file}: ${error instanceof Error ? error.message : String(error)}`)),
  };
}

/** Where a file of the input's build context is, as shown and on disk. */
function contextFile(input: Input, relative: string): { file: string; absolute: string | undefined } {
  const parts = relative.split('/');
  // The build context is `--context`, else the Dockerfile's folder; paths are shown like the Dockerfile's.
  const base = input.context ?? (input.absolute !== undefined ? path.dirname(input.absolute) : undefined);
  if (base === undefined) return { file: path.join(path.dirname(input.file), ...parts), absolute: undefined };
  const absolute = path.join(base, ...parts);
  const fromDockerfile = input.absolute !== undefined ? path.relative(path.dirname(input.absolute), absolute) : path.join(...parts);
  return { file: path.join(path.dirname(input.file), fromDockerfile), absolute };
}

/** A unified diff of one changed file; a created file is diffed against `/dev/null`. */
function fileDiff(label: string, before: string, after: string, created: boolean): string {
  const name = diffPath(label);
  return unifiedDiff(before, after, created ? '/dev/null' : `a/${name}`, `b/${name}`);
}

/**
 * `--fix` / `--diff` for one input: fixes to a fixpoint, including the fixes that change other
 * files of the build context (a new `.dockerignore`, an entry script). `--fix` writes every
 * changed file through commitFiles (temp files first, then moved into place: never a
 * half-written file, and nothing at all when a write fails); `--diff` prints the changes;
 * standard input gets its fixed text on stdout and never touches other files. Returns the
 * text to report findings on: the fixed text, or the original when nothing was written.
 */
function applyFixes(input: Input, text: string, options: LintOptions, level: Applicability, args: ParsedArgs, io: CliIo, state: RunState): string {
  let result: ReturnType<typeof fixAll>;
  try {
    // Standard input never touches other files: fixes that need one are not applied (nor counted).
    result = fixAll(text, { ...options, level, ...(input.stdin ? { otherFiles: false } : {}) });
  } catch (error) {
    state.errors++;
    io.stderr(programMessage(`internal error while fixing ${input.file}, which was left unchanged: ${error instanceof Error ? error.message : String(error)}`));
    return text;
  }
  const others: FileChange[] = input.stdin ? [] : result.files;
  const count = [...result.applied.values()].reduce((n, c) => n + c, 0);
  if (input.stdin && !hasFlag(args, 'diff')) state.stdinOutput = result.text;
  if (result.text === text && others.length === 0) return text;
  if (hasFlag(args, 'diff')) {
    if (result.text !== text) state.diffs.push(fileDiff(input.file, text, result.text, false));
    for (const change of others) state.diffs.push(fileDiff(contextFile(input, change.path).file, change.before, change.after, change.created));
    state.fixed += count;
    state.fixedFiles++;
    return text;
  }
  if (!input.stdin && input.absolute !== undefined) {
    const writes: FileWrite[] = others.map((change) => ({ file: contextFile(input, change.path).absolute ?? change.path, content: change.after, create: change.created }));
    if (result.text !== text) writes.push({ file: input.absolute, content: result.text, create: false });
    try {
      commitFiles(writes);
    } catch (error) {
      state.errors++;
      io.stderr(programMessage(`cannot write the fixes of ${input.file}, which was left unchanged: ${describeFsError(error)}`));
      return text;
    }
    for (const change of others) io.stderr(programMessage(`${change.created ? 'created' : 'changed'} ${contextFile(input, change.path).file} (a fix for ${input.file})`));
  }
  state.fixed += count;
  state.fixedFiles++;
  return result.text;
}

/**
 * Findings in other files of the build context, grouped per file, with those files' text: as
 * the lint's workspace read it (no second read from disk), else read now (CI files outside the context).
 */
function otherFileResults(input: Input, findings: readonly Finding[], level: Applicability, workspace: Workspace | undefined): CheckedFile[] {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.file === undefined) continue;
    byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  }
  return [...byFile].map(([relative, list]) => {
    const { file, absolute } = contextFile(input, relative);
    const cached = workspace?.text(relative);
    const read = cached === undefined && absolute !== undefined ? readInputFile(absolute) : undefined;
    const text = cached ?? (read?.kind === 'text' ? read.text : '');
    return { file, absolute, text, findings: list.map((f) => withoutBomColumns(f, text)), level };
  });
}

/** The codes of the rules each configuration enables; a tree of projects mostly shares one configuration object. */
const codesByConfig = new WeakMap<EffectiveConfig, readonly string[]>();

function enabledCodes(config: EffectiveConfig): readonly string[] {
  let codes = codesByConfig.get(config);
  if (!codes) {
    codes = enabledRules(configLintOptions(config)).map((rule) => rule.code);
    codesByConfig.set(config, codes);
  }
  return codes;
}

/** Checks one input: configuration, optional fixes, findings (of the Dockerfile and of files it uses). */
function checkInput(input: Input, text: string, config: CliConfig, args: ParsedArgs, io: CliIo, state: RunState): void {
  const resolved = config.forFolder(input.folder);
  if ('error' in resolved) {
    state.errors++;
    io.stderr(programMessage(`cannot check ${input.file}: ${resolved.error}`));
    return;
  }
  const enabled = enabledCodes(resolved.config);
  if (enabled.length === 0 && resolved.config.select?.length === 0) {
    // A config `select` whose every code is unknown (a typo, or a code of a newer version) is
    // read as an empty list with only a warning: the run would pass green without checking
    // anything. (`--select X --ignore X` selects something and stays a deliberate no-op.)
    state.errors++;
    const where = resolved.file !== undefined ? ` in ${displayPath(resolved.file, io.cwd)}` : '';
    io.stderr(programMessage(`cannot check ${input.file}: \`select\`${where} names no known rule, so nothing would be checked`));
    return;
  }
  const level: Applicability = resolved.config.includeUnsafe ? 'unsafe' : 'safe';
  for (const code of enabled) state.ran.add(code);
  const fixing = hasFlag(args, 'fix') || hasFlag(args, 'diff');
  const current = fixing ? applyFixes(input, text, lintOptionsFor(input, resolved.config, io, state.disk), level, args, io, state) : text;
  const options = lintOptionsFor(input, resolved.config, io, state.disk);
  const result = lint(current, options);
  const files: CheckedFile[] = [{ file: input.file, absolute: input.absolute, text: current, findings: result.findings.map((f) => withoutBomColumns(f, current)), level }];
  if (input.absolute !== undefined) files.push(...otherFileResults(input, result.otherFiles, level, options.env?.workspace));
  for (const file of files) {
    state.checked.push(file);
    if (!state.thresholds.has(file.file)) state.thresholds.set(file.file, resolved.config.failureThreshold);
  }
}

/** The findings report in the chosen format. */
function render(format: CheckFormat, args: ParsedArgs, io: CliIo, state: RunState): string {
  const { checked } = state;
  const findings = allFindings(checked);
  // One lookup per finding: a scan of every file per finding was quadratic over a large tree.
  const levels = new Map<string, Applicability>();
  for (const c of checked) if (!levels.has(c.file)) levels.set(c.file, c.level);
  const levelOf = (file: string): Applicability => levels.get(file) ?? 'safe';
  const showUnsafe = checked.some((c) => c.level === 'unsafe');
  if (hasFlag(args, 'statistics')) {
    const rows = statistics(findings, showUnsafe ? 'unsafe' : 'safe');
    if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
    const colors = palette(colorEnabled(io.env ?? {}, io.stdoutIsTTY === true));
    const lines = formatStatistics(rows, colors);
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }
  switch (format) {
    case 'json':
      return `${JSON.stringify(findings.map((r) => toJsonFinding(r, levelOf(r.file))), null, 2)}\n`;
    case 'sarif':
      return formatSarif(checked, { version: findVersion(), cwd: io.cwd, root: reportRoot(io.cwd), rules: ALL_RULES.filter((r) => state.ran.has(r.code)), successful: state.errors === 0 });
    case 'github':
      return formatGithub(checked, io.cwd, reportRoot(io.cwd));
    case 'codeclimate':
      return formatCodeClimate(checked, ALL_RULES, io.cwd, reportRoot(io.cwd));
    case 'checkstyle':
      return formatCheckstyle(checked);
    case 'text': {
      const colors = palette(colorEnabled(io.env ?? {}, io.stdoutIsTTY === true));
      const lines: string[] = [];
      for (const file of checked) {
        for (const finding of file.findings) {
          lines.push(formatTextFinding({ file: file.file, finding }, file.level === 'unsafe', colors));
          if (hasFlag(args, 'show-source')) lines.push(...formatSourceExcerpt(file.text, finding, colors));
        }
      }
      if (checked.length > 0) {
        if (hasFlag(args, 'fix') && state.fixed > 0) lines.push(`Fixed ${state.fixed} ${state.fixed === 1 ? 'problem' : 'problems'} in ${state.fixedFiles} ${state.fixedFiles === 1 ? 'file' : 'files'}`);
        const thresholds = new Set(state.thresholds.values());
        const failing = findings.filter((f) => meetsThreshold(f.finding.severity, state.thresholds.get(f.file) ?? 'warning')).length;
        lines.push(...formatTextSummary({ filesChecked: checked.length, findings, threshold: thresholds.size === 1 ? [...thresholds][0] ?? 'warning' : undefined, failing, showUnsafe }));
      }
      return lines.length > 0 ? `${lines.join('\n')}\n` : '';
    }
  }
}

/** The inputs named on the command line (files, folders, globs) or standard input. */
function collectInputs(args: ParsedArgs, io: CliIo, state: RunState): { inputs: Input[]; empty: string[] } {
  const stdinName = args.options.get('stdin-filename')?.at(-1);
  const useStdin = args.positionals.includes('-') || (stdinName !== undefined && args.positionals.length === 0);
  if (useStdin) {
    if (args.positionals.some((p) => p !== '-') || args.positionals.length > 1) throw new UsageError('`-` (standard input) cannot be combined with other paths');
    const absolute = stdinName !== undefined ? path.resolve(io.cwd, stdinName) : undefined;
    const context = contextOption(args, io.cwd);
    return { inputs: [{ file: stdinName ?? '-', absolute, folder: absolute ? path.dirname(absolute) : io.cwd, stdin: true, ...(context !== undefined ? { context } : {}) }], empty: [] };
  }
  if (stdinName !== undefined) throw new UsageError('`--stdin-filename` names standard input: pass `-` instead of paths');
  const found = discoverInputs(args.positionals.length > 0 ? args.positionals : ['.'], io.cwd, state.disk.snapshot);
  state.errors += found.errors.length;
  for (const { path: p, reason } of found.errors) io.stderr(programMessage(`cannot read ${p}: ${reason}`));
  for (const dir of found.empty) io.stderr(programMessage(`no Dockerfiles found in ${dir}`));
  const context = contextOption(args, io.cwd);
  const inputs = found.files.map((file): Input => {
    const absolute = path.resolve(io.cwd, file);
    return { file, absolute, folder: path.dirname(absolute), stdin: false, ...(context !== undefined ? { context } : {}) };
  });
  return { inputs, empty: found.empty };
}

/** A run with nothing done yet. */
function newRunState(disk: RunDisk): RunState {
  return { errors: 0, skipped: 0, checked: [], fixed: 0, fixedFiles: 0, stdinOutput: undefined, diffs: [], thresholds: new Map(), ran: new Set(), disk };
}

/**
 * What a run (or one thread of it) remembers about the disk. Folder listings are shared only
 * by runs that write no files: after `--fix` writes, a lint must see the disk as it is now.
 */
function runDisk(args: ParsedArgs): RunDisk {
  return new RunDisk(hasFlag(args, 'fix') ? undefined : new DiskSnapshot());
}

/** Reads and checks one input file, or says why it cannot be checked. */
function checkFileInput(input: Input, config: CliConfig, args: ParsedArgs, io: CliIo, state: RunState): void {
  const file = readInputFile(input.absolute ?? input.file);
  if (file.kind === 'unreadable') {
    state.errors++;
    io.stderr(programMessage(`cannot read ${input.file}: ${file.reason}`));
  } else if (file.kind === 'skipped') {
    state.skipped++;
    io.stderr(programMessage(`skipping ${input.file}: ${file.reason}`));
  } else {
    checkInput(input, file.text, config, args, io, state);
  }
}

/** The worker-thread task name of `check` (the CLI entry dispatches on it). */
export const CHECK_TASK = 'check';

/** Fewest files per thread worth a worker's start-up (its own load and warm-up of the engine). */
const FILES_PER_THREAD = 40;

/** Everything a worker thread needs to check inputs exactly as this thread would. */
interface CheckPayload {
  argv: readonly string[];
  cwd: string;
  today: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  inputs: readonly Input[];
}

/** What checking one input produced: merged in input order, it equals a run on one thread. */
interface InputOutcome {
  checked: CheckedFile[];
  thresholds: [string, Severity][];
  ran: string[];
  errors: number;
  skipped: number;
  stderr: string[];
}

/**
 * Worker threads for this run: only plain checks of many files on disk use them (fixes write
 * files and standard input is one file), at most one per spare core and per FILES_PER_THREAD files.
 */
function threadsFor(inputs: readonly Input[], args: ParsedArgs, io: CliIo): number | ((remaining: number) => number) {
  if (!io.threads || hasFlag(args, 'fix') || hasFlag(args, 'diff') || inputs.some((i) => i.stdin)) return 0;
  const byFiles = Math.floor(inputs.length / FILES_PER_THREAD) - 1;
  if (byFiles <= 0) return 0;
  const { workers } = io.threads;
  // Asked once this thread has checked files for a while: a worker then still needs its own
  // start-up (about as long as this thread takes for FILES_PER_THREAD files), so it is worth
  // starting only with twice that many files left for it.
  if (typeof workers === 'function') return (remaining) => Math.max(0, Math.min(workers(), Math.floor(remaining / (2 * FILES_PER_THREAD))));
  return Math.max(0, Math.min(workers, byFiles));
}

/**
 * How long a check works on its own thread before it asks how many workers to start, when that
 * is measured (`CliIo.threads`): long enough for the kernel's 10 ms CPU accounting to tell an
 * idle core from a busy one, short against the seconds a check over many files takes.
 */
const DECIDE_WORKERS_AFTER_MS = 100;

/**
 * Checks input `index` on its own, with what it prints on stderr kept (configuration warnings
 * included), so the outcome can cross threads. Each thread has its own configuration cache
 * (and its own memory of the disk, unless given the one the run's discovery filled).
 */
function inputOutcome(payload: CheckPayload, args: ParsedArgs, flags: ConfigLayer, disk: RunDisk = runDisk(args)): (index: number) => InputOutcome {
  let stderr: string[] = [];
  const io: CliIo = { stdout: () => undefined, stderr: (text) => void stderr.push(text), cwd: payload.cwd, today: payload.today, env: payload.env, stdoutIsTTY: payload.stdoutIsTTY };
  const config = new CliConfig(args, flags, io, disk.snapshot);
  return (index) => {
    stderr = [];
    const state = newRunState(disk);
    const input = payload.inputs[index];
    if (input) checkFileInput(input, config, args, io, state);
    return { checked: state.checked, thresholds: [...state.thresholds], ran: [...state.ran], errors: state.errors, skipped: state.skipped, stderr };
  };
}

/** Adds the outcomes to the run in input order; a config warning seen on several threads is printed once. */
function mergeOutcomes(outcomes: readonly InputOutcome[], io: CliIo, state: RunState): void {
  const printed = new Set<string>();
  for (const outcome of outcomes) {
    state.errors += outcome.errors;
    state.skipped += outcome.skipped;
    state.checked.push(...outcome.checked);
    for (const [file, severity] of outcome.thresholds) if (!state.thresholds.has(file)) state.thresholds.set(file, severity);
    for (const code of outcome.ran) state.ran.add(code);
    for (const line of outcome.stderr) {
      if (line.startsWith(programMessage('warning:').trimEnd())) {
        if (printed.has(line)) continue;
        printed.add(line);
      }
      io.stderr(line);
    }
  }
}

/**
 * The worker-thread side of `check`: rebuilds the run's configuration from the same command
 * line and returns the function that checks one input (see parallel.ts).
 */
export function checkWorkerTask(handshake: ParallelHandshake): (index: number) => InputOutcome {
  const payload = handshake.payload as CheckPayload;
  // Warnings about the command line were printed by the main thread already.
  const quiet: CliIo = { stdout: () => undefined, stderr: () => undefined, cwd: payload.cwd, today: payload.today, env: payload.env, stdoutIsTTY: payload.stdoutIsTTY };
  const args = parseArgs(payload.argv, OPTIONS, 'check');
  return inputOutcome(payload, args, flagLayer(args, quiet));
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
  const format = lastValue(args, 'format', 'text') as CheckFormat;
  checkCombinations(args, format);
  const flags = flagLayer(args, io);
  const disk = runDisk(args);
  const config = new CliConfig(args, flags, io, disk.snapshot);
  const explicitError = config.explicitError();
  if (explicitError !== undefined) {
    io.stderr(programMessage(explicitError));
    return EXIT.error;
  }
  const state: RunState = newRunState(disk);
  const { inputs, empty } = collectInputs(args, io, state);
  const workers = threadsFor(inputs, args, io);
  if ((typeof workers === 'function' || workers > 0) && io.threads) {
    const payload: CheckPayload = { argv, cwd: io.cwd, today: io.today, env: { ...(io.env ?? {}) }, stdoutIsTTY: io.stdoutIsTTY === true, inputs };
    const outcomes = parallelMap(inputs.length, inputOutcome(payload, args, flags, disk), { script: io.threads.script, task: CHECK_TASK, payload, workers, decideAfterMs: DECIDE_WORKERS_AFTER_MS });
    mergeOutcomes(outcomes, io, state);
  } else {
    for (const input of inputs) {
      if (input.stdin) {
        const read = readStdinText(io);
        if ('error' in read) {
          state.errors++;
          io.stderr(programMessage(read.error));
        } else {
          checkInput(input, read.text, config, args, io, state);
        }
        continue;
      }
      checkFileInput(input, config, args, io, state);
    }
  }

  const stdinFixed = state.stdinOutput !== undefined;
  if (hasFlag(args, 'diff')) {
    io.stdout(state.diffs.join(''));
    io.stderr(programMessage(state.fixed > 0 ? `would fix ${state.fixed} ${state.fixed === 1 ? 'problem' : 'problems'} in ${state.fixedFiles} ${state.fixedFiles === 1 ? 'file' : 'files'}` : 'no fixes to apply'));
  } else {
    // With `check --fix -` the fixed Dockerfile owns stdout, so the report goes to stderr.
    if (stdinFixed) io.stdout(state.stdinOutput ?? '');
    const report = render(format, args, io, state);
    if (report !== '' && stdinFixed) io.stderr(report);
    else if (report !== '') io.stdout(report);
    if (hasFlag(args, 'fix') && format !== 'text' && state.fixed > 0) io.stderr(programMessage(`fixed ${state.fixed} ${state.fixed === 1 ? 'problem' : 'problems'} in ${state.fixedFiles} ${state.fixedFiles === 1 ? 'file' : 'files'}`));
  }

  if (state.errors > 0) return EXIT.error;
  if (state.checked.length === 0) {
    // Skipped files alone, or folders without Dockerfiles: nothing was checked, which CI must not mistake for success.
    if (state.skipped === 0 && empty.length === 0) io.stderr(programMessage('no Dockerfiles to check'));
    return EXIT.error;
  }
  if (hasFlag(args, 'diff')) return state.fixedFiles > 0 ? EXIT.findings : EXIT.ok;
  const failing = allFindings(state.checked).some((r) => meetsThreshold(r.finding.severity, state.thresholds.get(r.file) ?? 'warning'));
  return failing ? EXIT.findings : EXIT.ok;
}
