// Offset-preserving tokenizer for shell-form instructions (RUN, CMD, ENTRYPOINT).
// Docker removes line continuations (and comment lines inside them) before the shell
// sees the text, so we first build a "logical" character stream that remembers the
// document offset of every character, then tokenize that stream.

/** A shell word: quote removal applied, expansions kept verbatim. */
export interface Word {
  kind: 'word';
  /** Text after quote removal; `$VAR`, `$(…)` and backticks are kept as written. */
  value: string;
  /** Logical source text (quotes kept, continuations removed). */
  raw: string;
  /** Document offset of the first character. */
  start: number;
  /** Document offset just past the last character. */
  end: number;
  hasExpansion: boolean;
  quoted: boolean;
  hasGlob: boolean;
}

export type OperatorText =
  | '&&' | '||' | ';' | ';;' | '|' | '|&' | '&' | '(' | ')'
  | '<' | '>' | '>>' | '<<' | '<<<' | '<<-' | '&>' | '&>>' | '>&' | '<&' | '<>' | '>|';

export interface Operator {
  kind: 'op';
  op: OperatorText;
  /** File descriptor prefix of a redirection, e.g. `2` in `2>&1`. */
  fd?: string;
  start: number;
  end: number;
}

export type Token = Word | Operator;

/** A document span: `start` inclusive, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

export interface LexResult {
  tokens: Token[];
  /**
   * Shell comments (`# …` to the end of the logical line). Docker joins continuation lines
   * before the shell runs, so a comment silences everything after it in the instruction.
   */
  comments: Span[];
  /** Set when the text cannot be tokenized (unterminated quote, …). */
  error?: string;
}

/** Characters of the logical text with their document offsets. */
export interface LogicalText {
  chars: string;
  offsets: number[];
}

/**
 * Logical text that keeps its offsets as runs of consecutive document characters and builds the
 * per-character `offsets` array only when read: most callers (and the tokenizer) never need it,
 * and it was the largest allocation of a lint.
 */
class RunText implements LogicalText {
  private built: number[] | null = null;

  /**
   * @param chars the logical characters
   * @param runAt index in `chars` where each run starts (ascending, first is 0 when non-empty)
   * @param runDoc document offset of the first character of each run
   */
  constructor(
    readonly chars: string,
    private readonly runAt: readonly number[],
    private readonly runDoc: readonly number[],
  ) {}

  get offsets(): number[] {
    if (this.built) return this.built;
    const out: number[] = new Array<number>(this.chars.length);
    for (let r = 0; r < this.runAt.length; r++) {
      const from = this.runAt[r] as number;
      const to = r + 1 < this.runAt.length ? (this.runAt[r + 1] as number) : this.chars.length;
      const doc = (this.runDoc[r] as number) - from;
      for (let k = from; k < to; k++) out[k] = doc + k;
    }
    this.built = out;
    return out;
  }

  /** Document offset of logical character `i` (`0 <= i < chars.length`), without building `offsets`. */
  offsetAt(i: number): number {
    let lo = 0;
    let hi = this.runAt.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.runAt[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    return (this.runDoc[lo] as number) + i - (this.runAt[lo] as number);
  }
}

/**
 * Joins continuation lines the way Docker does: `<escape>` + optional blanks + newline is removed,
 * and so are comment lines and empty lines that follow a continuation.
 */
export function logicalText(doc: string, start: number, end: number, escapeChar: string): LogicalText {
  let chars = '';
  const runAt: number[] = [];
  const runDoc: number[] = [];
  // Document offset just past the last copied character: a piece starting there extends the run.
  let runEnd = -1;
  let i = start;
  // Only a one-character escape can equal a character of the text.
  const escapes = escapeChar.length === 1;
  while (i < end) {
    // Up to the next escape character nothing is removed: copy that run in one piece
    // (appending character by character cost more than the rest of the tokenizer).
    let run = escapes ? doc.indexOf(escapeChar, i) : -1;
    if (run === -1 || run > end) run = end;
    if (run > i) {
      if (i !== runEnd) {
        runAt.push(chars.length);
        runDoc.push(i);
      }
      chars += doc.slice(i, run);
      runEnd = run;
      i = run;
      continue;
    }
    const c = doc[i] as string;
    if (c === escapeChar) {
      const after = continuationEnd(doc, i + 1, end);
      if (after !== -1) {
        i = skipCommentLines(doc, after, end);
        continue;
      }
    }
    if (i !== runEnd) {
      runAt.push(chars.length);
      runDoc.push(i);
    }
    chars += c;
    i++;
    runEnd = i;
  }
  return new RunText(chars, runAt, runDoc);
}

/**
 * If blanks then a newline follow `from`, returns the offset after the newline; else -1.
 * An escape character followed only by blanks at the end of the document also ends the
 * instruction (Docker drops it), so it is treated as a continuation into nothing.
 */
function continuationEnd(doc: string, from: number, end: number): number {
  let j = from;
  while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
  if (doc[j] === '\r' && doc[j + 1] === '\n') return j + 2;
  if (doc[j] === '\n') return j + 1;
  if (j === doc.length) return j;
  return -1;
}

function skipCommentLines(doc: string, from: number, end: number): number {
  let i = from;
  for (;;) {
    let j = i;
    while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
    const isComment = doc[j] === '#';
    const isEmpty = doc[j] === '\n' || (doc[j] === '\r' && doc[j + 1] === '\n');
    if (!isComment && !isEmpty) return i;
    const nl = doc.indexOf('\n', j);
    if (nl === -1 || nl >= end) return end;
    i = nl + 1;
  }
}

const OPERATORS: readonly OperatorText[] = [
  '&>>', '<<<', '<<-',
  '&&', '||', ';;', '|&', '>>', '<<', '&>', '>&', '<&', '<>', '>|',
  ';', '|', '&', '(', ')', '<', '>',
];
const OPERATOR_START = new Set([';', '|', '&', '(', ')', '<', '>']);

/**
 * Document offset of logical character `i` of `text` (`0 <= i < chars.length`): text from
 * {@link logicalText} maps it from its runs, without building the per-character `offsets`;
 * any other LogicalText reads its array.
 */
export function logicalOffset(text: LogicalText, i: number): number {
  return text instanceof RunText ? text.offsetAt(i) : (text.offsets[i] as number);
}

/** Tokenizes a logical text. Never throws; problems are reported in `error`. */
export function tokenize(text: LogicalText): LexResult {
  const { chars } = text;
  const n = chars.length;
  const tokens: Token[] = [];
  const comments: Span[] = [];
  // Text from logicalText maps offsets from its runs; any other LogicalText through its array
  // (chosen once here: this runs per token).
  const at = text instanceof RunText ? (i: number): number => text.offsetAt(i) : (i: number): number => text.offsets[i] as number;
  const offsetOf = (i: number): number => (i < n ? at(i) : n === 0 ? 0 : at(n - 1) + 1);
  const endOf = (i: number): number => (i > 0 ? at(i - 1) + 1 : offsetOf(0));
  let i = 0;
  while (i < n) {
    const c = chars[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '#') {
      // A shell comment runs to the end of the logical line.
      const from = i;
      while (i < n && chars[i] !== '\n') i++;
      comments.push({ start: offsetOf(from), end: endOf(i) });
      continue;
    }
    // Redirection with a file descriptor prefix: 2>, 2>&1, 1>>. Only a digit can start one.
    const fd = c >= '0' && c <= '9' ? /^\d+(?=[<>])/.exec(chars.slice(i, i + 4)) : null;
    if (fd) {
      const opStart = i + fd[0].length;
      const op = matchOperator(chars, opStart);
      if (op) {
        tokens.push({ kind: 'op', op, fd: fd[0], start: offsetOf(i), end: endOf(opStart + op.length) });
        i = opStart + op.length;
        continue;
      }
    }
    if (OPERATOR_START.has(c)) {
      const op = matchOperator(chars, i) as OperatorText;
      tokens.push({ kind: 'op', op, start: offsetOf(i), end: endOf(i + op.length) });
      i += op.length;
      continue;
    }
    const word = readWord(chars, i);
    if (word.error) return { tokens, comments, error: word.error };
    tokens.push({
      kind: 'word',
      value: word.value,
      // Quote removal and escapes only ever drop characters, so a value as long as the source
      // is the source: share that string instead of slicing a copy.
      raw: word.value.length === word.next - i ? word.value : chars.slice(i, word.next),
      start: offsetOf(i),
      end: endOf(word.next),
      hasExpansion: word.hasExpansion,
      quoted: word.quoted,
      hasGlob: word.hasGlob,
    });
    i = word.next;
  }
  return { tokens, comments };
}

function matchOperator(chars: string, i: number): OperatorText | null {
  for (const op of OPERATORS) {
    if (chars.startsWith(op, i)) return op;
  }
  return null;
}

interface WordScan {
  value: string;
  next: number;
  hasExpansion: boolean;
  quoted: boolean;
  hasGlob: boolean;
  error?: string;
}

function readWord(chars: string, from: number): WordScan {
  const n = chars.length;
  let value = '';
  let hasExpansion = false;
  let quoted = false;
  let hasGlob = false;
  let i = from;
  while (i < n) {
    const c = chars[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || OPERATOR_START.has(c)) break;
    if (c === '\\') {
      if (i + 1 < n) {
        value += chars[i + 1];
        i += 2;
      } else {
        i++;
      }
      continue;
    }
    if (c === "'") {
      const close = chars.indexOf("'", i + 1);
      if (close === -1) return { value, next: n, hasExpansion, quoted, hasGlob, error: 'unterminated single quote' };
      value += chars.slice(i + 1, close);
      quoted = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      quoted = true;
      i++;
      let closed = false;
      while (i < n) {
        const d = chars[i] as string;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < n) {
          const e = chars[i + 1] as string;
          value += '$`"\\\n'.includes(e) ? e : d + e;
          i += 2;
          continue;
        }
        if (d === '$' || d === '`') {
          const exp = readExpansion(chars, i);
          if (exp.error) return { value, next: n, hasExpansion, quoted, hasGlob, error: exp.error };
          value += chars.slice(i, exp.next);
          hasExpansion = hasExpansion || exp.isExpansion;
          i = exp.next;
          continue;
        }
        value += d;
        i++;
      }
      if (!closed) return { value, next: n, hasExpansion, quoted, hasGlob, error: 'unterminated double quote' };
      continue;
    }
    if (c === '$' && chars[i + 1] === "'") {
      // Bash ANSI-C quoting: $'a\tb'.
      const scan = readAnsiC(chars, i + 2);
      if (scan.error) return { value, next: n, hasExpansion, quoted, hasGlob, error: scan.error };
      value += scan.value;
      quoted = true;
      i = scan.next;
      continue;
    }
    if (c === '$' && chars[i + 1] === '"') {
      // Bash locale quoting $"…" behaves like double quotes here.
      i++;
      continue;
    }
    if (c === '$' || c === '`') {
      const exp = readExpansion(chars, i);
      if (exp.error) return { value, next: n, hasExpansion, quoted, hasGlob, error: exp.error };
      value += chars.slice(i, exp.next);
      hasExpansion = hasExpansion || exp.isExpansion;
      i = exp.next;
      continue;
    }
    // A plain character, and the plain ones after it: appended as one slice.
    let j = i + 1;
    while (j < n && isPlain(chars.charCodeAt(j))) j++;
    for (let k = i; k < j; k++) {
      const g = chars[k];
      if (g === '*' || g === '?' || g === '[') hasGlob = true;
    }
    value += chars.slice(i, j);
    i = j;
  }
  return { value, next: i, hasExpansion, quoted, hasGlob };
}

/**
 * Whether a character of a word is taken as it is by {@link readWord}: not a blank, an
 * operator, a backslash, a quote or the start of an expansion.
 */
function isPlain(code: number): boolean {
  switch (code) {
    case 0x20: // space
    case 0x09: // tab
    case 0x0a: // \n
    case 0x0d: // \r
    case 0x3b: // ;
    case 0x7c: // |
    case 0x26: // &
    case 0x28: // (
    case 0x29: // )
    case 0x3c: // <
    case 0x3e: // >
    case 0x5c: // \
    case 0x27: // '
    case 0x22: // "
    case 0x24: // $
    case 0x60: // `
      return false;
    default:
      return true;
  }
}

const ANSI_C_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };

/** Reads the body of `$'…'` starting after the opening quote; returns the decoded value. */
function readAnsiC(chars: string, from: number): { value: string; next: number; error?: string } {
  let value = '';
  let i = from;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === "'") return { value, next: i + 1 };
    if (c === '\\' && i + 1 < chars.length) {
      const e = chars[i + 1] as string;
      value += ANSI_C_ESCAPES[e] ?? c + e;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { value, next: chars.length, error: 'unterminated $\' quote' };
}

interface ExpansionScan {
  next: number;
  isExpansion: boolean;
  error?: string;
}

/** Scans `$NAME`, `${…}`, `$(…)`, `$((…))` or a backtick substitution starting at `i`. */
function readExpansion(chars: string, i: number): ExpansionScan {
  const n = chars.length;
  if (chars[i] === '`') {
    let j = i + 1;
    while (j < n && chars[j] !== '`') j += chars[j] === '\\' ? 2 : 1;
    if (j >= n) return { next: n, isExpansion: true, error: 'unterminated backtick' };
    return { next: j + 1, isExpansion: true };
  }
  const next = chars[i + 1];
  if (next === '{') {
    const close = matchClose(chars, i + 2, '{', '}');
    if (close === -1) return { next: n, isExpansion: true, error: 'unterminated ${' };
    return { next: close + 1, isExpansion: true };
  }
  if (next === '(') {
    const close = matchClose(chars, i + 2, '(', ')');
    if (close === -1) return { next: n, isExpansion: true, error: 'unterminated $(' };
    return { next: close + 1, isExpansion: true };
  }
  if (next !== undefined && /[A-Za-z_]/.test(next)) {
    let j = i + 2;
    while (j < n && /[A-Za-z0-9_]/.test(chars[j] as string)) j++;
    return { next: j, isExpansion: true };
  }
  if (next !== undefined && /[0-9@*#?$!-]/.test(next)) return { next: i + 2, isExpansion: true };
  // A lone `$` is literal.
  return { next: i + 1, isExpansion: false };
}

/** Finds the bracket closing an opening one whose content starts at `from`, skipping quotes. */
function matchClose(chars: string, from: number, open: string, close: string): number {
  let depth = 1;
  let i = from;
  const n = chars.length;
  while (i < n) {
    const c = chars[i] as string;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const q = chars.indexOf("'", i + 1);
      if (q === -1) return -1;
      i = q + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && chars[j] !== '"') j += chars[j] === '\\' ? 2 : 1;
      if (j >= n) return -1;
      i = j + 1;
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
}
