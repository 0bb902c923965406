// Reads `ARG` instructions the way Docker does: a list of `NAME` or `NAME=default` words.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { logicalText } from '../shell/lexer';

/** One word of an `ARG` instruction, with its document offsets. */
export interface ArgWord {
  /** The word as written (quotes kept, continuations removed). */
  raw: string;
  /** The part before the first unquoted `=` (the whole word when there is none). */
  name: string;
  /** True for `NAME=default` (even with an empty default). */
  hasValue: boolean;
  /** The text after the first `=` as written, or null. */
  rawValue: string | null;
  /** Document offset of the first character. */
  start: number;
  /** Document offset just past the last character. */
  end: number;
}

/**
 * The words of an `ARG` instruction. dockerfile-ast reads `ARG A B` like a legacy `ENV A B`
 * (one property with value `B`), but Docker declares two build arguments there, so the words
 * are split here: blanks outside quotes separate words, the escape character protects the next
 * character, and continuation lines (with comment lines inside them) are joined first.
 * Returns an empty list for other instructions and for an `ARG` without arguments.
 */
export function argWords(model: DocumentModel, info: InstructionInfo): readonly ArgWord[] {
  if (info.keyword !== 'ARG') return NO_WORDS;
  // Memoized (read-only, shared): two rules read every ARG.
  let known = argWordsMemo.get(info);
  if (known === undefined) {
    known = readArgWords(model, info);
    argWordsMemo.set(info, known);
  }
  return known;
}

const NO_WORDS: readonly ArgWord[] = Object.freeze([]);
const argWordsMemo = new WeakMap<InstructionInfo, readonly ArgWord[]>();

function readArgWords(model: DocumentModel, info: InstructionInfo): ArgWord[] {
  const first = info.node.getArguments()[0];
  if (!first) return [];
  const start = model.text.offsetAt(first.getRange().start);
  const text = logicalText(model.content, start, info.end, model.escapeChar);
  const words: ArgWord[] = [];
  let raw = '';
  let wordStart = -1;
  let wordEnd = -1;
  let eq = -1;
  let quote: '"' | "'" | null = null;
  const flush = (): void => {
    if (wordStart < 0) return;
    words.push({
      raw,
      name: eq < 0 ? raw : raw.slice(0, eq),
      hasValue: eq >= 0,
      rawValue: eq < 0 ? null : raw.slice(eq + 1),
      start: wordStart,
      end: wordEnd,
    });
    raw = '';
    wordStart = -1;
    eq = -1;
  };
  for (let i = 0; i < text.chars.length; i++) {
    const c = text.chars[i] as string;
    const offset = text.offsets[i] as number;
    if (quote === null && /\s/.test(c)) {
      flush();
      continue;
    }
    if (wordStart < 0) wordStart = offset;
    wordEnd = offset + 1;
    raw += c;
    if (c === model.escapeChar && quote !== "'" && i + 1 < text.chars.length) {
      i++;
      raw += text.chars[i] as string;
      wordEnd = (text.offsets[i] as number) + 1;
    } else if (quote === null && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === quote) {
      quote = null;
    } else if (quote === null && c === '=' && eq < 0) {
      eq = raw.length - 1;
    }
  }
  flush();
  return words;
}

/** A regular expression that finds `$NAME` and `${NAME…}` references to one variable. */
export function variableReference(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\$(?:\\{${escaped}(?![A-Za-z0-9_])|${escaped}(?![A-Za-z0-9_]))`);
}

/** A plain argument name, as the author of `ARG NAME value` meant it. */
const PLAIN_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The `[name, value]` words of an `ARG NAME <token>` written like a legacy `ENV`, or null.
 * The second word counts as a value when it cannot be meant as an argument name: it
 * references a variable, is quoted, contains a `/`, or starts with a digit. Two plain names
 * (`ARG VERSION COMMIT`) declare two arguments and are not matched.
 */
export function envLikeArg(words: readonly ArgWord[]): [ArgWord, ArgWord] | null {
  const [name, value] = words;
  if (!name || !value || name.hasValue || value.hasValue || !PLAIN_NAME_RE.test(name.raw)) return null;
  return /[$"'/]/.test(value.raw) || /^[0-9]/.test(value.raw) ? [name, value] : null;
}
