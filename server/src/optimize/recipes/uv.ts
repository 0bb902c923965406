// Catalogue §4.4.4: uv syncs `<WORKDIR>/.venv` (or UV_PROJECT_ENVIRONMENT) in the builder, non-editable.
import { PROJECT_MANIFESTS } from '../../knowledge/project-manifests';
import { joinPath } from '../../rules/copy-paths';
import { uvSync } from '../../shell/tools';
import { dropUvSystem } from './requirements';
import { repeatCommand, splitLayout, type SplitSpec } from './two-phase';
import { appendAfter, type RecipeInput, type RecipeResult, type SpanEdit } from './types';

/**
 * The uv recipe: `UV_PYTHON_DOWNLOADS=0` keeps the image's own interpreter, so the copied
 * environment works in a final image of the same tag. When the sources are copied before the
 * sync, the builder syncs the dependencies alone first (`--no-install-project`, from
 * `pyproject.toml` and `uv.lock`), then copies the sources and syncs again to install the
 * project; otherwise the one sync gets `--no-editable`. Either way the project is installed
 * into the environment instead of linked to the builder's sources.
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
  // `--locked`/`--frozen` fail without `uv.lock`, so it exists even when the context cannot be read.
  const syncs = input.runs.flatMap((run) => (run.script?.commands ?? []).map((command) => uvSync(command))).filter((s) => s !== null);
  const locked = syncs.length > 0 && syncs.every((sync) => sync.has('--locked', '--frozen'));
  const layout = splitLayout(input, { ...UV_SPLIT, impliedByCommands: locked }, input.readContextFile);
  let afterSources: string[] | null = layout ? [] : null;
  if (layout) {
    // After the sources, the last sync installs the project itself (non-editable) unless it never did.
    const last = input.runs.flatMap((run) => (run.script?.commands ?? []).map((command) => ({ run, command, sync: uvSync(command) }))).filter((c) => c.sync !== null).pop();
    if (last?.sync && !last.sync.has('--no-install-project', '--only-group')) {
      const edits = last.sync.has('--no-editable') ? [] : [appendAfter(last.sync.subcommandWord, '--no-editable')];
      const repeated = repeatCommand(input, last.run, last.command, edits);
      afterSources = repeated === null ? null : [repeated];
    }
  }
  const split = layout && afterSources !== null ? { layout, afterSources } : null;
  return {
    venv,
    createVenv: false,
    envLines: input.variables.get('UV_PYTHON_DOWNLOADS') === '0' ? [] : ['ENV UV_PYTHON_DOWNLOADS=0'],
    ...(split ? { split } : {}),
    editRun(run) {
      const edits: SpanEdit[] = dropUvSystem(input, run);
      for (const cmd of run.script?.commands ?? []) {
        const sync = uvSync(cmd);
        if (!sync) continue;
        if (split && !sync.has('--no-install-project')) edits.push(appendAfter(sync.subcommandWord, '--no-install-project'));
        else if (!split && !sync.has('--no-editable', '--no-install-project')) edits.push(appendAfter(sync.subcommandWord, '--no-editable'));
      }
      return edits;
    },
  };
}

/** `uv sync --no-install-project` reads these; workspace members and path sources need the sources too. */
const UV_SPLIT: SplitSpec = {
  isToolInstall: (command) => uvSync(command) !== null,
  manifests: [PROJECT_MANIFESTS.uv.project, PROJECT_MANIFESTS.uv.lock],
  optionalManifests: PROJECT_MANIFESTS.uv.optional,
  impliedByCommands: false,
  needsSources: PROJECT_MANIFESTS.uv.needsSources,
};
