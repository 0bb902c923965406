// Which kind of Python project a Dockerfile builds (catalogue §4.2 B), for Optimize's recipes.
import type { DocumentModel } from '../model/document-model';
import { projectInstalls, requirementsUses } from './dockerfile-files';
import type { Workspace } from './workspace';

/** The project kinds Optimize has a builder recipe for, or `unknown`. */
export type ProjectType = 'uv' | 'poetry' | 'pipenv' | 'requirements' | 'pip-project' | 'unknown';

/** The detected type and the manifests (existing context files) that decided it. */
export interface ProjectDetection {
  type: ProjectType;
  /** Context-relative paths of the manifests found, in a stable order. */
  manifests: string[];
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/**
 * Detects the project type, first match wins: `uv.lock` (or `[tool.uv]` with `uv sync` in the
 * Dockerfile) → uv; `poetry.lock` or `[tool.poetry]` → poetry; `Pipfile.lock` or `Pipfile` →
 * pipenv; a requirements file installed with `pip install -r` → requirements; `pyproject.toml`
 * or `setup.py` installed with `pip install .` → pip-project; otherwise unknown. Without a
 * workspace only what the Dockerfile itself shows can be used, which is never enough: unknown.
 */
export function detectProjectType(workspace: Workspace | undefined, model: DocumentModel): ProjectDetection {
  if (!workspace) return { type: 'unknown', manifests: [] };
  const installs = projectInstalls(model);
  // The project folder the Dockerfile installs from, else the context root.
  const dir = installs.find((i) => i.contextDir !== null)?.contextDir ?? '';
  const existing = (...names: string[]): string[] => names.map((n) => join(dir, n)).filter((p) => workspace.exists(p));
  const pyproject = workspace.pyproject(dir);
  const tools = pyproject.kind === 'ok' ? pyproject.value : null;
  if (workspace.exists(join(dir, 'uv.lock')) || (tools?.uv && installs.some((i) => i.kind === 'uv'))) {
    return { type: 'uv', manifests: existing('pyproject.toml', 'uv.lock', '.python-version') };
  }
  if (workspace.exists(join(dir, 'poetry.lock')) || tools?.poetry) return { type: 'poetry', manifests: existing('pyproject.toml', 'poetry.lock') };
  if (workspace.exists(join(dir, 'Pipfile.lock')) || workspace.exists(join(dir, 'Pipfile'))) return { type: 'pipenv', manifests: existing('Pipfile', 'Pipfile.lock') };
  const requirements = new Set<string>();
  for (const use of requirementsUses(model)) {
    if (use.contextPath === null) continue;
    for (const f of workspace.requirementsTree(use.contextPath, use.role).files) requirements.add(f.path);
  }
  if (requirements.size > 0) return { type: 'requirements', manifests: [...requirements] };
  const pipProject = installs.filter((i) => i.kind === 'pip-project' && i.contextDir !== null);
  for (const install of pipProject) {
    const found = ['pyproject.toml', 'setup.py', 'setup.cfg'].map((n) => join(install.contextDir as string, n)).filter((p) => workspace.exists(p));
    if (found.length > 0) return { type: 'pip-project', manifests: found };
  }
  return { type: 'unknown', manifests: [] };
}
