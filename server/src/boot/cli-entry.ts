// Process entry of the built CLI (server/out/cli.js): runs cli-bundle.js, the CLI itself, through
// its V8 code cache. Worker threads of `check` start from this file too, so they share the cache.
import * as path from 'node:path';
import { startBundle } from './code-cache';

export { codeCacheHeader, compileBundle } from './code-cache';

/** The bundle this entry starts, next to it. */
export const CLI_BUNDLE = 'cli-bundle.js';

if (require.main === module) startBundle(path.join(__dirname, CLI_BUNDLE), module);
