// ANSI colors for the text output, decided by the conventions of NO_COLOR, FORCE_COLOR and the TTY.
import type { Severity } from '../rules/types';

/**
 * Whether to color the output. `FORCE_COLOR` wins when set (except `0`/`false`, which turn
 * colors off), as in Node.js and most CLI tools; then a non-empty `NO_COLOR` turns them off
 * (https://no-color.org); otherwise colors are used on a terminal that is not `TERM=dumb`.
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY && env['TERM'] !== 'dumb';
}

/** Styling functions; every one returns its input unchanged when colors are off. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  severity(severity: Severity, text: string): string;
  fixable(text: string): string;
}

const wrap = (open: number, close: number) => (text: string): string => `\u001b[${open}m${text}\u001b[${close}m`;
const identity = (text: string): string => text;

const SEVERITY_COLORS: Readonly<Record<Severity, (text: string) => string>> = {
  error: wrap(31, 39),
  warning: wrap(33, 39),
  info: wrap(36, 39),
  hint: wrap(2, 22),
};

/** The palette for the given decision. */
export function palette(enabled: boolean): Palette {
  if (!enabled) return { bold: identity, dim: identity, severity: (_s, text) => text, fixable: identity };
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    // Codes are bold and take their severity's color, so errors stand out in a long list.
    severity: (severity, text) => wrap(1, 22)(SEVERITY_COLORS[severity](text)),
    fixable: wrap(36, 39),
  };
}
