// Bugs the fuzzer found in rules that are not fixed yet. Each one excludes its rule from the
// one property it breaks (never from the others), with the minimal input that shows it. The
// regression suite asserts that every entry still fails: when a rule gets fixed, that test
// fails and says to move the input to REGRESSIONS (regressions.ts), where it is asserted to pass.

/** The properties of invariants.ts, by name. */
export type PropertyName =
  | 'no-rule-crash'
  | 'no-engine-crash'
  | 'ranges-inside-document'
  | 'fix-edits-well-formed'
  | 'fix-keeps-syntax'
  | 'fix-keeps-text'
  | 'fix-all-keeps-syntax'
  | 'fix-all-keeps-text'
  | 'fix-all-idempotent'
  | 'optimize-idempotent'
  | 'optimize-keeps-packages'
  | 'optimize-keeps-command'
  | 'ignore-pragma-silences'
  | 'lint-time-bound';

/** One known rule bug. */
export interface PendingBug {
  /** The rule at fault, or `*` for a bug below the rules that several rules run into. */
  code: string;
  /** For `no-rule-crash`: matches the error's stack when it is this bug (and no other crash). */
  signature?: RegExp;
  /** The property it breaks, from which the rule is excluded until fixed. */
  property: PropertyName;
  /** What goes wrong, for the report and the test name. */
  bug: string;
  /** The smallest Dockerfile found that shows it. */
  input: string;
  /** Build-context files the input needs, if any. */
  files?: Record<string, string>;
  /** For `lint-time-bound`: the budget the input must lint within (see limits.test.ts). */
  budgetMs?: number;
  /** The date the input is linted on, when it matters (default 2026-11-25). */
  today?: string;
}

/** Rule bugs awaiting a fix in the rule's own file (reported to its owner). */
export const PENDING: readonly PendingBug[] = [
  {
    code: 'PYD503',
    property: 'lint-time-bound',
    bug: 'cubic in the number of COPY/WORKDIR instructions of a stage (`firstWrite` recomputes `workdirBefore`/`variablesBefore` of copy-paths.ts for every pair): 400 lines take about 1.2 s of CPU, 800 lines 8 s, 1,600 lines a minute',
    input: `FROM python:3.12-slim-bookworm\n${'WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n'.repeat(150)}USER 10001\nCMD ["python", "app.py"]\n`,
    budgetMs: 3 * 600 + 500,
  },
  {
    code: 'PYD103',
    property: 'fix-edits-well-formed',
    bug: 'once every Python minor in its release table is past end of life (a build date after 2030-10-31), the fix "upgrades" `python:3.14-slim` to `python:3.14-slim`: a quick fix that changes nothing (fix-all now skips no-op fixes)',
    input: 'FROM python:3.14-slim\n',
    today: '2031-06-30',
  },
  {
    code: 'PYD408',
    property: 'optimize-keeps-command',
    bug: 'its guarded fix is safe, so safe Optimize appends `--worker-tmp-dir /dev/shm` to the exec-form gunicorn CMD: the container command changes without a ticked decision',
    input: 'FROM python:3.12-slim-bookworm\nCMD ["gunicorn", "app:app"]\n',
  },
];

/** Codes excluded from `property` because of a pending bug (crashes are matched by signature instead). */
export function excludedFrom(property: PropertyName, pending: readonly PendingBug[] = PENDING): Set<string> {
  return new Set(pending.filter((p) => p.property === property && p.code !== '*').map((p) => p.code));
}

/**
 * True when a crash is a known pending bug: a rule's (`no-rule-crash`, same code or `*`) or
 * the engine's (`no-engine-crash`), with a stack the bug's signature matches.
 */
export function isPendingCrash(code: string, error: unknown, pending: readonly PendingBug[], property: 'no-rule-crash' | 'no-engine-crash'): boolean {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return pending.some((p) => p.property === property && (p.code === code || p.code === '*' || code === '*') && (p.signature === undefined || p.signature.test(stack)));
}
