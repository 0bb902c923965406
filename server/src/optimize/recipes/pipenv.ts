// Catalogue §4.4.3: Pipenv builds `<WORKDIR>/.venv` in the builder; Pipenv itself stays there.
import { PROJECT_MANIFESTS } from '../../knowledge/project-manifests';
import { joinPath } from '../../rules/copy-paths';
import { pipenvInstall, pipenvSync } from '../../shell/tools';
import { splitLayout, type SplitSpec } from './two-phase';
import { removeWord, type RecipeInput, type RecipeResult, type SpanEdit } from './types';

/**
 * The Pipenv recipe: `PIPENV_VENV_IN_PROJECT=1` puts the environment in the project, and
 * `--system` (which would install into the builder's system Python) is dropped, so the lock
 * is installed into the environment the final image copies. When the sources are copied
 * before the install, the builder copies `Pipfile` and `Pipfile.lock` instead and leaves the
 * sources out: a source change then does not reinstall the dependencies.
 */
export function pipenvRecipe(input: RecipeInput): RecipeResult {
  if (input.installWorkdir === null) return { refused: 'the working directory of `pipenv install` is not known, so the location of its environment is not either' };
  // `pipenv sync` and `install --deploy` fail without `Pipfile.lock`, so it exists even when the context cannot be read.
  const installs = input.runs.flatMap((run) => (run.script?.commands ?? []).map((command) => pipenvSync(command) ?? pipenvInstall(command))).filter((c) => c !== null);
  const locked = installs.length > 0 && installs.every((c) => c.subcommand === 'sync' || c.has('--deploy'));
  // Pipenv never installs the project itself: the builder needs no sources at all once the lock is there.
  const layout = splitLayout(input, { ...PIPENV_SPLIT, impliedByCommands: locked }, input.readContextFile);
  return {
    venv: joinPath(input.installWorkdir, '.venv'),
    createVenv: false,
    envLines: ['ENV PIPENV_VENV_IN_PROJECT=1'],
    ...(layout ? { split: { layout, afterSources: [] } } : {}),
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

/** `pipenv sync`/`install --deploy` read these; a path entry needs the sources too. */
const PIPENV_SPLIT: SplitSpec = {
  isToolInstall: (command) => {
    const pipenv = pipenvInstall(command) ?? pipenvSync(command);
    return pipenv !== null && pipenv.operands.length === 0 && !pipenv.has('-e', '--editable', '-r', '--requirements');
  },
  manifests: [PROJECT_MANIFESTS.pipenv.project, PROJECT_MANIFESTS.pipenv.lock],
  optionalManifests: PROJECT_MANIFESTS.pipenv.optional,
  impliedByCommands: false,
  needsSources: PROJECT_MANIFESTS.pipenv.needsSources,
};
