// Input limits of the engine: which texts are too large, binary or mis-decoded to lint at all.

/**
 * Texts longer than this (UTF-16 code units, about bytes for a Dockerfile) are not linted.
 * Real Dockerfiles are a few KB; the limit keeps one keystroke in a pasted log or a generated
 * monster from freezing the editor for seconds, while generated files of 20,000 lines still pass.
 */
export const MAX_LINT_CHARS = 750_000;

/** Texts with more lines than this are not linted (see MAX_LINT_CHARS for the reasoning). */
export const MAX_LINT_LINES = 25_000;

/** The limits a text is checked against; tests pass smaller ones. */
export interface InputLimits {
  maxChars: number;
  maxLines: number;
}

/** The limits used by the language server, the CLI and `lint`. */
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({ maxChars: MAX_LINT_CHARS, maxLines: MAX_LINT_LINES });

/** Why a text is not linted. */
export interface InputRefusal {
  kind: 'binary' | 'encoding' | 'too-large';
  /** A short reason for a one-line CLI message (`binary file (contains NUL bytes)`). */
  reason: string;
  /** The sentence shown as the info diagnostic in place of the findings. */
  message: string;
}

const formatCount = (n: number): string => n.toLocaleString('en-US');

/**
 * Counts lines the way editors do (`\n`, `\r\n` and a lone `\r` each end a line), stopping
 * as soon as the count exceeds `stopAbove` so a huge text costs no more than needed.
 */
export function countLines(text: string, stopAbove: number = Infinity): number {
  let breaks = 0;
  // `indexOf` is native: counting `\n` (which also ends every `\r\n`) and then the lone `\r`s
  // this way is several times faster than a loop over every character (every lint pays it).
  // Every break ends a line, so once the count exceeds the limit it can return.
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) if (++breaks > stopAbove) return breaks;
  if (text.includes('\r')) {
    for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10 && ++breaks > stopAbove) return breaks;
  }
  // The last line counts unless the text is empty or ends with its line terminator.
  const last = text.charCodeAt(text.length - 1);
  return text.length === 0 || last === 10 || last === 13 ? breaks : breaks + 1;
}

/**
 * Decides whether a text can be linted: undefined when it can, otherwise why not. Runs in
 * linear time without allocating, so it is safe to call on any text before parsing it.
 * - NUL characters mean a binary file: no Dockerfile contains them.
 * - U+FFFD is what a decoder puts in place of bytes that are not UTF-8; findings and fixes on
 *   such a text would point at the wrong characters and saving a fix would destroy the bytes.
 * - Beyond the size limits, linting would take seconds per version.
 */
export function inputRefusal(text: string, limits: Readonly<InputLimits> = DEFAULT_INPUT_LIMITS): InputRefusal | undefined {
  if (text.length > limits.maxChars) {
    const reason = `too large to lint: ${formatCount(text.length)} characters (the limit is ${formatCount(limits.maxChars)})`;
    return { kind: 'too-large', reason, message: `File not linted: it has ${formatCount(text.length)} characters, more than the limit of ${formatCount(limits.maxChars)}` };
  }
  if (text.includes('\0')) {
    return { kind: 'binary', reason: 'binary file (contains NUL bytes)', message: 'File not linted: it contains NUL bytes, so it looks like a binary file rather than a Dockerfile' };
  }
  if (text.includes('\uFFFD')) {
    return {
      kind: 'encoding',
      reason: 'contains U+FFFD replacement characters (text that was not UTF-8)',
      message: 'File not linted: it contains U+FFFD replacement characters, so it was probably not decoded as UTF-8; reopen it with the UTF-8 encoding',
    };
  }
  const lines = countLines(text, limits.maxLines);
  if (lines > limits.maxLines) {
    const reason = `too large to lint: more than ${formatCount(limits.maxLines)} lines`;
    return { kind: 'too-large', reason, message: `File not linted: it has more than ${formatCount(limits.maxLines)} lines, the limit for linting` };
  }
  return undefined;
}

/**
 * Where the refusal diagnostic goes: the first line (after a byte-order mark), so it is seen
 * at the top of the file without covering it all. Never outside the text.
 */
export function refusalRange(text: string): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let end = bom;
  // Scan at most one screen of the first line: a one-line megabyte must not cost a full scan.
  while (end < text.length && end < 200 + bom) {
    const c = text.charCodeAt(end);
    if (c === 10 || c === 13) break;
    end++;
  }
  // Do not end between the halves of a surrogate pair.
  if (end > bom && end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
  return { start: { line: 0, character: bom }, end: { line: 0, character: end } };
}

/**
 * Code of the notice that stands in for the findings of a refused text. It is not a rule (no
 * rule runs on such a text), so it has no docs page of its own; `PYD000` sits with the meta
 * codes (PYD0xx) that judge the linter's input, and `off` in the settings silences it.
 */
export const REFUSAL_CODE = 'PYD000';

/** Name of the refusal notice, as rules have names. */
export const REFUSAL_NAME = 'file-not-linted';

/** Where the limits are explained. */
export const REFUSAL_DOCS_URL = 'https://github.com/pydockerfile/pydockerfile/blob/main/README.md#limits';
