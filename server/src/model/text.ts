// Plain text helpers: LSP-compatible positions and ranges, offset mapping, line endings.
import { TextDocument } from 'vscode-languageserver-textdocument';

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface TextEdit {
  range: Range;
  newText: string;
}

/** An immutable text with fast offset/position conversion (UTF-16 units, like LSP). */
export class Text {
  readonly content: string;
  readonly eol: '\n' | '\r\n';
  readonly hasBom: boolean;
  private readonly doc: TextDocument;

  /**
   * `lines`, when given, is a document already made of a text with the same length and the
   * same line breaks (the copy dockerfile-ast parsed): its line index is reused instead of
   * scanning the text a second time.
   */
  constructor(content: string, lines?: TextDocument) {
    this.content = content;
    this.doc = lines ?? TextDocument.create('pydockerfile://text', 'dockerfile', 0, content);
    this.eol = detectEol(content);
    this.hasBom = content.charCodeAt(0) === 0xfeff;
  }

  get lineCount(): number {
    return this.doc.lineCount;
  }

  offsetAt(position: Position): number {
    return this.doc.offsetAt(position);
  }

  positionAt(offset: number): Position {
    return this.doc.positionAt(offset);
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The text of one line without its line terminator. */
  lineText(line: number): string {
    const start = this.doc.offsetAt({ line, character: 0 });
    let end = line + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: line + 1, character: 0 }) : this.content.length;
    // A lone CR ends a line too (the line index counts it): strip it, or an edit that
    // re-inserts the line would turn it into CRLF and split the next line. The terminator is
    // left out before slicing, so one string is made per call rather than two.
    const last = end > start ? this.content.charCodeAt(end - 1) : -1;
    if (last === 10) end -= end - 1 > start && this.content.charCodeAt(end - 2) === 13 ? 2 : 1;
    else if (last === 13) end--;
    return this.content.slice(start, end);
  }

  lineStart(line: number): number {
    return this.doc.offsetAt({ line, character: 0 });
  }

  /** Offset just past the line terminator of `line` (or end of text). */
  nextLineStart(line: number): number {
    return line + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: line + 1, character: 0 }) : this.content.length;
  }

  slice(range: Range): string {
    return this.content.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }
}

/** The dominant line ending; new lines inserted by fixes use it. */
export function detectEol(content: string): '\n' | '\r\n' {
  // Every `\r\n` ends in a `\n`: one native search per line, no array of lines to build.
  let crlf = 0;
  let lf = 0;
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) {
    if (i > 0 && content.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * Characters BuildKit trims from both ends of an instruction's arguments (Go's
 * `strings.TrimSpace`, i.e. `unicode.IsSpace`) that a POSIX shell would take as word characters:
 * without them, `CMD app \u00a0` would seem to pass the shell a third argument it never sees.
 * Space, tab, CR and LF are missing on purpose: the shell drops those itself.
 */
const TRIMMED_WORD_CHARS = /[\v\f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** True when BuildKit's trimming of an instruction's arguments drops `c` (Go's `unicode.IsSpace`). */
export function isDockerSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || (c.length === 1 && TRIMMED_WORD_CHARS.test(c));
}

/**
 * `text` trimmed as BuildKit trims an instruction's arguments (Go's `strings.TrimSpace`): NEL
 * and NBSP go too, and a byte-order mark stays, unlike JavaScript's `trim`.
 */
export function dockerTrim(text: string): string {
  const bounds = dockerTrimBounds(text);
  if (!bounds) return '';
  return bounds.start === 0 && bounds.end === text.length ? text : text.slice(bounds.start, bounds.end);
}

/** Where `dockerTrim` would cut `text` (end exclusive), or null when nothing is left. */
export function dockerTrimBounds(text: string): { start: number; end: number } | null {
  let start = 0;
  let end = text.length;
  while (start < end && isDockerSpace(text[start] as string)) start++;
  if (start === end) return null;
  while (isDockerSpace(text[end - 1] as string)) end--;
  return { start, end };
}

/** True when `text` holds a character BuildKit would trim but the shell would keep in a word. */
export function hasTrimmedWordChar(text: string): boolean {
  return TRIMMED_WORD_CHARS.test(text);
}

interface Span {
  start: number;
  end: number;
  newText: string;
}

const BOM = '\uFEFF';

/**
 * Applies non-overlapping edits to a text. Throws when edits overlap, since that is a
 * programming error in a rule, not a user error.
 */
export function applyEdits(content: string, edits: readonly TextEdit[]): string {
  const text = new Text(content);
  const spans: Span[] = edits.map((edit) => {
    let start = text.offsetAt(edit.range.start);
    let end = text.offsetAt(edit.range.end);
    let newText = edit.newText;
    // Never insert in front of a byte-order mark, and never duplicate it: an edit of the first
    // line that carries the mark along (a line diff does) replaces the mark with itself.
    if (text.hasBom && start === 0 && !(end > 0 && newText.startsWith(BOM))) {
      start = 1;
      end = Math.max(end, 1);
      if (newText.startsWith(BOM)) newText = newText.slice(1);
    }
    return { start, end, newText };
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1] as Span;
    const cur = spans[i] as Span;
    if (cur.start < prev.end) throw new Error('overlapping edits');
  }
  let out = '';
  let last = 0;
  for (const span of spans) {
    out += content.slice(last, span.start) + span.newText;
    last = span.end;
  }
  return out + content.slice(last);
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}
