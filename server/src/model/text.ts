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

  constructor(content: string) {
    this.content = content;
    this.doc = TextDocument.create('pydockerfile://text', 'dockerfile', 0, content);
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
    const end = line + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: line + 1, character: 0 }) : this.content.length;
    // A lone CR ends a line too (the line index counts it): strip it, or an edit that
    // re-inserts the line would turn it into CRLF and split the next line.
    return this.content.slice(start, end).replace(/\r\n$|[\r\n]$/, '');
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
  const crlf = content.split('\r\n').length - 1;
  const lf = content.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}
