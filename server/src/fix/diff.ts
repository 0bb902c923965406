// Minimal line-level edits between two texts, so editors keep markers and undo stays one step.
import { Text, type TextEdit } from '../model/text';

/** Splits into lines keeping their terminators, so joining gives the text back. */
function splitKeep(content: string): string[] {
  const lines = content.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/** Computes line-granular edits turning `before` into `after`. */
export function diffEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = splitKeep(before);
  const b = splitKeep(after);
  // Trim the common prefix and suffix first: Dockerfile edits are local.
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const am = a.slice(prefix, a.length - suffix);
  const bm = b.slice(prefix, b.length - suffix);
  const text = new Text(before);
  const lineOffset = (i: number): number => a.slice(0, i).reduce((n, l) => n + l.length, 0);
  // LCS on the middle part; bounded so that huge rewrites degrade to one replacement.
  if (am.length * bm.length > 4_000_000) {
    const start = lineOffset(prefix);
    const end = lineOffset(a.length - suffix);
    return [{ range: text.rangeOf(start, end), newText: bm.join('') }];
  }
  const lcs: number[][] = Array.from({ length: am.length + 1 }, () => new Array<number>(bm.length + 1).fill(0));
  for (let i = am.length - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = bm.length - 1; j >= 0; j--) {
      row[j] = am[i] === bm[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const edits: TextEdit[] = [];
  let i = 0;
  let j = 0;
  let pendingStart = -1;
  let pendingText = '';
  const flush = (endLine: number): void => {
    if (pendingStart < 0) return;
    const start = lineOffset(prefix + pendingStart);
    const end = lineOffset(prefix + endLine);
    edits.push({ range: text.rangeOf(start, end), newText: pendingText });
    pendingStart = -1;
    pendingText = '';
  };
  while (i < am.length || j < bm.length) {
    if (i < am.length && j < bm.length && am[i] === bm[j]) {
      flush(i);
      i++;
      j++;
    } else if (j < bm.length && (i >= am.length || ((lcs[i] as number[])[j + 1] as number) >= ((lcs[i + 1] as number[])[j] as number))) {
      if (pendingStart < 0) pendingStart = i;
      pendingText += bm[j];
      j++;
    } else {
      if (pendingStart < 0) pendingStart = i;
      i++;
    }
  }
  flush(i);
  return edits;
}
