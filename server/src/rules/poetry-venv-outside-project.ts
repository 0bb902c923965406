// PYD212: a stage copies `…/.venv` from a Poetry stage whose virtual environment is not created there.
import type { DocumentModel } from '../model/document-model';
import type { Range } from '../model/text';
import { resolveStageRef, rootStage, stageChainInstructions, type Stage } from '../model/stages';
import { poetryConfig, poetryInstall, poetrySync, venvCreate, type ToolCommand } from '../shell/tools';
import type { Fix, RuleContext } from './types';
import { defineRule } from './define-rule';
import type { CommandSite } from './helpers';
import { insertLinesBefore } from './edit-helpers';
import { copyOperands, joinPath, lastSegment, workdirBefore } from './copy-paths';
import { isTruthy, variableAt } from './tool-helpers';
import { changesDirectoryBefore, parsedRuns } from './run-scripts';

interface PoetryInstallSite {
  site: CommandSite;
  cmd: ToolCommand;
}

/** What we know about where Poetry puts the environment at an install. */
type VenvPlacement = 'in-project' | 'cache-dir' | 'no-venv' | 'unknown';

/** The `poetry install`/`poetry sync` commands of a stage chain, in order. */
function poetryInstalls(model: DocumentModel, stage: Stage): PoetryInstallSite[] {
  const found: PoetryInstallSite[] = [];
  for (const { info, script } of parsedRuns(model, stageChainInstructions(stage))) {
    for (const command of script.commands) {
      const cmd = poetryInstall(command) ?? poetrySync(command);
      if (cmd) found.push({ site: { info, script, command }, cmd });
    }
  }
  return found;
}

/**
 * The last value `poetry config [--local] <key> <value>` set before the install, in the stage
 * chain (earlier RUNs and earlier commands of the same RUN). `--unset` forgets it.
 */
function configuredBefore(model: DocumentModel, install: CommandSite, key: string): string | null | undefined {
  const stage = install.info.stage;
  if (!stage) return undefined;
  let value: string | null | undefined;
  for (const info of stageChainInstructions(stage)) {
    if (info.index > install.info.index) break;
    if (info.keyword !== 'RUN') continue;
    const script = model.shellOf(info);
    if (!script) continue;
    for (const command of script.commands) {
      if (info === install.info && command.index >= install.command.index) break;
      const config = poetryConfig(command);
      if (!config || config.operands[0]?.value !== key) continue;
      const v = config.operands[1];
      if (config.has('--unset')) value = undefined;
      else value = v && !v.hasExpansion ? v.value : null;
    }
  }
  return value;
}

/** A boolean Poetry setting at an install: environment variable first, then `poetry config`. */
function settingAt(model: DocumentModel, install: CommandSite, envName: string, key: string): boolean | null | undefined {
  const env = variableAt(install, envName);
  if (env === null) return null;
  if (env !== undefined) return isTruthy(env);
  const configured = configuredBefore(model, install, key);
  if (configured === null) return null;
  return configured === undefined ? undefined : isTruthy(configured);
}

/** Where the install puts its packages, as far as the Dockerfile tells. */
function placement(model: DocumentModel, install: CommandSite, read: ((p: string) => string | undefined) | undefined): VenvPlacement {
  // An active virtual environment (VIRTUAL_ENV) is used as is: Poetry creates nothing.
  if (variableAt(install, 'VIRTUAL_ENV') !== undefined) return 'unknown';
  const create = settingAt(model, install, 'POETRY_VIRTUALENVS_CREATE', 'virtualenvs.create');
  const inProject = settingAt(model, install, 'POETRY_VIRTUALENVS_IN_PROJECT', 'virtualenvs.in-project');
  if (create === null || inProject === null) return 'unknown';
  if (create === false) return 'no-venv';
  if (inProject === true) return 'in-project';
  // A project-level poetry.toml can set `in-project = true`; it is read when it can be.
  const local = read?.('poetry.toml');
  if (local !== undefined && /^\s*in-project\s*=\s*true\b/m.test(local)) return 'in-project';
  if (local === undefined && copiesPoetryToml(install)) return 'unknown';
  return 'cache-dir';
}

/** Whether a COPY before the install names a `poetry.toml` (whose content we may not see). */
function copiesPoetryToml(install: CommandSite): boolean {
  const stage = install.info.stage;
  if (!stage) return false;
  return stageChainInstructions(stage).some((i) => i.index < install.info.index && (i.keyword === 'COPY' || i.keyword === 'ADD') && /(^|[\s/])poetry\.toml\b/.test(i.node.getArgumentsContent() ?? ''));
}

/** Whether the stage chain creates a virtual environment at `dir` itself (python -m venv, uv venv). */
function createsVenvAt(model: DocumentModel, stage: Stage, dir: string): boolean {
  for (const info of stageChainInstructions(stage)) {
    if (info.keyword !== 'RUN') continue;
    const script = model.shellOf(info);
    if (!script) continue;
    for (const command of script.commands) {
      const created = venvCreate(command);
      if (!created) continue;
      if (created.dir === null) return true;
      const wd = workdirBefore(model, info);
      if (created.dir.startsWith('/') ? joinPath('/', created.dir) === dir : wd === null || joinPath(wd.dir, created.dir) === dir) return true;
    }
  }
  return false;
}

/**
 * The project directory of an install (where an in-project `.venv` would appear), or null when
 * it is not certain: `-C`/`--project` options, a `cd` earlier in the RUN, an unknown WORKDIR.
 */
function projectDir(model: DocumentModel, install: PoetryInstallSite): string | null {
  if (install.cmd.has('-C', '--directory', '-P', '--project')) return null;
  const { site } = install;
  if (changesDirectoryBefore(site.script, site.command.index)) return null;
  const wd = workdirBefore(model, site.info);
  if (!wd || !site.info.stage || (wd.fromImage && !rootStage(site.info.stage).image?.isPython)) return null;
  return wd.dir;
}

/** The SAFE (proven path) or UNSAFE (unknown path) insertion of the in-project setting. */
function inProjectFix(model: DocumentModel, first: PoetryInstallSite, copied: string): Fix | null {
  const dir = projectDir(model, first);
  if (dir !== null && joinPath(dir, '.venv') !== copied) return null;
  // Overriding an explicit `in-project false` is the user's call, even when the paths match.
  const explicit = settingAt(model, first.site, 'POETRY_VIRTUALENVS_IN_PROJECT', 'virtualenvs.in-project') !== undefined;
  return {
    title: 'Set `POETRY_VIRTUALENVS_IN_PROJECT=1` before the install',
    applicability: dir === null || explicit ? 'unsafe' : 'safe',
    edits: [insertLinesBefore(model, first.site.info, ['ENV POETRY_VIRTUALENVS_IN_PROJECT=1'])],
  };
}

function stageLabel(stage: Stage): string {
  return stage.alias ?? String(stage.index);
}

export default defineRule({
  code: 'PYD212',
  name: 'poetry-venv-outside-project',
  title: 'Create the Poetry virtual environment in the project before copying `.venv`',
  category: 'dependencies',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags `COPY --from=<stage> …/.venv` when that stage installs with `poetry install` or `poetry sync` but nothing tells Poetry to create the environment inside the project: no `POETRY_VIRTUALENVS_IN_PROJECT=true`/`1` (ENV, ARG, inline or `export`), no `poetry config virtualenvs.in-project true`, no `poetry.toml` with `in-project = true` (read from the build context when possible). ' +
      'With `virtualenvs.create false` (or `POETRY_VIRTUALENVS_CREATE=false`) it reports an information instead: Poetry then installs into the interpreter it runs with and creates no `.venv` at all. ' +
      'It stays silent when `VIRTUAL_ENV` is set or the stage creates the copied environment itself, and when a setting comes from a build argument without a default.',
    whyItMatters:
      'By default Poetry creates the environment under its cache directory with a hashed name (`~/.cache/pypoetry/virtualenvs/<name>-<hash>-py3.X`), so `COPY --from=builder /app/.venv /app/.venv` copies nothing: the build fails because the source is missing, or the runtime image starts without its dependencies. ' +
      'Poetry\'s FAQ still recommends a virtual environment inside containers; creating it in the project makes its path predictable and copyable.',
    example:
      'FROM python:3.12-slim-bookworm AS builder\nRUN pip install --no-cache-dir poetry==1.8.5\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --only main --no-root\n\nFROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY --from=builder /app/.venv /app/.venv',
    useInstead:
      'FROM python:3.12-slim-bookworm AS builder\nRUN pip install --no-cache-dir poetry==1.8.5\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nENV POETRY_VIRTUALENVS_IN_PROJECT=1\nRUN poetry install --only main --no-root\n\nFROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY --from=builder /app/.venv /app/.venv',
    fixSafety:
      'Inserting `ENV POETRY_VIRTUALENVS_IN_PROJECT=1` right before the install is safe when the copied path is `<WORKDIR of the install>/.venv`: Poetry then creates exactly the directory the COPY expects, and nothing else in the build reads the old cache location. ' +
      'When the install\'s directory cannot be determined (a `cd` in the RUN, an unknown WORKDIR), the same edit is offered as unsafe, since the environment may appear somewhere other than the copied path. No fix is offered when the paths differ or when Poetry is told not to create environments.',
    references: [
      'https://python-poetry.org/docs/configuration/#virtualenvsin-project',
      'https://python-poetry.org/docs/configuration/#virtualenvscreate',
      'https://python-poetry.org/docs/faq/#i-dont-want-poetry-to-manage-my-virtual-environments-can-i-disable-it',
      'https://docs.docker.com/reference/dockerfile/#copy---from',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const info of model.instructions) {
      if (info.keyword !== 'COPY' || !info.stage) continue;
      const op = copyOperands(model, info);
      if (!op || op.from === null || op.unresolved) continue;
      const source = resolveStageRef(model.stages, op.from, info.stage.index);
      if (!source) continue;
      const args = info.node.getArguments();
      op.sources.forEach((written, i) => {
        if (lastSegment(written) !== '.venv') return;
        reportCopy(ctx, source, written, args[i]?.getRange() ?? info.range);
      });
    }
  },
});

/** Judges one copied `.venv` source against the Poetry installs of the stage it comes from. */
function reportCopy(ctx: RuleContext, source: Stage, written: string, range: Range): void {
  const { model } = ctx;
  const installs = poetryInstalls(model, source);
  if (installs.length === 0) return;
  // `COPY --from` reads paths from the root of the other stage.
  const copied = joinPath('/', written);
  if (createsVenvAt(model, source, copied)) return;
  const placements = installs.map((i) => placement(model, i.site, ctx.env.readContextFile));
  if (placements.some((p) => p === 'in-project' || p === 'unknown')) return;
  const firstCacheDir = installs.find((_, i) => placements[i] === 'cache-dir');
  if (!firstCacheDir) {
    ctx.report({
      range,
      message: `\`${copied}\` is copied from stage \`${stageLabel(source)}\`, where Poetry creates no virtual environment (\`virtualenvs.create\` is false): the packages are not in it`,
      severity: 'info',
    });
    return;
  }
  const fix = inProjectFix(model, firstCacheDir, copied);
  ctx.report({
    range,
    message: `\`${copied}\` is copied from stage \`${stageLabel(source)}\`, but Poetry creates its virtual environment under its cache directory there: set \`POETRY_VIRTUALENVS_IN_PROJECT=1\``,
    severity: 'error',
    ...(fix ? { fixes: [fix] } : {}),
  });
}
