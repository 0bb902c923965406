// Renamed rule codes: an old code keeps working in settings, config files and pragmas, with a
// deprecation note, and maps to the code that replaced it (Ruff's `rule_redirects.rs`).

/** Old code → current code. Codes are never reused, so an entry is never removed. */
export type RedirectTable = Readonly<Record<string, string>>;

/**
 * Every rename so far. Empty: no code has been renamed yet. Add `OLD: 'NEW'` here when a rule
 * gets a new code, and keep the old one out of the registry.
 */
export const RULE_REDIRECTS: RedirectTable = Object.freeze({});

/**
 * The current code for a renamed one, or undefined when `code` was never renamed. Chains
 * (A → B, then B → C) resolve to the last code; a cycle, which would be a mistake in the
 * table, stops instead of looping.
 */
export function redirectTarget(code: string, table: RedirectTable = RULE_REDIRECTS): string | undefined {
  let current = code.toUpperCase();
  const seen = new Set<string>();
  while (Object.hasOwn(table, current) && !seen.has(current)) {
    seen.add(current);
    current = table[current] as string;
  }
  return seen.size === 0 ? undefined : current;
}

/** The old codes that now mean `code` (so an old code in a pragma still silences the rule). */
export function codesRedirectingTo(code: string, table: RedirectTable = RULE_REDIRECTS): string[] {
  return Object.keys(table).filter((old) => redirectTarget(old, table) === code);
}
