// The rule summary of one document (`pydockerfile/ruleSummary`): which rules run on it and what they found.
import type { Finding, LintOptions } from '../engine/lint';
import { enabledRules } from '../engine/lint';
import type { Pragmas } from '../model/pragmas';
import type { RuleSummaryResult } from '../protocol';
import type { Rule } from '../rules/types';

/** Everything the summary is computed from, for the document's current version. */
export interface RuleSummaryInput {
  /** The server's rule set. */
  rules: readonly Rule[];
  /** `pydockerfile.enable`: false means no rule runs on the document. */
  enable: boolean;
  /** The selection part of the document's effective configuration (select, severities, preview). */
  options: Pick<LintOptions, 'only' | 'severities' | 'preview'>;
  /** The document's ignore pragmas; a `global ignore` turns a rule off for the whole file. */
  pragmas?: Pick<Pragmas, 'suppresses'>;
  /** The findings of the current lint (none when disabled). */
  findings: readonly Pick<Finding, 'severity'>[];
  /** The configuration file in force, relative to its workspace folder; null when there is none. */
  configFile: string | null;
}

/**
 * Counts the rules that run on a document and the problems they found. Removed rules are not
 * counted in `total` (they are tombstones, not rules); `enabled` leaves out rules a
 * `# pydockerfile global ignore=` pragma silences, since they cannot report anything there.
 */
export function ruleSummary(input: RuleSummaryInput): RuleSummaryResult {
  const total = input.rules.filter((rule) => rule.status !== 'removed').length;
  const running = input.enable
    ? enabledRules({ ...input.options, rules: input.rules }).filter((rule) => !input.pragmas?.suppresses(rule.code, rule.hadolint ?? [], undefined))
    : [];
  const problems = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const finding of input.findings) problems[finding.severity]++;
  return {
    total,
    enabled: running.length,
    fixable: running.filter((rule) => rule.fix.availability !== 'none').length,
    problems,
    configFile: input.configFile,
  };
}

/**
 * A configuration file's path for display: relative to the workspace folder that holds it
 * (with `/`), else the path as given. Folders are `file:` URIs, the path is a file system path.
 */
export function relativeToWorkspace(filePath: string, folders: readonly string[], toPath: (uri: string) => string | undefined): string {
  const normalized = filePath.replace(/\\/g, '/');
  let best: string | undefined;
  for (const folder of folders) {
    const root = toPath(folder)?.replace(/\\/g, '/').replace(/\/+$/, '');
    if (root === undefined || !normalized.startsWith(`${root}/`)) continue;
    // The innermost folder wins when workspace folders nest.
    if (best === undefined || root.length > best.length) best = root;
  }
  return best === undefined ? filePath : normalized.slice(best.length + 1);
}
