// Findings → LSP diagnostics, with the docs link and the fixes carried in `data`.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../engine/lint';
import { DIAGNOSTIC_SOURCE, type DiagnosticData, type FixData } from '../protocol';
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

/** One diagnostic for a finding of the given document version. */
export function toDiagnostic(finding: Finding, version: number): Diagnostic {
  const data: DiagnosticData = {
    code: finding.code,
    version,
    fixes: finding.fixes.map((fix) => ({ title: fix.title, applicability: fix.applicability, edits: fix.edits })),
  };
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

function isPosition(value: unknown): boolean {
  return isRecord(value) && Number.isInteger(value['line']) && Number.isInteger(value['character']);
}

function isFixData(value: unknown): value is FixData {
  if (!isRecord(value)) return false;
  if (typeof value['title'] !== 'string') return false;
  if (value['applicability'] !== 'safe' && value['applicability'] !== 'unsafe') return false;
  const edits = value['edits'];
  return Array.isArray(edits) && edits.every((e) => isRecord(e) && typeof e['newText'] === 'string' && isRecord(e['range']) && isPosition(e['range']['start']) && isPosition(e['range']['end']));
}

/**
 * Validates `Diagnostic.data` as it comes back from a client (it is untrusted JSON, and some
 * clients drop or rewrite it). Returns undefined when it is not ours or not well formed.
 */
export function readDiagnosticData(value: unknown): DiagnosticData | undefined {
  if (!isRecord(value)) return undefined;
  const { code, version, fixes } = value;
  if (typeof code !== 'string' || typeof version !== 'number' || !Array.isArray(fixes)) return undefined;
  if (!fixes.every(isFixData)) return undefined;
  return { code, version, fixes };
}
