// PYD218: `pip install` into a distribution's own Python, which PEP 668 marks as externally managed.
import { externallyManagedDistribution } from '../knowledge/base-images';
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { rootStage, stageChainInstructions, type Stage } from '../model/stages';
import { apkCommand, aptCommand } from '../shell/apt';
import type { SimpleCommand } from '../shell/parser';
import { pipInstall, type PipInstall } from '../shell/pip';
import { baseName, effectiveWords, inlineEnv, programName } from '../shell/query';
import { venvCreate } from '../shell/tools';
import { copyOperands } from './copy-paths';
import { defineRule } from './define-rule';
import type { CommandSite } from './helpers';
import { isTruthy, toolSites, variableAt } from './tool-helpers';

/** Distribution packages that install the distribution's Python 3 (apt: Debian, Ubuntu). */
const APT_PYTHON_RE = /^(python3(\.\d+)?(-[a-z0-9.+-]+)?|python-is-python3|pipx)([=:/].*)?$/;
/** Alpine packages that install its Python 3 (`py-pip` is provided by `py3-pip`). */
const APK_PYTHON_RE = /^(python3(-[a-z0-9.+-]+)?|py3-[a-z0-9.+-]+|py-pip)([=~<>].*)?$/;
/**
 * The distribution's pip: without it `pip install` fails as "not found" (or "No module named
 * pip"), not for PEP 668, and this rule would give the wrong reason (`python3-venv` brings only
 * a wheel of pip for new venvs).
 */
const APT_PIP_RE = /^python3-pip([=:/].*)?$/;
const APK_PIP_RE = /^(py3-pip|py-pip)([=~<>].*)?$/;

/**
 * Text that makes the outcome uncertain when it appears before the install: the marker file
 * removed or moved, pip configured (a config file may set `break-system-packages`), or another
 * Python put in place (a PPA such as deadsnakes, pyenv, conda, a source build, uv's Pythons).
 */
const UNCERTAIN_TEXT_RE =
  /EXTERNALLY-MANAGED|break[-_]system[-_]packages|pip\.conf|pip\.ini|\.config\/pip|\/etc\/xdg\/pip|pip3?(\.\d+)? +config|add-apt-repository|deadsnakes|\bpyenv\b|\b(ana|mini)?conda\d?\b|\b(micro)?mamba\b|miniforge|altinstall|\.\/configure|uv +python +install|python-build-standalone|\basdf\b|\bmise\b/i;

/**
 * Environment variables that change where pip installs or whether it checks (`PIP_TARGET`,
 * `PIP_BREAK_SYSTEM_PACKAGES`, …), or which Python runs (a venv, conda, `PYTHONHOME`).
 */
const UNCERTAIN_VARIABLE_RE = /^(PIP_(BREAK_SYSTEM_PACKAGES|TARGET|PREFIX|ROOT|CONFIG_FILE|PYTHON|DRY_RUN)|UV_(BREAK_SYSTEM_PACKAGES|PYTHON.*)|VIRTUAL_ENV|CONDA_.*|PYTHONHOME|PYENV_.*)$/;

/** The directories of the default PATH: anything else put in front may hold another Python. */
const SYSTEM_DIRS = new Set(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);

/** `pip`, `pip3`, `pip3.12`, `python`, `python3`, `python3.12`: Python 3's commands (not `pip2`). */
const PY3_PROGRAM_RE = /^(pip|python)(3(\.\d+)?)?$/;
/** A program named by path must be the distribution's own. */
const SYSTEM_PROGRAM_RE = /^\/(usr\/)?bin\/(pip|python)(3(\.\d+)?)?$/;

/** pip options under which it does not check for the marker, or does not install at all. */
const PIP_EXEMPT = ['--break-system-packages', '-t', '--target', '--prefix', '--root', '--dry-run', '--python', '-h', '--help', '-V', '--version'];
/** The same for `uv pip install --system`, whose interpreter choice `--python` would change. */
const UV_EXEMPT = ['--break-system-packages', '-t', '--target', '--prefix', '--python', '-p', '-h', '--help', '-V', '--version'];

/**
 * Whether an ENV PATH value puts a directory outside the default ones in front of them (a
 * venv, conda, …): the directories before `$PATH`, or all of them when it is replaced.
 */
function addsDirectories(value: string): boolean {
  const dirs = value.split(':');
  const old = dirs.findIndex((dir) => /^\$\{?PATH\}?$/.test(dir));
  return dirs.slice(0, old >= 0 ? old : dirs.length).some((dir) => dir !== '' && !SYSTEM_DIRS.has(dir.replace(/\/$/, '')));
}

/** Whether an apt or apk command installs packages matching `apt` (Debian, Ubuntu) or `apk` (Alpine). */
function installsPackage(cmd: SimpleCommand, apt: RegExp, apk: RegExp): boolean {
  const aptCmd = aptCommand(cmd);
  if (aptCmd) return aptCmd.sub === 'install' && aptCmd.packages.some((p) => apt.test(p.value));
  const apkCmd = apkCommand(cmd);
  return apkCmd !== null && apkCmd.sub === 'add' && apkCmd.packages.some((p) => apk.test(p.value));
}

/**
 * Whether an earlier command of the same RUN may switch to another Python or configure pip:
 * a venv created or sourced, PATH/VIRTUAL_ENV/PIP_* exported or assigned, `eval`.
 */
function switchesEnvironment(cmd: SimpleCommand): boolean {
  const program = programName(cmd);
  if (program === 'source' || program === '.' || program === 'eval' || program === 'alias' || venvCreate(cmd) !== null) return true;
  const assigned = [...(cmd.words.length === 0 ? cmd.assignments : []), ...(program === 'export' || program === 'declare' ? effectiveWords(cmd).slice(1) : [])];
  return assigned.some((w) => {
    const name = w.value.split('=')[0] ?? '';
    return name === 'PATH' || UNCERTAIN_VARIABLE_RE.test(name);
  });
}

/** Programs that can put another pip or python where PATH finds it (`ln -s /opt/venv/bin/pip /usr/local/bin/`). */
const LINKING_PROGRAMS = new Set(['ln', 'cp', 'mv', 'install', 'update-alternatives']);

/**
 * Whether a command links, copies or registers a pip or python from outside the system's bin
 * directories (`ln -s /usr/bin/python3 /usr/bin/python` still runs the distribution's Python).
 */
function linksPython(cmd: SimpleCommand): boolean {
  if (!LINKING_PROGRAMS.has(programName(cmd))) return false;
  return effectiveWords(cmd).some((w) => w.value.includes('/') && /pip|python/.test(w.value) && !/^\/(usr\/)?(local\/)?bin\/[^/]+$/.test(w.value));
}

/** What, in a RUN that cannot be read command by command, may put another pip or python in place. */
const UNREAD_RUN_RE = /venv|virtualenv|\bln\b|update-alternatives|\bpip|python/;

/** What the instructions before an install say about the Python it runs. */
interface Preparation {
  /** The distribution's Python was installed (apt/apk) before the install. */
  distributionPython: boolean;
  /** The distribution's pip package was installed (pip itself; uv needs only the Python). */
  distributionPip: boolean;
  /** Something before the install may let it succeed or run another Python. */
  uncertain: boolean;
}

/** Reads the stage chain up to the install command (and the earlier commands of its RUN). */
function preparation(model: DocumentModel, stage: Stage, site: CommandSite): Preparation {
  const state: Preparation = { distributionPython: false, distributionPip: false, uncertain: false };
  for (const info of stageChainInstructions(stage)) {
    if (info.index > site.info.index) break;
    const own = info === site.info;
    readInstruction(model, info, own ? site.command : null, state);
    if (state.uncertain) break;
  }
  return state;
}

function readInstruction(model: DocumentModel, info: InstructionInfo, until: SimpleCommand | null, state: Preparation): void {
  const text = model.content.slice(info.start, until ? until.start : info.end);
  switch (info.keyword) {
    case 'ENV':
    case 'ARG':
      for (const p of propertiesOf(info)) {
        const name = p.getName();
        if (UNCERTAIN_VARIABLE_RE.test(name) || (name === 'PATH' && addsDirectories(p.getValue() ?? ''))) state.uncertain = true;
      }
      return;
    case 'COPY':
    case 'ADD': {
      const op = copyOperands(model, info);
      // A pip config file, or another image's Python (`COPY --from=python:3.12 /usr/local /usr/local`).
      const otherPython = op !== null && op.from !== null && op.sources.some((s) => /^\/usr\/local|^\/opt|python|conda/.test(s));
      if (UNCERTAIN_TEXT_RE.test(text) || op === null || otherPython) state.uncertain = true;
      return;
    }
    case 'SHELL':
    case 'ONBUILD':
      // A SHELL that runs through conda or sources an environment, or triggers we cannot see.
      if (info.keyword === 'ONBUILD' || /conda|mamba|activate|source|venv|pyenv|\bpip\b|\bPATH=/.test(text)) state.uncertain = true;
      return;
    case 'RUN':
      break;
    default:
      return;
  }
  if (UNCERTAIN_TEXT_RE.test(text)) {
    state.uncertain = true;
    return;
  }
  const script = model.shellOf(info);
  if (!script || script.error !== undefined) {
    // Exec form, heredocs, parse errors: such a RUN may link a venv's pip into PATH.
    if (UNREAD_RUN_RE.test(text)) state.uncertain = true;
    return;
  }
  for (const cmd of script.commands) {
    if (until && cmd.index >= until.index) break;
    if (installsPackage(cmd, APT_PYTHON_RE, APK_PYTHON_RE)) state.distributionPython = true;
    if (installsPackage(cmd, APT_PIP_RE, APK_PIP_RE)) state.distributionPip = true;
    if ((until && switchesEnvironment(cmd)) || linksPython(cmd)) state.uncertain = true;
  }
  // Loops, conditions and functions before the install in its own RUN are not read.
  if (until && script.opaque.some((o) => o.start < until.start)) state.uncertain = true;
}

/** How the message names the command: `pip3 install`, `python3 -m pip install`, `uv pip install --system`. */
function describeCommand(pip: PipInstall): string {
  const program = baseName(effectiveWords(pip.command)[0]);
  if (pip.runner === 'uv') return 'uv pip install --system';
  return pip.runner === 'python-m-pip' ? `${program} -m pip install` : `${program} install`;
}

/** Whether a pip (or `uv pip`) install would check the marker of the system Python. */
function checksMarker(site: CommandSite, pip: PipInstall): boolean {
  const words = effectiveWords(site.command);
  const program = words[0]?.value ?? '';
  // A path other than /usr/bin or /bin (`/opt/venv/bin/pip`, `venv/bin/pip`) is some other Python.
  if (program.includes('/') && !SYSTEM_PROGRAM_RE.test(program)) return false;
  const inline = inlineEnv(site.command);
  if ([...inline.keys()].some((name) => name === 'PATH' || UNCERTAIN_VARIABLE_RE.test(name))) return false;
  if (pip.runner === 'uv') {
    // Without `--system` uv looks for a virtual environment and never touches the system Python.
    const system = pip.has('--system') || isTruthy(variableAt(site, 'UV_SYSTEM_PYTHON') ?? '');
    return system && !pip.has(...UV_EXEMPT);
  }
  if (pip.runner !== 'pip' && pip.runner !== 'python-m-pip') return false;
  return PY3_PROGRAM_RE.test(baseName(words[0])) && !pip.has(...PIP_EXEMPT);
}

export default defineRule({
  code: 'PYD218',
  name: 'pip-into-system-python',
  title: "Install into a virtual environment, not the distribution's externally managed Python",
  category: 'dependencies',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'Flags `pip install` (`pip`, `pip3`, `pip3.N`, `python3 -m pip`, `/usr/bin/pip3`; also `uv pip install --system`) in a stage built on the official `debian` (12 "bookworm" and later, `stable`, `testing`, `sid`), `ubuntu` (23.04 and later, `latest`, `rolling`) or `alpine` (3.19 and later, `latest`) image, after the stage or a stage it is built `FROM` installed the distribution\'s pip (`apt-get install python3-pip`, `apk add py3-pip`/`py-pip`; for `uv pip install --system`, its Python). Without that package there is no pip to run, and the build fails for that reason instead. ' +
      'Base images behind `ARG`s are judged by their defaults; an unknown or unresolvable base is left alone. ' +
      'Nothing is reported when the install cannot reach the system Python or is allowed to change it: `--break-system-packages`, `--target`, `--prefix`, `--root`, `--dry-run`; a virtual environment created, activated or put on `PATH` (`ENV PATH=/opt/venv/bin:$PATH`, `VIRTUAL_ENV`) before it in the same RUN or an earlier instruction; `PIP_BREAK_SYSTEM_PACKAGES`, `PIP_TARGET`, `PIP_PREFIX` or `PIP_ROOT` set (ENV, ARG or inline, whatever the value); a pip configuration file; an earlier command that removes `EXTERNALLY-MANAGED`; or another Python put in place (deadsnakes, pyenv, conda, a source build, a Python copied from another image, a pip or python linked in from elsewhere). ' +
      'The official `python` images are never flagged: their Python under `/usr/local` is not the distribution\'s.',
    whyItMatters:
      'PEP 668 lets a distribution mark its Python as "externally managed" with a file `EXTERNALLY-MANAGED` next to the standard library, and pip (23.0 and later) then refuses to install into it: the build stops with `error: externally-managed-environment` (Debian and Ubuntu add "To install Python packages system-wide, try apt install python3-xyz", Alpine the same with `apk add py3-xyz`). ' +
      'Debian does this since Debian 12 "bookworm" (June 2023), Ubuntu since 23.04, and Alpine since 3.19 (December 2023), so `FROM debian:stable`, `FROM ubuntu:latest` or `FROM alpine:latest` with `pip install` stopped building once those tags moved. ' +
      '`pip install --upgrade pip` fails the same way, and so do `--user` installs. ' +
      'Forcing it with `--break-system-packages` can overwrite files that apt or apk own and break distribution tools; a virtual environment avoids the problem and keeps the application\'s packages in one directory that a later stage can copy. ' +
      'The official `python:3.x-slim` images are not affected (their Python is built into `/usr/local` and carries no marker) and are usually the simpler base: PYD105 (`alpine-base-image`) and Optimize already suggest moving off Alpine.',
    example:
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip && rm -rf /var/lib/apt/lists/*\nCOPY requirements.txt .\nRUN pip3 install --no-cache-dir -r requirements.txt',
    useInstead:
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv && rm -rf /var/lib/apt/lists/*\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    references: [
      'https://peps.python.org/pep-0668/',
      'https://packaging.python.org/en/latest/specifications/externally-managed-environments/',
      'https://www.debian.org/releases/bookworm/amd64/release-notes/ch-information.en.html',
      'https://wiki.alpinelinux.org/wiki/Release_Notes_for_Alpine_3.19.0',
      'https://docs.python.org/3/library/venv.html',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      const image = rootStage(stage).image;
      const distribution = image ? externallyManagedDistribution(image) : undefined;
      if (distribution === undefined) continue;
      for (const site of toolSites(model, stage)) {
        const pip = pipInstall(site.command);
        if (!pip || !checksMarker(site, pip)) continue;
        const before = preparation(model, stage, site);
        if (before.uncertain || !before.distributionPython || (pip.runner !== 'uv' && !before.distributionPip)) continue;
        const { command } = site;
        ctx.report({
          range: model.text.rangeOf(command.start, command.end),
          message: `\`${describeCommand(pip)}\` fails on ${distribution}: the distribution marks its Python as externally managed (PEP 668); install into a virtual environment`,
        });
      }
    }
  },
});
