// `check --format codeclimate`: the Code Climate issue list GitLab reads as a code quality report.
import * as crypto from 'node:crypto';
import { docsUrl } from '../rules/index';
import type { Rule, RuleCategory, Severity } from '../rules/types';
import type { CheckedFile } from './format';
import { reportPath } from './report-root';

/** Code Climate severities (info, minor, major, critical, blocker) for ours. */
const SEVERITIES: Readonly<Record<Severity, 'info' | 'minor' | 'major'>> = { error: 'major', warning: 'minor', info: 'info', hint: 'info' };

/** Code Climate's fixed category names for our rule categories. */
const CATEGORIES: Readonly<Record<RuleCategory, string>> = {
  meta: 'Style',
  'base-image': 'Compatibility',
  dependencies: 'Bug Risk',
  'layers-and-cache': 'Performance',
  runtime: 'Bug Risk',
  security: 'Security',
};

/** One issue of the report (the fields GitLab reads, plus Code Climate's `type` and `content`). */
export interface CodeClimateIssue {
  type: 'issue';
  check_name: string;
  description: string;
  content: { body: string };
  categories: string[];
  location: { path: string; lines: { begin: number; end: number } };
  severity: 'info' | 'minor' | 'major';
  fingerprint: string;
}

/**
 * A fingerprint that survives unrelated edits, so GitLab can tell new issues from old ones in
 * a merge request: the path, the code, the message and the flagged text itself (not its line
 * number), plus a counter for identical findings in one file.
 */
function fingerprint(parts: readonly string[]): string {
  return crypto.createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * The issues of all files; paths are relative to `root` (the repository root, where GitLab
 * looks them up; default: the working folder) with forward slashes.
 */
export function toCodeClimate(files: readonly CheckedFile[], rules: readonly Rule[], cwd: string, root: string = cwd): CodeClimateIssue[] {
  const byCode = new Map(rules.map((r) => [r.code, r]));
  const issues: CodeClimateIssue[] = [];
  for (const file of files) {
    const location = reportPath(file, cwd, root);
    const lines = file.text.split(/\r?\n/);
    const seen = new Map<string, number>();
    for (const f of file.findings) {
      const rule = byCode.get(f.code);
      const flagged = lines.slice(f.range.start.line, f.range.end.line + 1).join('\n').trim();
      const key = [location, f.code, f.message, flagged].join('\u0000');
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      issues.push({
        type: 'issue',
        check_name: f.code,
        description: `${f.code} ${f.message}`,
        content: { body: rule ? `${rule.title}: ${rule.docs.whyItMatters}\n\n[Documentation](${docsUrl(rule)})` : f.docsUrl },
        categories: [rule ? CATEGORIES[rule.category] : 'Bug Risk'],
        location: { path: location, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
        severity: SEVERITIES[f.severity],
        fingerprint: fingerprint([location, f.code, f.message, flagged, String(occurrence)]),
      });
    }
  }
  return issues;
}

/** The report as the command prints it: one JSON array. */
export function formatCodeClimate(files: readonly CheckedFile[], rules: readonly Rule[], cwd: string, root: string = cwd): string {
  return `${JSON.stringify(toCodeClimate(files, rules, cwd, root), null, 2)}\n`;
}
