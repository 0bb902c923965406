// Spares dockerfile-ast work its parser repeats: the throw-away instruction it builds for every
// line just to look for heredocs, and the stage ranges it recomputes for every comment.
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

/**
 * At the end of a parse, dockerfile-ast hands every comment to the stage whose lines contain
 * it, asking every stage for its range once per comment; each answer is built from the stage's
 * first and last instruction, which never change while comments are handed out. The same
 * assignment, same order and same containment test (the library's own), with each range
 * computed once: on long files this was a tenth of the parse.
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
    for (const comment of comments) {
      if (Util.isInsideRange(comment.getRange().end, initialRange)) {
        this.initialInstructions.addComment(comment);
        continue;
      }
      this.buildStages.forEach((stage, k) => {
        if (Util.isInsideRange(comment.getRange().start, stageRanges[k] as Range)) stage.addComment(comment);
      });
    }
  };
}
