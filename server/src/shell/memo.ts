// Per-command memoization: sixty rules ask the same questions about every simple command.
import type { ApkCommand, AptCommand } from './apt';
import type { Word } from './lexer';
import type { SimpleCommand } from './parser';
import type { PipInstall } from './pip';

/**
 * The memoized answers of one command (`undefined`: not asked yet). The questions most rules
 * ask about every command have a field each, read by a function of their own: the one reader
 * every {@link perCommand} function shares sees every kind of answer and was the largest part
 * of several rules' loops. Every instance gets every field at construction, so all memos share
 * one shape.
 */
export class CommandMemo {
  effectiveWords: Word[] | undefined = undefined;
  programName: string | undefined = undefined;
  pipInstall: PipInstall | null | undefined = undefined;
  aptCommand: AptCommand | null | undefined = undefined;
  apkCommand: ApkCommand | null | undefined = undefined;
  /** Answers of the {@link perCommand} functions, one cell each; made when the first is asked. */
  cells: unknown[] | undefined = undefined;
}

/**
 * A hidden, non-enumerable slot on each command holding its memo. A property read is much
 * cheaper than a WeakMap lookup, and tens of thousands of WeakMap entries (one per command of a
 * large file) slow every garbage collection down; non-enumerable, so deep equality and JSON see
 * the command as parsed.
 */
const SLOT = Symbol('pydockerfile.commandMemo');

/**
 * The memo of a command, made on first use. A parsed command never changes after the parser
 * built it, so its answers can live as long as it does.
 */
export function memoOf(cmd: SimpleCommand): CommandMemo {
  const known = (cmd as unknown as { [SLOT]?: CommandMemo })[SLOT];
  if (known !== undefined) return known;
  const memo = new CommandMemo();
  Object.defineProperty(cmd, SLOT, { value: memo });
  return memo;
}

/** Each cell holds the answer itself, or nothing yet; an `undefined` answer is stored as this. */
const UNDEFINED: unique symbol = Symbol('pydockerfile.undefinedAnswer');

let nextCell = 0;

/**
 * Wraps `compute` so that each command object computes it once (for questions without a field
 * of their own in {@link CommandMemo}).
 */
export function perCommand<T>(compute: (cmd: SimpleCommand) => T): (cmd: SimpleCommand) => T {
  const cell = nextCell++;
  return (cmd) => {
    const memo = memoOf(cmd);
    const known = memo.cells?.[cell];
    // No wrapper object per answer: rules read tens of thousands of them per large file.
    if (known !== undefined) return (known === UNDEFINED ? undefined : known) as T;
    const value = compute(cmd);
    // Sized for every memoized function up front (they are all made when their modules load):
    // an empty array grown by one late index would reserve a dozen spare slots per command.
    (memo.cells ??= new Array<unknown>(nextCell))[cell] = value === undefined ? UNDEFINED : value;
    return value;
  };
}
