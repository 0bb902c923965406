// Process entry of the built CLI (server/out/cli.js): runs cli-bundle.js, the CLI itself, through
// its V8 code cache. Worker threads of `check` start from this file too, so they share the cache.
import * as path from 'node:path';
import { startBundle } from './code-cache';

export { applyV8Flags, codeCacheHeader, compileBundle } from './code-cache';

/** The bundle this entry starts, next to it. */
export const CLI_BUNDLE = 'cli-bundle.js';

/**
 * V8 flags of the CLI. A `check` is a short batch run, and with V8's default budget the hot lint
 * functions reach the optimising compiler within the first few hundred files, whose work (on
 * another core, or competing for the only one) costs more than such a run wins back from it. An
 * interrupt budget ~7× V8's default tiers up later: over 1,000 projects `check` spends a third
 * less CPU time. The build makes the code cache under the same flags (see applyV8Flags).
 */
export const V8_FLAGS: readonly string[] = ['--interrupt-budget=500000'];

if (require.main === module) startBundle(path.join(__dirname, CLI_BUNDLE), module, V8_FLAGS);
