// What the final image runs and where it listens: effective argv, Python servers, ports, gunicorn
// settings, and the ENV it carries.
import type { Property } from 'dockerfile-ast';
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { perStageMemo } from '../model/memo';
import { stageChainInstructions, type Stage } from '../model/stages';
import { effectiveWords } from '../shell/query';
import { classifySource, copyOperands, joinPath, normalizePath, sourcePathFor, substitute, variablesBefore, variableLookupBefore, workdirBefore } from './copy-paths';
import { chainCommands } from './entrypoint-helpers';
import { chainEnv } from './env-helpers';
import type { LintEnvironment } from './types';

/** One argument of the command, with its document offsets (the whole JSON string in exec form). */
export interface ArgvWord {
  value: string;
  start: number;
  end: number;
  /** True for a shell-form word with `$…`: the shell expands it when the container starts. */
  expands: boolean;
}

/** The command the final image starts with. */
export interface EffectiveCommand {
  argv: ArgvWord[];
  /** The ENTRYPOINT and/or CMD it comes from, in that order. */
  instructions: InstructionInfo[];
}

/** The argv of an exec-form instruction. */
function execArgv(model: DocumentModel, info: InstructionInfo): ArgvWord[] {
  const node = info.node as unknown as { getJSONStrings(): { getJSONValue(): string; getRange(): InstructionInfo['range'] }[] };
  return node.getJSONStrings().map((s) => ({
    value: s.getJSONValue(),
    start: model.text.offsetAt(s.getRange().start),
    end: model.text.offsetAt(s.getRange().end),
    expands: false,
  }));
}

/**
 * The argv of the command a shell-form instruction finally runs: the last command of a plain
 * `a && b; c` list (wrappers such as `exec` or `env X=1` stripped), or null when the shell
 * does more than that (pipes, background jobs, subshells, if/for, syntax errors).
 */
function shellArgv(model: DocumentModel, info: InstructionInfo): ArgvWord[] | null {
  const script = model.shellOf(info);
  if (!script || script.error !== undefined || script.opaque.length > 0) return null;
  const commands = script.commands;
  const last = commands[commands.length - 1];
  if (!last || commands.some((c) => c.depth !== 0 || c.negated || (c !== last && c.connector !== '&&' && c.connector !== ';'))) return null;
  return effectiveWords(last).map((w) => ({ value: w.value, start: w.start, end: w.end, expands: w.hasExpansion }));
}

/**
 * The argv the final stage starts with, or null when it cannot be read reliably. Read once per
 * stage (shared: do not change it): several rules ask for the final command in every lint.
 */
export function effectiveCommand(model: DocumentModel, stage: Stage): EffectiveCommand | null {
  return stageService(model, stage).command;
}

/** The command a stage starts with and the Python server it names. */
export interface StageService {
  command: EffectiveCommand | null;
  /** The server {@link serverInvocation} finds in the command's argv, or null. */
  invocation: ServerInvocation | null;
}

/** {@link StageService} of a stage, read once per stage (shared: do not change it). */
export function stageService(model: DocumentModel, stage: Stage): StageService {
  return serviceOf(stage, model);
}

const serviceOf = perStageMemo((stage: Stage, model: DocumentModel): StageService => {
  const command = readEffectiveCommand(model, stage);
  return { command, invocation: command ? serverInvocation(command.argv) : null };
});

function readEffectiveCommand(model: DocumentModel, stage: Stage): EffectiveCommand | null {
  // A custom SHELL changes what shell form means (exec form does not use it).
  const { cmd, entrypoint, customShell } = chainCommands(stage);
  const argvOf = (info: InstructionInfo): ArgvWord[] | null => {
    if (model.isExecForm(info)) return execArgv(model, info);
    return customShell ? null : shellArgv(model, info);
  };
  if (entrypoint) {
    const head = argvOf(entrypoint);
    if (!head) return null;
    // A shell-form ENTRYPOINT ignores CMD; a shell-form CMD after an exec one is `sh -c` text.
    if (!model.isExecForm(entrypoint) || !cmd) return { argv: head, instructions: [entrypoint] };
    if (!model.isExecForm(cmd)) return null;
    return { argv: [...head, ...execArgv(model, cmd)], instructions: [entrypoint, cmd] };
  }
  if (!cmd) return null;
  const argv = argvOf(cmd);
  return argv ? { argv, instructions: [cmd] } : null;
}

/** Python application servers (catalogue `serverCmd`). */
export const PYTHON_SERVERS = new Set(['gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'waitress-serve', 'celery', 'flask', 'granian']);

/** A server found in the argv, with the arguments that follow its name. */
export interface ServerInvocation {
  server: string;
  args: ArgvWord[];
}

function base(word: ArgvWord | undefined): string {
  const v = word?.value ?? '';
  return v.slice(v.lastIndexOf('/') + 1);
}

/** `uv run` options without a value; any other option makes the argv too uncertain to read. */
const UV_RUN_FLAGS = new Set(['--frozen', '--locked', '--no-sync', '--no-dev', '--no-project', '--active', '--isolated', '--offline', '-q', '--quiet']);

/** Python interpreter options that take a separate value. */
const PYTHON_VALUE_OPTIONS = new Set(['-X', '-W', '--check-hash-based-pycs']);

/** Index of the program after launchers (`tini --`, `poetry run`, `uv run`, …), or -1. */
function skipLaunchers(argv: ArgvWord[]): number {
  let i = 0;
  for (;;) {
    const name = base(argv[i]);
    const next = argv[i + 1]?.value;
    if (name === 'tini' || name === 'dumb-init' || name === 'catatonit') {
      i++;
      while (argv[i]?.value.startsWith('-')) if ((argv[i++] as ArgvWord).value === '--') break;
    } else if (['poetry', 'pipenv', 'pdm', 'hatch', 'rye'].includes(name) && next === 'run') {
      i += 2;
    } else if (name === 'uv' && next === 'run') {
      i += 2;
      while (argv[i]?.value.startsWith('-')) {
        if (!UV_RUN_FLAGS.has((argv[i] as ArgvWord).value)) return -1;
        i++;
      }
    } else if (name === 'ddtrace-run') {
      i++;
    } else if (name === 'newrelic-admin' && next === 'run-program') {
      i += 2;
    } else {
      return i < argv.length ? i : -1;
    }
  }
}

/**
 * The Python server an argv starts (`gunicorn …`, `/opt/venv/bin/uvicorn …`,
 * `python -m gunicorn …`, `poetry run gunicorn …`, `tini -- gunicorn …`), or null.
 * `flask` counts only with its `run` subcommand.
 */
export function serverInvocation(argv: ArgvWord[]): ServerInvocation | null {
  let i = skipLaunchers(argv);
  if (i < 0) return null;
  let name = base(argv[i]);
  if (/^python(\d+(\.\d+)?)?$/.test(name)) {
    i++;
    while (argv[i]?.value.startsWith('-') && argv[i]?.value !== '-m') i += PYTHON_VALUE_OPTIONS.has((argv[i] as ArgvWord).value) ? 2 : 1;
    if (argv[i]?.value !== '-m') return null;
    i++;
    name = argv[i]?.value ?? '';
  }
  if (!PYTHON_SERVERS.has(name)) return null;
  const args = argv.slice(i + 1);
  if (name === 'flask' && !args.some((a) => a.value === 'run')) return null;
  return { server: name, args };
}

/** A port a server is told to listen on, as written. */
export interface ListenPort {
  /** The port text (`8000`, `$PORT`), taken from `host:port` where needed. */
  port: string;
  /** The argument that holds it. */
  word: ArgvWord;
}

/** Per server: options whose value is `host:port`, and options whose value is a port. */
const LISTEN_OPTIONS: Record<string, { address: string[]; port: string[] }> = {
  gunicorn: { address: ['-b', '--bind'], port: [] },
  hypercorn: { address: ['-b', '--bind'], port: [] },
  uvicorn: { address: [], port: ['--port'] },
  daphne: { address: [], port: ['-p', '--port'] },
  'waitress-serve': { address: ['--listen'], port: ['--port'] },
  granian: { address: [], port: ['--port'] },
  flask: { address: [], port: ['-p', '--port'] },
};

/** The port of `host:port`, `[::]:port` or `:port`; null for unix sockets, fds and bare hosts. */
export function portOfAddress(address: string): string | null {
  if (/^(unix:|fd:\/\/)/.test(address)) return null;
  const m = /:(\d+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/.exec(address);
  return m ? (m[1] as string) : null;
}

/** Values of the given options in an argv: `-o v`, `--opt v`, `--opt=v` and `-ov`. */
export function optionValues(args: ArgvWord[], names: readonly string[]): { value: string; word: ArgvWord }[] {
  const out: { value: string; word: ArgvWord }[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as ArgvWord;
    if (arg.value === '--') break;
    for (const name of names) {
      const next = args[i + 1];
      if (arg.value === name && next) {
        out.push({ value: next.value, word: next });
        i++;
      } else if (name.startsWith('--') && arg.value.startsWith(`${name}=`)) {
        out.push({ value: arg.value.slice(name.length + 1), word: arg });
      } else if (!name.startsWith('--') && arg.value.startsWith(name) && arg.value.length > name.length && !arg.value.startsWith('--')) {
        out.push({ value: arg.value.slice(name.length), word: arg });
      } else {
        continue;
      }
      break;
    }
  }
  return out;
}

/** True when the command line sets where the server listens (even with no readable port). */
export function setsListenAddress(invocation: ServerInvocation): boolean {
  const options = LISTEN_OPTIONS[invocation.server];
  return options !== undefined && optionValues(invocation.args, [...options.address, ...options.port]).length > 0;
}

/** The ports a server invocation names on its command line. */
export function listenPorts(invocation: ServerInvocation): ListenPort[] {
  const options = LISTEN_OPTIONS[invocation.server];
  if (!options) return [];
  const ports: ListenPort[] = [];
  for (const { value, word } of optionValues(invocation.args, options.address)) {
    const port = portOfAddress(value);
    if (port !== null) ports.push({ port, word });
  }
  for (const { value, word } of optionValues(invocation.args, options.port)) ports.push({ port: value, word });
  return ports;
}

/** A port range from one EXPOSE argument. */
export interface ExposedPort {
  from: number;
  to: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  info: InstructionInfo;
}

/**
 * The ports exposed in a stage chain, with variables resolved, or null when one of them cannot
 * be read (an unresolved variable could be any port). Read once per stage (shared: do not
 * change it), as two rules compare them with the command.
 */
export function exposedPorts(model: DocumentModel, stage: Stage): readonly ExposedPort[] | null {
  return exposedOf(stage, model);
}

const exposedOf = perStageMemo((stage: Stage, model: DocumentModel) => readExposedPorts(model, stage));

function readExposedPorts(model: DocumentModel, stage: Stage): ExposedPort[] | null {
  const ports: ExposedPort[] = [];
  for (const info of stageChainInstructions(stage)) {
    if (info.keyword !== 'EXPOSE') continue;
    const vars = variableLookupBefore(model, info);
    for (const arg of info.node.getArguments()) {
      const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(substitute(arg.getValue(), vars));
      if (!m) return null;
      const from = Number(m[1]);
      ports.push({ from, to: m[2] ? Number(m[2]) : from, protocol: (m[3]?.toLowerCase() ?? 'tcp') as ExposedPort['protocol'], info });
    }
  }
  return ports;
}

/** Resolves a port written in the command; null when it stays unknown until run time. */
export function resolvePort(model: DocumentModel, stage: Stage, at: InstructionInfo, port: string, expands: boolean): number | null {
  let text = port;
  if (text.includes('$')) {
    // Exec form passes `$PORT` literally; shell form expands it from the container's ENV only.
    if (!expands) return null;
    const envNames = new Set(
      stageChainInstructions(stage)
        .filter((i) => i.keyword === 'ENV' && i.index < at.index)
        .flatMap((i) => propertiesOf(i).map((p) => p.getName())),
    );
    const vars = new Map([...variablesBefore(model, at)].filter(([name]) => envNames.has(name)));
    text = substitute(text, vars);
  }
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** The ENV settings of a stage chain, and the one in effect per key. */

/** `GUNICORN_CMD_ARGS` as the last ENV of a stage chain sets it, with its value split into words. */
export interface GunicornEnvArgs {
  info: InstructionInfo;
  property: Property;
  args: ArgvWord[];
}

/**
 * `GUNICORN_CMD_ARGS` as the last ENV of the stage chain sets it (resolved), or null. Read
 * once per stage (shared: do not change it), as three rules look for options in it.
 */
export function gunicornEnvArgs(model: DocumentModel, stage: Stage): GunicornEnvArgs | null {
  return gunicornEnvOf(stage, model);
}

const gunicornEnvOf = perStageMemo((stage: Stage, model: DocumentModel) => readGunicornEnvArgs(model, stage));

function readGunicornEnvArgs(model: DocumentModel, stage: Stage): GunicornEnvArgs | null {
  const found = chainEnv(stage).last.get('GUNICORN_CMD_ARGS');
  const valueRange = found?.property.getValueRange();
  const value = found?.property.getValue();
  if (!found || !valueRange || value === null || value === undefined) return null;
  const resolved = substitute(value, variableLookupBefore(model, found.info));
  const start = model.text.offsetAt(valueRange.start);
  const end = model.text.offsetAt(valueRange.end);
  // Gunicorn splits the value like a shell would; quoting inside it is rare enough to skip.
  if (/["'\\]/.test(resolved)) return null;
  const args = resolved.split(/\s+/).filter((w) => w !== '').map((w) => ({ value: w, start, end, expands: false }));
  return { info: found.info, property: found.property, args };
}

/** A gunicorn configuration file that the image receives from the build context. */
export interface CopiedConfig {
  /** The COPY/ADD that brings it in. */
  info: InstructionInfo;
  /** The source operand that brings it, as written (resolved). */
  source: string;
  /** Its path in the build context. */
  contextPath: string;
  content: string;
}

/**
 * The gunicorn configuration file in effect for the final command: the `-c`/`--config` file, or
 * `gunicorn.conf.py` in the working directory (gunicorn's default), when a COPY/ADD
 * of the stage chain brings it from the build context and the context can be read.
 */
export function copiedGunicornConfig(model: DocumentModel, stage: Stage, env: LintEnvironment, command: EffectiveCommand, invocation: ServerInvocation | null): CopiedConfig | null {
  if (!env.readContextFile) return null;
  const at = command.instructions[command.instructions.length - 1] as InstructionInfo;
  const workdir = workdirBefore(model, at);
  if (!workdir) return null;
  const configured = invocation ? optionValues(invocation.args, ['-c', '--config'])[0]?.value : undefined;
  if (configured !== undefined && (configured.startsWith('python:') || configured.includes('$'))) return null;
  const target = joinPath(workdir.dir, configured ?? 'gunicorn.conf.py');
  const copies = stageChainInstructions(stage).filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.index < at.index);
  // The last COPY that writes the file wins.
  for (const info of copies.reverse()) {
    const op = copyOperands(model, info);
    if (!op || op.from !== null || op.unresolved) continue;
    const copyWorkdir = workdirBefore(model, info);
    if (!copyWorkdir) return null;
    for (const source of [...op.sources].reverse()) {
      const path = sourcePathFor(op, source, copyWorkdir.dir, target);
      if (path === null) continue;
      const contextPath = normalizePath(path).replace(/^\/+/, '');
      const content = env.readContextFile(contextPath);
      if (content !== undefined) return { info, source, contextPath, content };
      // A directory copy writes the file only if the directory has it; a named file is unknown.
      if (classifySource(source) === 'file' || classifySource(source) === 'glob') return null;
    }
  }
  return null;
}

/**
 * A top-level string setting of a gunicorn config file (`bind = "0.0.0.0:8000"`, or the first
 * element of `bind = ["…", …]`), or null when it is absent or computed.
 */
export function configString(content: string, key: string): string | null {
  let value: string | null = null;
  for (const line of content.split(/\r?\n/)) {
    const m = new RegExp(`^${key}\\s*=\\s*(.*?)\\s*(#.*)?$`).exec(line);
    if (!m) continue;
    const literal = /^\[?\s*(["'])([^"'\\]*)\1\s*(,.*)?\]?$/.exec(m[1] as string);
    // A later assignment overrides an earlier one; a computed one makes the value unknown.
    value = literal ? (literal[2] as string) : null;
  }
  return value;
}

/** The range of the COPY/ADD operand that brings a copied config, for findings. */
export function configSourceRange(config: CopiedConfig): InstructionInfo['range'] {
  const arg = config.info.node.getArguments().find((a) => a.getValue() === config.source);
  return arg?.getRange() ?? config.info.node.getInstructionRange();
}
