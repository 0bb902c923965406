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
  /**
   * For a bug below the rules (code `*`) that breaks `property` for whichever fix runs into it:
   * the inputs that can show it. A violation of `property` on such an input counts as this bug.
   */
  inputPattern?: RegExp;
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
];

/** True when `property` failing on `content` is a known pending bug below the rules (see `inputPattern`). */
export function isPendingBelowRules(property: PropertyName, content: string, pending: readonly PendingBug[] = PENDING): boolean {
  return pending.some((p) => p.code === '*' && p.property === property && p.inputPattern !== undefined && p.inputPattern.test(content));
}

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
