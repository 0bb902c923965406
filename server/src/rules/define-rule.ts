// Identity helper: gives rule modules type checking without a class hierarchy.
import type { Rule } from './types';

/** Declares a rule. Returns its argument unchanged; exists for inference and checks. */
export function defineRule(rule: Rule): Rule {
  // `in`, not the value: in the bundles docs are read from rule-docs.json on first use, and this
  // runs for every rule at start-up (test/meta.test.ts checks the text is there and not empty).
  if (rule.fix.applicability === 'unsafe' && !('fixSafety' in rule.docs)) {
    throw new Error(`${rule.code}: an unsafe fix needs docs.fixSafety`);
  }
  return rule;
}
