// Spares dockerfile-ast work its parser repeats or does the long way: the throw-away instruction
// it builds for every line just to look for heredocs, the stage ranges it recomputes for every
// comment, character-by-character rebuilds of one-line arguments and of verbatim ENV/ARG/LABEL
// values, and a Buffer per byte-order-mark check. Each answer is the library's own (tests compare).
import { Argument, Instruction, Property } from 'dockerfile-ast';
import { Dockerfile } from 'dockerfile-ast/lib/dockerfile';
import { Parser } from 'dockerfile-ast/lib/parser';
import { Util } from 'dockerfile-ast/lib/util';

const PATCHED = Symbol.for('pydockerfile.heredocProbeSkipped');
/** Set on a parser instance while its `processArguments` runs: the only caller of the probe. */
const IN_ARGUMENTS = Symbol('pydockerfile.inArguments');
/** What the probe returns instead of an instruction when the text cannot hold a heredoc. */
const NO_HEREDOC = Object.freeze({});

/** The code of `<`: every heredoc operator (`<<EOF`, `<<-EOF`) starts with two of them. */
const LESS_THAN = 0x3c;

/** Whether `buffer` has a `<` in [start, end). */
function hasLessThan(buffer: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (buffer.charCodeAt(k) === LESS_THAN) return true;
  return false;
}

type Method = (this: ParserState, ...args: unknown[]) => unknown;

interface ParserState {
  buffer: string;
  [IN_ARGUMENTS]?: boolean;
}

/**
 * When dockerfile-ast's parser reaches the end of an instruction's line, it builds the whole
 * instruction (scanning its arguments, several times for JSON-capable ones), only to ask it
 * for heredoc operators; then it throws that instance away and builds the instruction again
 * with its final range. That probe is half of the parse. An argument is made of the
 * instruction's own characters, so without a `<` in them no argument can start with `<<` and
 * the probe can only answer "no heredoc": then it is skipped and the parser goes on exactly as
 * it would have. With a `<` anywhere, the library runs unchanged. The probe has no side
 * effect (the instance is discarded), so the parse result is the same either way.
 *
 * Patched once per loaded copy of the library. If a future version renames these private
 * methods, nothing is patched and only speed is lost.
 */
export function skipNeedlessHeredocProbes(): void {
  const proto = Parser.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[PATCHED] === true) return;
  const processArguments = proto['processArguments'];
  const createInstruction = proto['createInstruction'];
  const processHeredocs = proto['processHeredocs'];
  if (typeof processArguments !== 'function' || typeof createInstruction !== 'function' || typeof processHeredocs !== 'function') return;
  proto[PATCHED] = true;
  const original = { processArguments: processArguments as Method, createInstruction: createInstruction as Method, processHeredocs: processHeredocs as Method };
  proto['processArguments'] = function probingArguments(this: ParserState, dockerfile: unknown, instruction: unknown, instructionEnd: unknown, start: unknown, offset: unknown): unknown {
    const outer = this[IN_ARGUMENTS];
    this[IN_ARGUMENTS] = true;
    try {
      return original.processArguments.call(this, dockerfile, instruction, instructionEnd, start, offset);
    } finally {
      this[IN_ARGUMENTS] = outer;
    }
  };
  // Inside processArguments, createInstruction is only called to build the probe, whose
  // characters run from `start` to `end`.
  proto['createInstruction'] = function probedInstruction(this: ParserState, dockerfile: unknown, instruction: unknown, start: unknown, instructionEnd: unknown, end: unknown): unknown {
    if (this[IN_ARGUMENTS] === true && typeof start === 'number' && typeof end === 'number' && !hasLessThan(this.buffer, start, end)) return NO_HEREDOC;
    return original.createInstruction.call(this, dockerfile, instruction, start, instructionEnd, end);
  };
  proto['processHeredocs'] = function probedHeredocs(this: ParserState, instruction: unknown, offset: unknown): unknown {
    // Without a heredoc the library returns the offset it was given.
    if (instruction === NO_HEREDOC) return offset;
    return original.processHeredocs.call(this, instruction, offset);
  };
}

const ORGANIZED = Symbol.for('pydockerfile.commentsOrganizedOnce');

/** What `organizeComments` reads of a parsed Dockerfile (private in the library's types). */
interface ParsedTemplates {
  getComments(): { getRange(): Range }[];
  initialInstructions: Template;
  buildStages: Template[];
}

interface Template {
  getRange(): Range;
  addComment(comment: unknown): void;
}

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Whether position `a` comes before position `b`. */
function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Whether every range ends where or after it starts and before the next one starts (stages of one file always do). */
function ordered(ranges: readonly Range[]): boolean {
  for (let k = 0; k < ranges.length; k++) {
    const range = ranges[k] as Range;
    if (before(range.end, range.start) || (k > 0 && !before((ranges[k - 1] as Range).end, range.start))) return false;
  }
  return true;
}

/** Index of the last range starting at or before `position`, or -1 (ranges `ordered`). */
function lastStartingBy(ranges: readonly Range[], position: Range['start']): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(position, (ranges[mid] as Range).start)) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}

/**
 * At the end of a parse, dockerfile-ast hands every comment to the stage whose lines contain
 * it, asking every stage for its range once per comment; each answer is built from the stage's
 * first and last instruction, which never change while comments are handed out. The same
 * assignment, same order and same containment test (the library's own), with each range
 * computed once: on long files this was a tenth of the parse. Stages follow each other, so the
 * one stage that can hold a comment is found by binary search: asking every stage made the
 * parse quadratic (comments × stages; 2,500 × 136 on 20,000 lines).
 */
export function organizeCommentsOnce(): void {
  const proto = Dockerfile.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[ORGANIZED] === true) return;
  if (typeof proto['organizeComments'] !== 'function' || typeof Util.isInsideRange !== 'function') return;
  proto[ORGANIZED] = true;
  proto['organizeComments'] = function organizeComments(this: ParsedTemplates): void {
    const comments = this.getComments();
    if (comments.length === 0) return;
    const initialRange = this.initialInstructions.getRange();
    const stageRanges = this.buildStages.map((stage) => stage.getRange());
    // Disjoint, ascending ranges let at most one stage contain a position; anything else (never
    // seen) gets the library's every-stage scan.
    const searchable = ordered(stageRanges);
    for (const comment of comments) {
      if (Util.isInsideRange(comment.getRange().end, initialRange)) {
        this.initialInstructions.addComment(comment);
        continue;
      }
      const start = comment.getRange().start;
      if (searchable) {
        const k = lastStartingBy(stageRanges, start);
        if (k >= 0 && Util.isInsideRange(start, stageRanges[k] as Range)) this.buildStages[k]?.addComment(comment);
        continue;
      }
      this.buildStages.forEach((stage, k) => {
        if (Util.isInsideRange(start, stageRanges[k] as Range)) stage.addComment(comment);
      });
    }
  };
}

/** Where the library's own `getRawArguments` stays reachable (tests compare the two). */
export const LIBRARY_RAW_ARGUMENTS = Symbol.for('pydockerfile.libraryRawArguments');

/** What `getRawArguments` reads of an instruction (private in the library's types). */
interface ArgumentSource {
  document: { positionAt(offset: number): { line: number; character: number }; offsetAt(position: { line: number; character: number }): number };
  escapeChar: string;
  getInstructionRange(): Range;
  getTextContent(): string;
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const HASH = 0x23;

/**
 * dockerfile-ast reads an instruction's arguments one character at a time, growing each value
 * a character at a time and asking the document for two positions per argument; every
 * instruction is read this way while it is built. The arguments of most instructions are
 * plain: no CR, no `#`, and every escape character stands alone after a blank and only
 * continues the line (blanks, then LF). Then that scan can only cut them at blanks and line
 * breaks, dropping the lone escape characters: each run of other characters is an argument
 * with exactly that text and range. This answers those, the same objects field for field;
 * anything else goes to the library's scan. Patched before the scans are memoized
 * (document-model.ts), so the memo serves these answers too.
 */
export function readPlainArgumentsDirectly(): void {
  const proto = Instruction.prototype as unknown as Record<string | symbol, unknown>;
  const original = proto['getRawArguments'];
  if (proto[LIBRARY_RAW_ARGUMENTS] !== undefined || typeof original !== 'function') return;
  proto[LIBRARY_RAW_ARGUMENTS] = original;
  const library = original as (this: ArgumentSource) => Argument[];
  // Read once: a bundled import is a getter call on every use.
  const ArgumentClass = Argument;
  proto['getRawArguments'] = function rawArguments(this: ArgumentSource): Argument[] {
    // The same text and offset the library derives.
    const range = this.getInstructionRange();
    const doc = this.document;
    const extra = doc.offsetAt(range.end) - doc.offsetAt(range.start);
    const args = this.getTextContent().substring(extra);
    const escape = this.escapeChar.length === 1 ? this.escapeChar.charCodeAt(0) : -1;
    if (!isPlainArgumentText(args, escape)) return library.call(this);
    const offset = extra + doc.offsetAt(range.start);
    const out: Argument[] = [];
    let line = -1;
    /** Index in `args` where the current line starts (negative on the first line when it starts before `args`). */
    let lineStart = 0;
    let found = -1;
    for (let i = 0; i <= args.length; i++) {
      const c = i < args.length ? args.charCodeAt(i) : SPACE;
      if (c !== SPACE && c !== TAB && c !== LF) {
        if (found < 0) found = i;
        continue;
      }
      if (found >= 0) {
        // A lone escape character only continues the line (checked above): no argument.
        if (!(i - found === 1 && args.charCodeAt(found) === escape)) {
          if (line < 0) {
            const at = doc.positionAt(offset);
            line = at.line;
            lineStart = -at.character;
          }
          const start = { line, character: found - lineStart };
          const end = { line, character: i - lineStart };
          out.push(new ArgumentClass(args.slice(found, i), { start, end }));
        }
        found = -1;
      }
      if (c === LF) {
        if (line < 0) {
          const at = doc.positionAt(offset);
          line = at.line;
          lineStart = -at.character;
        }
        line++;
        lineStart = i + 1;
      }
    }
    return out;
  };
}

/**
 * Whether arguments text is plain (see {@link readPlainArgumentsDirectly}): no CR and no `#`;
 * each escape character follows a blank and is followed by blanks then LF; each LF ends such a
 * continuation.
 */
function isPlainArgumentText(args: string, escape: number): boolean {
  if (escape < 0 || escape === SPACE || escape === TAB || escape === LF || escape === CR || escape === HASH) return false;
  for (let i = 0; i < args.length; i++) {
    const c = args.charCodeAt(i);
    if (c === CR || c === HASH || c === LF) return false;
    if (c !== escape) continue;
    const before = i > 0 ? args.charCodeAt(i - 1) : -1;
    if (before !== SPACE && before !== TAB) return false;
    let j = i + 1;
    while (j < args.length && (args.charCodeAt(j) === SPACE || args.charCodeAt(j) === TAB)) j++;
    if (j >= args.length || args.charCodeAt(j) !== LF) return false;
    // The LF of this continuation: the only kind of LF allowed.
    i = j;
  }
  return true;
}

/** Where the library's own `Util.isUTF8BOM` stays reachable (tests compare the two). */
export const LIBRARY_IS_BOM = Symbol.for('pydockerfile.libraryIsUtf8Bom');

/**
 * Every parse asks twice whether the text starts with a byte-order mark, each time by
 * UTF-8-encoding its first character into a fresh Buffer and a copy of it. The three bytes it
 * looks for (EF BB BF) are the encoding of U+FEFF and of nothing else, and a lone surrogate
 * encodes as EF BF BD: so for a string the answer is whether its first code unit is U+FEFF.
 */
export function readByteOrderMarkDirectly(): void {
  const util = Util as unknown as Record<string | symbol, unknown>;
  const original = util['isUTF8BOM'];
  if (util[LIBRARY_IS_BOM] !== undefined || typeof original !== 'function') return;
  util[LIBRARY_IS_BOM] = original;
  const library = original as (char: unknown) => boolean;
  util['isUTF8BOM'] = function isUTF8BOM(char: unknown): boolean {
    return typeof char === 'string' ? char.charCodeAt(0) === 0xfeff : library.call(Util, char);
  };
}

/** Where the library's own `Property.getValue` (static) stays reachable (tests compare the two). */
export const LIBRARY_PROPERTY_VALUE = Symbol.for('pydockerfile.libraryPropertyValue');

const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/**
 * Whether dockerfile-ast's `Property.getValue(text)` is `text` itself: it removes escapes,
 * quotes, leading blanks, and comment lines inside continuations (a `#` only starts one after
 * an escaped line break or leading blanks), and appends every other character one at a time.
 * Without an escape character, line break or quote, and with a first character that is no
 * blank, nothing is removed.
 */
function valueIsVerbatim(value: string, escape: number): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  if (first === SPACE || first === TAB) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === escape || c === CR || c === LF || c === DOUBLE_QUOTE || c === SINGLE_QUOTE) return false;
  }
  return true;
}

/**
 * Every ENV, ARG and LABEL name and value goes through `Property.getValue` while the
 * instruction is built, which rebuilds it a character at a time. For the common verbatim
 * case (see {@link valueIsVerbatim}) the text is the answer; anything else goes to the library.
 */
export function readVerbatimPropertyValuesDirectly(): void {
  const statics = Property as unknown as Record<string | symbol, unknown>;
  const original = statics['getValue'];
  if (statics[LIBRARY_PROPERTY_VALUE] !== undefined || typeof original !== 'function') return;
  statics[LIBRARY_PROPERTY_VALUE] = original;
  const library = original as (value: unknown, escapeChar: unknown) => string;
  statics['getValue'] = function getValue(value: unknown, escapeChar: unknown): string {
    if (typeof value === 'string' && typeof escapeChar === 'string' && escapeChar.length === 1 && valueIsVerbatim(value, escapeChar.charCodeAt(0))) return value;
    return library.call(Property, value, escapeChar);
  };
}
