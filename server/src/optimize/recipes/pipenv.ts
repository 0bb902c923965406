// Catalogue §4.4.3: Pipenv builds `<WORKDIR>/.venv` in the builder; Pipenv itself stays there.
import { joinPath } from '../../rules/copy-paths';
import { pipenvInstall, pipenvSync } from '../../shell/tools';
import { removeWord, type RecipeInput, type RecipeResult, type SpanEdit } from './types';

/**
 * The Pipenv recipe: `PIPENV_VENV_IN_PROJECT=1` puts the environment in the project, and
 * `--system` (which would install into the builder's system Python) is dropped, so the lock
 * is installed into the environment the final image copies.
 */
export function pipenvRecipe(input: RecipeInput): RecipeResult {
  if (input.installWorkdir === null) return { refused: 'the working directory of `pipenv install` is not known, so the location of its environment is not either' };
  return {
    venv: joinPath(input.installWorkdir, '.venv'),
    createVenv: false,
    envLines: ['ENV PIPENV_VENV_IN_PROJECT=1'],
    editRun(run) {
      const edits: SpanEdit[] = [];
      for (const cmd of run.script?.commands ?? []) {
        const pipenv = pipenvInstall(cmd) ?? pipenvSync(cmd);
        if (!pipenv) continue;
        if (pipenv.operands.length > 0) return { refused: `\`pipenv install\` on line ${run.info.range.start.line + 1} adds packages that are not in the lock` };
        for (const option of pipenv.options) if (option.name === '--system') edits.push(removeWord(input.model, option.word));
      }
      return edits;
    },
  };
}
