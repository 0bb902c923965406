// The tool's version, read at run time from the package.json that ships next to the bundle.
import * as fs from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'pydockerfile';

/**
 * Finds the version in the nearest `package.json` named `pydockerfile` above `startDir`.
 * Works for the bundle (`server/out/cli.js`), the compiled tests (`out/server/src/cli/`) and an
 * installed package (`node_modules/pydockerfile/server/out/`), without a build-time define.
 */
export function findVersion(startDir: string = __dirname): string {
  let dir = startDir;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    const version = readVersion(candidate);
    if (version !== undefined) return version;
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function readVersion(file: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { name, version } = parsed as { name?: unknown; version?: unknown };
    return name === PACKAGE_NAME && typeof version === 'string' ? version : undefined;
  } catch {
    // Missing or malformed: keep walking up; a broken unrelated package.json is not our problem.
    return undefined;
  }
}
