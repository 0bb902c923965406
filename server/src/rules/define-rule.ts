// Identity helper: gives rule modules type checking without a class hierarchy.
import type { Rule } from './types';

/** Declares a rule. Returns its argument unchanged; exists for inference and checks. */
export function defineRule(rule: Rule): Rule {
  if (rule.fix.applicability === 'unsafe' && !rule.docs.fixSafety) {
    throw new Error(`${rule.code}: an unsafe fix needs docs.fixSafety`);
  }
  return rule;
}
