// Catalogue §4.4.2: Poetry projects, in-project venv (A) or `poetry export` into a venv (B).
import { joinPath } from '../../rules/copy-paths';
import { SERVER_NAMES, isPythonProgram } from '../../rules/entrypoint-helpers';
import { poetryConfig, poetryInstall, poetrySync } from '../../shell/tools';
import { appendAfter, removeCommand, type RecipeInput, type RecipeResult, type SpanEdit } from './types';
import { requirementsRecipe } from './requirements';

const FALSE_RE = /^(false|0|no|off)$/i;

/** Whether the container starts something that runs from the source tree without the project installed. */
function runsFromSource(programs: readonly string[]): boolean {
  const known = new Set<string>(SERVER_NAMES);
  return programs.every((p) => isPythonProgram(p) || known.has(p) || p.includes('/') || p.endsWith('.sh') || ['sh', 'bash'].includes(p));
}

/**
 * Variant A: Poetry creates `<WORKDIR>/.venv` in the builder (`POETRY_VIRTUALENVS_IN_PROJECT`),
 * `poetry config virtualenvs.create false` is dropped there, and the project itself is not
 * installed (`--no-root`): the final image runs it from the sources it copies, while the
 * dependencies come from the copied environment.
 */
export function poetryRecipe(input: RecipeInput): RecipeResult {
  if (input.installWorkdir === null) return { refused: 'the working directory of `poetry install` is not known, so the location of its environment is not either' };
  let rootInstalled = false;
  for (const run of input.runs) {
    for (const cmd of run.script?.commands ?? []) {
      const install = poetryInstall(cmd) ?? poetrySync(cmd);
      if (!install) continue;
      if (install.has('-C', '--directory', '-P', '--project')) return { refused: `\`poetry ${install.subcommand}\` on line ${run.info.range.start.line + 1} works on another directory` };
      if (!install.has('--no-root', '--only-root')) rootInstalled = true;
    }
  }
  if (rootInstalled && !runsFromSource(input.entryPrograms)) {
    return { refused: `\`poetry install\` also installs the project, and the command \`${input.entryPrograms.join(' ')}\` may be one of its console scripts` };
  }
  const venv = joinPath(input.installWorkdir, '.venv');
  return {
    venv,
    createVenv: false,
    envLines: ['ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true'],
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
      return edits;
    },
  };
}

/** Variant B: the exported requirements are pip-installed, so the requirements recipe applies. */
export function poetryExportRecipe(input: RecipeInput): RecipeResult {
  return requirementsRecipe(input);
}
