// PYD301: dependency install after a broad source COPY, so every code edit re-installs everything.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { rootStage, type Stage } from '../model/stages';
import type { Range, TextEdit } from '../model/text';
import { aptCommand, apkCommand } from '../shell/apt';
import { perCommand } from '../shell/memo';
import { mayBePythonTool, pipInstall, type PipInstall } from '../shell/pip';
import { pipenvInstall } from '../shell/tools';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords, fullyUnderstood, hasStatefulBuiltin, programName } from '../shell/query';
import type { Fix, LintEnvironment } from './types';
import { defineRule } from './define-rule';
import { flagsOf, runMounts } from './helpers';
import { insertAt, replaceSpan } from './edit-helpers';
import { blockRemovalEnd, blockStartLine, lineEnd, removeBlocks } from './layer-helpers';
import {
  classifySource,
  copyOperands,
  dirName,
  isWithin,
  joinPath,
  lastSegment,
  normalizePath,
  pathsOverlap,
  relativeWithin,
  sourcePathFor,
  variableLookupBefore,
  workdirBefore,
  type CopyOperands,
} from './copy-paths';
import { isSystemDest, planRunMove, runMoveFix, runReferences, type RunMovePlan } from './system-install-after-source-copy';
import { classifySpec } from './unpinned-pip-package';
import { venvCreateDir } from './venv-activation-in-run';
import { commandDirectory } from '../workspace/dockerfile-files';
import { PROJECT_MANIFESTS, type ProjectManifests } from '../knowledge/project-manifests';
import { optionValue } from './run-scripts';

type InstallKind = 'requirements' | 'project' | 'poetry' | 'pipenv' | 'uv-sync';

/** A file an install reads: a requirements/constraints file, or a project's own metadata. */
interface Manifest {
  /** As written in the command. */
  written: string;
  /** Absolute container path, or null when the working directory is unknown. */
  path: string | null;
  role: 'requirements' | 'constraints' | 'project';
}

interface InstallCommand {
  command: SimpleCommand;
  kind: InstallKind;
  manifests: Manifest[];
  pip: PipInstall | null;
}

/** A COPY/ADD seen earlier in the stage. */
interface CopyEntry {
  info: InstructionInfo;
  op: CopyOperands | null;
  /** WORKDIR in effect at the COPY, or null when unknown. */
  workdir: string | null;
}

/** Dependency manifests by file name (a COPY of only these "prepares" the dependency layer). */
const MANIFEST_NAME_RE = /^(requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|pyproject\.toml|poetry\.lock|poetry\.toml|Pipfile|Pipfile\.lock|uv\.lock|\.python-version|pdm\.lock|setup\.py|setup\.cfg)$/i;
/** Globs that only pick manifests, such as `requirements*.txt`. */
const MANIFEST_GLOB_RE = /(\.(txt|in|toml|lock|cfg)$|^Pipfile|^requirements|^constraints)/i;
const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const ARCHIVE_RE = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i;
const SAFE_PATH_RE = /^[A-Za-z0-9._/@+=,:~-]+$/;

/** Project-level manifest each tool reads from its project directory. */
const PROJECT_MANIFEST: Record<Exclude<InstallKind, 'requirements'>, string> = {
  project: 'pyproject.toml',
  poetry: 'pyproject.toml',
  pipenv: 'Pipfile',
  'uv-sync': 'pyproject.toml',
};

/** What to copy first, per install kind, for the message. */
const COPY_FIRST: Record<Exclude<InstallKind, 'requirements'>, string> = {
  project: 'install the dependencies from a requirements or lock file first, then copy the sources and run `pip install --no-deps .`',
  poetry: 'copy `pyproject.toml` and `poetry.lock` first and run `poetry install --no-root` before copying the sources',
  pipenv: 'copy `Pipfile` and `Pipfile.lock` first and install before copying the sources',
  'uv-sync': 'copy `pyproject.toml` and `uv.lock` first and run `uv sync --no-install-project` before copying the sources',
};

/** pip options that cannot make a requirements-only install read the copied sources. */
const HARMLESS_PIP_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '--no-cache-dir', '-U', '--upgrade', '-q', '--quiet', '-v', '--verbose',
  '--user', '--no-deps', '--require-hashes', '--only-binary', '--no-binary', '--prefer-binary', '--pre', '-i',
  '--index-url', '--extra-index-url', '--trusted-host', '--no-compile', '--compile', '--progress-bar',
  '--root-user-action', '--disable-pip-version-check', '--no-warn-script-location', '--upgrade-strategy', '--timeout',
  '--retries', '--default-timeout', '--break-system-packages', '--system', '--no-input', '--isolated',
  '--force-reinstall', '-I', '--ignore-installed', '--no-index', '--strict', '--python', '--index-strategy', '-f', '--find-links',
]);

/** Requirements-file options that neither point at local files nor change where packages go. */
const HARMLESS_REQUIREMENT_OPTIONS = new Set([
  '-i', '--index-url', '--extra-index-url', '--trusted-host', '--pre', '--prefer-binary', '--only-binary', '--no-binary',
  '--require-hashes', '--use-feature', '--no-index', '--config-settings', '--global-option', '--hash',
]);

/** Whether `-r`/`-c` names a file we can reason about (not stdin, a URL or an expansion). */
function isUsableFile(value: string): boolean {
  return value !== '' && value !== '-' && !value.startsWith('/dev/') && !value.includes('$') && !URL_RE.test(value);
}

/** The directory of a local project argument (`.`, `./pkg[extra]`, `/src`), or null. */
function projectDir(spec: string): string | null {
  // Every local path starts with `.` or `/` (stripping extras leaves the start alone): package
  // names, most of what pip installs, need no regex.
  const initial = spec.charCodeAt(0);
  if (initial !== 46 && initial !== 47) return null;
  const path = spec.replace(/\[[^\]]*\]$/, '');
  if (!(path === '.' || path === '..' || path.startsWith('./') || path.startsWith('../') || path.startsWith('/'))) return null;
  if (ARCHIVE_RE.test(path) || /[*?$]/.test(path)) return null;
  return path;
}

/** The subcommand after global options, skipping the values of the options listed. */
function subcommand(words: { value: string }[], from: number, valueOptions: ReadonlySet<string>): { sub: string | null; index: number } {
  let i = from;
  while (i < words.length && (words[i] as { value: string }).value.startsWith('-')) {
    i += valueOptions.has((words[i] as { value: string }).value) ? 2 : 1;
  }
  return { sub: words[i]?.value ?? null, index: i };
}

/** Resolves paths written in an install command; its working directory is worked out on first need. */
function resolverFor(model: DocumentModel, info: InstructionInfo, script: ShellScript, command: SimpleCommand): (written: string) => string | null {
  let cwd: string | null | undefined;
  return (written) => {
    if (written.startsWith('/')) return normalizePath(written);
    if (cwd === undefined) cwd = commandDirectory(model, info, script, command);
    return cwd === null ? null : joinPath(cwd, written);
  };
}

/** No installs in a RUN: one shared, read-only answer (most RUNs install nothing). */
const NO_INSTALLS: readonly InstallCommand[] = Object.freeze([]);

/** Recognises the dependency installs of one RUN script. */
function findInstalls(model: DocumentModel, info: InstructionInfo, script: ShellScript): readonly InstallCommand[] {
  let installs: InstallCommand[] | null = null;
  for (const command of script.commands) {
    const words = effectiveWords(command);
    // Only Python packaging tools install dependencies here: the other commands (`apt-get`,
    // `rm`, `mkdir`, …) need no further look.
    if (!mayBePythonTool(words[0])) continue;
    const program = baseName(words[0]);
    const pip = pipInstall(command);
    if (pip) {
      const resolve = resolverFor(model, info, script, command);
      const reqs = pip.values('-r', '--requirement').filter(isUsableFile);
      const cons = pip.values('-c', '--constraint').filter(isUsableFile);
      if (reqs.length > 0) {
        const manifests: Manifest[] = [
          ...reqs.map((written): Manifest => ({ written, path: resolve(written), role: 'requirements' })),
          ...cons.map((written): Manifest => ({ written, path: resolve(written), role: 'constraints' })),
        ];
        (installs ??= []).push({ command, kind: 'requirements', manifests, pip });
      }
      const projects: string[] = [];
      for (const w of pip.packages) {
        const dir = w.hasExpansion ? null : projectDir(w.value);
        if (dir !== null) projects.push(dir);
      }
      for (const value of pip.values('-e', '--editable')) {
        const dir = projectDir(value);
        if (dir !== null) projects.push(dir);
      }
      // `--no-deps` installs the project alone: re-running it after a code change is cheap and expected.
      if (projects.length > 0 && !pip.has('--no-deps')) {
        const manifests = projects.map((dir): Manifest => ({ written: dir, path: resolve(`${dir}/pyproject.toml`), role: 'project' }));
        (installs ??= []).push({ command, kind: 'project', manifests, pip });
      }
      continue;
    }
    let kind: Exclude<InstallKind, 'requirements' | 'project'> | null = null;
    let dir = '.';
    if (program === 'poetry') {
      const { sub } = subcommand(words, 1, new Set(['-C', '--directory', '-P', '--project']));
      if ((sub === 'install' || sub === 'sync') && !words.some((w) => w.value === '--only-root')) kind = 'poetry';
      dir = optionValue(words, ['-C', '--directory', '-P', '--project']) ?? '.';
    } else if (program === 'pipenv') {
      const { sub } = subcommand(words, 1, new Set(['--python']));
      if (sub === 'install' || sub === 'sync') kind = 'pipenv';
    } else if (program === 'uv') {
      const { sub } = subcommand(words, 1, new Set(['--directory', '--project', '--config-file', '--cache-dir']));
      if (sub === 'sync') kind = 'uv-sync';
      dir = optionValue(words, ['--directory', '--project']) ?? '.';
    }
    if (kind === null) continue;
    const manifest = dir.includes('$') ? null : resolverFor(model, info, script, command)(`${dir}/${PROJECT_MANIFEST[kind]}`);
    (installs ??= []).push({ command, kind, manifests: [{ written: dir, path: manifest, role: 'project' }], pip: null });
  }
  return installs ?? NO_INSTALLS;
}

/** Whether a COPY source names single files: a file, or a glob that only matches manifests. */
function isFileSource(source: string): boolean {
  const kind = classifySource(source);
  if (kind === 'glob') return MANIFEST_GLOB_RE.test(lastSegment(source));
  // `.python-version` looks like a directory to the generic guess, but is the manifest its name says.
  if (kind === 'ambiguous' && MANIFEST_NAME_RE.test(lastSegment(source))) return true;
  return kind === 'file';
}

/** A COPY made only of files: no directory, no whole context, no broad glob. */
function copiesFilesOnly(entry: CopyEntry): boolean {
  return entry.op !== null && entry.op.sources.every(isFileSource);
}

/** A files-only COPY that includes a dependency manifest by its usual name (or a manifest glob). */
function copiesManifests(entry: CopyEntry): boolean {
  return copiesFilesOnly(entry) && (entry.op?.sources ?? []).some((s) => MANIFEST_NAME_RE.test(lastSegment(s)) || classifySource(s) === 'glob');
}

/** Whether a COPY writes the file at `manifest` (by path, or by name when the path is unknown). */
function supplies(entry: CopyEntry, manifest: Manifest): boolean {
  const op = entry.op;
  if (!op) return false;
  if (manifest.path === null || entry.workdir === null) return op.sources.some((s) => lastSegment(s) === lastSegment(manifest.written));
  const path = manifest.path;
  const workdir = entry.workdir;
  // Every install asks every COPY before it, mostly about the same path: answer once per pair.
  let known = suppliedPaths.get(entry);
  if (!known) {
    known = new Map();
    suppliedPaths.set(entry, known);
  }
  let answer = known.get(path);
  if (answer === undefined) {
    answer = op.sources.some((s) => sourcePathFor(op, s, workdir, path) !== null);
    known.set(path, answer);
  }
  return answer;
}

const suppliedPaths = new WeakMap<CopyEntry, Map<string, boolean>>();

/**
 * The user already split the dependency layer: a COPY of just the manifests (or a bind mount
 * of one in an earlier RUN) came before this install in the stage.
 */
function dependenciesPrepared(install: InstallCommand, copies: readonly CopyEntry[], manifestBound: boolean): boolean {
  if (install.kind === 'requirements') {
    // The requirements file itself was copied alone, whatever its name.
    const reqs = install.manifests.filter((m) => m.role === 'requirements');
    if (copies.some((c) => copiesFilesOnly(c) && reqs.some((m) => supplies(c, m)))) return true;
  } else if (copies.some(copiesManifests)) {
    return true;
  }
  return manifestBound;
}

/** `RUN --mount=type=bind,source=uv.lock,…`: uv's documented way to install before copying. */
function bindMountsManifest(info: InstructionInfo): boolean {
  return runMounts(info).some((m) => m.get('type') === 'bind' && MANIFEST_NAME_RE.test(lastSegment(m.get('source') ?? m.get('src') ?? '')));
}

/**
 * Whether the RUN bind-mounts files of the build context: the install may then read its
 * manifests from the mount rather than from the copied tree, and we cannot tell which.
 * Mounts from another stage or image (`from=`) do not count.
 */
function bindsFromContext(info: InstructionInfo): boolean {
  return runMounts(info).some((m) => m.get('type') === 'bind' && !m.has('from'));
}

/**
 * Whether a source of the COPY can be broad for some install: the whole context, a glob beyond
 * the manifests, or a directory (one that holds the install's manifest, which only
 * `broadCopies` can tell).
 */
function mayBeBroad(entry: CopyEntry): boolean {
  const op = entry.op;
  if (!op) return false;
  return op.sources.some((source) => {
    const breadth = sourceBreadth(source);
    return breadth === 'broad' || (breadth === 'directory' && entry.workdir !== null);
  });
}

/**
 * How broad one COPY source is: the whole context or a glob beyond the manifests (`broad`), a
 * directory that is broad only if it holds an install's manifest (`directory`), or neither.
 */
function sourceBreadth(source: string): 'broad' | 'directory' | 'narrow' {
  const kind = classifySource(source);
  if (kind === 'context') return 'broad';
  if (kind === 'glob') return MANIFEST_GLOB_RE.test(lastSegment(source)) ? 'narrow' : 'broad';
  if (kind !== 'directory' && kind !== 'ambiguous') return 'narrow';
  if (kind === 'ambiguous' && MANIFEST_NAME_RE.test(lastSegment(source))) return 'narrow';
  return 'directory';
}

/** The COPYs before an install that bring in source code together with (or around) its manifests. */
function broadCopies(install: InstallCommand, copies: readonly CopyEntry[]): CopyEntry[] {
  return copies.filter((entry) => {
    const op = entry.op;
    if (!op) return false;
    return op.sources.some((source) => {
      const breadth = sourceBreadth(source);
      if (breadth !== 'directory') return breadth === 'broad';
      const workdir = entry.workdir;
      if (workdir === null) return false;
      const dest = joinPath(workdir, op.dest);
      return install.manifests.some((m) => {
        const rel = m.path === null ? null : relativeWithin(m.path, dest);
        return rel !== null && rel !== '.';
      });
    });
  });
}

/** The instruction's text as the user reads it, without flags: `COPY src/ .`. */
function copyLabel(info: InstructionInfo): string {
  return [info.keyword, ...info.node.getArguments().map((a) => a.getValue())].join(' ');
}

/** The result of reading a requirements file: its includes and anything that blocks a SAFE fix. */
interface RequirementsScan {
  includes: string[];
  blocker: string | null;
}

/** Reads the lines of a requirements file that matter for copying it on its own. */
export function scanRequirements(text: string): RequirementsScan {
  const includes: string[] = [];
  let blocker: string | null = null;
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of logical) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const option = /^(--?[A-Za-z][A-Za-z-]*)(?:[ =]\s*(\S+))?/.exec(line);
    if (option) {
      const name = option[1] as string;
      const value = option[2] ?? line.slice(name.length).trim();
      if (['-r', '--requirement', '-c', '--constraint'].includes(name)) {
        if (!URL_RE.test(value)) includes.push(value);
      } else if (name === '-e' || name === '--editable') blocker ??= 'an editable requirement';
      else if (name === '-f' || name === '--find-links') {
        if (!/^https?:\/\//i.test(value)) blocker ??= 'a local `--find-links` directory';
      } else if (!HARMLESS_REQUIREMENT_OPTIONS.has(name)) blocker ??= `the option \`${name}\``;
      continue;
    }
    const spec = (line.split(/\s+--/)[0] ?? '').trim();
    const local = /^(\.|\/|~|file:)/i.test(spec) || /@\s*file:/i.test(spec) || (!URL_RE.test(spec) && !spec.includes('@') && (spec.includes('/') || ARCHIVE_RE.test(spec)));
    if (local) blocker ??= `the local requirement \`${spec}\``;
  }
  return { includes, blocker };
}

/** Whether a command cannot read files of the build context copied into the image. */
function harmlessCommand(cmd: SimpleCommand): boolean {
  return harmlessCommandOf(cmd);
}

// Asked for every command between a COPY and each install after it: answer once per command.
const harmlessCommandOf = perCommand(readHarmlessCommand);

function readHarmlessCommand(cmd: SimpleCommand): boolean {
  const words = effectiveWords(cmd);
  const program = baseName(words[0]);
  if (cmd.redirects.length > 0) return false;
  if (words.length === 0) return false;
  const notPath = (w: { value: string }): boolean => !w.value.startsWith('.') && !w.value.includes('/');
  const apt = aptCommand(cmd);
  if (apt) return apt.packages.every(notPath);
  const apk = apkCommand(cmd);
  if (apk) return apk.packages.every(notPath);
  const pip = pipInstall(cmd);
  if (pip) return namedPackagesOnly(pip) && !pip.has('-r', '--requirement', '-c', '--constraint');
  if (venvCreateDir(cmd) !== null) return true;
  if (['useradd', 'groupadd', 'adduser', 'addgroup', 'mkdir', 'true', ':'].includes(program)) return true;
  // `set -eux` / `set -o pipefail` only change error handling.
  if (program === 'set') return words.slice(1).every((w) => /^[-+][a-z]+$/.test(w.value) || w.value === 'pipefail');
  if (program === 'rm') {
    const operands = words.slice(1).filter((w) => !w.value.startsWith('-'));
    return operands.length > 0 && operands.every((w) => /^\/var\/(lib\/apt\/lists|cache)\//.test(w.value) || /^\/var\/(lib\/apt\/lists|cache\/apt|cache\/apk)$/.test(w.value));
  }
  return false;
}

/** A pip install whose options and arguments cannot point at local files. */
function namedPackagesOnly(pip: PipInstall): boolean {
  for (const o of pip.options) {
    if (!HARMLESS_PIP_OPTIONS.has(o.name)) return false;
    if ((o.name === '-f' || o.name === '--find-links') && !/^https?:\/\//i.test(o.value ?? '')) return false;
  }
  return pip.packages.every((w) => !w.hasExpansion && classifySpec(w.value) !== 'not-a-name');
}

/** A file to copy on its own before the install. */
interface ManifestFile {
  context: string;
  containerDir: string;
  supplier: CopyEntry;
}

/** Everything computed for the requirements fix; `unsafeBecause` empty = SAFE. */
interface RequirementsPlan {
  files: ManifestFile[];
  unsafeBecause: string[];
}

/**
 * Which files to copy first: every requirements/constraints file the broad COPYs bring in,
 * plus the files they include with `-r`/`-c` (read recursively from the build context).
 * Null when a path cannot be derived (then no edit is offered at all).
 */
function planManifestCopy(env: LintEnvironment, manifests: readonly Manifest[], copies: readonly CopyEntry[], moved: readonly CopyEntry[]): RequirementsPlan | null {
  const files: ManifestFile[] = [];
  const unsafeBecause: string[] = [];
  const seen = new Set<string>();
  const read = (path: string): string | undefined => env.readContextFile?.(path);
  // Includes already copied on their own (a manifest-only COPY) need no second copy.
  const alreadyCopied = (containerPath: string): boolean =>
    copies.some((c) => !moved.includes(c) && copiesFilesOnly(c) && supplies(c, { written: containerPath, path: containerPath, role: 'requirements' }));
  const add = (context: string, containerPath: string, supplier: CopyEntry, depth: number): boolean => {
    const fromStage = Boolean(supplier.op?.from);
    if ((!fromStage && (context.startsWith('..') || context.startsWith('/'))) || !SAFE_PATH_RE.test(context)) return false;
    if (seen.has(containerPath)) return true;
    seen.add(containerPath);
    const text = fromStage ? undefined : read(context);
    // An include the build context does not have would make the new COPY fail: leave it out.
    if (depth > 0 && !fromStage && text === undefined && env.workspace && !env.workspace.exists(context)) {
      unsafeBecause.push(`\`${context}\` does not exist`);
      return true;
    }
    if (depth === 0 || !alreadyCopied(containerPath)) files.push({ context, containerDir: dirName(containerPath), supplier });
    if (fromStage) return true;
    if (text === undefined) {
      unsafeBecause.push(`\`${context}\` could not be read`);
      return true;
    }
    const scan = scanRequirements(text);
    if (scan.blocker) unsafeBecause.push(`\`${context}\` contains ${scan.blocker}`);
    if (depth > 8) return true;
    return scan.includes.every((inc) => add(normalizePath(`${dirName(context)}/${inc}`), joinPath(dirName(containerPath), inc), supplier, depth + 1));
  };
  for (const m of manifests) {
    const path = m.path;
    if (path === null) return null;
    const supplier = [...copies].reverse().find((c) => c.op !== null && c.workdir !== null && c.op.sources.some((s) => sourcePathFor(c.op as CopyOperands, s, c.workdir as string, path) !== null));
    if (!supplier) {
      // A requirements file nothing copies cannot be copied first; a constraints file may come with the image.
      if (m.role === 'requirements') return null;
      continue;
    }
    if (!moved.includes(supplier)) continue;
    const op = supplier.op as CopyOperands;
    const workdir = supplier.workdir as string;
    let candidates = op.sources.map((s) => ({ s, context: sourcePathFor(op, s, workdir, path) })).filter((c): c is { s: string; context: string } => c.context !== null);
    if (candidates.length > 1) candidates = candidates.filter((c) => read(c.context) !== undefined);
    const chosen = candidates.length === 1 ? candidates[0] : undefined;
    if (!chosen) return null;
    if (classifySource(chosen.s) === 'glob') unsafeBecause.push('the source COPY uses a glob');
    if (!add(chosen.context, path, supplier, 0)) return null;
  }
  return files.length > 0 ? { files, unsafeBecause } : null;
}

/** The raw `--chown`/`--chmod`/`--from` flags of a COPY, to carry over to the manifest COPY. */
function carriedFlags(entry: CopyEntry): string[] {
  const carried: string[] = [];
  for (const f of flagsOf(entry.info)) {
    const name = f.getName();
    if (name === 'chown' || name === 'chmod' || name === 'from') carried.push(`--${name}=${f.getValue() ?? ''}`);
  }
  return carried;
}

/**
 * Why moving the broad COPYs below the install might change the image, as short phrases;
 * empty when it provably cannot (the precondition of the SAFE fix).
 */
function moveRisks(model: DocumentModel, env: LintEnvironment, stage: Stage, installInfo: InstructionInfo, installScript: ShellScript, installs: readonly InstallCommand[], moved: readonly CopyEntry[], split: RunSplit | null): string[] {
  const risks: string[] = [];
  const first = moved[0] as CopyEntry;
  for (const entry of moved) {
    const op = entry.op as CopyOperands;
    if (op.from !== null) risks.push('a moved COPY uses `--from`');
    if (op.unresolved) risks.push('a moved COPY uses variables');
  }
  // Sets and a minimum instead of scans per instruction: this runs per install, over every
  // instruction since the first moved COPY, which made a long stage cubic.
  const movedInfos = new Set(moved.map((m) => m.info));
  const between = stage.instructions.filter((i) => i.index > first.info.index && i.index < installInfo.index && !movedInfos.has(i));
  const firstRelative = moved.reduce((min, m) => ((m.op as CopyOperands).dest.startsWith('/') ? min : Math.min(min, m.info.index)), Infinity);
  for (const info of between) {
    if (info.keyword === 'WORKDIR') {
      const relativeMoved = firstRelative < info.index;
      if (relativeMoved) risks.push('a WORKDIR changes the destination of a moved COPY');
      continue;
    }
    if (['ENV', 'ARG', 'LABEL', 'EXPOSE', 'USER', 'STOPSIGNAL', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'MAINTAINER'].includes(info.keyword)) continue;
    if (info.keyword !== 'RUN') {
      risks.push(`\`${info.keyword}\` sits between the COPY and the install`);
      continue;
    }
    const script = model.shellOf(info);
    if (!script || !fullyUnderstood(script) || !script.commands.every(harmlessCommand)) {
      risks.push('a RUN between the COPY and the install may read the copied files');
      continue;
    }
    if (script.commands.some((c) => venvInsideMovedCopy(model, env, info, script, c, moved))) risks.push('a virtual environment created in between could be overwritten by the moved COPY');
  }
  if (!fullyUnderstood(installScript)) risks.push('the install RUN is not fully understood');
  else {
    // With a split, the commands after the install stay after the moved COPYs: only the install part moves.
    for (const cmd of split ? split.head : installScript.commands) {
      if (['cd', 'pushd', 'popd'].includes(programName(cmd))) risks.push('the install RUN changes directory');
      // A venv the RUN creates where the moved COPY lands would get the host's venv copied over it.
      if (venvInsideMovedCopy(model, env, installInfo, installScript, cmd, moved)) risks.push('a virtual environment the install RUN creates could be overwritten by the moved COPY');
      const install = installs.find((i) => i.command === cmd);
      if (install) {
        if (!install.pip || !namedPackagesOnly(install.pip)) risks.push('the install reads more than its requirements files');
      } else if (!harmlessCommand(cmd)) risks.push('the install RUN runs other commands that may read the copied files');
    }
  }
  return risks;
}

/**
 * Whether a venv created between the COPY and the install lies where a moved COPY would now
 * write over it with a host virtual environment from the build context.
 */
function venvInsideMovedCopy(model: DocumentModel, env: LintEnvironment, info: InstructionInfo, script: ShellScript, cmd: SimpleCommand, moved: readonly CopyEntry[]): boolean {
  const written = venvCreateDir(cmd);
  if (written === null) return false;
  const cwd = commandDirectory(model, info, script, cmd);
  if (cwd === null) return true;
  const dir = joinPath(cwd, written);
  return moved.some((entry) => {
    const op = entry.op as CopyOperands;
    const workdir = entry.workdir;
    if (workdir === null) return true;
    return op.sources.some((s) => {
      const context = sourcePathFor(op, s, workdir, `${dir}/pyvenv.cfg`);
      return context !== null && (!env.readContextFile || env.readContextFile(context) !== undefined);
    });
  });
}

/** An install RUN cut after its last install: `head` moves above the sources, the rest stays below them. */
interface RunSplit {
  /** The commands up to and including the last install. */
  head: readonly SimpleCommand[];
  /** The first command after the last install. */
  tail: SimpleCommand;
}

/**
 * Where an install RUN is cut when commands after its last install may read the sources
 * (`pip install -r requirements.txt && python manage.py collectstatic --noinput`): those
 * commands need the sources the broad COPY brings, so they stay after it, in a RUN of their
 * own, and only the install moves above it. Moving the whole RUN would run them before the
 * sources are there. Null when nothing after the install reads the sources, or when the RUN
 * cannot be cut without changing what it does: flags (a mount covers the whole RUN), shell
 * state the second half would lose (`cd`, `export`, `set`), groups, negations, or a connector
 * other than `&&` from the install on (after `;` the RUN's status is not the install's).
 */
function runSplit(install: InstructionInfo, script: ShellScript, installs: readonly InstallCommand[]): RunSplit | null {
  const commands = script.commands;
  const last = Math.max(...installs.map((i) => commands.indexOf(i.command)));
  const tail = commands[last + 1];
  if (last < 0 || !tail || commands.slice(last + 1).every(harmlessCommand)) return null;
  if (flagsOf(install).length > 0 || !fullyUnderstood(script) || hasStatefulBuiltin(script)) return null;
  if (commands.some((c) => c.depth !== 0 || c.negated)) return null;
  if (commands.slice(last, -1).some((c) => c.connector !== '&&')) return null;
  return { head: commands.slice(0, last + 1), tail };
}

/**
 * Builds the edit: manifest COPY before the install, broad COPYs (with comments) after it; with
 * a split, the commands after the install follow the broad COPYs as a RUN of their own.
 */
function moveEdits(model: DocumentModel, install: InstructionInfo, moved: readonly CopyEntry[], files: readonly ManifestFile[], split: RunSplit | null): TextEdit[] | null {
  const workdir = workdirBefore(model, install);
  if (!workdir || !install.stage) return null;
  // Without a WORKDIR the base image decides the directory; we only know it for python images.
  if (workdir.fromImage && !rootStage(install.stage).image?.isPython) return null;
  const groups = new Map<string, ManifestFile[]>();
  for (const f of files) {
    const group = groups.get(f.containerDir);
    if (group) group.push(f);
    else groups.set(f.containerDir, [f]);
  }
  const lines: string[] = [];
  for (const [dir, group] of groups) {
    // Relative to an explicit WORKDIR reads like the install command; otherwise spell it out.
    const rel = workdir.fromImage ? null : relativeWithin(dir, workdir.dir);
    const dest = rel === '.' ? './' : rel !== null ? `${rel}/` : dir === '/' ? '/' : `${dir}/`;
    if (!SAFE_PATH_RE.test(dest)) return null;
    let line = 'COPY';
    for (const flag of carriedFlags((group[0] as ManifestFile).supplier)) line += ` ${flag}`;
    for (const f of group) line += ` ${f.context}`;
    lines.push(`${line} ${dest}`);
  }
  const indent = /^[ \t]*/.exec(model.text.lineText(install.range.start.line))?.[0] ?? '';
  const eol = model.eol;
  const edits: TextEdit[] = [];
  const blocks: string[] = [];
  for (const entry of moved) {
    const firstLine = blockStartLine(model, entry.info);
    const start = model.text.lineStart(firstLine);
    const endLine = entry.info.range.end.line;
    blocks.push(model.content.slice(start, lineEnd(model, endLine)));
    // A COPY that was a paragraph of its own takes one of its blank lines along: it joins the install's.
    edits.push(replaceSpan(model, start, blockRemovalEnd(model, firstLine, endLine), ''));
  }
  edits.push(insertAt(model, model.text.lineStart(blockStartLine(model, install)), lines.map((l) => indent + l + eol).join('')));
  const end = lineEnd(model, install.range.end.line);
  if (split) {
    // One edit from the end of the install to the end of the RUN: the RUN loses its other
    // commands, which come back, as written, after the broad COPYs.
    const head = split.head[split.head.length - 1] as SimpleCommand;
    edits.push(replaceSpan(model, head.end, end, eol + blocks.join(eol) + eol + indent + 'RUN ' + model.content.slice(split.tail.start, end)));
  } else {
    edits.push(insertAt(model, end, eol + blocks.join(eol)));
  }
  return edits;
}

/** The requirements-case fix, SAFE when every precondition holds, else UNSAFE, or null. */
function requirementsFix(model: DocumentModel, env: LintEnvironment, stage: Stage, install: InstructionInfo, script: ShellScript, installs: readonly InstallCommand[], copies: readonly CopyEntry[], moved: readonly CopyEntry[]): Fix | null {
  if (!installs.every((i) => i.kind === 'requirements')) return null;
  const manifests: Manifest[] = [];
  for (const i of installs) for (const m of i.manifests) manifests.push(m);
  const plan = planManifestCopy(env, manifests, copies, moved);
  if (!plan) return null;
  const split = runSplit(install, script, installs);
  const edits = moveEdits(model, install, moved, plan.files, split);
  if (!edits) return null;
  // Only whether there is a risk decides: a plan already known to be unsafe needs no further look.
  const safe = plan.unsafeBecause.length === 0 && moveRisks(model, env, stage, install, script, installs, moved, split).length === 0;
  const names = plan.files.map((f) => `\`${f.context}\``).join(', ');
  const broad = moved.map((m) => `\`${copyLabel(m.info)}\``).join(', ');
  const after = split ? 'between the install and the rest of its RUN' : 'after the install';
  return { title: `Copy ${names} first and move ${broad} ${after}`, applicability: safe ? 'safe' : 'unsafe', edits };
}

type ProjectTool = 'poetry' | 'uv-sync' | 'pipenv';

/**
 * What the dependencies-only install of each project tool reads from the build context (the
 * lock is copied when it exists, or assumed when the install refuses to run without it).
 */
interface ToolManifests extends ProjectManifests {
  /** Options that make the install fail without the lock file (so it exists even unread). */
  lockRequired: readonly string[];
}

const TOOL_MANIFESTS: Record<ProjectTool, ToolManifests> = {
  // `poetry install` resolves afresh without a lock file: only reading the context can tell.
  poetry: { ...PROJECT_MANIFESTS.poetry, lockRequired: [] },
  'uv-sync': { ...PROJECT_MANIFESTS.uv, lockRequired: ['--locked', '--frozen'] },
  pipenv: { ...PROJECT_MANIFESTS.pipenv, lockRequired: ['--deploy', '--ignore-pipfile'] },
};

/** The option that makes the install skip the project itself (Pipenv never installs it). */
const DEPENDENCIES_ONLY: Record<ProjectTool, string | null> = { poetry: '--no-root', 'uv-sync': '--no-install-project', pipenv: null };

/** Options after which the install already leaves the project out. */
const WITHOUT_PROJECT: Record<ProjectTool, readonly string[]> = {
  poetry: ['--no-root'],
  'uv-sync': ['--no-install-project', '--no-install-workspace', '--only-group', '--only-dev'],
  pipenv: [],
};

/** Which manifests to copy first, and why that copy might fail or differ; null when it cannot be done. */
function toolManifests(env: LintEnvironment, kind: ProjectTool, dir: string, words: readonly { value: string }[], isSync: boolean): { files: string[]; risks: string[] } | null {
  const spec = TOOL_MANIFESTS[kind];
  const at = (name: string): string => (dir === '.' ? name : `${dir}/${name}`);
  const workspace = env.workspace;
  // `pipenv sync` installs exactly the lock, like `install --deploy`.
  const lockRequired = words.some((w) => spec.lockRequired.includes(w.value)) || (kind === 'pipenv' && isSync);
  if (!workspace) {
    if (!lockRequired) return null;
    return { files: [at(spec.project), at(spec.lock)], risks: ['the build context could not be read, so path dependencies and optional files are not known'] };
  }
  if (!workspace.exists(at(spec.project))) return null;
  const lock = workspace.exists(at(spec.lock));
  if (!lock && lockRequired) return null;
  const files = [at(spec.project), ...(lock ? [at(spec.lock)] : []), ...spec.optional.map(at).filter((f) => workspace.exists(f))];
  const blocker = spec.needsSources((file) => workspace.text(at(file)));
  if (blocker !== null) return null;
  const risks: string[] = [];
  if (!lock) risks.push(`there is no \`${spec.lock}\`, so the two installs resolve the dependencies separately`);
  // The source COPY now comes after the environment: a host `.venv` in the context would land on it.
  if (workspace.exists(at('.venv/pyvenv.cfg'))) risks.push('the build context has a `.venv` that the source COPY would write over the installed environment');
  return { files, risks };
}

/**
 * The two-phase fix for Poetry, uv and Pipenv. Right before the broad COPY it copies the manifests
 * and runs the RUN up to the install there, without the project (`--no-root`,
 * `--no-install-project`). The original RUN then keeps only the install, which just adds the
 * project once the sources are there (Poetry and uv are not installed again), or goes away when
 * the install never installed the project. Not offered when anything but COPY/ADD/LABEL/EXPOSE
 * sits between the broad COPY and the install (the early install would run in another
 * environment), or when the manifests are not known to exist.
 */
function projectFix(model: DocumentModel, env: LintEnvironment, stage: Stage, install: InstructionInfo, script: ShellScript, installs: readonly InstallCommand[], moved: readonly CopyEntry[]): Fix | null {
  const only = installs.length === 1 ? installs[0] : undefined;
  const first = moved[0];
  if (!only || !first?.op || first.op.from !== null || first.op.unresolved || (only.kind !== 'poetry' && only.kind !== 'uv-sync' && only.kind !== 'pipenv')) return null;
  const kind = only.kind;
  const between = stage.instructions.filter((i) => i.index > first.info.index && i.index < install.index);
  if (between.some((i) => !['COPY', 'ADD', 'LABEL', 'EXPOSE'].includes(i.keyword))) return null;
  const wdInstall = workdirBefore(model, install);
  const wdCopy = workdirBefore(model, first.info);
  if (!wdInstall || !wdCopy || wdInstall.fromImage || wdInstall.dir !== wdCopy.dir || only.manifests[0]?.written !== '.') return null;
  // The commands up to the install run early, before the sources; those after it stay where they are.
  const upTo = script.commands.filter((c) => c.index <= only.command.index);
  if (script.opaque.length > 0 || upTo.some((c) => c.depth !== 0 || ['cd', 'pushd', 'popd'].includes(programName(c)) || (c !== only.command && c.connector !== '&&'))) return null;
  // The early commands leave only files behind; a shell state they set would not reach the install left behind.
  if (hasStatefulBuiltin({ ...script, commands: upTo })) return null;
  const manifestPath = only.manifests[0]?.path;
  const op = first.op;
  const context = manifestPath ? op.sources.map((s) => sourcePathFor(op, s, wdCopy.dir, manifestPath)).find((p): p is string => p !== null) : undefined;
  if (context === undefined) return null;
  const words = effectiveWords(only.command);
  // The subcommand word (`install`, `sync`): the flag goes right after it.
  const sub = words.find((w, i) => i > 0 && (w.value === 'install' || w.value === 'sync'));
  if (!sub || words.some((w) => w.value === '--only-root')) return null;
  // `pipenv install <package>` also edits the Pipfile, which the source COPY would then put back.
  if (kind === 'pipenv' && (pipenvInstall(only.command)?.operands.length ?? 0) > 0) return null;
  const plan = toolManifests(env, kind, dirName(context), words, sub.value === 'sync');
  if (!plan || !plan.files.every((f) => SAFE_PATH_RE.test(f))) return null;
  const flag = DEPENDENCIES_ONLY[kind];
  const installsProject = flag !== null && !words.some((w) => WITHOUT_PROJECT[kind].some((o) => w.value === o || w.value.startsWith(`${o}=`)));
  const risks = [...plan.risks];
  if (between.some((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !moved.some((m) => m.info === i))) {
    risks.push('a COPY between the sources and the install now comes after the dependency install');
  }
  if (upTo.some((c) => c !== only.command && !harmlessCommand(c))) risks.push('a command before the install may need the sources');

  const head = model.content.slice(install.start, script.start);
  const body = installsProject ? `${model.content.slice(script.start, sub.end)} ${flag}${model.content.slice(sub.end, only.command.end)}` : model.content.slice(script.start, only.command.end);
  const indent = /^[ \t]*/.exec(model.text.lineText(first.info.range.start.line))?.[0] ?? '';
  const eol = model.eol;
  const after = script.commands.find((c) => c.index === only.command.index + 1);
  const edits: TextEdit[] = [];
  let comments = '';
  if (installsProject) {
    // The tool and the dependencies are there already: only the install itself runs again.
    if (only.command.start > script.start) edits.push(replaceSpan(model, script.start, only.command.start, ''));
  } else if (after) {
    // What follows keeps running on its own only after a plain `&&` or `;` (not a pipe, `||` or subshell).
    if (after.depth !== 0 || (only.command.connector !== '&&' && only.command.connector !== ';')) return null;
    edits.push(replaceSpan(model, script.start, after.start, ''));
  } else {
    // Nothing is left to run after the sources: the RUN moves up whole, with its comments.
    const blockStart = model.text.lineStart(blockStartLine(model, install));
    comments = model.content.slice(blockStart, model.text.lineStart(install.range.start.line));
    edits.push(...removeBlocks(model, [install]));
  }
  const lines = [['COPY', ...carriedFlags(first), ...plan.files, './'].join(' '), `${head}${body}`];
  // The install's comments (when it moves whole) stay right above it.
  edits.unshift(insertAt(model, model.text.lineStart(blockStartLine(model, first.info)), indent + (lines[0] as string) + eol + comments + indent + (lines[1] as string) + eol));
  const names = plan.files.map((f) => `\`${f}\``).join(', ');
  return {
    title: `Install the dependencies from ${names} before \`${copyLabel(first.info)}\`${installsProject ? ', and only the project after it' : ''}`,
    applicability: risks.length === 0 ? 'safe' : 'unsafe',
    edits,
  };
}

// -- Named-package installs ---------------------------------------------------------------------
// `RUN pip install gunicorn` after `COPY . .` reads no manifest, but the source COPY still
// invalidates it: every code change downloads and installs the packages again. Such a RUN moves
// above the source COPY with PYD309's machinery, judged by what pip reads.

/**
 * Variables that pip, uv and package builds read without the RUN naming them (and apt, for the
 * apt commands a moved RUN may hold): one set in between means the RUN would install differently.
 */
const PIP_IMPLICIT_VARIABLE_RE =
  /^(PIP_\w+|UV_\w+|PATH|VIRTUAL_ENV|CONDA_\w+|PYTHON\w*|HOME|USER|XDG_\w+|[a-z]+_proxy|[A-Z]+_PROXY|SSL_CERT_\w+|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|NETRC|TMPDIR|CC|CXX|\w*FLAGS|LD_LIBRARY_PATH|LIBRARY_PATH|CPATH|C_INCLUDE_PATH|PKG_CONFIG_PATH|SETUPTOOLS_\w+|DEBIAN_\w+|DEBCONF_\w+|APT_\w+|LANG|LANGUAGE|LC_\w+|TZ)$/;

/** Instructions a named install never moves past: they change where or whether its files land. */
const STOPS_NAMED_MOVE = new Set(['FROM', 'USER', 'SHELL', 'VOLUME', 'ONBUILD']);

/** A RUN that installs only named packages, after a source COPY of its stage. */
interface NamedRun {
  info: InstructionInfo;
  /** Where its fix moves it, or null when it gets none. */
  move: NamedMove | null;
}

interface NamedMove {
  target: CopyEntry;
  plan: RunMovePlan;
  /** Safe, and so are the moves of the named installs in its way (they move along). */
  safe: boolean;
  /**
   * The earlier named install whose walk this one went on from (it passed everything that one
   * passed): it, and the installs in its way, move along too. Null when the walk went on alone.
   */
  via: NamedRun | null;
  /** The other earlier named installs in its way (after `via`), in document order: they move along. */
  direct: readonly NamedRun[];
  /** The paths the RUN names. */
  refs: readonly string[];
}

/**
 * The first pip install of a RUN whose commands all install named packages or cannot read the
 * sources (PYD301's {@link harmlessCommand}: apt/apk installs, venv creation, user and directory
 * creation), or null.
 */
function namedInstallOf(model: DocumentModel, info: InstructionInfo, flagged: boolean): PipInstall | null {
  const script = model.shellOf(info);
  if (!script || script.error !== undefined || !fullyUnderstood(script)) return null;
  // Most RUNs after the sources install nothing with pip: they are answered before each of their
  // commands is judged (pipInstall is read once per command for every rule; harmlessCommand is not).
  if (!script.commands.some((c) => (pipInstall(c)?.packages.length ?? 0) > 0)) return null;
  // A bind mount of the context could be what the install reads.
  if (flagged && bindsFromContext(info)) return null;
  let first: PipInstall | null = null;
  for (const c of script.commands) {
    if (!harmlessCommand(c)) return null;
    const pip = pipInstall(c);
    if (!pip) continue;
    // A VCS or URL requirement is no package name, even pinned (the move would be right, but it
    // is not what this finding says).
    if (pip.packages.some((w) => w.value.includes('://') || /(^|@\s*)(git|hg|svn|bzr)\+/i.test(w.value))) return null;
    if (pip.packages.length > 0) first ??= pip;
  }
  return first;
}

/** A COPY/ADD of the sources themselves: the whole context or a glob beyond the manifests, from the build context. */
function copiesSources(entry: CopyEntry): boolean {
  const op = entry.op;
  return op !== null && op.from === null && op.sources.some((s) => sourceBreadth(s) === 'broad');
}

/** The absolute destination of a COPY, or null when it cannot be resolved. */
function destinationOf(entry: CopyEntry): string | null {
  const op = entry.op;
  if (!op || op.unresolved) return null;
  if (op.dest.startsWith('/')) return normalizePath(op.dest);
  return entry.workdir === null ? null : joinPath(entry.workdir, op.dest);
}

/**
 * Whether a RUN between the source COPY and a named install can neither read the sources nor
 * prepare the install: only users, directories and shell options, nothing the install names.
 * A venv, a pip, apt or apk command in between may be what the install uses (its environment,
 * a newer pip, a library to build against).
 */
function passesNamedInstall(model: DocumentModel, info: InstructionInfo, refs: readonly string[]): boolean {
  const script = model.shellOf(info);
  if (!script || script.error !== undefined || !fullyUnderstood(script)) return false;
  for (const c of script.commands) {
    if (!harmlessCommand(c) || pipInstall(c) !== null || venvCreateDir(c) !== null || aptCommand(c) !== null || apkCommand(c) !== null) return false;
  }
  const own = runReferences(model, info);
  return own !== null && !own.some((p) => refs.some((r) => pathsOverlap(p, r)));
}

/**
 * Whether the environment the install uses (a PATH entry or `VIRTUAL_ENV`) lies under a COPY
 * it jumps over, and the build context may hold files there (a host venv, a `pip`), or a
 * `--user` install jumps over a COPY into a home directory: the COPY used to write them before
 * the install and now writes them after it.
 */
function environmentUnderCopy(model: DocumentModel, env: LintEnvironment, info: InstructionInfo, jumped: readonly CopyEntry[]): boolean {
  const vars = variableLookupBefore(model, info);
  const dirs = [...(vars.get('PATH') ?? '').split(':'), vars.get('VIRTUAL_ENV') ?? ''].filter((d) => d.startsWith('/')).map(normalizePath);
  // `pip install --user` writes to `~/.local`, which a COPY into the home directory could now write over.
  const script = model.shellOf(info);
  const userInstall = script?.commands.some((c) => pipInstall(c)?.has('--user') === true) ?? false;
  const home = vars.get('HOME') ?? '';
  const homes = ['/home', ...(home.startsWith('/') ? [normalizePath(home)] : [])];
  for (const entry of jumped) {
    const op = entry.op as CopyOperands;
    const dest = destinationOf(entry);
    if (dest === null || entry.workdir === null) return true;
    if (userInstall && homes.some((h) => pathsOverlap(h, dest))) return true;
    for (const dir of dirs) {
      if (!isWithin(dir, dest)) continue;
      const venv = dir.endsWith('/bin') ? dirName(dir) : dir;
      for (const file of [`${venv}/pyvenv.cfg`, `${dir}/pip`, `${dir}/python`]) {
        for (const s of op.sources) {
          const context = sourcePathFor(op, s, entry.workdir, file);
          if (context !== null && (!env.readContextFile || env.readContextFile(context) !== undefined)) return true;
        }
      }
    }
  }
  return false;
}

/**
 * The move of a named-install RUN: walking back, past COPYs of the build context it does not
 * use, RUNs that only create users and directories, earlier named installs (they move along)
 * and instructions the plan judges (ENV, ARG, WORKDIR, …), up to the first instruction it may
 * depend on; the earliest source COPY passed is where it goes. Null when it cannot move: a
 * variable pip reads is set in between, or an earlier named install in between moves elsewhere.
 */
function namedMove(model: DocumentModel, env: LintEnvironment, stage: Stage, info: InstructionInfo, copies: readonly CopyEntry[], named: ReadonlyMap<InstructionInfo, NamedRun>): NamedMove | null {
  const refs = runReferences(model, info);
  if (refs === null) return null;
  const all = stage.instructions;
  let target: CopyEntry | null = null;
  const jumped: CopyEntry[] = [];
  const met: NamedRun[] = [];
  let via: NamedRun | null = null;
  for (let k = positionOf(all, info) - 1; k >= 0; k--) {
    const i = all[k] as InstructionInfo;
    if (i.keyword === 'COPY' || i.keyword === 'ADD') {
      const entry = copyEntryOf(copies, i);
      const dest = entry ? destinationOf(entry) : null;
      // A COPY from another stage or image may bring the tool or environment the install uses.
      if (!entry || dest === null || entry.op?.from !== null || entry.op.sources.some((s) => classifySource(s) === 'remote')) break;
      if (isSystemDest(dest) || refs.some((r) => pathsOverlap(r, dest))) break;
      jumped.push(entry);
      if (copiesSources(entry)) target = entry;
    } else if (i.keyword === 'RUN') {
      const earlier = named.get(i);
      if (!earlier) {
        if (!passesNamedInstall(model, i, refs)) break;
        continue;
      }
      // An earlier named install that cannot move stays in the way: only a COPY above it is left.
      const move = earlier.move;
      if (!move) break;
      // Naming no path the earlier install does not name, this one passes all it passed: go on
      // from its target (one walk per stage, not one per install over all the installs before).
      if (refs.every((r) => move.refs.includes(r))) {
        via = earlier;
        target = move.target;
        k = positionOf(all, move.target.info);
      } else met.push(earlier);
    } else if (STOPS_NAMED_MOVE.has(i.keyword)) break;
  }
  if (target === null) return null;
  const at = target.info.index;
  // Installs in the way that move elsewhere (or below a COPY this one passes) would change order.
  if (via && via.move?.target !== target) return null;
  const direct = met.filter((m) => m.info.index > at).reverse();
  if (direct.some((m) => m.move?.target !== target)) return null;
  // After `via`, only what lies between it and this RUN is new: `via`'s plan covers the rest, and
  // a RUN that names no variable takes none along from there.
  const named$ = model.content.slice(info.start, info.end).includes('$');
  const plan = planRunMove(model, stage, via && !named$ ? via.info : target.info, info, (name) => PIP_IMPLICIT_VARIABLE_RE.test(name));
  const before = via && !named$ ? (via.move as NamedMove).plan : null;
  const context = before ? [...before.context, ...plan.context] : plan.context;
  // pip would read what it sets: prefer no fix over one that installs elsewhere or differently.
  if (plan.implicit.length > 0 || context.some((c) => c.keyword !== 'WORKDIR')) return null;
  // Above a WORKDIR, a relative path of the RUN (`python -m venv venv`) would name another place:
  // only a RUN that names no path at all is offered the move, and not as safe.
  if (context.length > 0 && refs.length > 0) return null;
  const own = jumped.filter((j) => j.info.index >= at);
  // The named variables stay in effect (they move along), but the COPYs jumped over could read them too.
  const safe =
    context.length === 0 &&
    plan.vars.length === 0 &&
    !plan.varsShared &&
    (via === null || (via.move as NamedMove).safe) &&
    direct.every((m) => m.move?.safe === true) &&
    !environmentUnderCopy(model, env, info, own);
  return { target, plan: { ...plan, context }, safe, via, direct, refs };
}

/** The named installs that move along with `run` (those in its way, through its `via` links), in document order. */
function groupOf(run: NamedRun): NamedRun[] {
  const group: NamedRun[] = [];
  for (let r: NamedRun | null = run; r; r = r.move?.via ?? null) {
    if (r !== run) group.push(r);
    for (const d of r.move?.direct ?? []) group.push(d);
  }
  return group.sort((a, b) => a.info.index - b.info.index);
}

/** The position of an instruction in its stage's list (by index: the list is in document order). */
function positionOf(all: readonly InstructionInfo[], info: InstructionInfo): number {
  let lo = 0;
  let hi = all.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const index = (all[mid] as InstructionInfo).index;
    if (index === info.index) return mid;
    if (index < info.index) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The entry of a COPY of the stage (searched from the end: walks start at the latest ones). */
function copyEntryOf(copies: readonly CopyEntry[], info: InstructionInfo): CopyEntry | undefined {
  for (let k = copies.length - 1; k >= 0; k--) if ((copies[k] as CopyEntry).info === info) return copies[k];
  return undefined;
}

/**
 * The fixes of a stage's named installs, in order. Installs bound for the same COPY share their
 * fixes: the move of all of them that move safely (a safe move takes only safe ones along, so they
 * come first), then the move of all of them. Their own moves would overlap, so fix-all would apply
 * one per pass, a stage with many of them would not settle within its pass limit, and building a
 * move per install over the installs before it made long stages quadratic.
 */
function namedFixes(model: DocumentModel, runs: readonly NamedRun[]): Fix[][] {
  const lastSafe = new Map<InstructionInfo, NamedRun>();
  const last = new Map<InstructionInfo, NamedRun>();
  for (const r of runs) {
    if (!r.move) continue;
    last.set(r.move.target.info, r);
    if (r.move.safe) lastSafe.set(r.move.target.info, r);
  }
  const built = new Map<NamedRun, Fix>();
  const fixOf = (r: NamedRun): Fix => {
    let fix = built.get(r);
    if (!fix) {
      const move = r.move as NamedMove;
      fix = runMoveFix(model, move.target.info, [...groupOf(r).map((m) => (m.move as NamedMove).plan), move.plan], move.safe);
      built.set(r, fix);
    }
    return fix;
  };
  return runs.map((r) => {
    if (!r.move) return [];
    const safeGroup = r.move.safe ? lastSafe.get(r.move.target.info) : undefined;
    const whole = last.get(r.move.target.info) as NamedRun;
    return safeGroup && safeGroup !== whole ? [fixOf(safeGroup), fixOf(whole)] : [fixOf(whole)];
  });
}

/** How a pip install reads in a message: the program, `install` and the packages (`pip install gunicorn==22.0.0`). */
function namedLabel(model: DocumentModel, pip: PipInstall): string {
  const words = effectiveWords(pip.command);
  const head = `${baseName(words[0])}${model.content.slice((words[0] as { end: number }).end, pip.installWord.end)}`.replace(/\\\r?\n|\s+/g, ' ').replace(/ +/g, ' ');
  // `--upgrade` says what `pip install pip` does.
  const upgrade = pip.options.find((o) => o.name === '-U' || o.name === '--upgrade');
  const names = [...(upgrade ? [upgrade.name] : []), ...pip.packages.map((w) => w.value)];
  const shown = names.length > 3 ? [...names.slice(0, 3), '…'] : names;
  return `${head} ${shown.join(' ')}`;
}

export default defineRule({
  code: 'PYD301',
  name: 'dependency-install-after-source-copy',
  title: 'Install dependencies before copying the source code',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags a dependency install that runs after a COPY or ADD of the source tree in the same stage: `pip install -r <file>` (also `uv pip install -r`), `pip install .`, `poetry install`, `pipenv install`/`sync` and `uv sync`. ' +
      'A COPY counts as broad when a source is `.`, `./`, a glob that is not limited to manifests, or a directory that contains the manifest the install reads. ' +
      'It stays silent when the manifests were already copied on their own earlier in the stage (or bind-mounted into an earlier RUN), which is the two-step pattern it asks for. ' +
      'It also flags a `RUN` that only installs named packages (`pip install gunicorn==22.0.0`, `python -m pip install \'uvicorn[standard]>=0.30\'`, a venv\'s own pip, `uv pip install`) after a COPY or ADD of the whole context or of a glob beyond the manifests in the same stage, possibly together with commands that cannot read the sources (apt/apk installs, venv creation, `pip install --upgrade pip`, user and directory creation). Installs with `-r`, `-c`, `-e`, a local path, a URL or a VCS requirement, or a local `--find-links`, and RUNs that run anything else (app code, scripts), are not named-package installs; heredoc RUNs are not read.',
    whyItMatters:
      'Docker reuses a cached layer only while everything before it is unchanged. After `COPY . .`, any edit to any source file invalidates that layer and every later one, so all dependencies are downloaded (and maybe compiled) again on every code change. ' +
      'Copying only the manifests first keeps the dependency layer cached until the dependencies really change. In one reported CI pipeline, reordering the layers and reusing the cache cut build times by about 90 %; another team went from 30 minutes to 1 minute by combining this order with a Debian base and a plain pip install. Poetry\'s FAQ and uv\'s Docker guide prescribe the same split.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "-m", "app"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "-m", "app"]',
    fixSafety:
      'For `pip install -r` the fix inserts `COPY <requirements file and the files it includes> <its directory>/` right before the install and moves the broad COPY (with the comments directly above it) right after it. Commands that follow the install in the same RUN and may read the sources (`&& python manage.py collectstatic`) stay after the broad COPY, in a RUN of their own, when `&&` joins them to the install and the RUN has no flags and changes no shell state (`cd`, `export`, `set`); otherwise the whole RUN moves. ' +
      'It is safe only when the requirements file can be read from the build context and has no editable (`-e`) or local-path requirements, every `-r`/`-c` include can be read too, the broad COPY has no `--from` and its context path is clear (no glob), no WORKDIR changes a relative destination, every RUN in between only runs commands that cannot read the copied files (apt/apk, pip installs of named packages, venv creation, user and directory creation), and the part of the install RUN that moves does not `cd` or run anything else that reads the sources. ' +
      'Otherwise the same edit is offered as unsafe: a step in between might need the sources, or a later COPY might now overwrite what it used to be overwritten by. For Poetry, uv and Pipenv the fix copies the manifests (`pyproject.toml` with `poetry.lock` and `poetry.toml`; with `uv.lock` and `.python-version`; `Pipfile` with `Pipfile.lock`) right before the broad COPY and runs the RUN up to the install there, without the project (`--no-root`, `--no-install-project`). After the sources, the original RUN keeps only the install itself, which then just adds the project (the tool and the dependencies are not installed again); when the install never installed the project (Pipenv, `--no-root`) it moves up whole. This is safe when the build context can be read and has the project file and its lock, no path dependency, uv workspace or Pipenv path entry needs the sources, and the commands before the install in the same RUN only install named packages or create users and directories. It is unsafe when there is no lock file (the two installs resolve separately), when another COPY sits between the sources and the install, when such a command may need the sources, or when the build context cannot be read and only `--locked`/`--frozen` (uv) or `--deploy`/`sync` (Pipenv) prove the manifests exist: optional files and path dependencies are then unknown. Without a lock file and an unreadable context there is no fix. `pip install .` gets no automatic fix: it needs a lock or requirements file first. ' +
      'A named-package install moves (with the comment lines directly above it) right above the earliest source COPY it can pass, the way PYD309 moves system installs: walking back, it passes COPYs of the build context to other places than the paths it names, RUNs that only create users or directories, earlier named-package installs (which move along, in their order) and ENV, ARG, WORKDIR, LABEL, EXPOSE, CMD lines. A COPY from another stage or image, into a system directory or onto a path the RUN names, a RUN with a venv, pip, apt or apk command (it may prepare the environment, pip or the libraries the install uses), USER, SHELL and VOLUME end the walk; no source COPY before that point means no fix. ' +
      'There is no fix either when an ENV or ARG in between sets a variable pip, uv or a package build reads (`PIP_*`, `UV_*`, `PATH`, `VIRTUAL_ENV`, `PYTHON*`, `HOME`, proxies, compiler flags, …). A WORKDIR in between leaves no fix when the RUN names any path; otherwise the move is safe unless a WORKDIR sits in between, the RUN uses an ENV or ARG defined in between (it moves along), or the environment on PATH lies under a COPY it jumps over where the build context may hold a venv or a `pip` (or, for `pip install --user`, the COPY writes into a home directory): then it is offered as unsafe.',
    references: [
      'https://docs.docker.com/build/cache/optimize/#order-your-layers',
      'https://docs.docker.com/build/cache/invalidation/',
      'https://python-poetry.org/docs/faq/#how-do-i-install-the-dependencies-of-a-project-without-the-project-itself',
      'https://docs.astral.sh/uv/guides/integration/docker/#intermediate-layers',
      'https://pip.pypa.io/en/stable/reference/requirements-file-format/',
    ],
  },
  check(ctx) {
    const { model, env } = ctx;
    for (const stage of model.stages) {
      const copies: CopyEntry[] = [];
      // Whether an earlier RUN of the stage bind-mounts a manifest (kept up to date as RUNs pass by).
      let manifestBound = false;
      // An install is only flagged after a COPY that can be broad: until one comes, no RUN needs reading.
      let broadSeen = false;
      // The last COPY of the sources themselves, which named-package installs after it are reported against.
      let sources: CopyEntry | null = null;
      // This stage's named-package installs so far: a later one moves up with those in its way.
      const named = new Map<InstructionInfo, NamedRun>();
      const pendingNamed: { run: NamedRun; range: Range; message: string }[] = [];
      for (const info of stage.instructions) {
        if (info.keyword === 'COPY' || info.keyword === 'ADD') {
          const entry: CopyEntry = { info, op: copyOperands(model, info), workdir: workdirBefore(model, info)?.dir ?? null };
          copies.push(entry);
          broadSeen ||= mayBeBroad(entry);
          if (copiesSources(entry)) sources = entry;
          continue;
        }
        if (info.keyword !== 'RUN') continue;
        // A RUN without flags has no mount: read once, for both mount questions below.
        const flagged = flagsOf(info).length > 0;
        const script = broadSeen ? model.shellOf(info) : null;
        // Most RUNs install nothing: no closures or lookups for them below.
        const installs = script && script.error === undefined && !(flagged && bindsFromContext(info)) ? findInstalls(model, info, script) : NO_INSTALLS;
        if (script && installs.length > 0) {
          // Each install's broad COPYs, read once for the test and again for the set below.
          // Made on first use: most RUNs install nothing, and a map per RUN added up in long files.
          let broadOf: Map<InstallCommand, CopyEntry[]> | null = null;
          const broadFor = (i: InstallCommand): CopyEntry[] => {
            broadOf ??= new Map();
            let found = broadOf.get(i);
            if (!found) broadOf.set(i, (found = broadCopies(i, copies)));
            return found;
          };
          const firstFlagged = installs.find((i) => !dependenciesPrepared(i, copies, manifestBound) && broadFor(i).length > 0);
          if (firstFlagged) {
            // One set for all installs: asking per copy made this cubic in the COPYs of a stage.
            const broad = new Set<CopyEntry>();
            for (const i of installs) for (const c of broadFor(i)) broad.add(c);
            const moved = copies.filter((c) => broad.has(c));
            const closest = moved[moved.length - 1] as CopyEntry;
            const hint =
              firstFlagged.kind === 'requirements'
                ? `copy \`${firstFlagged.manifests[0]?.written ?? 'requirements.txt'}\` on its own first`
                : COPY_FIRST[firstFlagged.kind];
            const fix = requirementsFix(model, env, stage, info, script, installs, copies, moved) ?? projectFix(model, env, stage, info, script, installs, moved);
            const range = model.text.rangeOf(firstFlagged.command.start, firstFlagged.command.end);
            const message = `Dependencies are installed after \`${copyLabel(closest.info)}\`, so every source change re-installs them: ${hint}`;
            ctx.report(fix ? { range, message, fixes: [fix] } : { range, message });
          }
        }
        // A RUN with a manifest install is the main check's: only RUNs of named installs are left.
        const pip = sources && installs.length === 0 ? namedInstallOf(model, info, flagged) : null;
        if (sources && pip) {
          const run: NamedRun = { info, move: namedMove(model, env, stage, info, copies, named) };
          named.set(info, run);
          const range = model.text.rangeOf(pip.command.start, pip.command.end);
          const message = `\`${namedLabel(model, pip)}\` runs after \`${copyLabel(sources.info)}\`, so every source change re-installs it: install named packages before copying the sources`;
          pendingNamed.push({ run, range, message });
        }
        manifestBound ||= flagged && bindMountsManifest(info);
      }
      // Reported once the stage is read: each fix also offers the move of every named install bound for the same COPY.
      const fixes = namedFixes(model, pendingNamed.map((p) => p.run));
      pendingNamed.forEach((p, k) => ctx.report({ range: p.range, message: p.message, fixes: fixes[k] ?? [] }));
    }
  },
});
