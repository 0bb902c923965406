// Unified diffs (`diff -u` / `git diff` shape) between two versions of a Dockerfile.

/** One line of a text with its terminator split off, so CRLF and a missing final newline survive. */
interface Line {
  /** The line's content, including a `\r` before `\n` (as `diff` prints it). */
  content: string;
  /** False only for a last line without a trailing newline. */
  terminated: boolean;
}

/** Lines beyond this product fall back to one replace-all hunk instead of a quadratic table. */
const MAX_LCS_CELLS = 4_000_000;

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop() as string;
  const lines: Line[] = parts.map((content) => ({ content, terminated: true }));
  if (last !== '') lines.push({ content: last, terminated: false });
  return lines;
}

const sameLine = (a: Line, b: Line): boolean => a.content === b.content && a.terminated === b.terminated;

type Op = { kind: ' ' | '-' | '+'; line: Line; oldIndex: number; newIndex: number };

/** Line operations turning `a` into `b`: an LCS over the lines between a common prefix and suffix. */
function lineOps(a: Line[], b: Line[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && sameLine(a[prefix] as Line, b[prefix] as Line)) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && sameLine(a[a.length - 1 - suffix] as Line, b[b.length - 1 - suffix] as Line)) suffix++;
  const am = a.slice(prefix, a.length - suffix);
  const bm = b.slice(prefix, b.length - suffix);
  const ops: Op[] = [];
  for (let i = 0; i < prefix; i++) ops.push({ kind: ' ', line: a[i] as Line, oldIndex: i, newIndex: i });
  if (am.length * bm.length > MAX_LCS_CELLS) {
    am.forEach((line, i) => ops.push({ kind: '-', line, oldIndex: prefix + i, newIndex: prefix }));
    bm.forEach((line, j) => ops.push({ kind: '+', line, oldIndex: prefix + am.length, newIndex: prefix + j }));
  } else {
    const table: number[][] = Array.from({ length: am.length + 1 }, () => new Array<number>(bm.length + 1).fill(0));
    for (let i = am.length - 1; i >= 0; i--) {
      const row = table[i] as number[];
      const below = table[i + 1] as number[];
      for (let j = bm.length - 1; j >= 0; j--) {
        row[j] = sameLine(am[i] as Line, bm[j] as Line) ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && sameLine(am[i] as Line, bm[j] as Line)) {
        ops.push({ kind: ' ', line: am[i] as Line, oldIndex: prefix + i, newIndex: prefix + j });
        i++;
        j++;
      } else if (i < am.length && (j >= bm.length || ((table[i + 1] as number[])[j] as number) >= ((table[i] as number[])[j + 1] as number))) {
        // Deletions first, then insertions: the order `diff -u` uses within a change.
        ops.push({ kind: '-', line: am[i] as Line, oldIndex: prefix + i, newIndex: prefix + j });
        i++;
      } else {
        ops.push({ kind: '+', line: bm[j] as Line, oldIndex: prefix + i, newIndex: prefix + j });
        j++;
      }
    }
  }
  for (let k = 0; k < suffix; k++) {
    const oi = a.length - suffix + k;
    ops.push({ kind: ' ', line: a[oi] as Line, oldIndex: oi, newIndex: b.length - suffix + k });
  }
  return ops;
}

/** `start,count` of a hunk header; an empty side points at the line before (as `diff` does). */
function hunkRange(start: number, count: number): string {
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * A unified diff from `before` to `after` with `context` lines around each change, headed
 * `--- <oldLabel>` / `+++ <newLabel>`. Empty when the texts are equal. Lines keep their `\r`,
 * and a missing final newline is marked with `\ No newline at end of file`, so `patch` and
 * `git apply` reproduce `after` byte for byte.
 */
export function unifiedDiff(before: string, after: string, oldLabel: string, newLabel: string, context = 3): string {
  if (before === after) return '';
  const ops = lineOps(splitLines(before), splitLines(after));
  const changed = ops.map((op, index) => ({ op, index })).filter(({ op }) => op.kind !== ' ').map(({ index }) => index);
  // Group changes whose context windows touch into one hunk.
  const hunks: { from: number; to: number }[] = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(ops.length - 1, index + context);
    const last = hunks[hunks.length - 1];
    if (last && from <= last.to + 1) last.to = Math.max(last.to, to);
    else hunks.push({ from, to });
  }
  let out = `--- ${headerName(oldLabel)}\n+++ ${headerName(newLabel)}\n`;
  for (const { from, to } of hunks) {
    const slice = ops.slice(from, to + 1);
    const first = slice[0] as Op;
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    out += `@@ -${hunkRange(first.oldIndex, oldCount)} +${hunkRange(first.newIndex, newCount)} @@\n`;
    for (const op of slice) {
      out += `${op.kind}${op.line.content}\n`;
      if (!op.line.terminated) out += '\\ No newline at end of file\n';
    }
  }
  return out;
}

const C_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A file name as `git diff` writes it in `---`/`+++` headers, so both `git apply` and GNU
 * `patch` read it back: a name with a quote, a backslash or a control character is C-quoted,
 * and a name with a space gets a trailing tab (without it `patch` does not find `a/my app/Dockerfile`
 * and asks which file to patch). Non-ASCII stays as UTF-8, as with core.quotePath=false.
 */
export function headerName(label: string): string {
  // eslint-disable-next-line no-control-regex
  if (/["\\\x00-\x1f\x7f]/.test(label)) {
    // eslint-disable-next-line no-control-regex
    return `"${label.replace(/["\\\x00-\x1f\x7f]/g, (c) => C_ESCAPES[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`;
  }
  return label.includes(' ') ? `${label}\t` : label;
}

/** Turns a user-typed path into the `a/…`/`b/…` form of diff headers (forward slashes, no `./`). */
export function diffPath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}
