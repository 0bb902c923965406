// PYD217: a project file the checks need exists but cannot be read or parsed.
import type { InstructionInfo } from '../model/document-model';
import type { Range } from '../model/text';
import { projectInstalls, requirementsUses } from '../workspace/dockerfile-files';
import { LOCK_FILES, type ProjectFile, type Workspace } from '../workspace/workspace';
import { defineRule } from './define-rule';
import { keywordRange } from './edit-helpers';
import { copyOperands } from './copy-paths';
import type { DocumentModel } from '../model/document-model';

/** The first COPY/ADD from the build context: the instruction that sends it (for the ignore file). */
function firstContextCopy(model: DocumentModel): InstructionInfo | undefined {
  return model.instructions.find((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && copyOperands(model, i)?.from === null);
}

/**
 * Every project file a rule may read for this Dockerfile, each with the Dockerfile range it
 * matters to. Reading them here (cached, so the other rules do not read again) makes the report
 * independent of which rules happen to be enabled.
 */
interface Relevant {
  file: () => ProjectFile<unknown> | null | 'unknown';
  range: Range;
  /** The path is relative to the repository root (CI files), not to the context. */
  inRepository?: boolean;
}

function relevantFiles(model: DocumentModel, workspace: Workspace, env: { dockerfile?: string }): Relevant[] {
  const first = model.instructions[0];
  if (!first) return [];
  const anywhere = keywordRange(first);
  const out: Relevant[] = [];
  const copy = firstContextCopy(model);
  if (copy) out.push({ file: () => workspace.dockerignore(env.dockerfile), range: keywordRange(copy) });
  for (const use of requirementsUses(model)) {
    if (use.contextPath === null) continue;
    const range = model.text.rangeOf(use.word.start, use.word.end);
    const tree = workspace.requirementsTree(use.contextPath, use.role);
    for (const problem of tree.problems) out.push({ file: () => workspace.requirements(problem.path), range });
  }
  for (const install of projectInstalls(model)) {
    if (install.contextDir === null) continue;
    const dir = install.contextDir;
    const range = model.text.rangeOf(install.command.start, install.command.end);
    out.push({ file: () => (install.kind === 'pipenv' ? workspace.pipfile(dir) : workspace.pyproject(dir)), range });
    const lock = install.kind === 'pip-project' ? null : install.kind;
    if (lock) out.push({ file: () => workspace.lock(lock, dir), range });
  }
  // Files read for every Dockerfile of the project: the Python version, locks (for pins), CI.
  out.push({ file: () => workspace.pythonVersion(), range: anywhere });
  out.push({ file: () => workspace.pyproject(), range: anywhere });
  for (const kind of Object.keys(LOCK_FILES) as (keyof typeof LOCK_FILES)[]) out.push({ file: () => workspace.lock(kind), range: anywhere });
  out.push({ file: () => workspace.gunicornConf(), range: anywhere });
  for (const ci of workspace.ciFiles()) out.push({ file: () => ci, range: anywhere, inRepository: true });
  return out;
}

export default defineRule({
  code: 'PYD217',
  name: 'unreadable-project-file',
  title: 'Keep the project files next to the Dockerfile readable',
  category: 'dependencies',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'Several checks read the files around the Dockerfile: `.dockerignore`, requirements files and the files they include, `pyproject.toml`, `Pipfile`, the lock files (`poetry.lock`, `uv.lock`, `pdm.lock`, `Pipfile.lock`), `.python-version`, `gunicorn.conf.py` and the CI configuration. When one of them exists but cannot be used (permission denied, not UTF-8 text, larger than 4 MB, or a TOML, JSON or YAML syntax error), those checks skip it instead of guessing, and this rule says once which file it was and why. Missing files are normal and never reported here.',
    whyItMatters:
      'A broken `pyproject.toml` or lock file usually breaks the image build too, but only when it runs; and a check that silently skipped a file would look like a clean bill of health. Naming the file and the reason tells you why a finding you expected is missing.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN pip install --no-cache-dir poetry==2.1.3 && poetry install --only main --no-root',
    exampleFiles: { 'pyproject.toml': '[tool.poetry\nname = "shop"\n' },
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN pip install --no-cache-dir poetry==2.1.3 && poetry install --only main --no-root',
    useInsteadFiles: { 'pyproject.toml': '[tool.poetry]\nname = "shop"\n' },
    references: ['https://toml.io/en/v1.0.0', 'https://packaging.python.org/en/latest/guides/writing-pyproject-toml/', 'https://docs.docker.com/build/concepts/context/'],
  },
  check(ctx) {
    const { model, workspace } = ctx;
    if (!workspace) return;
    const reported = new Set<string>();
    for (const { file, range, inRepository } of relevantFiles(model, workspace, ctx.env)) {
      const f = file();
      if (f === null || f === 'unknown' || f.kind !== 'problem') continue;
      const path = inRepository ? workspace.contextPathOfRepositoryFile(f.path) : f.path;
      if (reported.has(path)) continue;
      reported.add(path);
      ctx.report({ range, message: `\`${path}\` could not be used (${f.reason}), so the checks that need it skipped it` });
    }
  },
});
