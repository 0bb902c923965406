// Parses tokens into a flat list of simple commands joined by connectors.
// Compound commands (if/for/while/case, functions) become opaque nodes that rules skip:
// a false positive is worse than a missed finding.
import { logicalText, tokenize, type Operator, type Token, type Word } from './lexer';

export type Connector = '&&' | '||' | ';' | '|' | '|&' | '&';

export interface Redirect {
  op: Operator;
  target: Word | null;
}

export interface SimpleCommand {
  /** Position in `ShellScript.commands`. */
  index: number;
  /** Leading `NAME=value` words. */
  assignments: Word[];
  /** The command words (argv), without assignments and redirections. */
  words: Word[];
  redirects: Redirect[];
  /** Document offsets covering the whole command (assignments, words, redirections). */
  start: number;
  end: number;
  /** Operator that follows this command, null for the last one. */
  connector: Connector | null;
  /** The connector token itself (null for the last command). */
  connectorToken: Operator | null;
  /** Nesting depth inside `( … )` or `{ …; }`. */
  depth: number;
  negated: boolean;
}

export interface OpaqueNode {
  start: number;
  end: number;
  reason: string;
}

export interface ShellScript {
  commands: SimpleCommand[];
  opaque: OpaqueNode[];
  /** A lexing/parsing problem: commands may be incomplete, so rules should stay silent. */
  error?: string;
  /** Document offsets of the script text. */
  start: number;
  end: number;
}

const COMPOUND_OPEN = new Set(['if', 'for', 'while', 'until', 'case', 'select', 'function']);
const COMPOUND_CLOSE: Record<string, string> = { if: 'fi', for: 'done', while: 'done', until: 'done', case: 'esac', select: 'done' };
const ASSIGNMENT_RE = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/** Parses the document text between `start` and `end` as a POSIX shell script. */
export function parseShell(doc: string, start: number, end: number, escapeChar: string): ShellScript {
  const logical = logicalText(doc, start, end, escapeChar);
  const lexed = tokenize(logical);
  const script: ShellScript = { commands: [], opaque: [], start, end };
  if (lexed.error) {
    script.error = lexed.error;
    return script;
  }
  parseTokens(lexed.tokens, script);
  return script;
}

function parseTokens(tokens: Token[], script: ShellScript): void {
  let depth = 0;
  let current: Omit<SimpleCommand, 'index' | 'connector' | 'connectorToken'> | null = null;
  let negateNext = false;

  const finish = (connector: Operator | null): void => {
    if (current === null) return;
    const conn = connector && isConnector(connector.op) ? connector.op : null;
    script.commands.push({ ...current, index: script.commands.length, connector: conn, connectorToken: conn ? connector : null });
    current = null;
  };

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.kind === 'op') {
      if (isConnector(tok.op)) {
        finish(tok);
        continue;
      }
      if (tok.op === '(') {
        if (current !== null) {
          // `name() { … }` defines a function: not a simple command.
          return fail(script, 'function definition', tok.start);
        }
        depth++;
        continue;
      }
      if (tok.op === ')') {
        finish(null);
        depth--;
        if (depth < 0) return fail(script, 'unbalanced parenthesis', tok.start);
        continue;
      }
      if (tok.op === ';;') return fail(script, '`;;` outside case', tok.start);
      if (tok.op === '<<' || tok.op === '<<-') {
        script.opaque.push({ start: tok.start, end: script.end, reason: 'heredoc' });
        finish(null);
        return;
      }
      // A redirection: the next word is its target.
      const next = tokens[i + 1];
      const target = next && next.kind === 'word' ? next : null;
      if (target) i++;
      if (current === null) current = emptyCommand(tok.start, depth, negateNext);
      negateNext = false;
      current.redirects.push({ op: tok, target });
      current.end = target ? target.end : tok.end;
      continue;
    }
    // A word.
    if (current === null) {
      if (tok.value === '!' && !tok.quoted) {
        negateNext = true;
        continue;
      }
      if (tok.value === '{' && !tok.quoted) {
        depth++;
        continue;
      }
      if (tok.value === '}' && !tok.quoted) {
        depth--;
        if (depth < 0) return fail(script, 'unbalanced brace', tok.start);
        continue;
      }
      if (COMPOUND_OPEN.has(tok.value) && !tok.quoted) {
        const endIndex = skipCompound(tokens, i);
        const last = tokens[endIndex] ?? tokens[tokens.length - 1];
        script.opaque.push({ start: tok.start, end: last ? last.end : tok.end, reason: `\`${tok.value}\` compound command` });
        if (endIndex >= tokens.length) return;
        i = endIndex;
        continue;
      }
      current = emptyCommand(tok.start, depth, negateNext);
      negateNext = false;
    }
    if (current.words.length === 0 && ASSIGNMENT_RE.test(tok.raw)) {
      current.assignments.push(tok);
    } else {
      current.words.push(tok);
    }
    current.end = tok.end;
  }
  finish(null);
  if (depth !== 0) fail(script, 'unbalanced group', script.end);
}

function emptyCommand(start: number, depth: number, negated: boolean): Omit<SimpleCommand, 'index' | 'connector' | 'connectorToken'> {
  return { assignments: [], words: [], redirects: [], start, end: start, depth, negated };
}

function isConnector(op: string): op is Connector {
  return op === '&&' || op === '||' || op === ';' || op === '|' || op === '|&' || op === '&';
}

function fail(script: ShellScript, reason: string, at: number): void {
  script.error = reason;
  script.opaque.push({ start: at, end: script.end, reason });
}

/** Returns the index of the token that closes the compound command opened at `from`. */
function skipCompound(tokens: Token[], from: number): number {
  const stack: string[] = [];
  for (let i = from; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.kind !== 'word' || tok.quoted) continue;
    const closer = COMPOUND_CLOSE[tok.value];
    if (closer !== undefined && isCommandPosition(tokens, i)) stack.push(closer);
    else if (tok.value === 'function' && i === from) {
      // `function name { … }`: skip to the closing brace.
      return skipBraces(tokens, i);
    } else if (stack.length > 0 && tok.value === stack[stack.length - 1] && isCommandPosition(tokens, i)) {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  return tokens.length;
}

function skipBraces(tokens: Token[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.kind !== 'word' || tok.quoted) continue;
    if (tok.value === '{') depth++;
    if (tok.value === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length;
}

/** A keyword counts only where a command can start (after an operator or another keyword). */
function isCommandPosition(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1];
  if (prev === undefined) return true;
  if (prev.kind === 'op') return isConnector(prev.op) || prev.op === ';;' || prev.op === '(' || prev.op === ')';
  return ['then', 'do', 'else', 'elif', 'in', '{', '}', 'fi', 'done', 'esac', '!'].includes(prev.value) || prev.value.endsWith(')');
}
