// Catalogue §4.4.1: pip with requirements files (or named packages) installs into a builder venv.
import { toolCommand } from '../../shell/tools';
import type { RunFacts } from '../analyse';
import { removeWord, type RecipeInput, type RecipeResult, type SpanEdit } from './types';

/** Where the builder puts a fresh environment (S004's path, outside the application tree). */
export const DEFAULT_VENV = '/opt/venv';

/**
 * Options that install somewhere else than the active environment: the runtime would not get
 * those packages with the copied venv.
 */
const ELSEWHERE = ['--target', '-t', '--prefix', '--root', '--user'];

/** `uv pip install --system` targets the system interpreter; in the builder the venv is active instead. */
export function dropUvSystem(input: RecipeInput, run: RunFacts): SpanEdit[] {
  const edits: SpanEdit[] = [];
  for (const cmd of run.script?.commands ?? []) {
    const uv = toolCommand(cmd, 'uv', 'pip');
    if (!uv) continue;
    for (const option of uv.options) if (option.name === '--system') edits.push(removeWord(input.model, option.word));
  }
  return edits;
}

/**
 * The requirements recipe: create the venv (unless the stage has one), put it on PATH and run
 * the install RUNs unchanged in the builder. Also used for pip projects and Poetry's export
 * variant, whose installs are pip installs too.
 */
export function requirementsRecipe(input: RecipeInput): RecipeResult {
  for (const run of input.runs) {
    for (const pip of run.pipInstalls) {
      const elsewhere = pip.options.find((o) => ELSEWHERE.includes(o.name));
      if (elsewhere) return { refused: `\`pip install ${elsewhere.name}\` on line ${run.info.range.start.line + 1} installs outside the environment the final image would copy` };
      const program = pip.command.words[0]?.value ?? '';
      if (input.existingVenv === null && /^\/usr\/(local\/)?bin\//.test(program)) {
        return { refused: `line ${run.info.range.start.line + 1} runs \`${program}\` by its absolute path, which bypasses the builder's environment` };
      }
    }
  }
  const venv = input.existingVenv ?? DEFAULT_VENV;
  return {
    venv,
    createVenv: input.existingVenv === null,
    envLines: [],
    editRun: (run) => dropUvSystem(input, run),
  };
}
