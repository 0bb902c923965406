// Launches VS Code (downloaded by @vscode/test-electron) with the extension and runs the e2e suite.
// Usage, after `npm run build` and `tsc -p test/e2e`: node out/e2e/run-tests.js
// VSCODE_TEST_VERSIONS=stable,1.100.0 picks the builds; default: the minimum engine and stable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

/** This file compiles to out/e2e/run-tests.js. */
const root = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  for (const bundle of ['client/out/extension.js', 'server/out/server.js']) {
    if (!fs.existsSync(path.join(root, bundle))) throw new Error(`${bundle} is missing: run npm run build first`);
  }
  const versions = (process.env['VSCODE_TEST_VERSIONS'] ?? `${minimumEngine()},stable`)
    .split(',')
    .map((version) => version.trim())
    .filter((version) => version !== '');
  for (const version of versions) {
    console.log(`e2e on VS Code ${version}`);
    await runTests({
      version,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index'),
      // --disable-extensions leaves built-ins (the dockerfile language) on and other installs off.
      launchArgs: [path.join(root, 'test', 'e2e', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
    });
  }
}

/** `engines.vscode` without its range operator: the oldest VS Code we promise to support. */
function minimumEngine(): string {
  const manifest: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const engines = typeof manifest === 'object' && manifest !== null && 'engines' in manifest ? manifest.engines : undefined;
  const range = typeof engines === 'object' && engines !== null && 'vscode' in engines ? engines.vscode : undefined;
  if (typeof range !== 'string') throw new Error('package.json has no engines.vscode');
  return range.replace(/^[\^~>=\s]+/, '');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
