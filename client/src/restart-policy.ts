// How often a crashed language server is restarted before the user is told and asked instead.
// Pure (no `vscode` import) so the policy is unit-tested in plain node.

/** Restarts allowed within {@link RESTART_WINDOW_MS}; one crash more and we stop trying. */
export const MAX_RESTARTS = 4;

/** The window crashes are counted in (vscode-languageclient's default uses the same 3 minutes). */
export const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** What to do after the server's connection closed unexpectedly. */
export type CrashDecision =
  /** Restart; `attempt` counts the crashes in the window (1 = first). */
  | { restart: true; attempt: number }
  /** Give up: the server crashed `crashes` times within the window. */
  | { restart: false; crashes: number };

/**
 * Counts crashes in a sliding time window. A server that crashes on one particular document
 * would otherwise be restarted for ever (each start re-opens the document and crashes again),
 * burning CPU and flashing the status item; after {@link MAX_RESTARTS} restarts within
 * {@link RESTART_WINDOW_MS} the client stops and says so.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts: number = MAX_RESTARTS,
    readonly windowMs: number = RESTART_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash now and decides whether to restart. */
  crashed(): CrashDecision {
    const at = this.now();
    this.crashes = this.crashes.filter((t) => at - t < this.windowMs);
    this.crashes.push(at);
    return this.crashes.length <= this.maxRestarts ? { restart: true, attempt: this.crashes.length } : { restart: false, crashes: this.crashes.length };
  }

  /** Forgets earlier crashes: the user restarted the server on purpose. */
  reset(): void {
    this.crashes = [];
  }
}

/**
 * Why the server is not running after the client gave up, phrased to follow "The language
 * server is not running: " and "Server failed: " (the warning and the status item).
 */
export function gaveUpReason(crashes: number, windowMs: number = RESTART_WINDOW_MS): string {
  const minutes = Math.round(windowMs / 60_000);
  return `it crashed ${crashes} times in the last ${minutes} minutes, so it was not restarted again`;
}
