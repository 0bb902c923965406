// Process entry of the built language server (server/out/server.js): runs server-bundle.js, the
// server itself, through its V8 code cache. Only the build-time cache producer requires it as a module.
import * as path from 'node:path';
import { startBundle } from './code-cache';

export { codeCacheHeader, compileBundle } from './code-cache';

/** The bundle this entry starts, next to it. */
export const SERVER_BUNDLE = 'server-bundle.js';

if (require.main === module) startBundle(path.join(__dirname, SERVER_BUNDLE), module);
