// Resolves what users write for a rule (a code in any case, a rule name, a renamed code) to a code.
import { redirectTarget, type RedirectTable } from '../rules/redirects';
import type { Rule } from '../rules/types';

/** What one rule reference in a setting, a config file or on the command line means. */
export type RuleRef =
  | { kind: 'rule'; code: string }
  /** An old code: it still works, with a deprecation note naming the new one. */
  | { kind: 'renamed'; code: string; from: string }
  /** A removed rule (a tombstone in the registry): accepted, but it does nothing. */
  | { kind: 'removed'; code: string }
  | { kind: 'unknown'; suggestion: string | undefined };

/** Edit distance, for "did you mean" suggestions of short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Whether `a` and `b` are at most one typo apart: one letter replaced, added or dropped, or two
 * neighbours swapped (what "did you mean" offers for a mistyped code or keyword).
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // Skip the first difference as a substitution, insertion or deletion, and as a swap of two.
  const rest = (x: number, y: number): boolean => a.slice(x) === b.slice(y);
  const swapped = a[i] === b[i + 1] && a[i + 1] === b[i] && rest(i + 2, i + 2);
  return rest(i + 1, i + 1) || rest(i + 1, i) || rest(i, i + 1) || swapped;
}

/** The closest candidate within `maxDistance` edits, when exactly one is that close. */
export function closest(value: string, candidates: readonly string[], maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const candidate of candidates) {
    const distance = editDistance(value, candidate);
    if (distance > maxDistance) continue;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

/** Resolves a code (any case) or a rule name against the rule set and the redirect table. */
export function resolveRuleRef(value: string, rules: readonly Rule[], redirects: RedirectTable): RuleRef {
  const trimmed = value.trim();
  const upper = trimmed.toUpperCase();
  const byCode = rules.find((r) => r.code === upper) ?? rules.find((r) => r.name === trimmed.toLowerCase());
  if (byCode) return byCode.status === 'removed' ? { kind: 'removed', code: byCode.code } : { kind: 'rule', code: byCode.code };
  const target = redirectTarget(upper, redirects);
  if (target !== undefined && rules.some((r) => r.code === target)) return { kind: 'renamed', code: target, from: upper };
  const live = rules.filter((r) => r.status !== 'removed');
  const suggestion = /^[A-Z]+\d+$/.test(upper) ? closest(upper, live.map((r) => r.code), 1) : closest(trimmed.toLowerCase(), live.map((r) => r.name), 3);
  return { kind: 'unknown', suggestion };
}

/** A user-facing sentence for a reference that is not plainly a rule, or undefined when it is. */
export function describeRuleRef(value: string, ref: RuleRef, where: string): string | undefined {
  switch (ref.kind) {
    case 'rule':
      return undefined;
    case 'renamed':
      return `\`${ref.from}\` in \`${where}\` was renamed to \`${ref.code}\`: it still works, but write \`${ref.code}\` instead`;
    case 'removed':
      return `\`${value}\` in \`${where}\` is a removed rule and does nothing`;
    case 'unknown':
      return `unknown rule \`${value}\` in \`${where}\`${ref.suggestion ? ` (did you mean \`${ref.suggestion}\`?)` : ''}`;
  }
}
