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
  {
    code: '*',
    property: 'fix-all-keeps-text',
    bug: '`Text.lineText` (server/src/model/text.ts) strips `\\r\\n` and `\\n` but not a lone CR, which the document model counts as a line end; `insertLinesAfter` (rules/edit-helpers.ts) then inserts after the CR, turning it into a CRLF and splitting the next line (here PYD406 after PYD313: `COPY ./src /w\\r` + `\\nRUN python -m compileall -q /w` + `ww`). Fix: `.replace(/\\r\\n$|[\\r\\n]$/, \'\')` in `lineText`',
    input: 'FROM python:3.12-slim-bookworm\nADD ./src /w\rww',
    inputPattern: /\r(?!\n)/,
  },
  {
    code: '*',
    property: 'fix-keeps-text',
    bug: 'the same lone-CR bug of `Text.lineText`, shown by one fix alone (PYD406 inserting its compile step after a copy whose line ends with a lone CR)',
    input: 'FROM python:3.12-slim-bookworm\nCOPY ./src /w\rww\nUSER 10001\n',
    inputPattern: /\r(?!\n)/,
  },
  {
    code: 'PYD103',
    property: 'fix-all-idempotent',
    bug: 'unsafe fix-all is not idempotent when PYD103 (upgrade to 3.14) and PYD108 (match the 3.12 builder) go in a circle whose fixes change title on the way (`3.14-slim` → `3.12-slim-trixie` → `3.14-slim-trixie`): fix/apply.ts rejects circle culprits by `keyOf` (code, message and title), so the renamed fixes start a new circle and the first run stops at `3.12-slim-trixie`, the second at `3.14-slim-trixie`. Fix in fix/apply.ts: reject a circle\'s culprits by code and the instruction they edit, not by their text',
    input: 'FROM python:3.12-slim\nCOPY --from=python:3.12 /opt/venv .\nCOPY app/ .',
    today: '2031-06-30',
  },
  {
    code: 'PYD408',
    property: 'optimize-keeps-command',
    bug: 'its guarded fix is safe (catalogue: GUARDED, exec form), so safe Optimize appends `--worker-tmp-dir /dev/shm` to the exec-form gunicorn CMD: the container command changes without a ticked decision. The rule follows the catalogue; the fix belongs in the Optimize pipeline (server/src/optimize/: apply the safe fixes of phase-5 codes that edit CMD/ENTRYPOINT only through the `fix:PYD408` decision, e.g. with fix-loop\'s `safeCodes`)',
    input: 'FROM python:3.12-slim-bookworm\nCMD ["gunicorn", "app:app"]\n',
  },
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
