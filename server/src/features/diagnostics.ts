// Findings → LSP diagnostics, with the docs link and the document version carried in `data`.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../engine/lint';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../protocol';
import type { Severity } from '../rules/types';

const SEVERITIES: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The LSP severity of an engine severity. */
export function toLspSeverity(severity: Severity): DiagnosticSeverity {
  return SEVERITIES[severity];
}

/**
 * What `Diagnostic.data` carries: the rule code and the document version, which is all code
 * actions need to tell a current diagnostic from a stale one. The fixes themselves are taken
 * from the cached lint of that version, so they are not sent: their edits made two thirds of
 * every publish (2.2 MB instead of 0.8 MB for 5,000 lines), written and parsed per keystroke.
 */
export type SentDiagnosticData = DiagnosticData;

/** One diagnostic for a finding of the given document version. */
export function toDiagnostic(finding: Finding, version: number): Diagnostic {
  const data: SentDiagnosticData = { code: finding.code, version };
  return {
    range: finding.range,
    severity: toLspSeverity(finding.severity),
    code: finding.code,
    codeDescription: { href: finding.docsUrl },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    ...(finding.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    data,
  };
}

/** Diagnostics for all findings of a document version, in document order. */
export function toDiagnostics(findings: readonly Finding[], version: number): Diagnostic[] {
  return findings.map((finding) => toDiagnostic(finding, version));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates `Diagnostic.data` as it comes back from a client (it is untrusted JSON, and some
 * clients drop or rewrite it). Returns undefined when it is not ours or not well formed.
 * Anything else in it (the `fixes` earlier versions sent) is ignored.
 */
export function readDiagnosticData(value: unknown): SentDiagnosticData | undefined {
  if (!isRecord(value)) return undefined;
  const { code, version } = value;
  if (typeof code !== 'string' || typeof version !== 'number') return undefined;
  return { code, version };
}
