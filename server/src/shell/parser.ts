// Parses tokens into a flat list of simple commands joined by connectors.
// Compound commands (if/for/while/case), functions and arithmetic become opaque nodes that
// rules skip, and syntax errors set `error`: a false positive is worse than a missed finding.
import { logicalText, tokenize, type Operator, type Span, type Token, type Word } from './lexer';

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
  /**
   * Operator that follows this command, null for the last one. The last command of a
   * `( … )` or `{ …; }` group carries the operator that follows the group.
   */
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
  /**
   * Shell comments in the script. Docker joins continuation lines first, so text appended
   * after a comment would be commented out too. Absent for scripts that were not tokenized.
   */
  comments?: Span[];
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
  const script: ShellScript = { commands: [], opaque: [], start, end, comments: lexed.comments };
  if (lexed.error) {
    script.error = lexed.error;
    return script;
  }
  parseTokens(lexed.tokens, script);
  return script;
}

type PendingCommand = Omit<SimpleCommand, 'index' | 'connector' | 'connectorToken'>;

/** What just ended without being a simple command: its connector and redirections follow. */
interface Closed {
  /** Last simple command of a `( … )`/`{ …; }` group: it carries the group's connector. */
  tail: SimpleCommand | null;
  /** The opaque node of a compound command or function, extended over trailing redirections. */
  opaque: OpaqueNode | null;
}

interface Group {
  open: '(' | '{';
  /** Index in `script.commands` of the group's first command. */
  firstCommand: number;
}

/**
 * Builds the command list. Groups keep their commands (with `depth`), compound commands,
 * function definitions and arithmetic become opaque nodes, and anything the grammar does not
 * allow sets `script.error`.
 */
function parseTokens(tokens: Token[], script: ShellScript): void {
  new CommandListParser(tokens, script).run();
}

class CommandListParser {
  private readonly groups: Group[] = [];
  private current: PendingCommand | null = null;
  private closed: Closed | null = null;
  private negateNext = false;
  /** True after `&&`, `||`, `|` or `|&`: a command must follow. */
  private expectCommand = false;
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly script: ShellScript,
  ) {}

  run(): void {
    for (this.i = 0; this.i < this.tokens.length; this.i++) {
      const tok = this.tokens[this.i] as Token;
      const ok = tok.kind === 'op' ? this.operator(tok) : this.word(tok);
      if (!ok) return;
    }
    this.finish(null);
    if (this.expectCommand) {
      const last = this.script.commands[this.script.commands.length - 1];
      return fail(this.script, `dangling \`${last?.connector ?? '&&'}\``, this.script.end);
    }
    if (this.groups.length !== 0) fail(this.script, 'unbalanced group', this.script.end);
  }

  /** Handles an operator token; false stops parsing (error or heredoc). */
  private operator(tok: Operator): boolean {
    if (isConnector(tok.op)) return this.connector(tok, tok.op);
    if (tok.op === '(') return this.openParen(tok);
    if (tok.op === ')') {
      this.finish(null);
      return this.closeGroup('(', tok.start);
    }
    if (tok.op === ';;') return this.error('`;;` outside case', tok.start);
    if (tok.op === '<<' || tok.op === '<<-') {
      this.script.opaque.push({ start: tok.start, end: this.script.end, reason: 'heredoc' });
      this.finish(null);
      return false;
    }
    // A redirection: the next word is its target.
    const next = this.tokens[this.i + 1];
    const target = next && next.kind === 'word' ? next : null;
    if (target) this.i++;
    if (this.current === null && this.closed !== null) {
      // `( … ) > log` or `fi > log`: the redirection belongs to what just closed.
      if (this.closed.opaque) this.closed.opaque.end = target ? target.end : tok.end;
      return true;
    }
    const cmd = this.current ?? this.startCommand(tok.start);
    cmd.redirects.push({ op: tok, target });
    cmd.end = target ? target.end : tok.end;
    return true;
  }

  private connector(tok: Operator, op: Connector): boolean {
    if (this.current !== null) {
      this.finish(tok);
    } else if (this.closed !== null) {
      // `( … ) && next`: the group's last command carries the connector.
      const { tail } = this.closed;
      if (tail) {
        tail.connector = op;
        tail.connectorToken = tok;
      }
      this.closed = null;
    } else {
      return this.error(`unexpected \`${op}\``, tok.start);
    }
    this.expectCommand = op !== ';' && op !== '&';
    return true;
  }

  private openParen(tok: Operator): boolean {
    if (this.current !== null) {
      const end = functionEnd(this.tokens, this.i, this.current);
      if (end === -1) return this.error('unexpected `(`', tok.start);
      if (end >= this.tokens.length) return this.error('unterminated function body', tok.start);
      this.current = null;
      this.addOpaque(this.tokens[this.i - 1] as Token, end, 'function definition');
      return true;
    }
    if (this.closed !== null) return this.error('unexpected `(`', tok.start);
    const next = this.tokens[this.i + 1];
    if (next?.kind === 'op' && next.op === '(' && next.start === tok.end) {
      // `(( … ))` arithmetic: not a command list (`( (` with a blank is a nested subshell).
      const close = matchingParen(this.tokens, this.i);
      if (close >= this.tokens.length) return this.error('unterminated `((`', tok.start);
      this.addOpaque(tok, close, 'arithmetic command');
      return true;
    }
    this.groups.push({ open: '(', firstCommand: this.script.commands.length });
    this.expectCommand = false;
    return true;
  }

  /** Handles a word token; false stops parsing. */
  private word(tok: Word): boolean {
    if (this.current === null) {
      const reserved = !tok.quoted;
      if (reserved && tok.value === '}') {
        this.finish(null);
        return this.closeGroup('{', tok.start);
      }
      if (this.closed !== null) return this.error(`unexpected \`${tok.value}\` after a group`, tok.start);
      if (reserved && tok.value === '!') {
        this.negateNext = true;
        return true;
      }
      if (reserved && tok.value === '{') {
        this.groups.push({ open: '{', firstCommand: this.script.commands.length });
        this.expectCommand = false;
        return true;
      }
      if (reserved && COMPOUND_OPEN.has(tok.value)) {
        const end = skipCompound(this.tokens, this.i);
        if (end >= this.tokens.length) return this.error(`unterminated \`${tok.value}\``, tok.start);
        this.addOpaque(tok, end, `\`${tok.value}\` compound command`);
        return true;
      }
      const cmd = this.startCommand(tok.start);
      if (reserved && tok.value === '[[') return this.testCommand(cmd);
    }
    const cmd = this.current as PendingCommand;
    if (cmd.words.length === 0 && ASSIGNMENT_RE.test(tok.raw)) cmd.assignments.push(tok);
    else cmd.words.push(tok);
    cmd.end = tok.end;
    return true;
  }

  /** `[[ … ]]` is one test command, even though `&&`, `||`, `<` and `(` appear inside. */
  private testCommand(cmd: PendingCommand): boolean {
    const open = this.i;
    const close = this.tokens.findIndex((t, k) => k > open && t.kind === 'word' && !t.quoted && t.value === ']]');
    if (close === -1) return this.error('unterminated `[[`', cmd.start);
    for (let k = open; k <= close; k++) {
      const t = this.tokens[k] as Token;
      if (t.kind === 'word') cmd.words.push(t);
    }
    cmd.end = (this.tokens[close] as Token).end;
    this.i = close;
    return true;
  }

  private finish(connector: Operator | null): void {
    if (this.current === null) return;
    const conn = connector && isConnector(connector.op) ? connector.op : null;
    const c = this.current;
    // A literal, not a spread: V8 gives spread objects a shape on which the memo slot that
    // shell/memo.ts adds later takes the slow path (about ten times slower per command).
    this.script.commands.push({
      assignments: c.assignments,
      words: c.words,
      redirects: c.redirects,
      start: c.start,
      end: c.end,
      depth: c.depth,
      negated: c.negated,
      index: this.script.commands.length,
      connector: conn,
      connectorToken: conn ? connector : null,
    });
    this.current = null;
  }

  private startCommand(at: number): PendingCommand {
    this.current = emptyCommand(at, this.groups.length, this.negateNext);
    this.negateNext = false;
    this.expectCommand = false;
    this.closed = null;
    return this.current;
  }

  private closeGroup(open: Group['open'], at: number): boolean {
    const group = this.groups[this.groups.length - 1];
    if (this.expectCommand || group === undefined || group.open !== open) {
      return this.error(open === '(' ? 'unbalanced parenthesis' : 'unbalanced brace', at);
    }
    this.groups.pop();
    const last = this.script.commands[this.script.commands.length - 1];
    this.closed = { tail: last !== undefined && last.index >= group.firstCommand ? last : null, opaque: null };
    return true;
  }

  /** Records an opaque node from `startTok` to the token at `endIndex` and moves past it. */
  private addOpaque(startTok: Token, endIndex: number, reason: string): void {
    const node: OpaqueNode = { start: startTok.start, end: (this.tokens[endIndex] as Token).end, reason };
    this.script.opaque.push(node);
    this.negateNext = false;
    this.expectCommand = false;
    this.closed = { tail: null, opaque: node };
    this.i = endIndex;
  }

  private error(reason: string, at: number): false {
    fail(this.script, reason, at);
    return false;
  }
}

function emptyCommand(start: number, depth: number, negated: boolean): PendingCommand {
  return { assignments: [], words: [], redirects: [], start, end: start, depth, negated };
}

function isConnector(op: string): op is Connector {
  return op === '&&' || op === '||' || op === ';' || op === '|' || op === '|&' || op === '&';
}

function fail(script: ShellScript, reason: string, at: number): void {
  script.error = reason;
  script.opaque.push({ start: at, end: script.end, reason });
}

/**
 * For `name() body` with the `(` at `open`, returns the index of the body's last token
 * (`tokens.length` when the body never closes), or -1 when this is not a function definition.
 */
function functionEnd(tokens: Token[], open: number, pending: PendingCommand): number {
  const close = tokens[open + 1];
  const body = tokens[open + 2];
  if (pending.words.length !== 1 || pending.assignments.length > 0 || pending.redirects.length > 0) return -1;
  if (close?.kind !== 'op' || close.op !== ')' || body === undefined) return -1;
  if (body.kind === 'op') return body.op === '(' ? matchingParen(tokens, open + 2) : -1;
  if (body.quoted) return -1;
  if (body.value === '{') return skipBraces(tokens, open + 2);
  if (COMPOUND_CLOSE[body.value] !== undefined) return skipCompound(tokens, open + 2);
  return -1;
}

/** Index of the `)` that balances the `(` at `open` (or `tokens.length`). */
function matchingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.kind !== 'op') continue;
    if (tok.op === '(') depth++;
    if (tok.op === ')' && --depth === 0) return i;
  }
  return tokens.length;
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
