// The rule registry: every rule, in code order. Adding a rule = one import and one list entry.
import type { Rule } from './types';
import pipInstallWithCache from './pip-install-with-cache';

/** Where rule documentation pages are published (rendered from docs/rules/ in the repository). */
export const DOCS_BASE_URL = 'https://github.com/pydockerfile/pydockerfile/blob/main/docs/rules/';

export const ALL_RULES: readonly Rule[] = [
  pipInstallWithCache,
];

const byCode = new Map(ALL_RULES.map((r) => [r.code, r]));
const byName = new Map(ALL_RULES.map((r) => [r.name, r]));

export function ruleByCode(code: string): Rule | undefined {
  return byCode.get(code.toUpperCase());
}

export function ruleByName(name: string): Rule | undefined {
  return byName.get(name);
}

export function docsUrl(rule: Pick<Rule, 'name'>): string {
  return `${DOCS_BASE_URL}${rule.name}.md`;
}
