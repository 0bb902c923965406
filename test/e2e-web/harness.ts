// A tiny sequential step runner for the code-server e2e scenario: per-step timeouts, "not run" after a
// failure, cleanup that always runs (also on Ctrl+C), and the closing `N passed, N failed` line.

/** One step of the scenario; steps share state through the context object they are given. */
export interface Step<C> {
  name: string;
  /** Longest the step may take. */
  timeoutMs: number;
  /** Runs even when an earlier step failed (for checks that do not depend on the others). */
  independent?: boolean;
  run(context: C): Promise<void>;
}

/** What happened to one step. */
export interface StepOutcome {
  name: string;
  status: 'passed' | 'failed' | 'not run';
  ms: number;
  error?: string;
}

/** Called after a failed step, e.g. to keep a screenshot of the moment. */
export type FailureHook = (step: string, index: number) => Promise<void>;

/**
 * Runs `steps` in order. After the first failure, dependent steps are not run (they would only
 * fail for the same reason) and count as failed, so the summary never reports fewer failures
 * than there are unverified behaviours.
 */
export async function runSteps<C>(
  steps: readonly Step<C>[],
  context: C,
  log: (line: string) => void,
  onFailure: FailureHook,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  let failed = false;
  for (const [index, step] of steps.entries()) {
    if (failed && !step.independent) {
      outcomes.push({ name: step.name, status: 'not run', ms: 0 });
      log(`  - ${step.name}: not run (an earlier step failed)`);
      continue;
    }
    const started = Date.now();
    try {
      await withTimeout(step.run(context), step.timeoutMs, `step "${step.name}"`);
      const ms = Date.now() - started;
      outcomes.push({ name: step.name, status: 'passed', ms });
      log(`  ✔ ${step.name} (${formatMs(ms)})`);
    } catch (error) {
      failed = true;
      const ms = Date.now() - started;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcomes.push({ name: step.name, status: 'failed', ms, error: message });
      log(`  ✘ ${step.name} (${formatMs(ms)})\n${indent(message)}`);
      await onFailure(step.name, index).catch((hookError: unknown) => log(`    (failure hook: ${String(hookError)})`));
    }
  }
  return outcomes;
}

/** The closing line the CI reads: not-run steps count as failed. */
export function summaryLine(outcomes: readonly StepOutcome[]): string {
  const passed = outcomes.filter((outcome) => outcome.status === 'passed').length;
  return `${passed} passed, ${outcomes.length - passed} failed`;
}

/**
 * Cleanup actions, run last-in first-out exactly once: at the end of the run, or when the
 * process is interrupted, so code-server and chromium never outlive the tests.
 */
export class Cleanup {
  private readonly actions: { what: string; action: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        this.log(`received ${signal}: cleaning up`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }

  /** Registers `action` (described by `what` in error messages). */
  add(what: string, action: () => Promise<void>): void {
    this.actions.push({ what, action });
  }

  /** Runs every action once, newest first; an action that fails does not stop the others. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const { what, action } of this.actions.splice(0).reverse()) {
        try {
          await withTimeout(action(), 20_000, `cleanup "${what}"`);
        } catch (error) {
          this.log(`cleanup "${what}" failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${formatMs(ms)}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves with the first non-undefined result of `probe`, polling every `intervalMs`; for
 * conditions outside the browser (a file on disk, an HTTP endpoint) that have no event to wait on.
 */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`Timed out after ${formatMs(timeoutMs)} waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** "850 ms", "12.3 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}
