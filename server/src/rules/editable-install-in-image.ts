// PYD204: editable (`-e`, link) installs inside an image, fatal when only the environment is copied on.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { inStageChain, rootStage, stageChainInstructions, type Stage } from '../model/stages';
import { pipInstall, type PipInstall, type PipOption } from '../shell/pip';
import { effectiveWords, inlineEnv } from '../shell/query';
import { pipenvInstall, poetryConfig, poetryInstall, poetrySync, uvSync, type ToolCommand } from '../shell/tools';
import type { TextEdit } from '../model/text';
import type { Fix, Violation } from './types';
import { defineRule } from './define-rule';
import type { CommandSite } from './helpers';
import { toolSites } from './tool-helpers';
import { insertAt, replaceSpan } from './edit-helpers';
import { copyOperands, copyTarget, joinPath, lastSegment, normalizePath, relativeWithin, variablesBefore, workdirBefore } from './copy-paths';
import { copiesFrom, describeStage, isRootUser, isVerbatim, removeWordsEdit, userBefore, type StageCopy } from './python-env-helpers';
import { resolveRunPath } from './run-scripts';

type Installer = 'pip' | 'uv' | 'poetry' | 'pipenv';

/** One editable install found in a RUN. */
interface EditableInstall {
  site: CommandSite;
  installer: Installer;
  /** Document span to underline. */
  start: number;
  end: number;
  /** How the install is written in messages (`-e .`, `uv sync`, …). */
  label: string;
  /** Absolute directory of the project installed as a link, or null when unknown. */
  source: string | null;
  /** Absolute directory of the environment that receives the link, or null when unknown. */
  environment: string | null;
  fixes: Fix[];
  /** Why no fix is offered, for the message, when the fix would lose files. */
  noFix?: string;
}

const TRUE_RE = /^(1|true|yes|on)$/i;
const FALSE_RE = /^(0|false|no|off)$/i;
const SYSTEM_BIN_DIRS = new Set(['/usr/local/bin', '/usr/local/sbin', '/usr/bin', '/usr/sbin', '/bin', '/sbin']);
const ENVIRONMENT_DIR_NAMES = new Set(['.venv', 'venv', '.virtualenvs', 'virtualenvs', 'site-packages', 'dist-packages', '.local']);

/** ENV/ARG values before the RUN plus the command's inline assignments. */
function variablesAt(model: DocumentModel, site: CommandSite): Map<string, string> {
  const vars = variablesBefore(model, site.info);
  for (const [name, value] of inlineEnv(site.command)) vars.set(name, value);
  return vars;
}

/**
 * The absolute path a path written in a RUN command refers to, or null when the working
 * directory is unknown: a `cd` earlier in the RUN, an unresolvable WORKDIR, or a non-python
 * base image whose own default WORKDIR we cannot see.
 */
function resolveInRun(model: DocumentModel, site: CommandSite, written: string): string | null {
  return written.includes('$') ? null : resolveRunPath(model, site, written);
}

/** A venv directory named by `VIRTUAL_ENV` or by the first non-system `…/bin` entry of `PATH`. */
function activeVenv(vars: ReadonlyMap<string, string>): string | null {
  const virtualEnv = vars.get('VIRTUAL_ENV');
  if (virtualEnv && virtualEnv.startsWith('/') && !virtualEnv.includes('$')) return normalizePath(virtualEnv);
  for (const entry of (vars.get('PATH') ?? '').split(':')) {
    if (entry.includes('$') || !entry.startsWith('/')) continue;
    const dir = normalizePath(entry);
    if (SYSTEM_BIN_DIRS.has(dir) || dir === '/root/.local/bin') continue;
    if (dir.endsWith('/bin')) return dir.slice(0, -'/bin'.length);
  }
  return null;
}

/** Where a pip install puts packages: target/prefix, user site, the venv of the interpreter, or the system. */
function pipEnvironment(model: DocumentModel, site: CommandSite, pip: PipInstall): string | null {
  const vars = variablesAt(model, site);
  const target = pip.values('-t', '--target', '--prefix', '--root').pop();
  if (target !== undefined) return resolveInRun(model, site, target);
  if (pip.has('--user') || TRUE_RE.test(vars.get('PIP_USER') ?? '')) {
    const user = userBefore(site.info);
    return user === null || isRootUser(user) ? '/root/.local' : null;
  }
  const program = effectiveWords(site.command)[0]?.value ?? '';
  const interpreter = /^(.*)\/bin\/(pip|python)[\d.]*$/.exec(program);
  if (interpreter && interpreter[1]) return resolveInRun(model, site, interpreter[1]);
  if (pip.runner === 'uv') {
    if (pip.has('--system')) return rootStage(site.info.stage as Stage).image?.isPython ? '/usr/local' : null;
    const venv = vars.get('VIRTUAL_ENV');
    return venv && venv.startsWith('/') && !venv.includes('$') ? normalizePath(venv) : null;
  }
  const venv = activeVenv(vars);
  if (venv) return venv;
  return rootStage(site.info.stage as Stage).image?.isPython ? '/usr/local' : null;
}

/** Whether a `-e` value is a local project directory (not a VCS or other URL). */
function isLocalProject(value: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^(git|hg|svn|bzr)\+/i.test(value);
}

/** The project directory of a local `-e` value, without extras: `.[dev]` → `.`. */
function projectPath(value: string): string {
  return value.replace(/\[[^\]]*\]$/, '') || '.';
}

/** The CONFIRM edit turning `-e X` / `--editable=X` / `-eX` into a plain `X`. */
function nonEditableFix(model: DocumentModel, pip: PipInstall, option: PipOption): Fix | null {
  const { word } = option;
  if (option.value === null || !isLocalProject(option.value) || !isVerbatim(model, word)) return null;
  let edit: TextEdit | null = null;
  if ((word.value === '-e' || word.value === '--editable') && option.valueWord) edit = removeWordsEdit(model, pip.command, word, word);
  else if (word.raw.startsWith('--editable=')) edit = replaceSpan(model, word.start, word.start + '--editable='.length, '');
  else if (word.raw.startsWith('-e') && !word.raw.startsWith('-e=')) edit = replaceSpan(model, word.start, word.start + 2, '');
  return edit ? { title: `Install \`${option.value}\` as a regular package instead of an editable link`, applicability: 'unsafe', edits: [edit] } : null;
}

/**
 * The first COPY/ADD after the install, in the install's stage, that writes into the project
 * directory `source`. An editable install sees such files through its link; a regular install
 * copies the package into site-packages when it runs, so files added to the sources later
 * (compiled translations, built assets, generated settings) would be missing from it.
 */
function laterCopyIntoSources(model: DocumentModel, site: CommandSite, source: string): InstructionInfo | null {
  const stage = site.info.stage;
  if (!stage) return null;
  for (const info of stage.instructions) {
    if (info.index <= site.info.index || (info.keyword !== 'COPY' && info.keyword !== 'ADD')) continue;
    const op = copyOperands(model, info);
    const wd = op && !op.unresolved ? workdirBefore(model, info) : null;
    // A COPY we cannot read may write anywhere: count it.
    if (!op || !wd) return info;
    for (const src of op.sources) {
      const target = copyTarget(op, src, wd.dir);
      const paths = target.kind === 'into' ? [target.dir] : target.paths;
      if (paths.some((p) => relativeWithin(p, source) !== null)) return info;
    }
  }
  return null;
}

/** `pip install -e …` (any runner): one install per `-e` option. */
function pipEditables(model: DocumentModel, site: CommandSite): EditableInstall[] {
  const pip = pipInstall(site.command);
  if (!pip || !pip.has('-e', '--editable')) return [];
  const environment = pipEnvironment(model, site, pip);
  return pip.options
    .filter((o) => o.name === '-e' || o.name === '--editable')
    .map((option) => {
      const end = option.valueWord ? option.valueWord.end : option.word.end;
      const value = option.value;
      const source = value !== null && isLocalProject(value) && !option.valueWord?.hasExpansion ? resolveInRun(model, site, projectPath(value)) : null;
      // No fix when later files land in the sources: the regular install would not contain them.
      const blocking = source !== null ? laterCopyIntoSources(model, site, source) : null;
      const fix = blocking ? null : nonEditableFix(model, pip, option);
      return {
        site,
        installer: 'pip' as const,
        start: option.word.start,
        end,
        label: value !== null ? `-e ${value}` : '-e',
        source,
        environment,
        fixes: fix ? [fix] : [],
        ...(blocking && source !== null ? { noFix: noFixReason(blocking, source) } : {}),
      };
    });
}

/** The message tail of an install whose fix is withheld because of a later COPY into the sources. */
function noFixReason(copy: InstructionInfo, source: string): string {
  return `no fix is offered: the \`${copy.keyword}\` on line ${copy.range.start.line + 1} adds files to \`${source}\` after the install, and a regular install would not contain them`;
}

/** The project directory of `uv`/`poetry` (`--directory`/`--project`, else the working directory). */
function projectDir(model: DocumentModel, site: CommandSite, tool: ToolCommand, options: string[]): string | null {
  return resolveInRun(model, site, tool.values(...options).pop() ?? '.');
}

/** `uv sync` without `--no-editable`: the project (and workspace members) are installed as links. */
function uvEditable(model: DocumentModel, site: CommandSite): EditableInstall | null {
  const uv = uvSync(site.command);
  if (!uv || uv.has('--no-editable', '--no-install-project', '--no-install-workspace', '--only-group', '--only-dev')) return null;
  const vars = variablesAt(model, site);
  if (TRUE_RE.test(vars.get('UV_NO_EDITABLE') ?? '')) return null;
  const source = projectDir(model, site, uv, ['--directory', '--project']);
  const custom = vars.get('UV_PROJECT_ENVIRONMENT');
  const environment = custom !== undefined ? resolveInRun(model, site, custom) : source !== null ? joinPath(source, '.venv') : null;
  const blocking = source !== null ? laterCopyIntoSources(model, site, source) : null;
  return {
    site,
    installer: 'uv',
    start: site.command.start,
    end: site.command.end,
    label: '`uv sync`',
    source,
    environment,
    fixes: blocking ? [] : [{ title: 'Add `--no-editable`', applicability: 'unsafe', edits: [insertAt(model, uv.subcommandWord.end, ' --no-editable')] }],
    ...(blocking && source !== null ? { noFix: noFixReason(blocking, source) } : {}),
  };
}

/** The value an earlier `poetry config <key> <value>` of the stage chain set, if any. */
function poetryConfigValue(model: DocumentModel, site: CommandSite, key: string): string | undefined {
  let value: string | undefined;
  const stage = site.info.stage;
  if (!stage) return undefined;
  for (const info of stageChainInstructions(stage)) {
    if (info.index > site.info.index) break;
    if (info.keyword !== 'RUN') continue;
    for (const cmd of model.shellOf(info)?.commands ?? []) {
      if (info === site.info && cmd.index >= site.command.index) break;
      const config = poetryConfig(cmd);
      if (config?.operands[0]?.value === key && config.operands[1]) value = config.operands[1].value;
    }
  }
  return value;
}

/** `poetry install`/`poetry sync` without `--no-root`: the project itself is installed as a link. */
function poetryEditable(model: DocumentModel, site: CommandSite): EditableInstall | null {
  const poetry = poetryInstall(site.command) ?? poetrySync(site.command);
  if (!poetry || poetry.has('--no-root')) return null;
  const vars = variablesAt(model, site);
  const source = projectDir(model, site, poetry, ['-C', '--directory', '-P', '--project']);
  const inProject = vars.get('POETRY_VIRTUALENVS_IN_PROJECT') ?? poetryConfigValue(model, site, 'virtualenvs.in-project') ?? '';
  const create = vars.get('POETRY_VIRTUALENVS_CREATE') ?? poetryConfigValue(model, site, 'virtualenvs.create') ?? '';
  let environment: string | null = null;
  if (FALSE_RE.test(create)) environment = rootStage(site.info.stage as Stage).image?.isPython ? '/usr/local' : null;
  else if (TRUE_RE.test(inProject) && source !== null) environment = joinPath(source, '.venv');
  return { site, installer: 'poetry', start: site.command.start, end: site.command.end, label: `\`poetry ${poetry.subcommand}\``, source, environment, fixes: [] };
}

/** `pipenv install -e <dir>`. */
function pipenvEditable(model: DocumentModel, site: CommandSite): EditableInstall | null {
  const pipenv = pipenvInstall(site.command);
  const option = pipenv?.option('-e', '--editable');
  if (!pipenv || !option) return null;
  const value = option.value;
  const vars = variablesAt(model, site);
  const source = value !== null && isLocalProject(value) && !option.valueWord?.hasExpansion ? resolveInRun(model, site, projectPath(value)) : null;
  let environment: string | null = null;
  if (pipenv.has('--system')) environment = rootStage(site.info.stage as Stage).image?.isPython ? '/usr/local' : null;
  else if (TRUE_RE.test(vars.get('PIPENV_VENV_IN_PROJECT') ?? '')) environment = resolveInRun(model, site, '.venv');
  return {
    site,
    installer: 'pipenv',
    start: option.word.start,
    end: (option.valueWord ?? option.word).end,
    label: value !== null ? `-e ${value}` : '-e',
    source,
    environment,
    fixes: [],
  };
}

/** Whether a path copied out of a stage is (part of) a Python environment. */
function looksLikeEnvironment(path: string): boolean {
  return ENVIRONMENT_DIR_NAMES.has(lastSegment(path)) || /^\/usr\/local(\/lib(\/python[\d.]*)?)?$/.test(path) || path.startsWith('/root/.local/') || path.includes('/site-packages/');
}

/** Whether a COPY source (absolute in the source stage) holds the environment or part of it. */
function copiesEnvironment(source: string, environment: string | null): boolean {
  if (source.includes('$')) return false;
  const path = joinPath('/', source);
  if (environment === null) return looksLikeEnvironment(path);
  // Copying `/` copies everything; whether the source tree arrives too is decided separately.
  return relativeWithin(environment, path) !== null || relativeWithin(path, environment) !== null;
}

/**
 * Whether a stage has the project directory at `source`: some COPY/ADD of its chain writes
 * into that directory or a parent of it. Unreadable COPYs count as present (we cannot tell).
 */
function hasSourceTree(model: DocumentModel, consumer: Stage, installStage: Stage, source: string): boolean {
  if (inStageChain(installStage, consumer)) return true;
  for (const info of stageChainInstructions(consumer)) {
    if (info.keyword !== 'COPY' && info.keyword !== 'ADD') continue;
    const op = copyOperands(model, info);
    const wd = op && !op.unresolved ? workdirBefore(model, info) : null;
    if (!op || !wd) return true;
    for (const src of op.sources) {
      const target = copyTarget(op, src, wd.dir);
      if (target.kind === 'into' && relativeWithin(source, target.dir) !== null) return true;
      if (target.kind === 'files' && target.paths.some((p) => relativeWithin(p, source) !== null)) return true;
    }
  }
  return false;
}

/** A later stage that copies the environment of the install but not its source tree. */
function brokenCopy(model: DocumentModel, install: EditableInstall): StageCopy | null {
  const stage = install.site.info.stage;
  if (!stage || install.source === null) return null;
  for (const copy of copiesFrom(model, stage)) {
    if (!copy.op.sources.some((src) => copiesEnvironment(src, install.environment))) continue;
    if (!hasSourceTree(model, copy.consumer, stage, install.source)) return copy;
  }
  return null;
}

/** The violation for an install, or null when this installer is only a problem when copied. */
function violationFor(model: DocumentModel, install: EditableInstall): Violation | null {
  const broken = brokenCopy(model, install);
  const stage = install.site.info.stage as Stage;
  if (!broken && install.installer === 'poetry') return null;
  if (!broken && install.installer === 'uv' && copiesFrom(model, stage).length === 0) return null;
  const what = install.installer === 'uv'
    ? '`uv sync` installs the project as an editable link (no `--no-editable`)'
    : install.installer === 'poetry'
      ? `${install.label} installs the project itself as an editable link (no \`--no-root\`)`
      : `\`${install.label}\` installs an editable link to the sources instead of the package`;
  const message = broken
    ? `${what}, and ${describeStage(broken.consumer)} copies the environment without \`${install.source ?? ''}\`: imports of the project fail at run time`
    : install.installer === 'uv'
      ? `${what} in a stage that other stages copy from: the environment only works next to the sources`
      : `${what}: the environment only works while the sources stay at that path`;
  return {
    range: model.text.rangeOf(install.start, install.end),
    message: install.noFix ? `${message} (${install.noFix})` : message,
    // A stage that neither ships nor feeds another (a `--target dev` stage with bind-mounted
    // sources, say) is where editable installs belong; mention it only as a hint there.
    severity: broken ? 'error' : stage.ships || stage.feeds ? 'warning' : 'hint',
    ...(install.fixes.length > 0 ? { fixes: install.fixes } : {}),
  };
}

/** Every editable install of the Dockerfile. */
function editableInstalls(model: DocumentModel): EditableInstall[] {
  const found: EditableInstall[] = [];
  // pip, uv, Poetry and Pipenv models are all null for commands that run no Python tool.
  for (const site of toolSites(model)) {
    if (!site.info.stage) continue;
    found.push(...pipEditables(model, site));
    // In this order (pip, uv, Poetry, Pipenv), without a list of the three per command.
    const uv = uvEditable(model, site);
    if (uv) found.push(uv);
    const poetry = poetryEditable(model, site);
    if (poetry) found.push(poetry);
    const pipenv = pipenvEditable(model, site);
    if (pipenv) found.push(pipenv);
  }
  return found;
}

export default defineRule({
  code: 'PYD204',
  name: 'editable-install-in-image',
  title: 'Install the project as a regular package, not an editable link',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags editable installs in a Dockerfile: `pip install -e`/`--editable` (also through `python -m pip`, `uv pip`, `poetry run pip`), `pipenv install -e`, `uv sync` without `--no-editable` in a stage that other stages copy from, and `poetry install`/`poetry sync` without `--no-root` in a stage from which only the environment is copied. ' +
      'It is an error when a later stage copies the environment (a virtual environment, `/root/.local`, a `--prefix`/`--target` directory or the system site-packages) but not the project sources to the same path: the copy then contains a link to nothing. ' +
      'Otherwise it is a warning, or only a hint in a stage that neither ends up in the final image nor is copied from (a development or test target, where editable installs over bind-mounted sources are intended). `uv sync --no-install-project`, `--only-group` and `UV_NO_EDITABLE=1` are respected.',
    whyItMatters:
      'An editable install does not put the package into site-packages: it leaves a link (a `.pth` file or an `__editable__` import hook, plus `direct_url.json`) that points back to the source directory. ' +
      'Copying only the environment to a runtime stage therefore copies a dangling link, and the application fails with `ModuleNotFoundError` on start. ' +
      'This is the reason one often-cited guide gave up on multi-stage builds, and why uv documents `--no-editable` precisely for copying a virtual environment between stages. ' +
      'Even in a single stage the image then depends on the source tree never moving, and `pip` writes build artefacts (`*.egg-info`, `build/`) into it.',
    example:
      'FROM python:3.12-slim-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN pip install --no-cache-dir --user -e .\n\nFROM python:3.12-slim-bookworm\nCOPY --from=build /root/.local /root/.local\nCMD ["python", "-m", "myapp"]',
    useInstead:
      'FROM python:3.12-slim-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN pip install --no-cache-dir --user .\n\nFROM python:3.12-slim-bookworm\nCOPY --from=build /root/.local /root/.local\nCMD ["python", "-m", "myapp"]',
    fixSafety:
      'Turning `-e <dir>` into `<dir>` and adding `--no-editable` to `uv sync` copy the package into site-packages instead of linking to the sources. That is what a runtime image needs, but the behaviour changes: edits of the source tree (for example through a bind mount during development) are no longer picked up, and code that finds data files relative to the checkout instead of through `importlib.resources` may look in the wrong place. ' +
      'The regular install copies the package when it runs, so no fix is offered when a later `COPY`/`ADD` of the same stage writes into the project directory (compiled translations or assets added after the install would be missing from the installed package). ' +
      'Poetry has no single-word equivalent (`--no-root` alone installs no project at all), so no edit is offered there: build a wheel and install it, or copy the sources next to the environment.',
    references: [
      'https://pip.pypa.io/en/stable/topics/local-project-installs/#editable-installs',
      'https://setuptools.pypa.io/en/latest/userguide/development_mode.html',
      'https://docs.astral.sh/uv/guides/integration/docker/#non-editable-installs',
      'https://python-poetry.org/docs/cli/#install',
      'https://docs.docker.com/build/building/multi-stage/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const install of editableInstalls(model)) {
      const violation = violationFor(model, install);
      if (violation) ctx.report(violation);
    }
  },
});
