// PYD215: requirements without exact pins, or a project installed from pyproject.toml without a lock file.
import type { Stage } from '../model/stages';
import { inlineEnv } from '../shell/query';
import { projectInstalls, requirementsUses, type ProjectInstall, type RequirementsUse } from '../workspace/dockerfile-files';
import type { RequirementEntry } from '../workspace/requirements';
import type { Workspace } from '../workspace/workspace';
import { defineRule } from './define-rule';
import { definedVariable } from './helpers';
import { lineRange } from './workspace-helpers';

const LOCK_OF: Readonly<Record<Exclude<ProjectInstall['kind'], 'pip-project'>, string>> = {
  poetry: 'poetry.lock',
  uv: 'uv.lock',
  pdm: 'pdm.lock',
  pipenv: 'Pipfile.lock',
};

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** `PIP_CONSTRAINT` set for the command or in the stage: versions are decided by a constraints file. */
function constrainedByEnv(use: RequirementsUse, stage: Stage): boolean {
  return Boolean(inlineEnv(use.command).get('PIP_CONSTRAINT')) || Boolean(definedVariable(stage, use.info, 'PIP_CONSTRAINT'));
}

/** The requirements a file tree leaves unpinned, with the file they are in. */
function unpinned(workspace: Workspace, use: RequirementsUse, constraintFiles: readonly string[]): { path: string; entry: RequirementEntry }[] {
  const tree = workspace.requirementsTree(use.contextPath as string);
  const pinnedElsewhere = new Set<string>();
  const constraintTrees = [...tree.files.filter((f) => f.role === 'constraints'), ...constraintFiles.flatMap((c) => workspace.requirementsTree(c, 'constraints').files)];
  for (const f of constraintTrees) for (const e of f.file.entries) if (e.name !== null && e.pinned) pinnedElsewhere.add(e.name);
  const out: { path: string; entry: RequirementEntry }[] = [];
  for (const f of tree.files) {
    if (f.role !== 'requirements') continue;
    for (const entry of f.file.entries) {
      if (entry.pinned || entry.dynamic) continue;
      if (entry.kind !== 'requirement' && entry.kind !== 'url' && entry.kind !== 'editable') continue;
      if (entry.name !== null && pinnedElsewhere.has(entry.name)) continue;
      out.push({ path: f.path, entry });
    }
  }
  return out;
}

/** Whether every requirement of the file tree is pinned (a compiled requirements file works as a lock). */
function fullyPinned(workspace: Workspace, path: string): boolean {
  const tree = workspace.requirementsTree(path);
  if (tree.files.length === 0 || tree.missing.length > 0 || tree.unknown.length > 0) return false;
  return tree.files.every((f) => f.file.entries.every((e) => e.pinned || e.dynamic || (e.kind !== 'requirement' && e.kind !== 'url' && e.kind !== 'editable')));
}

function listNames(items: readonly { entry: RequirementEntry }[]): string {
  const names = items.slice(0, 3).map((i) => `\`${i.entry.text.split(/\s+--/)[0]?.trim() ?? i.entry.text}\``);
  return items.length > 3 ? `${names.join(', ')}, …` : names.join(', ');
}

export default defineRule({
  code: 'PYD215',
  name: 'unlocked-dependencies',
  title: 'Install dependencies from exact pins or a lock file',
  category: 'dependencies',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'Reads the requirements files the Dockerfile installs with `pip install -r` (and `uv pip install -r`), following their `-r`/`-c` includes, and reports requirements that do not name exactly one release: no `==`/`===` pin, a wildcard (`==2.*`), a range, or a VCS URL without `@<tag or commit>`. Lines pinned by a constraints file (`-c`, or `PIP_CONSTRAINT`) count as pinned; options, hashes, local paths and `${VAR}` lines are skipped. The finding is shown on the Dockerfile and on each line of the requirements file. ' +
      'It also reports an install from project metadata with no lock file: `poetry install` without `poetry.lock`, `uv sync` without `uv.lock`, `pdm install` without `pdm.lock`, `pipenv install` without `Pipfile.lock`, and `pip install .` of a `pyproject.toml` that declares dependencies when none of those lock files and no fully pinned requirements file is installed.',
    whyItMatters:
      'Without a lock, every rebuild resolves the dependencies again and may ship a release nobody tested; two builds of the same commit differ. Reproducible builds compile or lock the full dependency set (pip-tools `pip-compile`, `uv pip compile`, `uv lock`, Poetry, Pipenv, PDM or conda-lock) and update it on a regular schedule, so upgrades are reviewed changes instead of surprises.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    exampleFiles: { 'requirements.txt': 'flask>=3.0\ngunicorn\n' },
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    useInsteadFiles: { 'requirements.txt': 'flask==3.1.2\ngunicorn==23.0.0\n' },
    references: [
      'https://pip.pypa.io/en/stable/topics/repeatable-installs/',
      'https://pip-tools.readthedocs.io/en/stable/',
      'https://docs.astral.sh/uv/concepts/projects/sync/',
      'https://python-poetry.org/docs/basic-usage/#committing-your-poetrylock-file-to-version-control',
    ],
  },
  check(ctx) {
    const { model, workspace } = ctx;
    if (!workspace) return;
    const uses = requirementsUses(model);
    const shownLines = new Set<string>();
    for (const use of uses) {
      if (use.role !== 'requirements' || use.contextPath === null || use.pip.has('--no-index') || constrainedByEnv(use, use.stage)) continue;
      const constraints = uses.filter((u) => u.command === use.command && u.role === 'constraints' && u.contextPath !== null).map((u) => u.contextPath as string);
      const loose = unpinned(workspace, use, constraints);
      if (loose.length === 0) continue;
      const range = model.text.rangeOf(use.word.start, use.word.end);
      const count = loose.length === 1 ? 'a requirement' : `${loose.length} requirements`;
      ctx.report({ range, message: `\`${use.contextPath}\` does not pin ${count} to one version (${listNames(loose)}): rebuilds can install releases nobody tested` });
      for (const { path, entry } of loose) {
        const key = `${path}:${entry.line}`;
        if (shownLines.has(key)) continue;
        shownLines.add(key);
        const what = entry.kind === 'requirement' ? (entry.specifier ? 'allows more than one version' : 'has no version pin') : 'names no tag or commit';
        ctx.report({ range: lineRange(entry.line, entry.start, entry.end), file: path, origin: range, message: `\`${entry.name ?? entry.text}\` ${what}: pin it with \`==\` (or compile this file with pip-tools or \`uv pip compile\`)` });
      }
    }
    const lockedByRequirements = uses.some((u) => u.role === 'requirements' && u.contextPath !== null && fullyPinned(workspace, u.contextPath));
    for (const install of projectInstalls(model)) {
      if (install.contextDir === null) continue;
      const dir = install.contextDir;
      const range = model.text.rangeOf(install.command.start, install.command.end);
      if (install.kind !== 'pip-project') {
        const manifest = install.kind === 'pipenv' ? 'Pipfile' : 'pyproject.toml';
        if (!workspace.exists(join(dir, manifest)) || workspace.exists(join(dir, LOCK_OF[install.kind]))) continue;
        ctx.report({ range, message: `There is no \`${join(dir, LOCK_OF[install.kind])}\`, so this install resolves the dependencies of \`${join(dir, manifest)}\` anew on every build` });
        continue;
      }
      if (install.constrained || install.pip?.has('--no-deps') || lockedByRequirements) continue;
      const pyproject = workspace.pyproject(dir);
      if (pyproject.kind !== 'ok' || pyproject.value.dependencyNames.size === 0) continue;
      if (Object.values(LOCK_OF).some((lock) => workspace.exists(join(dir, lock)))) continue;
      ctx.report({ range, message: `\`${join(dir, 'pyproject.toml')}\` is installed without a lock file, so its dependencies are resolved anew on every build: compile them (\`uv pip compile\`, pip-tools) or lock them (\`uv lock\`, Poetry, PDM)` });
    }
  },
});
