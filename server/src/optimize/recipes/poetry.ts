// Catalogue §4.4.2: Poetry projects, in-project venv (A) or `poetry export` into a venv (B).
import { PROJECT_MANIFESTS } from '../../knowledge/project-manifests';
import { joinPath } from '../../rules/copy-paths';
import { SERVER_NAMES, isPythonProgram } from '../../rules/entrypoint-helpers';
import { poetryConfig, poetryInstall, poetrySync } from '../../shell/tools';
import type { SimpleCommand } from '../../shell/parser';
import type { RunFacts } from '../analyse';
import { overlaps, repeatCommand, splitLayout, type SplitSpec } from './two-phase';
import { appendAfter, removeCommand, type RecipeInput, type RecipeResult, type SpanEdit } from './types';
import { requirementsRecipe } from './requirements';

const FALSE_RE = /^(false|0|no|off)$/i;

/** Whether the container starts something that runs from the source tree without the project installed. */
function runsFromSource(programs: readonly string[]): boolean {
  const known = new Set<string>(SERVER_NAMES);
  return programs.every((p) => isPythonProgram(p) || known.has(p) || p.includes('/') || p.endsWith('.sh') || ['sh', 'bash'].includes(p));
}

/** Poetry's dependencies-only install reads these; path dependencies need the sources too. */
const POETRY_SPLIT: SplitSpec = {
  isToolInstall: (command) => {
    const install = poetryInstall(command) ?? poetrySync(command);
    return install !== null && !install.has('--only-root');
  },
  manifests: [PROJECT_MANIFESTS.poetry.project, PROJECT_MANIFESTS.poetry.lock],
  optionalManifests: PROJECT_MANIFESTS.poetry.optional,
  // Without a lock Poetry resolves afresh: only a readable build context can tell.
  impliedByCommands: false,
  needsSources: PROJECT_MANIFESTS.poetry.needsSources,
};

/**
 * Variant A: Poetry creates `<WORKDIR>/.venv` in the builder (`POETRY_VIRTUALENVS_IN_PROJECT`),
 * `poetry config virtualenvs.create false` is dropped there. When the sources are copied
 * before the install, the builder installs the dependencies alone first (`--no-root`, from
 * `pyproject.toml` and `poetry.lock`), then copies the sources and installs the project as the
 * original did, so a source change does not reinstall the dependencies (Poetry FAQ). Without
 * that split the project itself is not installed (`--no-root`): the final image runs it from
 * the sources it copies, while the dependencies come from the copied environment.
 */
export function poetryRecipe(input: RecipeInput): RecipeResult {
  if (input.installWorkdir === null) return { refused: 'the working directory of `poetry install` is not known, so the location of its environment is not either' };
  let rootInstall: { run: RunFacts; command: SimpleCommand } | null = null;
  for (const run of input.runs) {
    for (const cmd of run.script?.commands ?? []) {
      const install = poetryInstall(cmd) ?? poetrySync(cmd);
      if (!install) continue;
      if (install.has('-C', '--directory', '-P', '--project')) return { refused: `\`poetry ${install.subcommand}\` on line ${run.info.range.start.line + 1} works on another directory` };
      if (!install.has('--no-root', '--only-root')) rootInstall = { run, command: cmd };
    }
  }
  const layout = splitLayout(input, POETRY_SPLIT, input.readContextFile);
  let afterSources: string[] | null = layout ? [] : null;
  if (layout && rootInstall) {
    // The project install runs after the sources, as the original command (the dependencies are there already).
    const repeated = repeatCommand(input, rootInstall.run, rootInstall.command, []);
    afterSources = repeated === null ? null : [repeated];
  }
  if (afterSources === null && rootInstall && !runsFromSource(input.entryPrograms)) {
    return { refused: `\`poetry install\` also installs the project, and the command \`${input.entryPrograms.join(' ')}\` may be one of its console scripts` };
  }
  const venv = joinPath(input.installWorkdir, '.venv');
  return {
    venv,
    createVenv: false,
    envLines: ['ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true'],
    ...(layout && afterSources !== null ? { split: { layout, afterSources } } : {}),
    editRun(run) {
      const edits: SpanEdit[] = [];
      for (const cmd of run.script?.commands ?? []) {
        const config = poetryConfig(cmd);
        if (config && config.operands[0]?.value === 'virtualenvs.create' && FALSE_RE.test(config.operands[1]?.value ?? '')) {
          if (run.script?.commands.length === 1) return 'drop';
          const removal = removeCommand(run, cmd);
          if (!removal) return { refused: `cannot take \`poetry config virtualenvs.create false\` out of line ${run.info.range.start.line + 1}` };
          edits.push(removal);
          continue;
        }
        const install = poetryInstall(cmd) ?? poetrySync(cmd);
        if (install && !install.has('--no-root', '--only-root')) edits.push(appendAfter(install.subcommandWord, '--no-root'));
      }
      if (overlaps(edits)) return { refused: `the install on line ${run.info.range.start.line + 1} cannot be split cleanly` };
      return edits;
    },
  };
}

/** Variant B: the exported requirements are pip-installed, so the requirements recipe applies. */
export function poetryExportRecipe(input: RecipeInput): RecipeResult {
  return requirementsRecipe(input);
}
