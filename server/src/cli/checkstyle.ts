// `check --format checkstyle`: Checkstyle XML, read by Jenkins, reviewdog and many CI dashboards.
import type { Severity } from '../rules/types';
import type { CheckedFile } from './format';

/** Checkstyle knows error, warning and info. */
const SEVERITIES: Readonly<Record<Severity, 'error' | 'warning' | 'info'>> = { error: 'error', warning: 'warning', info: 'info', hint: 'info' };

/** Escapes text for an XML attribute and drops characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/**
 * One `<file>` per checked Dockerfile (also the clean ones, so dashboards count them) with an
 * `<error>` per finding: 1-based line and column, severity, message, and the code as `source`.
 */
export function formatCheckstyle(files: readonly CheckedFile[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const { file, findings } of files) {
    if (findings.length === 0) {
      out.push(`  <file name="${escapeXml(file)}"/>`);
      continue;
    }
    out.push(`  <file name="${escapeXml(file)}">`);
    for (const f of findings) {
      out.push(`    <error line="${f.range.start.line + 1}" column="${f.range.start.character + 1}" severity="${SEVERITIES[f.severity]}" message="${escapeXml(f.message)}" source="${escapeXml(f.code)}"/>`);
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return `${out.join('\n')}\n`;
}
