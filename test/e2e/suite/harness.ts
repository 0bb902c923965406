// A minimal test registry and runner for the extension host (mocha is not a dependency here).
import * as vscode from 'vscode';

/** One registered scenario. */
interface TestCase {
  name: string;
  body: () => Promise<void>;
}

const cases: TestCase[] = [];

/** Longest a single test may run: the first one also waits for the server to start. */
const TEST_TIMEOUT_MS = 60_000;

/** Registers a test; tests run in registration order, one at a time. */
export function test(name: string, body: () => Promise<void>): void {
  cases.push({ name, body });
}

/** Runs every registered test, logs a line per test, and returns the names of the failures. */
export async function runRegistered(log: (line: string) => void): Promise<string[]> {
  const failures: string[] = [];
  for (const { name, body } of cases) {
    const started = Date.now();
    try {
      await withTimeout(body(), TEST_TIMEOUT_MS, `test "${name}"`);
      log(`  ✔ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failures.push(name);
      log(`  ✘ ${name}\n${indent(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
    }
  }
  return failures;
}

/**
 * Resolves with the first non-undefined value of `probe`, checked now and after each `event`
 * (never a fixed sleep; lsp-sample's helper sleeps and flakes). Rejects after `timeoutMs`.
 */
export function waitFor<T>(
  what: string,
  event: vscode.Event<unknown>,
  probe: () => T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const now = probe();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const subscription = event(() => {
      const value = probe();
      if (value === undefined) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}
