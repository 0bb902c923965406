// Catalogue §4.4.5: a project installed with `pip install .` builds in the builder venv from its sources.
import { requirementsRecipe } from './requirements';
import type { RecipeInput, RecipeResult } from './types';

/**
 * The pip-project recipe: the same venv as the requirements recipe; the builder copies the
 * sources the original copied before `pip install .`, so the project is built there and only
 * its installed form ships. An editable install must have been converted first (PYD204).
 */
export function pipProjectRecipe(input: RecipeInput): RecipeResult {
  for (const run of input.runs) {
    for (const pip of run.pipInstalls) {
      if (pip.values('-e', '--editable').length > 0) {
        return { refused: `the editable install on line ${run.info.range.start.line + 1} links the environment to the builder's sources (tick \`fix:PYD204\` to install the project normally)` };
      }
    }
  }
  return requirementsRecipe(input);
}
