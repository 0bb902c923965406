// The lint pipeline: parse once, run the enabled rules, drop suppressed findings.
import { DocumentModel } from '../model/document-model';
import { comparePositions, type Range } from '../model/text';
import { ALL_RULES, docsUrl } from '../rules/index';
import { codesRedirectingTo, RULE_REDIRECTS } from '../rules/redirects';
import type { Applicability, Fix, LintEnvironment, Rule, RuleCatalogue, RuleConfig, Severity, SeveritySetting, Violation } from '../rules/types';

/** Rule options when nothing is configured: no trusted registries, UID 10001 (Docker's Python template). */
export const DEFAULT_RULE_CONFIG: RuleConfig = Object.freeze({ trustedRegistries: Object.freeze([]), uid: 10001 });

export interface LintOptions {
  /** Per-code severity overrides; `off` disables a rule. */
  severities?: Readonly<Record<string, SeveritySetting>>;
  /** When given, only these codes run (fixture tests, `--select`). */
  only?: readonly string[];
  /** Run rules whose status is `preview`. */
  preview?: boolean;
  env?: Partial<LintEnvironment>;
  /** Called when a rule throws; the other rules still run. */
  onRuleError?: (code: string, error: unknown) => void;
  /** The rule set (defaults to the registry); tests inject rules here. */
  rules?: readonly Rule[];
  /** Options rules read (trusted registries, the non-root UID); missing fields take DEFAULT_RULE_CONFIG. */
  config?: Partial<RuleConfig>;
  /**
   * Per-code applicability of every fix of a rule, overriding the rule's own (configuration
   * `optimize.extend-safe-fixes` / `extend-unsafe-fixes`): the user's decision, applied once here
   * so quick fixes, fix-all, Optimize and the CLI all agree.
   */
  fixApplicability?: Readonly<Record<string, Applicability>>;
  /** Renamed codes, old → current (defaults to the registry's table); tests inject entries here. */
  redirects?: Readonly<Record<string, string>>;
}

/** A violation enriched with everything a face (LSP, CLI) needs. */
export interface Finding {
  code: string;
  name: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  docsUrl: string;
  unnecessary: boolean;
}

export interface LintResult {
  model: DocumentModel;
  findings: Finding[];
}

/** Today's date as YYYY-MM-DD (UTC). */
export function isoToday(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Which rules run under the given options. */
export function enabledRules(options: LintOptions = {}): Rule[] {
  const rules = options.rules ?? ALL_RULES;
  return rules.filter((rule) => {
    if (rule.status === 'removed' || rule.status === 'deprecated') return false;
    if (options.only && !options.only.includes(rule.code)) return false;
    const severity = options.severities?.[rule.code];
    // A preview rule also runs when the user gave it a severity: that names it explicitly.
    if (rule.status === 'preview' && !options.preview && !options.only && severity === undefined) return false;
    return severity !== 'off';
  });
}

/** Lints a Dockerfile text (or an already parsed model). Never throws because of a rule. */
export function lint(input: string | DocumentModel, options: LintOptions = {}): LintResult {
  const model = typeof input === 'string' ? new DocumentModel(input) : input;
  const read = options.env?.readContextFile;
  const env: LintEnvironment = { today: options.env?.today ?? isoToday(), ...(read ? { readContextFile: memoizedReader(read) } : {}) };
  const config: RuleConfig = {
    trustedRegistries: options.config?.trustedRegistries ?? DEFAULT_RULE_CONFIG.trustedRegistries,
    uid: options.config?.uid ?? DEFAULT_RULE_CONFIG.uid,
  };
  const catalogue: RuleCatalogue = { rules: options.rules ?? ALL_RULES, redirects: options.redirects ?? RULE_REDIRECTS };
  const findings: Finding[] = [];
  // Without pragmas nothing is suppressed: skip the per-finding instruction lookup.
  const hasPragmas = model.pragmas.all.length > 0;
  for (const rule of enabledRules(options)) {
    const override = options.severities?.[rule.code];
    const url = docsUrl(rule);
    // A pragma written with a code the rule had before a rename still silences it.
    const oldCodes = hasPragmas ? codesRedirectingTo(rule.code, catalogue.redirects) : [];
    const suppressed = (v: Violation): boolean => {
      const index = model.instructionAtLine(v.range.start.line)?.index;
      return model.pragmas.suppresses(rule.code, rule.hadolint ?? [], index) || oldCodes.some((old) => model.pragmas.suppresses(old, [], index));
    };
    const applicability = options.fixApplicability?.[rule.code];
    const report = (v: Violation): void => {
      if (hasPragmas && suppressed(v)) return;
      findings.push({
        code: rule.code,
        name: rule.name,
        severity: override && override !== 'off' ? override : v.severity ?? rule.defaultSeverity,
        message: v.message,
        range: v.range,
        fixes: applicability ? (v.fixes ?? []).map((fix) => ({ ...fix, applicability })) : (v.fixes ?? []),
        docsUrl: url,
        unnecessary: v.unnecessary ?? false,
      });
    };
    try {
      rule.check({ model, env, config, catalogue, report });
    } catch (error) {
      options.onRuleError?.(rule.code, error);
    }
  }
  findings.sort((a, b) => comparePositions(a.range.start, b.range.start) || compareCodes(a.code, b.code));
  return { model, findings };
}

/**
 * Several rules read the same build-context files (requirements, pyproject, .dockerignore):
 * read each path once per lint, which also gives every rule the same snapshot.
 */
function memoizedReader(read: (relativePath: string) => string | undefined): (relativePath: string) => string | undefined {
  const memo = new Map<string, string | undefined>();
  return (relativePath) => {
    if (memo.has(relativePath)) return memo.get(relativePath);
    const content = read(relativePath);
    memo.set(relativePath, content);
    return content;
  };
}

const PLAIN_CODE = /^[A-Z0-9]+$/;

/**
 * `localeCompare` order of rule codes. For upper-case letters and digits (every real code)
 * that is code-unit order, which is much cheaper than collation; anything else still collates.
 */
function compareCodes(a: string, b: string): number {
  if (a === b) return 0;
  if (PLAIN_CODE.test(a) && PLAIN_CODE.test(b)) return a < b ? -1 : 1;
  return a.localeCompare(b);
}
