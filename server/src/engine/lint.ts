// The lint pipeline: parse once, run the enabled rules, drop suppressed findings.
import { DocumentModel } from '../model/document-model';
import { comparePositions, type Range } from '../model/text';
import { ALL_RULES, docsUrl } from '../rules/index';
import type { Fix, LintEnvironment, Rule, Severity, SeveritySetting, Violation } from '../rules/types';

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
    if (rule.status === 'preview' && !options.preview && !options.only) return false;
    return options.severities?.[rule.code] !== 'off';
  });
}

/** Lints a Dockerfile text (or an already parsed model). Never throws because of a rule. */
export function lint(input: string | DocumentModel, options: LintOptions = {}): LintResult {
  const model = typeof input === 'string' ? new DocumentModel(input) : input;
  const env: LintEnvironment = { today: options.env?.today ?? isoToday(), ...(options.env?.readContextFile ? { readContextFile: options.env.readContextFile } : {}) };
  const findings: Finding[] = [];
  for (const rule of enabledRules(options)) {
    const override = options.severities?.[rule.code];
    const report = (v: Violation): void => {
      const instruction = model.instructionAtLine(v.range.start.line);
      if (model.pragmas.suppresses(rule.code, rule.hadolint ?? [], instruction?.index)) return;
      findings.push({
        code: rule.code,
        name: rule.name,
        severity: override && override !== 'off' ? override : v.severity ?? rule.defaultSeverity,
        message: v.message,
        range: v.range,
        fixes: v.fixes ?? [],
        docsUrl: docsUrl(rule),
        unnecessary: v.unnecessary ?? false,
      });
    };
    try {
      rule.check({ model, env, report });
    } catch (error) {
      options.onRuleError?.(rule.code, error);
    }
  }
  findings.sort((a, b) => comparePositions(a.range.start, b.range.start) || a.code.localeCompare(b.code));
  return { model, findings };
}
