// The reliability properties of issue #10, as one check over a Dockerfile text: lint never
// throws and stays within a time bound, findings stay inside the document, every fix and
// fix-all keeps the file parseable with its line endings, byte-order mark and escape
// directive, fix-all and Optimize are idempotent, and safe Optimize keeps the installed
// packages and the container's command. Each failure names its property and rule code.
import { MarkupKind, type Diagnostic } from 'vscode-languageserver';
import { countLines, inputRefusal } from '../../server/src/engine/guards';
import { lint, type Finding, type LintOptions, type LintResult } from '../../server/src/engine/lint';
import { optimize } from '../../server/src/engine/optimize';
import { codeActions, ignoreEdit } from '../../server/src/features/code-actions';
import { toDiagnostics } from '../../server/src/features/diagnostics';
import { hoverAt } from '../../server/src/features/hover';
import { applyEdits, fixAll, syntaxProblemCount } from '../../server/src/fix/apply';
import { DocumentModel } from '../../server/src/model/document-model';
import { Text, type Position, type Range, type TextEdit } from '../../server/src/model/text';
import { ruleByCode } from '../../server/src/rules/index';
import type { Applicability, Fix, LintEnvironment, SeveritySetting } from '../../server/src/rules/types';
import { bomProblem, containerCommand, escapeProblem, installedPackages, lineEndingProblem } from './oracle';
import { excludedFrom, isPendingBelowRules, isPendingCrash, PENDING, type PendingBug, type PropertyName } from './pending';

/** A broken property: which one, which rule (when one is to blame), and what happened. */
export class PropertyViolation extends Error {
  constructor(
    readonly property: PropertyName,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`${property}${code ? ` (${code})` : ''}: ${detail}`);
    this.name = 'PropertyViolation';
  }
}

/**
 * The time-bound property alone, for large inputs: lint (every rule, preview ones too) must
 * finish within `budgetMs` of CPU time. Rules excluded from `lint-time-bound` by a pending bug are off.
 */
export function checkLintTime(content: string, budgetMs: number, pending: readonly PendingBug[] = PENDING): void {
  const off = [...excludedFrom('lint-time-bound', pending)];
  const severities = Object.fromEntries(off.map((code): [string, SeveritySetting] => [code, 'off']));
  const started = process.cpuUsage();
  lint(content, { preview: true, env: { today: '2026-11-25' }, severities });
  const elapsed = cpuMsSince(started);
  if (elapsed > budgetMs) fail('lint-time-bound', undefined, `lint took ${Math.round(elapsed)} ms of CPU (budget ${budgetMs} ms) on ${countLines(content)} lines`);
}

/**
 * Milliseconds of CPU this process spent since `since` (from `process.cpuUsage()`). Time
 * budgets use CPU time, not wall time, so other processes on a busy CI machine cannot make a
 * fast lint look slow.
 */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** How one document is checked. */
export interface CheckOptions {
  env?: Partial<LintEnvironment>;
  /** Known rule bugs whose rules are excluded from the property they break. */
  pending?: readonly PendingBug[];
  /** Milliseconds lint may take on this document. */
  lintBudgetMs?: number;
  /** Also run code actions, ignore pragmas and hovers (the editor features). */
  features?: boolean;
}

const fail = (property: PropertyName, code: string | undefined, detail: string): never => {
  throw new PropertyViolation(property, code, detail);
};

const show = (text: string): string => JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text);

/** True when `position` names a real place in `text`: converting it to an offset and back gives it again. */
export function isExactPosition(text: Text, position: Position): boolean {
  if (!Number.isInteger(position.line) || !Number.isInteger(position.character) || position.line < 0 || position.character < 0) return false;
  if (position.line >= text.lineCount) return false;
  const back = text.positionAt(text.offsetAt(position));
  return back.line === position.line && back.character === position.character;
}

function rangeProblem(text: Text, range: Range): string | undefined {
  if (!isExactPosition(text, range.start)) return `start ${JSON.stringify(range.start)} is not a position of the document`;
  if (!isExactPosition(text, range.end)) return `end ${JSON.stringify(range.end)} is not a position of the document`;
  if (text.offsetAt(range.start) > text.offsetAt(range.end)) return `range ${JSON.stringify(range)} ends before it starts`;
  return undefined;
}

/** Why an edit's offset would corrupt the text: inside a CRLF pair or a surrogate pair. */
function splitsCharacter(content: string, offset: number): boolean {
  if (offset <= 0 || offset >= content.length) return false;
  const before = content.charCodeAt(offset - 1);
  const after = content.charCodeAt(offset);
  return (before === 13 && after === 10) || ((before & 0xfc00) === 0xd800 && (after & 0xfc00) === 0xdc00);
}

/** Applies a fix's edits independently of `applyEdits`, to cross-check it. */
function independentApply(content: string, text: Text, edits: readonly TextEdit[]): string {
  const spans = edits.map((e) => ({ start: text.offsetAt(e.range.start), end: text.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start || b.end - a.end);
  let out = content;
  for (const s of spans) {
    // A byte-order mark stays first and single: edits at offset 0 go after it, unless they
    // rewrite it with itself.
    const rewritesBom = s.end > 0 && s.newText.startsWith('\uFEFF');
    const start = text.hasBom && s.start === 0 && !rewritesBom ? 1 : s.start;
    const end = text.hasBom && s.start === 0 && !rewritesBom ? Math.max(s.end, 1) : s.end;
    const newText = text.hasBom && s.start === 0 && !rewritesBom && s.newText.startsWith('\uFEFF') ? s.newText.slice(1) : s.newText;
    out = out.slice(0, start) + newText + out.slice(end);
  }
  return out;
}

/** The problems of the edits of one fix against the linted text. */
function fixEditProblem(text: Text, fix: Fix): string | undefined {
  if (fix.edits.length === 0 && (fix.fileEdits?.length ?? 0) === 0) return 'the fix has no edits';
  const spans: { start: number; end: number }[] = [];
  for (const edit of fix.edits) {
    const problem = rangeProblem(text, edit.range);
    if (problem) return `edit ${show(edit.newText)}: ${problem}`;
    const start = text.offsetAt(edit.range.start);
    const end = text.offsetAt(edit.range.end);
    if (splitsCharacter(text.content, start) || splitsCharacter(text.content, end)) return `edit at ${JSON.stringify(edit.range)} splits a CRLF or surrogate pair`;
    if (edit.newText.includes('\uE000') || edit.newText.includes('\uE001')) return 'edit text contains a generator marker';
    spans.push({ start, end });
  }
  if ((fix.fileEdits?.length ?? 0) === 0 && fix.edits.every((e) => text.slice(e.range) === e.newText)) return 'the fix changes nothing';
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1] as { start: number; end: number };
    const cur = spans[i] as { start: number; end: number };
    if (cur.start < prev.end || (cur.start === prev.start && cur.start === cur.end && prev.start === prev.end)) return 'two edits of the fix overlap (or insert at the same point)';
  }
  return undefined;
}

/** What a rewrite must keep of the original text, or why it did not. */
function keptTextProblem(before: string, after: string): string | undefined {
  return lineEndingProblem(before, after) ?? bomProblem(before, after) ?? escapeProblem(before, after);
}

const sortedList = (values: Iterable<string>): string[] => [...values].sort();

/**
 * Runs every property on one Dockerfile text. Throws a PropertyViolation for the first broken
 * property (rules with a pending bug for that property are left out of it).
 */
export function checkDocument(content: string, options: CheckOptions = {}): void {
  const pending = options.pending ?? PENDING;
  const excluded = (property: PropertyName): Set<string> => excludedFrom(property, pending);
  const ruleErrors: { code: string; error: unknown }[] = [];
  const base: LintOptions = {
    preview: true,
    ...(options.env ? { env: options.env } : {}),
    onRuleError: (code, error) => ruleErrors.push({ code, error }),
  };
  /** Lint options with the rules excluded from `property` turned off. */
  const withoutExcluded = (property: PropertyName): LintOptions => {
    const off = [...excluded(property)];
    if (off.length === 0) return base;
    return { ...base, severities: Object.fromEntries(off.map((code): [string, SeveritySetting] => [code, 'off'])) };
  };

  // 1. Lint never throws, stays within its time bound and reports no rule crash.
  let result: LintResult;
  const started = process.cpuUsage();
  try {
    result = lint(content, withoutExcluded('lint-time-bound'));
  } catch (error) {
    return fail('no-rule-crash', undefined, `lint threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  const elapsed = cpuMsSince(started);
  const budget = options.lintBudgetMs ?? 2000;
  if (elapsed > budget) fail('lint-time-bound', undefined, `lint took ${Math.round(elapsed)} ms of CPU (budget ${budget} ms) on ${show(content)}`);
  for (const { code, error } of ruleErrors.splice(0)) {
    if (!isPendingCrash(code, error, pending, 'no-rule-crash')) fail('no-rule-crash', code, `the rule threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  // The full result (with the rules that are only excluded from the time bound).
  if (excluded('lint-time-bound').size > 0) result = lint(content, base);
  ruleErrors.splice(0);

  // A refused text (binary, mis-decoded, too large) gets exactly one notice and nothing else.
  const refusal = inputRefusal(content);
  if (refusal) {
    if (result.findings.length !== 1 || result.findings[0]?.message !== refusal.message) fail('ranges-inside-document', undefined, `a refused text must get one notice, got ${result.findings.length} findings`);
  }

  try {
    checkAfterLint(content, result, base, withoutExcluded, excluded, options);
  } catch (error) {
    if (error instanceof PropertyViolation) {
      // A pending bug below the rules ends the check of this input (see pending.ts).
      if (isPendingBelowRules(error.property, content, pending)) return;
      throw error;
    }
    // Anything else thrown by fix-all, Optimize or the features is an engine crash.
    if (isPendingCrash('*', error, pending, 'no-engine-crash')) return;
    fail('no-engine-crash', undefined, `${error instanceof Error ? (error.stack ?? error.message) : String(error)} on ${show(content)}`);
  }
}

function checkAfterLint(
  content: string,
  result: LintResult,
  base: LintOptions,
  withoutExcluded: (property: PropertyName) => LintOptions,
  excluded: (property: PropertyName) => Set<string>,
  options: CheckOptions,
): void {
  // 2. Every finding's range is inside the document.
  const text = new Text(content);
  for (const finding of result.findings) {
    const problem = rangeProblem(text, finding.range);
    if (problem && !excluded('ranges-inside-document').has(finding.code)) fail('ranges-inside-document', finding.code, `${problem} (message: ${finding.message})`);
  }

  // 3. Every fix: well-formed edits; applied alone it keeps the syntax and what must be kept.
  const baseline = syntaxProblemCount(new DocumentModel(content));
  for (const finding of result.findings) {
    for (const fix of finding.fixes) checkFix(content, text, finding, fix, baseline, excluded);
  }

  // 4. Fix-all at both levels: keeps syntax and text properties, and is idempotent.
  checkFixAll(content, 'safe', baseline, withoutExcluded('fix-all-idempotent'));
  checkFixAll(content, 'unsafe', baseline, withoutExcluded('fix-all-idempotent'));

  // 5. Optimize (safe): idempotent, keeps the packages and the command.
  checkOptimize(content, withoutExcluded('optimize-idempotent'), excluded);

  // 6. The editor features never throw and keep their edits inside the document.
  if (options.features) checkFeatures(content, result, base, excluded);
}

function checkFix(content: string, text: Text, finding: Finding, fix: Fix, baseline: number, excluded: (p: PropertyName) => Set<string>): void {
  const code = finding.code;
  const where = `fix "${fix.title}" of "${finding.message}"`;
  const editProblem = fixEditProblem(text, fix);
  if (editProblem) {
    if (!excluded('fix-edits-well-formed').has(code)) fail('fix-edits-well-formed', code, `${where}: ${editProblem}`);
    return;
  }
  if (fix.edits.length === 0) return;
  let after: string;
  try {
    after = applyEdits(content, fix.edits);
  } catch (error) {
    if (!excluded('fix-edits-well-formed').has(code)) fail('fix-edits-well-formed', code, `${where}: applyEdits threw ${String(error)}`);
    return;
  }
  // Touches only its own ranges: an independent application gives the same text.
  if (after !== independentApply(content, text, fix.edits) && !excluded('fix-edits-well-formed').has(code)) fail('fix-edits-well-formed', code, `${where}: applyEdits changed text outside the edits`);
  const problems = syntaxProblemCount(new DocumentModel(after));
  if (problems > baseline && !excluded('fix-keeps-syntax').has(code)) fail('fix-keeps-syntax', code, `${where} adds syntax problems (${baseline} → ${problems}); result ${show(after)}`);
  const kept = keptTextProblem(content, after);
  if (kept && !excluded('fix-keeps-text').has(code)) fail('fix-keeps-text', code, `${where}: ${kept}; result ${show(after)}`);
}

/** Codes whose findings a fix-all result still carries, for naming the culprit of a non-idempotent run. */
function changedCodes(first: string, options: LintOptions, level: Applicability): string {
  const codes = lint(first, options).findings.filter((f) => f.fixes.some((fix) => level === 'unsafe' || fix.applicability === 'safe')).map((f) => f.code);
  return sortedList(new Set(codes)).join(', ');
}

function checkFixAll(content: string, level: Applicability, baseline: number, options: LintOptions): string {
  const once = fixAll(content, { ...options, level }).text;
  const problems = syntaxProblemCount(new DocumentModel(once));
  if (problems > baseline) fail('fix-all-keeps-syntax', undefined, `fix-all (${level}) adds syntax problems (${baseline} → ${problems}); result ${show(once)}`);
  const kept = keptTextProblem(content, once);
  if (kept) fail('fix-all-keeps-text', undefined, `fix-all (${level}): ${kept}; result ${show(once)}`);
  const twice = fixAll(once, { ...options, level }).text;
  if (twice !== once) fail('fix-all-idempotent', changedCodes(once, options, level), `fix-all (${level}) changes its own result again: ${show(once)} → ${show(twice)}`);
  return once;
}

function checkOptimize(content: string, options: LintOptions, excluded: (p: PropertyName) => Set<string>): void {
  const first = optimize(content, options);
  // The client applies `edits`, not `text`: they must give exactly the text.
  const viaEdits = applyEdits(content, first.edits);
  if (viaEdits !== first.text) fail('optimize-idempotent', undefined, `optimize's edits do not produce its text: ${show(viaEdits)} vs ${show(first.text)}`);
  if (first.changed !== (first.text !== content)) fail('optimize-idempotent', undefined, '`changed` does not match the text');
  const second = optimize(first.text, options);
  if (second.changed) fail('optimize-idempotent', changedCodes(first.text, options, 'safe'), `optimize changes its own result again: ${show(first.text)} → ${show(second.text)}`);

  // Safe Optimize keeps every installed package and the container's command (of a file Docker
  // can build at all: with syntax errors there is no image whose behaviour could change).
  const before = new DocumentModel(content);
  const after = new DocumentModel(first.text);
  if (syntaxProblemCount(before) > 0) return;
  const lostPackages = sortedList([...installedPackages(before)].filter((p) => !installedPackages(after).has(p)));
  if (lostPackages.length > 0) {
    const culprits = culpritsOf(content, options, first.applied, (text) => [...installedPackages(before)].every((p) => installedPackages(new DocumentModel(text)).has(p)));
    if (!culprits.some((c) => excluded('optimize-keeps-packages').has(c))) fail('optimize-keeps-packages', culprits.join(', ') || undefined, `safe optimize no longer installs ${lostPackages.join(', ')}; result ${show(first.text)}`);
  }
  const commandBefore = JSON.stringify(containerCommand(before));
  const commandAfter = JSON.stringify(containerCommand(after));
  if (commandBefore !== commandAfter) {
    const culprits = culpritsOf(content, options, first.applied, (text) => JSON.stringify(containerCommand(new DocumentModel(text))) === commandBefore);
    if (!culprits.some((c) => excluded('optimize-keeps-command').has(c))) fail('optimize-keeps-command', culprits.join(', ') || undefined, `safe optimize changes the container command ${commandBefore} → ${commandAfter}; result ${show(first.text)}`);
  }
}

/**
 * The codes to blame when safe Optimize breaks `keeps`: each applied code without which the
 * property holds again (a fix may only apply after another one, so each is left out in turn).
 */
function culpritsOf(content: string, options: LintOptions, applied: readonly { code: string }[], keeps: (text: string) => boolean): string[] {
  return applied.map((a) => a.code).filter((code) => keeps(optimize(content, { ...options, severities: { ...options.severities, [code]: 'off' } }).text));
}

function checkFeatures(content: string, result: LintResult, options: LintOptions, excluded: (p: PropertyName) => Set<string>): void {
  const text = new Text(content);
  const memo = new Map<string, string>();
  const fixAllText = (level: Applicability, codes?: readonly string[]): string => {
    const key = `${level}|${codes?.join(',') ?? '*'}`;
    let out = memo.get(key);
    if (out === undefined) {
      out = fixAll(content, { ...options, level, ...(codes ? { codes } : {}) }).text;
      memo.set(key, out);
    }
    return out;
  };
  const diagnostics: Diagnostic[] = toDiagnostics(result.findings, 1);
  const actions = codeActions({ uri: 'untitled:Dockerfile', version: 1, text: content, model: result.model, findings: result.findings, fixAllText }, { diagnostics }, { documentChanges: true });
  for (const action of actions) {
    for (const change of action.edit?.documentChanges ?? []) {
      if (!('edits' in change)) continue;
      for (const edit of change.edits) {
        const problem = rangeProblem(text, edit.range);
        if (problem) fail('fix-edits-well-formed', undefined, `code action "${action.title}": ${problem}`);
      }
    }
  }

  // "Ignore <CODE> for this instruction" really silences that code there, and breaks nothing.
  const ours = result.findings.filter((f) => f.file === undefined && ruleByCode(f.code) !== undefined);
  const sample = [ours[0], ours[Math.floor(ours.length / 2)], ours[ours.length - 1]].filter((f, i, all): f is Finding => f !== undefined && all.indexOf(f) === i);
  for (const finding of sample) {
    const ignore = ignoreEdit(result.model, finding.code, finding.range.start.line);
    if (!ignore) continue;
    const after = applyEdits(content, [ignore.edit]);
    const relinted = lint(after, options);
    const still = relinted.findings.filter((f) => f.code === finding.code && f.file === undefined && relinted.model.instructionAtLine(f.range.start.line)?.index === ignore.instructionIndex);
    if (still.length > 0 && !excluded('ignore-pragma-silences').has(finding.code)) {
      fail('ignore-pragma-silences', finding.code, `after the ignore pragma the finding remains: ${show(after)}`);
    }
    const kept = keptTextProblem(content, after);
    if (kept) fail('ignore-pragma-silences', finding.code, `the ignore pragma edit: ${kept}`);
  }

  // Hovers anywhere near the findings never throw.
  const positions: Position[] = [{ line: 0, character: 0 }, text.positionAt(content.length), ...result.findings.slice(0, 5).flatMap((f) => [f.range.start, f.range.end])];
  for (const position of positions) {
    hoverAt(result, position, { format: MarkupKind.Markdown, today: '2026-11-25', ruleFor: (code) => ruleByCode(code) });
  }
}
