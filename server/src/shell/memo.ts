// Per-command memoization: sixty rules ask the same questions about every simple command.
import type { SimpleCommand } from './parser';

/**
 * A hidden, non-enumerable slot on each command holding its memoized answers, one cell per
 * memoized function. A property read is much cheaper than a WeakMap lookup, and tens of
 * thousands of WeakMap entries (one per command of a large file) slow every garbage
 * collection down; non-enumerable, so deep equality and JSON see the command as parsed.
 */
const SLOT = Symbol('pydockerfile.commandMemo');

type Cells = { value: unknown }[];

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
    const cells = cellsOf(cmd);
    const known = cells[cell];
    if (known !== undefined) return known.value as T;
    const value = compute(cmd);
    cells[cell] = { value };
    return value;
  };
}
