// The lint pipeline: parse once, run the enabled rules, drop suppressed findings.
import { DocumentModel } from '../model/document-model';
import { directiveGuard } from './directive-guard';
import { inputRefusal, refusalRange, REFUSAL_CODE, REFUSAL_DOCS_URL, REFUSAL_NAME, type InputRefusal } from './guards';
import { comparePositions, type Range } from '../model/text';
import { ALL_RULES, docsUrl } from '../rules/index';
import { codesRedirectingTo, RULE_REDIRECTS } from '../rules/redirects';
import type { Applicability, Fix, LintEnvironment, Rule, RuleCatalogue, RuleConfig, RuleContext, Severity, SeveritySetting, Violation } from '../rules/types';
import { Workspace } from '../workspace/workspace';
import { readerWorkspaceFs } from '../workspace/workspace-fs';

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
  /** For findings of `LintResult.otherFiles`: the build-context file `range` belongs to. */
  file?: string;
  /** Extra Markdown to show with the finding (hover), e.g. a snippet for the user's CI system. */
  detail?: string;
}

export interface LintResult {
  model: DocumentModel;
  /** Findings in the Dockerfile. */
  findings: Finding[];
  /** Findings in other files of the build context (entry scripts, requirements files, CI files), each with `file`. */
  otherFiles: Finding[];
}

/**
 * The lint environment with the workspace model wired in: a given workspace also answers
 * `readContextFile`; a bare `readContextFile` (fixtures, older callers) gets a workspace over it.
 */
function environmentOf(options: LintOptions): LintEnvironment {
  const given = options.env ?? {};
  const read = given.readContextFile;
  const workspace = given.workspace ?? (read ? new Workspace(readerWorkspaceFs(read)) : undefined);
  const readContextFile = read ? memoizedReader(read) : workspace ? (path: string) => workspace.text(path) : undefined;
  return {
    today: given.today ?? isoToday(),
    ...(readContextFile ? { readContextFile } : {}),
    ...(workspace ? { workspace } : {}),
    ...(given.dockerfile !== undefined ? { dockerfile: given.dockerfile } : {}),
  };
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
  // Checked before parsing: a refused text (binary, mis-decoded, too large) is never parsed.
  const refusal = inputRefusal(typeof input === 'string' ? input : input.content);
  if (refusal) return refusedResult(input, refusal, options);
  const model = typeof input === 'string' ? new DocumentModel(input) : input;
  const env = environmentOf(options);
  const config: RuleConfig = {
    trustedRegistries: options.config?.trustedRegistries ?? DEFAULT_RULE_CONFIG.trustedRegistries,
    uid: options.config?.uid ?? DEFAULT_RULE_CONFIG.uid,
  };
  const catalogue: RuleCatalogue = { rules: options.rules ?? ALL_RULES, redirects: options.redirects ?? RULE_REDIRECTS };
  const findings: Finding[] = [];
  const otherFiles: Finding[] = [];
  // Without pragmas nothing is suppressed: skip the per-finding instruction lookup.
  const hasPragmas = model.pragmas.all.length > 0;
  // One context and one `report` for the whole lint, pointed at the rule that is running: a
  // fresh pair of closures and a context per rule and lint cost more than many rules' checks.
  let rule: Rule | undefined;
  let override: SeveritySetting | undefined;
  let applicability: Applicability | undefined;
  // Built on the first finding: most rules find nothing in most files.
  let url: string | undefined;
  // A pragma written with a code the rule had before a rename still silences it.
  let oldCodes: readonly string[] = [];
  const suppressed = (current: Rule, v: Violation): boolean => {
    // A finding in another file is silenced where it comes from in the Dockerfile (or globally).
    const at = v.file !== undefined ? v.origin : v.range;
    const index = at ? model.instructionAtLine(at.start.line)?.index : undefined;
    return model.pragmas.suppresses(current.code, current.hadolint ?? [], index) || oldCodes.some((old) => model.pragmas.suppresses(old, [], index));
  };
  // Fixes that would turn a comment into a parser directive are dropped (see directive-guard.ts);
  // checked from the first fix on, and only in files with a directive-like comment below the top.
  let keepsDirectives: ((fix: Fix) => boolean) | undefined | null = null;
  const fixesOf = (v: Violation): Fix[] => {
    const fixes = v.fixes ?? [];
    if (fixes.length === 0) return fixes;
    if (keepsDirectives === null) keepsDirectives = directiveGuard(model);
    return keepsDirectives ? fixes.filter(keepsDirectives) : fixes;
  };
  const report = (v: Violation): void => {
    const current = rule;
    if (current === undefined) return;
    if (hasPragmas && suppressed(current, v)) return;
    const fixes = fixesOf(v);
    const finding: Finding = {
      code: current.code,
      name: current.name,
      severity: override && override !== 'off' ? override : v.severity ?? current.defaultSeverity,
      message: v.message,
      range: v.range,
      fixes: applicability ? fixes.map((fix) => ({ ...fix, applicability: applicability as Applicability })) : fixes,
      docsUrl: (url ??= docsUrl(current)),
      unnecessary: v.unnecessary ?? false,
    };
    // Assigned rather than spread from a fresh object per finding (large files have thousands):
    // the keys still come in this order, so serialized findings are unchanged.
    if (v.file !== undefined) finding.file = v.file;
    if (v.detail !== undefined) finding.detail = v.detail;
    (v.file !== undefined ? otherFiles : findings).push(finding);
  };
  // Plain literals: a conditional spread per lint costs more than some rules' checks.
  const ctx: RuleContext = env.workspace ? { model, env, config, catalogue, report, workspace: env.workspace } : { model, env, config, catalogue, report };
  for (const next of enabledRules(options)) {
    rule = next;
    override = options.severities?.[next.code];
    applicability = options.fixApplicability?.[next.code];
    url = undefined;
    oldCodes = hasPragmas ? codesRedirectingTo(next.code, catalogue.redirects) : [];
    try {
      next.check(ctx);
    } catch (error) {
      options.onRuleError?.(next.code, error);
    }
  }
  // A rule that kept `report` reports nothing after the lint.
  rule = undefined;
  findings.sort((a, b) => comparePositions(a.range.start, b.range.start) || compareCodes(a.code, b.code));
  otherFiles.sort((a, b) => ((a.file ?? '') < (b.file ?? '') ? -1 : (a.file ?? '') > (b.file ?? '') ? 1 : 0) || comparePositions(a.range.start, b.range.start) || compareCodes(a.code, b.code));
  return { model, findings, otherFiles };
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

/**
 * The result for a text that is not linted (see guards.ts): no rule runs, one info notice
 * says why. A text given as a string is not parsed either, so `model` is then the model of an
 * empty document: features that read it find no instructions, which is the truth for them.
 */
function refusedResult(input: string | DocumentModel, refusal: InputRefusal, options: LintOptions): LintResult {
  const text = typeof input === 'string' ? input : input.content;
  const model = typeof input === 'string' ? new DocumentModel('') : input;
  const override = options.severities?.[REFUSAL_CODE];
  if (override === 'off') return { model, findings: [], otherFiles: [] };
  const notice: Finding = {
    code: REFUSAL_CODE,
    name: REFUSAL_NAME,
    severity: override ?? 'info',
    message: refusal.message,
    range: refusalRange(text),
    fixes: [],
    docsUrl: REFUSAL_DOCS_URL,
    unnecessary: false,
  };
  return { model, findings: [notice], otherFiles: [] };
}
