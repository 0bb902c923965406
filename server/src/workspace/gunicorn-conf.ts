// gunicorn.conf.py read as data: top-level `name = value` assignments only, never executed.

/** One top-level assignment of a gunicorn configuration file. */
export interface ConfAssignment {
  name: string;
  /** The expression as written (continuation lines of brackets joined with spaces). */
  expression: string;
  /** The literal string value (`"0.0.0.0:8000"`, or the first string of a list), or null. */
  string: string | null;
  /** The literal integer value, or null. */
  number: number | null;
  /** Zero-based line and columns of the whole assignment's first line. */
  line: number;
  start: number;
  end: number;
}

/** A parsed gunicorn configuration file. */
export interface GunicornConf {
  /** Assignments in file order; a later one for the same name wins. */
  assignments: ConfAssignment[];
  /** The last assignment of a setting, or undefined. */
  get(name: string): ConfAssignment | undefined;
}

const ASSIGNMENT_RE = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[^=]+)?=(?!=)\s*(.*)$/;

/** Drops a trailing `# comment` that is not inside a string literal. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

function bracketBalance(text: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
  }
  return depth;
}

/** The value of a plain string literal (optionally inside a one-element list), or null. */
function literalString(expression: string): string | null {
  const m = /^\[?\s*(?:[rRuU])?(["'])([^"'\\]*)\1\s*,?\s*\]?$/.exec(expression);
  if (!m) return null;
  // A list must be closed when it was opened.
  if (expression.startsWith('[') !== expression.endsWith(']')) return null;
  return m[2] as string;
}

/**
 * Reads the top-level assignments of a gunicorn config file. Indented lines (inside `if`,
 * functions) and anything computed are kept as expressions, so rules can tell a literal from
 * a value only known when gunicorn runs.
 */
export function parseGunicornConf(text: string): GunicornConf {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const assignments: ConfAssignment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const m = ASSIGNMENT_RE.exec(stripComment(raw).trimEnd());
    if (!m) continue;
    const line = i;
    let expression = (m[2] as string).trim();
    // Brackets left open continue on the next lines (bounded, a broken file must not hang us).
    for (let extra = 0; bracketBalance(expression) > 0 && extra < 50 && i + 1 < lines.length; extra++) {
      expression = `${expression} ${stripComment(lines[++i] as string).trim()}`;
    }
    expression = expression.replace(/\\$/, '').trim();
    const number = /^\d+$/.test(expression) ? Number(expression) : null;
    assignments.push({ name: m[1] as string, expression, string: literalString(expression), number, line, start: 0, end: raw.trimEnd().length });
  }
  return {
    assignments,
    get(name) {
      return assignments.filter((a) => a.name === name).pop();
    },
  };
}
