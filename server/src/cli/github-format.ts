// `check --format github`: GitHub Actions workflow commands, which annotate the pull request diff.
import type { Severity } from '../rules/types';
import type { CheckedFile } from './format';
import { reportPath } from './report-root';

/** GitHub has three annotation levels; info and hint findings are notices. */
const COMMANDS: Readonly<Record<Severity, 'error' | 'warning' | 'notice'>> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** Escapes the message part of a workflow command (after `::`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (`file=…`): also `:` and `,`, which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message` line per
 * finding, with 1-based positions (the end column is just past the flagged text, as in JSON).
 * Paths are relative to `root` (default: `cwd`) with forward slashes.
 */
export function formatGithub(files: readonly CheckedFile[], cwd: string, root: string = cwd): string {
  const lines: string[] = [];
  for (const checked of files) {
    const { findings } = checked;
    // GitHub matches the path against the repository.
    const name = escapeProperty(reportPath(checked, cwd, root));
    for (const f of findings) {
      const { start, end } = f.range;
      const props = `file=${name},line=${start.line + 1},col=${start.character + 1},endLine=${end.line + 1},endColumn=${end.character + 1},title=${escapeProperty(f.code)}`;
      lines.push(`::${COMMANDS[f.severity]} ${props}::${escapeData(f.message)}`);
    }
  }
  return lines.map((line) => `${line}\n`).join('');
}
