// Entry point loaded by @vscode/test-electron through `extensionTestsPath`: runs the suite.
import { runRegistered } from './harness';
import './extension.e2e';

/** Called by VS Code's test runner inside the extension host; rejects when any test failed. */
export async function run(): Promise<void> {
  const failures = await runRegistered((line) => console.log(line));
  if (failures.length > 0) throw new Error(`${failures.length} e2e test(s) failed: ${failures.join('; ')}`);
}
