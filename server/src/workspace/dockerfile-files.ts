// Which build-context files a Dockerfile installs from: requirements files behind `pip install -r`,
// project folders behind `pip install .`, `poetry install`, `uv sync`, `pipenv install`, `pdm install`.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { pipInstall, type PipInstall } from '../shell/pip';
import { baseName, effectiveWords, programName } from '../shell/query';
import { pipenvInstall, pipenvSync, poetryInstall, poetrySync, uvSync, type ToolCommand } from '../shell/tools';
import { classifySource, copyOperands, dirName, joinPath, lastSegment, normalizePath, relativeWithin, sourcePathFor, workdirBefore } from '../rules/copy-paths';
import { flagsOf } from '../rules/helpers';
import { parsedRuns } from '../rules/run-scripts';

/** A command of a RUN instruction. */
export interface InstallSite {
  info: InstructionInfo;
  stage: Stage;
  script: ShellScript;
  command: SimpleCommand;
}

/** A requirements or constraints file a `pip install` reads. */
export interface RequirementsUse extends InstallSite {
  pip: PipInstall;
  role: 'requirements' | 'constraints';
  /** The path as written. */
  written: string;
  /** The word holding the path (or the option word for `--requirement=file`). */
  word: Word;
  /** Its path in the build context, or null when it does not come from the context or cannot be traced. */
  contextPath: string | null;
}

/** How a project is installed from its own metadata. */
export type ProjectInstallKind = 'pip-project' | 'poetry' | 'uv' | 'pipenv' | 'pdm';

/** An install that reads a project folder (pyproject.toml, Pipfile, lock files). */
export interface ProjectInstall extends InstallSite {
  kind: ProjectInstallKind;
  /** The tool command, for poetry/uv/pipenv. */
  tool: ToolCommand | null;
  pip: PipInstall | null;
  /** The project folder in the build context (`''` for the root), or null when it cannot be traced. */
  contextDir: string | null;
  /** Whether the install pins versions from elsewhere (`-c`, `PIP_CONSTRAINT`). */
  constrained: boolean;
}

/** The directory a command runs in: WORKDIR, followed through literal `cd` earlier in the RUN. */
export function commandDirectory(model: DocumentModel, info: InstructionInfo, script: ShellScript, command: SimpleCommand): string | null {
  const wd = workdirBefore(model, info);
  if (!wd) return null;
  let dir = wd.dir;
  for (const cmd of script.commands) {
    if (cmd.index >= command.index) break;
    const name = programName(cmd);
    if (name === 'popd') return null;
    if (name !== 'cd' && name !== 'pushd') continue;
    const target = effectiveWords(cmd)[1];
    if (!target || target.hasExpansion || target.value === '-' || target.value.startsWith('~') || cmd.depth !== 0) return null;
    dir = joinPath(dir, target.value);
  }
  return dir;
}

/**
 * The build-context path of the file found at `containerPath` when `info` runs: through a bind
 * mount of that RUN, or the last COPY/ADD of the stage chain that wrote it. Null when the file
 * comes from elsewhere (another stage, the base image, a RUN) or the Dockerfile is unclear.
 */
export function contextPathFor(model: DocumentModel, info: InstructionInfo, containerPath: string): string | null {
  if (!info.stage) return null;
  const target = normalizePath(containerPath);
  for (const flag of flagsOf(info)) {
    if (flag.getName() !== 'mount') continue;
    const opts = new Map<string, string>();
    for (const part of (flag.getValue() ?? '').split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) opts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
    }
    if ((opts.get('type') ?? 'bind') !== 'bind' || opts.has('from')) continue;
    const mountTarget = opts.get('target') ?? opts.get('dst') ?? opts.get('destination');
    if (!mountTarget) continue;
    const rel = relativeWithin(target, joinPath(workdirBefore(model, info)?.dir ?? '/', mountTarget));
    if (rel === null) continue;
    const source = normalizePath(opts.get('source') ?? opts.get('src') ?? '.').replace(/^\/+/, '');
    return normalizePath(rel === '.' ? source : `${source}/${rel}`).replace(/^\.$/, '');
  }
  const earlier = stageChainInstructions(info.stage).filter((i) => i.index < info.index && (i.keyword === 'COPY' || i.keyword === 'ADD'));
  for (const copy of earlier.reverse()) {
    const op = copyOperands(model, copy);
    const wd = workdirBefore(model, copy);
    if (!op || !wd) {
      // An unreadable COPY may have written the file: we cannot tell where it came from.
      if (copy.node.getArguments().length > 0) return null;
      continue;
    }
    for (const source of [...op.sources].reverse()) {
      // A name without extension (`scripts/start`) may be a file copied to exactly the target.
      const asFile = classifySource(source) === 'ambiguous' && (joinPath(wd.dir, op.dest) === target || (op.dest.endsWith('/') && joinPath(joinPath(wd.dir, op.dest), lastSegment(source)) === target));
      const path = sourcePathFor(op, source, wd.dir, target) ?? (asFile ? normalizePath(source) : null);
      if (path === null) continue;
      if (op.from !== null || op.unresolved || /[*?[]/.test(path)) return null;
      const clean = normalizePath(path).replace(/^\/+/, '');
      return clean === '.' || clean.startsWith('..') ? null : clean;
    }
  }
  return null;
}

function* commands(model: DocumentModel): Generator<InstallSite> {
  for (const { info, stage, script } of parsedRuns(model)) {
    for (const command of script.commands) yield { info, stage, script, command };
  }
}

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

// Several rules ask for the same answers about one parsed Dockerfile: computed once per model.
const usesMemo = new WeakMap<DocumentModel, RequirementsUse[]>();
const installsMemo = new WeakMap<DocumentModel, ProjectInstall[]>();

/** Every requirements/constraints file read by a `pip install` (or `uv pip install`) of the Dockerfile. */
export function requirementsUses(model: DocumentModel): RequirementsUse[] {
  const hit = usesMemo.get(model);
  if (hit) return hit;
  const uses: RequirementsUse[] = [];
  for (const site of commands(model)) {
    const pip = pipInstall(site.command);
    if (!pip) continue;
    let cwd: string | null | undefined;
    for (const option of pip.options) {
      const role = option.name === '-r' || option.name === '--requirement' ? 'requirements' : option.name === '-c' || option.name === '--constraint' ? 'constraints' : null;
      if (role === null || option.value === null) continue;
      const written = option.value;
      const word = option.valueWord ?? option.word;
      let contextPath: string | null = null;
      if (written !== '' && written !== '-' && !written.startsWith('/dev/') && !written.includes('$') && !URL_RE.test(written)) {
        if (!written.startsWith('/') && cwd === undefined) cwd = commandDirectory(model, site.info, site.script, site.command);
        const absolute = written.startsWith('/') ? normalizePath(written) : cwd ? joinPath(cwd, written) : null;
        contextPath = absolute === null ? null : contextPathFor(model, site.info, absolute);
      }
      uses.push({ ...site, pip, role, written, word, contextPath });
    }
  }
  usesMemo.set(model, uses);
  return uses;
}

/** The context folder of a project folder at `containerDir`, traced through its `manifest` file. */
function projectContextDir(model: DocumentModel, info: InstructionInfo, containerDir: string, manifest: string): string | null {
  const path = contextPathFor(model, info, joinPath(containerDir, manifest));
  if (path === null) return null;
  const dir = dirName(path);
  return dir === '.' ? '' : dir;
}

/** Every install of a project from its metadata: `pip install .`, `poetry install`, `uv sync`, `pipenv install`, `pdm install`. */
export function projectInstalls(model: DocumentModel): ProjectInstall[] {
  const hit = installsMemo.get(model);
  if (hit) return hit;
  const installs: ProjectInstall[] = [];
  for (const site of commands(model)) {
    const cwd = (): string | null => commandDirectory(model, site.info, site.script, site.command);
    const pip = pipInstall(site.command);
    if (pip) {
      const dirs = [...pip.packages.filter((w) => !w.hasExpansion).map((w) => w.value), ...pip.values('-e', '--editable')]
        .map((spec) => spec.replace(/\[[^\]]*\]$/, ''))
        .filter((p) => p === '.' || p === '..' || p.startsWith('./') || p.startsWith('../') || (p.startsWith('/') && !/\.(whl|tar\.gz|zip)$/.test(p)));
      for (const dir of dirs) {
        const base = dir.startsWith('/') ? '/' : cwd();
        const containerDir = base === null ? null : joinPath(base, dir);
        const contextDir = containerDir === null ? null : (projectContextDir(model, site.info, containerDir, 'pyproject.toml') ?? projectContextDir(model, site.info, containerDir, 'setup.py'));
        installs.push({ ...site, kind: 'pip-project', tool: null, pip, contextDir, constrained: pip.has('-c', '--constraint') });
      }
      continue;
    }
    const tool = poetryInstall(site.command) ?? poetrySync(site.command) ?? uvSync(site.command) ?? pipenvInstall(site.command) ?? pipenvSync(site.command);
    const words = effectiveWords(site.command);
    const pdm = baseName(words[0]) === 'pdm' && (words[1]?.value === 'install' || words[1]?.value === 'sync');
    if (!tool && !pdm) continue;
    // `pipenv install <pkg>` adds a package: that is not an install of the project's lock.
    if (tool?.tool === 'pipenv' && tool.operands.length > 0) continue;
    if (tool?.tool === 'poetry' && tool.has('--only-root')) continue;
    const kind: ProjectInstallKind = pdm ? 'pdm' : tool?.tool === 'poetry' ? 'poetry' : tool?.tool === 'uv' ? 'uv' : 'pipenv';
    const option = tool?.values('-C', '--directory', '-P', '--project')[0];
    const base = cwd();
    const containerDir = option !== undefined ? (option.includes('$') || base === null ? null : joinPath(base, option)) : base;
    const manifest = kind === 'pipenv' ? 'Pipfile' : 'pyproject.toml';
    const contextDir = containerDir === null ? null : projectContextDir(model, site.info, containerDir, manifest);
    installs.push({ ...site, kind, tool: tool ?? null, pip: null, contextDir, constrained: false });
  }
  installsMemo.set(model, installs);
  return installs;
}
