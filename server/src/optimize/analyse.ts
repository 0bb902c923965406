// Phase A of Optimize: what each instruction of the final stage does for the dependency install.
import { isBuildOnlyPackage, packageName } from '../knowledge/build-packages';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import { apkCommand, aptCommand } from '../shell/apt';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { isPathOrUrl, pipInstall, requirementName, type PipInstall } from '../shell/pip';
import { baseName, effectiveWords, programName } from '../shell/query';
import { pipenvInstall, pipenvSync, poetryExport, poetryInstall, poetrySync, toolCommand, uvSync, venvCreate } from '../shell/tools';

/** Python packages that are build tooling, not part of the application's environment. */
export const PYTHON_BUILD_TOOLS: ReadonlySet<string> = new Set([
  'pip', 'setuptools', 'wheel', 'poetry', 'poetry-core', 'poetry-plugin-export', 'pipenv', 'uv', 'virtualenv', 'pip-tools', 'build', 'hatch', 'pdm',
]);

/** What one simple command of a RUN contributes. */
export type CommandKind =
  /** Installs the application's Python dependencies (pip, Poetry, Pipenv, uv). */
  | 'deps'
  /** Installs only Python build tools (`pip install poetry`, `pip install -U pip`). */
  | 'tool'
  /** Creates a virtual environment. */
  | 'venv'
  /** Configures or inspects a tool (`poetry config …`, `pipenv --python 3`, `pip --version`). */
  | 'tool-config'
  /** apt-get/apt/apk. */
  | 'system'
  /** `rm`, `true`, `echo`: leaves nothing another step depends on. */
  | 'cleanup'
  | 'other';

/** The role of a RUN in the dependency install. */
export type RunRole =
  /** Only dependency/tool installs, venv creation, tool configuration and clean-up. */
  | 'install'
  /** Only apt/apk commands and clean-up. */
  | 'system'
  /** apt/apk and dependency installs (and clean-up), nothing else. */
  | 'mixed'
  /** Dependency installs together with unrelated commands. */
  | 'tangled'
  /** Cannot be read (heredoc, exec form, parse error) and mentions a Python installer. */
  | 'unreadable-install'
  | 'other';

/** A system package named by an install command. */
export interface SystemPackage {
  name: string;
  buildOnly: boolean;
}

/** One RUN of the final stage with its role. */
export interface RunFacts {
  info: InstructionInfo;
  role: RunRole;
  script: ShellScript | null;
  kinds: CommandKind[];
  /** Packages installed by apt-get/apt (`install`), minus those the same RUN purges again. */
  aptPackages: SystemPackage[];
  /** apk packages added (Alpine). */
  apkPackages: string[];
  /** pip installs of the RUN. */
  pipInstalls: PipInstall[];
}

const CLEANUP_PROGRAMS = new Set(['rm', 'true', ':', 'echo', 'printf', 'find', 'ls', 'which', 'command', 'test', '[']);
const PYTHON_RE = /^python(\d+(\.\d+)?)?$/;
const INSTALLER_RE = /\b(pip3?|poetry|pipenv|uv|conda|mamba|micromamba|easy_install)\b/;

/** Whether a pip install only installs build tools (upgrading pip, installing Poetry). */
export function isToolInstall(pip: PipInstall): boolean {
  if (pip.values('-r', '--requirement', '-e', '--editable').length > 0) return false;
  if (pip.packages.length === 0) return false;
  return pip.packages.every((w) => !w.hasExpansion && !isPathOrUrl(w.value) && PYTHON_BUILD_TOOLS.has(requirementName(w.value)));
}

/** Classifies one simple command. */
export function commandKind(cmd: SimpleCommand): CommandKind {
  const pip = pipInstall(cmd);
  if (pip) return isToolInstall(pip) ? 'tool' : 'deps';
  if (poetryInstall(cmd) || poetrySync(cmd) || poetryExport(cmd) || pipenvInstall(cmd) || pipenvSync(cmd) || uvSync(cmd)) return 'deps';
  if (toolCommand(cmd, 'uv', 'pip')) return 'deps';
  if (venvCreate(cmd)) return 'venv';
  if (aptCommand(cmd) || apkCommand(cmd)) return 'system';
  const words = effectiveWords(cmd);
  const name = baseName(words[0]);
  // `poetry run …` runs the application's code: its effect belongs where it runs.
  if ((name === 'poetry' || name === 'pipenv' || name === 'uv') && words[1]?.value !== 'run') return 'tool-config';
  if (/^pip(\d+(\.\d+)?)?$/.test(name) && words.slice(1).every((w) => w.value.startsWith('-') || ['config', 'list', 'freeze', 'check', 'cache'].includes(w.value))) return 'tool-config';
  if (PYTHON_RE.test(name) && words[1]?.value === '-m' && words[2]?.value === 'pip' && words.slice(3).every((w) => w.value.startsWith('-') || ['list', 'freeze', 'check'].includes(w.value))) return 'tool-config';
  if (words.length === 0 || CLEANUP_PROGRAMS.has(programName(cmd))) return 'cleanup';
  return 'other';
}

/** apt packages installed by a script, minus those a later command of it purges or removes. */
function aptPackagesOf(script: ShellScript): SystemPackage[] {
  const installed: SystemPackage[] = [];
  const removed = new Set<string>();
  for (const cmd of script.commands) {
    const apt = aptCommand(cmd);
    if (!apt) continue;
    if (apt.sub === 'install') {
      for (const w of apt.packages) {
        const name = packageName(w.value);
        if (!w.hasExpansion && !installed.some((p) => p.name === name)) installed.push({ name, buildOnly: isBuildOnlyPackage(w.value) });
      }
    } else if (apt.sub === 'purge' || apt.sub === 'remove' || apt.sub === 'autopurge' || apt.sub === 'autoremove' || apt.sub === 'auto-remove') {
      // `autoremove <packages>` removes the named packages too (as PYD206 reads it).
      for (const w of apt.packages) removed.add(packageName(w.value));
    }
  }
  return installed.filter((p) => !removed.has(p.name));
}

function apkPackagesOf(script: ShellScript): string[] {
  const out: string[] = [];
  for (const cmd of script.commands) {
    const apk = apkCommand(cmd);
    if (apk?.sub === 'add') for (const w of apk.packages) if (!w.hasExpansion) out.push(packageName(w.value));
  }
  return out;
}

/** The role of a RUN from the kinds of its commands. */
function roleOf(kinds: readonly CommandKind[]): RunRole {
  const has = (k: CommandKind): boolean => kinds.includes(k);
  const installs = has('deps') || has('tool') || has('venv');
  if (!installs) return has('system') && kinds.every((k) => k === 'system' || k === 'cleanup') ? 'system' : 'other';
  if (has('other')) return 'tangled';
  return has('system') ? 'mixed' : 'install';
}

/** Facts about a RUN instruction. */
export function runFacts(model: DocumentModel, info: InstructionInfo): RunFacts {
  const script = model.shellOf(info);
  const text = model.content.slice(info.start, info.end);
  if (!script || script.error !== undefined || script.opaque.length > 0 || script.commands.some((c) => c.depth !== 0)) {
    const role: RunRole = INSTALLER_RE.test(text) ? 'unreadable-install' : 'other';
    return { info, role, script, kinds: [], aptPackages: [], apkPackages: [], pipInstalls: [] };
  }
  const kinds = script.commands.map(commandKind);
  const pipInstalls = script.commands.map((c) => pipInstall(c)).filter((p): p is PipInstall => p !== null);
  return { info, role: roleOf(kinds), script, kinds, aptPackages: aptPackagesOf(script), apkPackages: apkPackagesOf(script), pipInstalls };
}

/** The RUN facts of every RUN of a stage, in order. */
export function stageRuns(model: DocumentModel, stage: Stage): RunFacts[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => runFacts(model, i));
}

/** Whether a RUN installs the application's dependencies (or tools, or a venv). */
export function isInstallRole(role: RunRole): boolean {
  return role === 'install' || role === 'mixed' || role === 'tangled' || role === 'unreadable-install';
}

/** Program names a command line (CMD/ENTRYPOINT/HEALTHCHECK/RUN text) mentions, lower-cased. */
export function mentionedPrograms(text: string): Set<string> {
  const names = new Set<string>();
  for (const token of text.split(/[^A-Za-z0-9+._/-]+/)) {
    if (token === '') continue;
    names.add(token.slice(token.lastIndexOf('/') + 1).toLowerCase());
  }
  return names;
}
