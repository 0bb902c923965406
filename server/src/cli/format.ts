// Output formats of `check` and `rules`: the human text lines and the stable JSON shapes.
import type { Finding } from '../engine/lint';
import { chooseFix } from '../fix/apply';
import { docsUrl } from '../rules/index';
import type { Applicability, Rule, Severity } from '../rules/types';
import { palette, type Palette } from './color';
import { fixLabel, type FixLabel } from './rule-info';

/** One finding of `check --format json`; fields are only ever added, never changed. */
export interface JsonFinding {
  file: string;
  code: string;
  name: string;
  severity: Severity;
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like LSP. */
  column: number;
  endLine: number;
  endColumn: number;
  /** The fix `pydockerfile optimize` would apply (with `--unsafe` when `--unsafe-fixes` is given). */
  fix: { applicability: Applicability; title: string } | null;
}

/** A finding of one file, as the check command collects them. */
export interface FileFinding {
  file: string;
  finding: Finding;
}

/** One checked Dockerfile with what every output format needs. */
export interface CheckedFile {
  /** The path as shown in the output (as typed, or relative to the working folder). */
  file: string;
  /** The absolute path; undefined for standard input without `--stdin-filename`. */
  absolute: string | undefined;
  /** The text that was linted (after `--fix`, the fixed text). */
  text: string;
  /** Findings with editor columns (see withoutBomColumns). */
  findings: Finding[];
  /** The fixes shown: `safe`, or `unsafe` when unsafe fixes were asked for. */
  level: Applicability;
}

/** Every finding of the checked files, in file order. */
export function allFindings(files: readonly CheckedFile[]): FileFinding[] {
  return files.flatMap(({ file, findings }) => findings.map((finding) => ({ file, finding })));
}

/** One rule of `rules --format json`. */
export interface JsonRule {
  code: string;
  name: string;
  title: string;
  severity: Severity;
  category: string;
  fix: FixLabel;
  status: string;
  since: string;
  hadolint: string[];
  url: string;
}

/**
 * Editors hide a byte-order mark, so a column on the first line counts from the character
 * after it. The engine sees the BOM as character 0; shift first-line positions to match.
 */
export function withoutBomColumns(finding: Finding, text: string): Finding {
  if (text.charCodeAt(0) !== 0xfeff) return finding;
  const shift = (p: Finding['range']['start']): Finding['range']['start'] => (p.line === 0 ? { line: 0, character: Math.max(0, p.character - 1) } : p);
  const shiftRange = (r: Finding['range']): Finding['range'] => ({ start: shift(r.start), end: shift(r.end) });
  // Fix edits too: SARIF consumers apply them to the file as an editor shows it.
  const fixes = finding.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, range: shiftRange(edit.range) })) }));
  return { ...finding, range: shiftRange(finding.range), fixes };
}

/** Severities from least to most serious; the index is the rank. */
export const SEVERITY_ORDER: readonly Severity[] = ['hint', 'info', 'warning', 'error'];

/** True when `severity` is at or above `threshold`. */
export function meetsThreshold(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}

/** The fix a finding offers at a level: safe only, or safe then unsafe. */
export function offeredFix(finding: Finding, level: Applicability): { applicability: Applicability; title: string } | null {
  const fix = chooseFix(finding, level);
  return fix ? { applicability: fix.applicability, title: fix.title } : null;
}

/** Converts a finding to its JSON shape (0-based LSP positions become 1-based). */
export function toJsonFinding({ file, finding }: FileFinding, level: Applicability): JsonFinding {
  const { start, end } = finding.range;
  return {
    file,
    code: finding.code,
    name: finding.name,
    severity: finding.severity,
    message: finding.message,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    fix: offeredFix(finding, level),
  };
}

/** Messages are one line by house style; a stray newline must not break `path:line:col` parsing. */
function oneLine(text: string): string {
  // Nearly every message is one line already: no regular expression run for those.
  return text.includes('\n') ? text.replace(/\s*\r?\n\s*/g, ' ') : text;
}

/**
 * Formats a finding as `path:line:col: CODE message` plus a marker: `[*]` when a safe fix
 * exists, `[unsafe fix]` when only an unsafe one does and unsafe fixes were asked for.
 */
export function formatTextFinding({ file, finding }: FileFinding, showUnsafe: boolean, colors: Palette = palette(false)): string {
  const { start } = finding.range;
  const fix = offeredFix(finding, showUnsafe ? 'unsafe' : 'safe');
  const marker = fix === null ? '' : colors.fixable(fix.applicability === 'safe' ? ' [*]' : ' [unsafe fix]');
  return `${colors.bold(`${file}:${start.line + 1}:${start.character + 1}:`)} ${colors.severity(finding.severity, finding.code)} ${oneLine(finding.message)}${marker}`;
}

/**
 * The flagged source under a finding (`--show-source`): the line with a gutter, and carets
 * under the flagged columns (to the end of the line when the finding spans several lines).
 * Tabs are kept in the caret line so the carets stay aligned in any terminal.
 */
export function formatSourceExcerpt(text: string, finding: Finding, colors: Palette = palette(false)): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { start, end } = finding.range;
  const line = lines[start.line];
  if (line === undefined) return [];
  const number = String(start.line + 1);
  const gutter = ' '.repeat(number.length);
  const stop = end.line === start.line ? end.character : line.length;
  const lead = [...line.slice(0, start.character)].map((c) => (c === '\t' ? '\t' : ' ')).join('');
  const carets = '^'.repeat(Math.max(1, stop - start.character));
  return [`${gutter} ${colors.dim('|')}`, `${colors.dim(`${number} |`)} ${line}`, `${gutter} ${colors.dim('|')} ${lead}${colors.severity(finding.severity, carets)}`];
}

/** One row of `--statistics`: how often a rule fired and whether its fixes apply automatically. */
export interface StatisticsRow {
  code: string;
  name: string;
  count: number;
  /** Every finding of the code has a fix `--fix` applies (at the level shown). */
  fixable: boolean;
}

/** Counts per code, most frequent first, then by code. */
export function statistics(findings: readonly FileFinding[], level: Applicability): StatisticsRow[] {
  const rows = new Map<string, StatisticsRow>();
  for (const { finding } of findings) {
    const row = rows.get(finding.code) ?? { code: finding.code, name: finding.name, count: 0, fixable: true };
    row.count++;
    row.fixable = row.fixable && offeredFix(finding, level) !== null;
    rows.set(finding.code, row);
  }
  return [...rows.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
}

/** `--statistics` in text format: count, code, name and `[*]` for codes `--fix` fixes. */
export function formatStatistics(rows: readonly StatisticsRow[], colors: Palette = palette(false)): string[] {
  const width = Math.max(0, ...rows.map((r) => String(r.count).length));
  return rows.map((r) => `${String(r.count).padStart(width)}  ${colors.bold(r.code)}  ${r.name}${r.fixable ? colors.fixable('  [*]') : ''}`);
}

function plural(count: number, word: string): string {
  // Severity names read as mass nouns ("3 info"), the others take an "s".
  if (word === 'info') return `${count} info`;
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Counts used by the text summary. */
export interface CheckSummary {
  filesChecked: number;
  findings: FileFinding[];
  /** The failure threshold; undefined when files have different ones (from their config files). */
  threshold: Severity | undefined;
  /** How many findings are at or above their file's threshold (computed from `threshold` when absent). */
  failing?: number;
  showUnsafe: boolean;
}

/** The summary lines printed after the findings in text format. */
export function formatTextSummary(summary: CheckSummary): string[] {
  const { findings, filesChecked, threshold } = summary;
  const files = plural(filesChecked, 'file');
  if (findings.length === 0) return [`All checks passed (${files} checked)`];
  // One pass over the findings: a tree of projects has tens of thousands of them.
  const perSeverity = new Map<Severity, number>();
  const withFindingsSet = new Set<string>();
  let safe = 0;
  let unsafeOnly = 0;
  for (const f of findings) {
    perSeverity.set(f.finding.severity, (perSeverity.get(f.finding.severity) ?? 0) + 1);
    withFindingsSet.add(f.file);
    if (offeredFix(f.finding, 'safe') !== null) safe++;
    else if (offeredFix(f.finding, 'unsafe') !== null) unsafeOnly++;
  }
  const bySeverity = [...SEVERITY_ORDER].reverse()
    .map((s) => ({ s, n: perSeverity.get(s) ?? 0 }))
    .filter(({ n }) => n > 0)
    .map(({ s, n }) => plural(n, s));
  const failing = summary.failing ?? findings.filter((f) => meetsThreshold(f.finding.severity, threshold ?? 'warning')).length;
  const withFindings = withFindingsSet.size;
  const limit = threshold !== undefined ? `\`${threshold}\`` : "their file's failure threshold";
  const lines = [`Found ${plural(findings.length, 'problem')} (${bySeverity.join(', ')}) in ${withFindings} of ${files}; ${failing} at or above ${limit}`];
  if (safe > 0) lines.push(`[*] ${plural(safe, 'problem')} fixable with \`--fix\``);
  if (unsafeOnly > 0) {
    lines.push(summary.showUnsafe
      ? `[unsafe fix] ${plural(unsafeOnly, 'problem')} fixable with \`--fix --unsafe-fixes\` (review the change)`
      : unsafeOnly === 1
        ? '1 more problem has an unsafe fix (it may change what the image does): show it with `--unsafe-fixes`'
        : `${unsafeOnly} more problems have unsafe fixes (they may change what the image does): show them with \`--unsafe-fixes\``);
  }
  return lines;
}

/** The JSON shape of a rule for `rules --format json`. */
export function toJsonRule(rule: Rule): JsonRule {
  return {
    code: rule.code,
    name: rule.name,
    title: rule.title,
    severity: rule.defaultSeverity,
    category: rule.category,
    fix: fixLabel(rule),
    status: rule.status,
    since: rule.since,
    hadolint: rule.hadolint ?? [],
    url: docsUrl(rule),
  };
}

/** Renders rows as left-aligned columns separated by two spaces (last column unpadded). */
export function formatColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** The text table of `pydockerfile rules`. */
export function formatRulesTable(rules: readonly Rule[]): string[] {
  const header = ['CODE', 'NAME', 'SEVERITY', 'CATEGORY', 'FIX', 'TITLE'];
  const rows = rules.map((r) => [r.code, r.name, r.defaultSeverity, r.category, fixLabel(r), r.title]);
  return formatColumns([header, ...rows]);
}
