// Catalogue §4.4.4: uv syncs `<WORKDIR>/.venv` (or UV_PROJECT_ENVIRONMENT) in the builder, non-editable.
import { joinPath } from '../../rules/copy-paths';
import { uvSync } from '../../shell/tools';
import { dropUvSystem } from './requirements';
import { appendAfter, type RecipeInput, type RecipeResult, type SpanEdit } from './types';

/**
 * The uv recipe: `uv sync` gets `--no-editable` (the project is installed into the environment
 * instead of linked to the builder's sources) and `UV_PYTHON_DOWNLOADS=0` keeps the image's
 * own interpreter, so the copied environment works in a final image of the same tag.
 */
export function uvRecipe(input: RecipeInput): RecipeResult {
  const configured = input.variables.get('UV_PROJECT_ENVIRONMENT');
  if (configured !== undefined && configured.includes('$')) return { refused: '`UV_PROJECT_ENVIRONMENT` is not a literal path' };
  if (configured === undefined && input.installWorkdir === null) return { refused: 'the working directory of `uv sync` is not known, so the location of its environment is not either' };
  for (const run of input.runs) {
    for (const cmd of run.script?.commands ?? []) {
      const sync = uvSync(cmd);
      if (sync?.has('--directory', '--project', '--active', '--python', '-p')) {
        return { refused: `\`uv sync\` on line ${run.info.range.start.line + 1} chooses its own project, environment or interpreter` };
      }
    }
  }
  const venv = configured !== undefined ? joinPath(input.installWorkdir ?? '/', configured) : joinPath(input.installWorkdir ?? '/', '.venv');
  return {
    venv,
    createVenv: false,
    envLines: input.variables.get('UV_PYTHON_DOWNLOADS') === '0' ? [] : ['ENV UV_PYTHON_DOWNLOADS=0'],
    editRun(run) {
      const edits: SpanEdit[] = dropUvSystem(input, run);
      for (const cmd of run.script?.commands ?? []) {
        const sync = uvSync(cmd);
        if (sync && !sync.has('--no-editable', '--no-install-project')) edits.push(appendAfter(sync.subcommandWord, '--no-editable'));
      }
      return edits;
    },
  };
}
