// Text of the Dockerfile language status item (rule counts, problems, config file), free of the
// vscode API so it is unit-tested in node.
import type { RuleSummaryResult } from '../../server/src/protocol';

/** Problem counts of one document, as the Problems panel counts them (hints are not listed there). */
export interface ProblemCounts {
  errors: number;
  warnings: number;
  infos: number;
}

/** What the status item shows: `text` in the status bar and hover, `detail` beside it. */
export interface StatusText {
  text: string;
  detail: string;
}

/**
 * The item for one Dockerfile: "pydockerfile: 61 of 63 rules · 3 problems" and, as detail, where
 * the settings came from (kept short: the language status hover is anchored near the window's
 * right edge, and a longer row pushes its Optimize link out of view).
 * Without a rule summary (a server that does not answer the request, or has not yet) it shows
 * the problems only, broken down by severity.
 */
export function describeStatus(counts: ProblemCounts, summary: RuleSummaryResult | undefined): StatusText {
  const problems = describeProblemTotal(counts);
  if (!summary) return { text: `pydockerfile: ${problems}`, detail: describeBreakdown(counts) };
  return {
    text: `pydockerfile: ${summary.enabled} of ${plural(summary.total, 'rule')} · ${problems}`,
    detail: summary.configFile ? `settings from ${summary.configFile}` : 'no config file',
  };
}

/** "no problems", "1 problem", "3 problems". */
export function describeProblemTotal(counts: ProblemCounts): string {
  const total = counts.errors + counts.warnings + counts.infos;
  return total === 0 ? 'no problems' : plural(total, 'problem');
}

/** "1 error, 2 warnings" (zero counts left out); empty when there is nothing to break down. */
export function describeBreakdown(counts: ProblemCounts): string {
  const parts = [plural(counts.errors, 'error'), plural(counts.warnings, 'warning'), `${counts.infos} info`];
  return parts.filter((part) => !part.startsWith('0 ')).join(', ');
}

/**
 * Narrows the server's answer to RULE_SUMMARY_REQUEST (a process boundary: trust nothing).
 * Undefined for null (the server does not know the document) and for anything malformed.
 */
export function parseRuleSummary(value: unknown): RuleSummaryResult | undefined {
  if (!isRecord(value)) return undefined;
  const { total, enabled, fixable, problems, configFile } = value;
  if (!isCount(total) || !isCount(enabled) || !isCount(fixable) || enabled > total || fixable > enabled) return undefined;
  if (!isRecord(problems)) return undefined;
  const { error, warning, info, hint } = problems;
  if (!isCount(error) || !isCount(warning) || !isCount(info) || !isCount(hint)) return undefined;
  if (configFile !== null && typeof configFile !== 'string') return undefined;
  return { total, enabled, fixable, problems: { error, warning, info, hint }, configFile };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
