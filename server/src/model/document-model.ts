// The parsed view of one Dockerfile text, shared by every rule and feature.
// Parsing happens once; shell ASTs are built lazily and memoized per instruction.
import { DockerfileParser, From, JSONInstruction, type Dockerfile, type Instruction } from 'dockerfile-ast';
import { logicalText } from '../shell/lexer';
import { parseShell, type ShellScript } from '../shell/parser';
import { parsePragmas, type Pragmas } from './pragmas';
import { buildStages, type Stage } from './stages';
import { Text, type Range } from './text';

/** One instruction with the offsets and stage it belongs to. */
export interface InstructionInfo {
  /** Position among all instructions. */
  index: number;
  /** Upper-case keyword as Docker understands it (`RUN`, `COPY`, …). */
  keyword: string;
  node: Instruction;
  range: Range;
  /** Document offsets of the instruction (end excludes the line terminator). */
  start: number;
  end: number;
  /** The stage, or null for ARGs before the first FROM. */
  stage: Stage | null;
}

export const KNOWN_KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

export class DocumentModel {
  readonly text: Text;
  readonly ast: Dockerfile;
  readonly escapeChar: string;
  readonly instructions: InstructionInfo[];
  readonly stages: Stage[];
  readonly pragmas: Pragmas;
  /** ARG defaults declared before the first FROM (used to resolve image references). */
  readonly globalArgs: Map<string, string>;
  private readonly shellCache = new Map<number, ShellScript | null>();

  constructor(content: string) {
    this.text = new Text(content);
    // dockerfile-ast does not know the byte-order mark; a space keeps every offset identical.
    const parseable = this.text.hasBom ? ' ' + content.slice(1) : content;
    this.ast = DockerfileParser.parse(parseable);
    this.escapeChar = this.ast.getEscapeCharacter();
    this.instructions = this.ast.getInstructions().map((node, index) => {
      const range = node.getRange();
      return {
        index,
        keyword: node.getKeyword().toUpperCase(),
        node,
        range,
        start: this.text.offsetAt(range.start),
        end: this.text.offsetAt(range.end),
        stage: null,
      };
    });
    this.globalArgs = new Map();
    for (const arg of this.ast.getInitialARGs()) {
      for (const prop of arg.getProperties()) {
        const value = prop.getValue();
        if (value !== null) this.globalArgs.set(prop.getName(), value);
      }
    }
    this.stages = buildStages(this);
    this.pragmas = parsePragmas(this);
  }

  get content(): string {
    return this.text.content;
  }

  get eol(): string {
    return this.text.eol;
  }

  /** The last stage (what `docker build` produces without `--target`), or null with no FROM. */
  get finalStage(): Stage | null {
    return this.stages[this.stages.length - 1] ?? null;
  }

  /** Instructions of a keyword, across all stages. */
  byKeyword(keyword: string): InstructionInfo[] {
    return this.instructions.filter((i) => i.keyword === keyword);
  }

  /**
   * True for CMD/ENTRYPOINT/RUN/SHELL written as a valid JSON array of strings. Docker drops
   * continuations and the comment lines inside them before parsing the JSON, and so do we.
   */
  isExecForm(info: InstructionInfo): boolean {
    if (!(info.node instanceof JSONInstruction) || info.node.getOpeningBracket() === null) return false;
    const first = info.node.getArguments()[0];
    if (!first) return false;
    const start = this.text.offsetAt(first.getRange().start);
    const joined = logicalText(this.content, start, info.end, this.escapeChar).chars.trim();
    if (!joined.startsWith('[') || !joined.endsWith(']')) return false;
    try {
      const parsed: unknown = JSON.parse(joined);
      return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string');
    } catch {
      return false;
    }
  }

  /**
   * The shell AST of a shell-form RUN, CMD or ENTRYPOINT (memoized), or null for exec form,
   * other instructions, and instructions without arguments. Heredoc RUNs are opaque.
   */
  shellOf(info: InstructionInfo): ShellScript | null {
    if (this.shellCache.has(info.index)) return this.shellCache.get(info.index) ?? null;
    const script = this.computeShell(info);
    this.shellCache.set(info.index, script);
    return script;
  }

  private computeShell(info: InstructionInfo): ShellScript | null {
    if (!['RUN', 'CMD', 'ENTRYPOINT'].includes(info.keyword)) return null;
    if (this.isExecForm(info)) return null;
    const args = info.node.getArguments();
    const first = args[0];
    if (!first) return null;
    const start = this.text.offsetAt(first.getRange().start);
    const heredocs = info.keyword === 'RUN' ? (info.node as unknown as { getHeredocs(): unknown[] }).getHeredocs() : [];
    if (heredocs.length > 0) {
      return { commands: [], opaque: [{ start, end: info.end, reason: 'heredoc' }], start, end: info.end };
    }
    return parseShell(this.content, start, info.end, this.escapeChar);
  }

  /** The instruction whose lines contain `line`, if any. */
  instructionAtLine(line: number): InstructionInfo | undefined {
    return this.instructions.find((i) => i.range.start.line <= line && line <= i.range.end.line);
  }

  /** Resolves `$NAME`/`${NAME}`/`${NAME:-default}` with the global ARG defaults. */
  resolveGlobal(value: string): string {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const v = this.globalArgs.get(name);
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      return whole;
    });
  }
}

/** Parses a document. Never throws for any string input. */
export function parseDocument(content: string): DocumentModel {
  return new DocumentModel(content);
}

export { From };
