// Catalogue §4.2 B: which builder recipe fits, from the install commands and the build context.
import type { DocumentModel } from '../model/document-model';
import type { RunFacts } from './analyse';
import { isToolInstall } from './analyse';
import { isPathOrUrl } from '../shell/pip';
import { detectProjectType as detectFromWorkspace } from '../workspace/project-type';
import { Workspace } from '../workspace/workspace';
import { readerWorkspaceFs } from '../workspace/workspace-fs';
import { pipenvInstall, pipenvSync, poetryExport, poetryInstall, poetrySync, uvSync } from '../shell/tools';

/**
 * The project types with a builder recipe, plus `none` (nothing is installed: no builder
 * needed) and `unknown` (dependencies are installed in a way we do not model).
 */
export type ProjectType = 'requirements' | 'poetry' | 'poetry-export' | 'pipenv' | 'uv' | 'pip-project' | 'none' | 'unknown';

export interface ProjectInfo {
  type: ProjectType;
  /** Human-readable evidence, e.g. "`uv sync` on line 7". */
  evidence: string;
  /** Lock or manifest files found in the build context (`poetry.lock`, `requirements.txt`, …). */
  contextFiles: string[];
  /** What the workspace model (issue #6) detects from the build context, when it can tell. */
  contextType: string | null;
}

const CONTEXT_FILES = ['uv.lock', 'poetry.lock', 'Pipfile.lock', 'Pipfile', 'pyproject.toml', 'requirements.txt', 'setup.py', 'setup.cfg'];

/**
 * Detects the project type of a stage from its RUNs. The Dockerfile's own install commands
 * decide (a project with a `poetry.lock` that the Dockerfile installs with
 * `pip install -r requirements.txt` is built with the requirements recipe); context files are
 * reported as evidence. Equivalent logic for the workspace model belongs to issue #6.
 */
export function detectProjectType(runs: readonly RunFacts[], readContextFile?: (relativePath: string) => string | undefined, model?: DocumentModel): ProjectInfo {
  // The workspace model's detection (manifests first) is evidence; the recipe must follow the
  // install commands the Dockerfile actually runs.
  const fromContext = readContextFile && model ? detectFromWorkspace(new Workspace(readerWorkspaceFs(readContextFile)), model) : null;
  const contextFiles = fromContext && fromContext.manifests.length > 0 ? fromContext.manifests : readContextFile ? CONTEXT_FILES.filter((f) => readContextFile(f) !== undefined) : [];
  const contextType = fromContext && fromContext.type !== 'unknown' ? fromContext.type : null;
  const at = (run: RunFacts, what: string): string => `${what} on line ${run.info.range.start.line + 1}`;
  const found = (type: ProjectType, evidence: string): ProjectInfo => ({ type, evidence, contextFiles, contextType });
  const commands = runs.flatMap((run) => (run.script ? run.script.commands.map((command) => ({ run, command })) : []));

  const unreadable = runs.find((r) => r.role === 'unreadable-install');
  if (unreadable) return found('unknown', at(unreadable, 'an install the shell parser cannot read'));
  for (const { run, command } of commands) if (uvSync(command)) return found('uv', at(run, '`uv sync`'));
  for (const { run, command } of commands) if (poetryExport(command)) return found('poetry-export', at(run, '`poetry export`'));
  for (const { run, command } of commands) if (poetryInstall(command) || poetrySync(command)) return found('poetry', at(run, '`poetry install`'));
  for (const { run, command } of commands) if (pipenvInstall(command) || pipenvSync(command)) return found('pipenv', at(run, '`pipenv install`'));
  const pips = runs.flatMap((run) => run.pipInstalls.filter((p) => !isToolInstall(p)).map((pip) => ({ run, pip })));
  const withFile = pips.find(({ pip }) => pip.values('-r', '--requirement').length > 0);
  if (withFile) return found('requirements', at(withFile.run, `\`pip install -r ${withFile.pip.values('-r', '--requirement')[0] ?? ''}\``));
  const project = pips.find(({ pip }) => pip.packages.some((w) => isPathOrUrl(w.value) && !/^[a-z+]+:\/\//i.test(w.value)) || pip.values('-e', '--editable').length > 0);
  if (project) return found('pip-project', at(project.run, '`pip install` of a local project'));
  const named = pips[0];
  if (named) return found('requirements', at(named.run, '`pip install` of named packages'));
  return found('none', 'no dependency install');
}

/** A short name for messages (`Poetry (export)`, `requirements.txt`, …). */
export function projectTypeLabel(type: ProjectType): string {
  switch (type) {
    case 'requirements':
      return 'pip with requirements';
    case 'poetry':
      return 'Poetry';
    case 'poetry-export':
      return 'Poetry (export)';
    case 'pipenv':
      return 'Pipenv';
    case 'uv':
      return 'uv';
    case 'pip-project':
      return 'pip project';
    case 'none':
      return 'no dependencies';
    case 'unknown':
      return 'unknown';
  }
}
