// Process entry of the built language server (server/out/server.js): runs server-bundle.js, the
// server itself, through its V8 code cache. Only the build-time cache producer requires it as a module.
import * as path from 'node:path';
import { startBundle } from './code-cache';

export { applyV8Flags, codeCacheHeader, compileBundle } from './code-cache';

/** The bundle this entry starts, next to it. */
export const SERVER_BUNDLE = 'server-bundle.js';

/** V8 flags set before the bundle compiles: none, a long-running server wants V8's tiering as it is. */
export const V8_FLAGS: readonly string[] = [];

if (require.main === module) startBundle(path.join(__dirname, SERVER_BUNDLE), module, V8_FLAGS);
