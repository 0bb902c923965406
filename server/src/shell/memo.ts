// Per-command memoization: sixty rules ask the same questions about every simple command.
import type { SimpleCommand } from './parser';

/**
 * A hidden, non-enumerable slot on each command holding its memoized answers, one cell per
 * memoized function. A property read is much cheaper than a WeakMap lookup, and tens of
 * thousands of WeakMap entries (one per command of a large file) slow every garbage
 * collection down; non-enumerable, so deep equality and JSON see the command as parsed.
 */
const SLOT = Symbol('pydockerfile.commandMemo');

/** Each cell holds the answer itself, or nothing yet; an `undefined` answer is stored as this. */
type Cells = unknown[];
const UNDEFINED: unique symbol = Symbol('pydockerfile.undefinedAnswer');

let nextCell = 0;

function cellsOf(cmd: SimpleCommand): Cells {
  const holder = cmd as unknown as { [SLOT]?: Cells };
  let cells = holder[SLOT];
  if (cells === undefined) {
    cells = [];
    Object.defineProperty(cmd, SLOT, { value: cells });
  }
  return cells;
}

/**
 * Wraps `compute` so that each command object computes it once. A parsed command never
 * changes after the parser built it, so its answers can live as long as it does.
 */
export function perCommand<T>(compute: (cmd: SimpleCommand) => T): (cmd: SimpleCommand) => T {
  const cell = nextCell++;
  return (cmd) => {
    const known = cellsOf(cmd)[cell];
    // No wrapper object per answer: rules read tens of thousands of them per large file.
    if (known !== undefined) return (known === UNDEFINED ? undefined : known) as T;
    const value = compute(cmd);
    // Looked up again: computing may have memoized other answers on the same command.
    cellsOf(cmd)[cell] = value === undefined ? UNDEFINED : value;
    return value;
  };
}
