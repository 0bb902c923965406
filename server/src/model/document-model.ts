// The parsed view of one Dockerfile text, shared by every rule and feature.
// Parsing happens once; shell ASTs are built lazily and memoized per instruction.
import { DockerfileParser, From, Instruction, JSONInstruction, type Dockerfile, type Property, type PropertyInstruction } from 'dockerfile-ast';
import { logicalOffset, logicalText } from '../shell/lexer';
import { parseShell, type ShellScript } from '../shell/parser';
import { organizeCommentsOnce, readByteOrderMarkDirectly, readPlainArgumentsDirectly, readVerbatimPropertyValuesDirectly, skipNeedlessHeredocProbes } from './parse-speedups';
import { parsePragmas, type Pragmas } from './pragmas';
import { buildStages, type Stage } from './stages';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { dockerTrim, dockerTrimBounds, hasTrimmedWordChar, isDockerSpace, Text, type Range } from './text';

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

/** The `name=value` properties of an ENV, ARG or LABEL instruction; none for other keywords. */
export function propertiesOf(info: InstructionInfo): Property[] {
  const node = info.node as Partial<Pick<PropertyInstruction, 'getProperties'>>;
  return typeof node.getProperties === 'function' ? node.getProperties() : [];
}

/** What `byKeyword` answers for a keyword no instruction has. */
const NONE: readonly InstructionInfo[] = Object.freeze([]);

/** Read once: a bundled import is a getter call on every use, and every RUN/CMD/COPY asks. */
const JSON_INSTRUCTION = JSONInstruction;

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
  /** `shellOf` per instruction index (undefined: not asked yet); an array, as rules ask per RUN many times. */
  private shellCache: (ShellScript | null | undefined)[] | undefined;
  /** `isExecForm` per instruction index: shell parsing and several rules all ask. */
  private execFormCache: (boolean | undefined)[] | undefined;
  /** Instructions per keyword, built on first use (rules ask per stage and per instruction). */
  private keywordIndex: Map<string, InstructionInfo[]> | undefined;
  /** Line → index of the first instruction covering it (-1 for none), built on first use. */
  private lineIndex: Int32Array | undefined;

  constructor(content: string) {
    // dockerfile-ast does not know the byte-order mark; a space keeps every offset identical.
    const { parseable, parsed } = parseWithGoIndents(content.charCodeAt(0) === 0xfeff ? ' ' + content.slice(1) : content);
    // The parsed copy has the same length and line breaks: its line index serves the text too.
    this.text = new Text(content, parsedDocument(parsed, parseable));
    this.ast = parseWithBuildKitDirectives(parsed, parseable, this.text);
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
  byKeyword(keyword: string): readonly InstructionInfo[] {
    if (!this.keywordIndex) {
      this.keywordIndex = new Map();
      for (const info of this.instructions) {
        const list = this.keywordIndex.get(info.keyword);
        if (list) list.push(info);
        else this.keywordIndex.set(info.keyword, [info]);
      }
    }
    // The shared list, read-only: callers walk or filter it, and a copy per call cost more.
    return this.keywordIndex.get(keyword) ?? NONE;
  }

  /**
   * True for CMD/ENTRYPOINT/RUN/SHELL written as a valid JSON array of strings. Docker drops
   * continuations and the comment lines inside them before parsing the JSON, and so do we.
   */
  isExecForm(info: InstructionInfo): boolean {
    const own = this.instructions[info.index] === info;
    const cache = (this.execFormCache ??= new Array<boolean | undefined>(this.instructions.length).fill(undefined));
    const known = own ? cache[info.index] : undefined;
    if (known !== undefined) return known;
    const result = this.computeExecForm(info);
    if (own) cache[info.index] = result;
    return result;
  }

  private computeExecForm(info: InstructionInfo): boolean {
    if (!(info.node instanceof JSON_INSTRUCTION) || info.node.getOpeningBracket() === null) return false;
    const first = info.node.getArguments()[0];
    if (!first) return false;
    const start = this.text.offsetAt(first.getRange().start);
    // Without an escape character there is no continuation to drop: the text is its own logical text.
    const raw = this.content.slice(start, info.end);
    // Trimmed as BuildKit trims before it tries JSON: `["app"]<NEL>` is exec form, `["app"]<BOM>` is not.
    const joined = dockerTrim(raw.indexOf(this.escapeChar) < 0 ? raw : logicalText(this.content, start, info.end, this.escapeChar).chars);
    if (!joined.startsWith('[') || !joined.endsWith(']')) return false;
    return isJsonStringArray(joined);
  }

  /**
   * The shell AST of a shell-form RUN, CMD or ENTRYPOINT (memoized), or null for exec form,
   * other instructions, and instructions without arguments. Heredoc RUNs are opaque.
   */
  shellOf(info: InstructionInfo): ShellScript | null {
    const cache = (this.shellCache ??= new Array<ShellScript | null | undefined>(this.instructions.length).fill(undefined));
    const known = cache[info.index];
    if (known !== undefined) return known;
    const script = this.computeShell(info);
    cache[info.index] = script;
    return script;
  }

  private computeShell(info: InstructionInfo): ShellScript | null {
    if (info.keyword !== 'RUN' && info.keyword !== 'CMD' && info.keyword !== 'ENTRYPOINT') return null;
    if (this.isExecForm(info)) return null;
    const args = info.node.getArguments();
    const first = args[0];
    if (!first) return null;
    const start = this.text.offsetAt(first.getRange().start);
    // Every heredoc starts with `<<`; asking dockerfile-ast costs a full rescan of the RUN.
    const mayHaveHeredoc = info.keyword === 'RUN' && this.content.slice(start, info.end).includes('<<');
    const heredocs = mayHaveHeredoc ? (info.node as unknown as { getHeredocs(): unknown[] }).getHeredocs() : [];
    if (heredocs.length > 0) {
      return { commands: [], opaque: [{ start, end: info.end, reason: 'heredoc' }], start, end: info.end };
    }
    const span = this.dockerTrimmed(start, info.end);
    return span ? parseShell(this.content, span.start, span.end, this.escapeChar) : null;
  }

  /**
   * The part of `[start, end)` that BuildKit hands to the shell: it trims the joined arguments
   * with Go's `strings.TrimSpace`, which also drops NBSP, NEL and other Unicode spaces that the
   * shell would keep as (part of) a word. Null when nothing is left.
   */
  private dockerTrimmed(start: number, end: number): { start: number; end: number } | null {
    // Almost every instruction: no such character, and the shell drops blanks itself.
    if (!hasTrimmedWordChar(this.content.slice(start, end))) return { start, end };
    const text = logicalText(this.content, start, end, this.escapeChar);
    const bounds = dockerTrimBounds(text.chars);
    return bounds ? { start: logicalOffset(text, bounds.start), end: logicalOffset(text, bounds.end - 1) + 1 } : null;
  }

  /** The instruction whose lines contain `line`, if any. */
  instructionAtLine(line: number): InstructionInfo | undefined {
    // Every finding asks this (pragma lookup), so a linear scan here made lint quadratic.
    if (!Number.isInteger(line)) return this.instructions.find((i) => i.range.start.line <= line && line <= i.range.end.line);
    const index = this.lineIndex ?? this.buildLineIndex();
    if (line < 0 || line >= index.length) return undefined;
    const at = index[line] ?? -1;
    return at < 0 ? undefined : this.instructions[at];
  }

  /** Maps each line to the first instruction whose lines contain it, as a linear scan would. */
  private buildLineIndex(): Int32Array {
    let last = -1;
    for (const info of this.instructions) last = Math.max(last, info.range.end.line);
    const index = new Int32Array(last + 1).fill(-1);
    for (const info of this.instructions) {
      const from = Math.max(info.range.start.line, 0);
      for (let line = from; line <= info.range.end.line; line++) if (index[line] === -1) index[line] = info.index;
    }
    this.lineIndex = index;
    return index;
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

const MEMOIZED = Symbol.for('pydockerfile.memoizedInstructionScans');

/**
 * dockerfile-ast getters that rescan an instruction's text on every call, and that only
 * depend on that text (fixed when the instruction is constructed).
 */
const RESCANNING_GETTERS = ['getRawArguments', 'getHeredocs', 'getRawArgumentsContent', 'getArgumentsContent'] as const;

/**
 * Makes dockerfile-ast remember its argument scans per instruction. Its parser builds each
 * instruction twice (once to look for heredocs), and every JSON-capable instruction scans
 * its arguments three times while being built; then every rule that asks scans again. The
 * library already memoizes `getFlags` and `getProperties` the same way. Lists still come
 * back as fresh arrays (the library itself `shift()`s flags off them). If a future version
 * renames these methods, nothing is patched and only speed is lost.
 */
function memoizeInstructionScans(): void {
  const proto = Instruction.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[MEMOIZED] === true) return;
  proto[MEMOIZED] = true;
  RESCANNING_GETTERS.forEach((name, cell) => {
    const original = proto[name];
    if (typeof original !== 'function') return;
    proto[name] = function memoized(this: Record<symbol, unknown>): unknown {
      const cells = scanCells(this);
      let value = cells[cell];
      if (value === NOT_SCANNED) {
        value = scanSafely(name, original as () => unknown, this);
        cells[cell] = value;
      }
      return Array.isArray(value) ? value.slice() : value;
    };
  });
}

/**
 * A hidden symbol-keyed property on the instance: rules call these in hot loops, and a
 * property read is much cheaper than a WeakMap lookup. Non-enumerable, so JSON, deep
 * equality and `Object.keys` see the node exactly as dockerfile-ast built it. One slot holding
 * every getter's cell (rather than one slot per getter, added in whatever order rules call
 * them) keeps the instances' shapes few, so the read stays fast.
 */
const SCANS = Symbol('pydockerfile.instructionScans');
const NOT_SCANNED: unique symbol = Symbol('pydockerfile.notScanned');

function scanCells(node: Record<symbol, unknown>): unknown[] {
  let cells = node[SCANS] as unknown[] | undefined;
  if (cells === undefined) {
    cells = RESCANNING_GETTERS.map(() => NOT_SCANNED);
    Object.defineProperty(node, SCANS, { value: cells });
  }
  return cells;
}

/**
 * dockerfile-ast's `getHeredocs()` throws a TypeError on an escape character followed by a
 * lone CR (found by the property suites). A heredoc scan that fails means "no heredocs we can
 * read": answering an empty list lets every rule go on instead of crashing on the instruction.
 */
function scanSafely(name: string, scan: () => unknown, node: unknown): unknown {
  if (name !== 'getHeredocs') return scan.call(node);
  try {
    return scan.call(node);
  } catch {
    return [];
  }
}

// First, so that the memo wraps the direct reading.
readPlainArgumentsDirectly();
memoizeInstructionScans();
skipNeedlessHeredocProbes();
organizeCommentsOnce();
readByteOrderMarkDirectly();
readVerbatimPropertyValuesDirectly();

/** A parser directive as BuildKit reads it: `# name=value`, the name one word. */
const BUILDKIT_DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
/**
 * Whether a line has the form of a parser directive (`# name=value`, leading blanks allowed),
 * known or not. Such a line at the top of a file is read as a directive; anywhere else, or after
 * a line that is none, it is a comment: deleting the lines above it can turn it into one.
 */
export function readsLikeParserDirective(line: string): boolean {
  return BUILDKIT_DIRECTIVE.test(line.replace(/^\s+/, ''));
}

/** The directives BuildKit knows; an unknown one ends the directives like any comment. */
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

/** One parser directive BuildKit honours: its name (lower case), value and where its line starts. */
interface HonouredDirective {
  name: string;
  value: string;
  offset: number;
}

/**
 * The parser directives BuildKit honours in `text`, in order: the lines at the very top of the
 * form `# name=value` with a known name, up to the first line that is not one. Docker splits
 * lines at LF only.
 */
function honouredDirectiveLines(text: string): HonouredDirective[] {
  const out: HonouredDirective[] = [];
  let start = 0;
  while (start <= text.length) {
    const lf = text.indexOf('\n', start);
    const end = lf < 0 ? text.length : lf;
    // BuildKit drops a byte-order mark only where the text starts; elsewhere (`  \uFEFF# escape=`)
    // it is no white space to Go, so the line is no directive (JavaScript's `\s` would skip it).
    // The white space before the `#` is Go's `unicode.IsSpace`, which has NEL and `\s` has not.
    let raw = text.slice(start, end);
    if (start === 0 && raw.startsWith('\uFEFF')) raw = raw.slice(1);
    let indent = 0;
    while (indent < raw.length && isDockerSpace(raw[indent] as string)) indent++;
    const m = BUILDKIT_DIRECTIVE.exec(raw.slice(indent).replace(/\r$/, ''));
    const name = m ? (m[1] as string).toLowerCase() : undefined;
    if (!m || name === undefined || !KNOWN_DIRECTIVES.has(name)) break;
    out.push({ name, value: m[2] as string, offset: start });
    if (lf < 0) break;
    start = lf + 1;
  }
  return out;
}

/**
 * The parser directives BuildKit honours in `text`, name (lower case) → value: the lines at the
 * very top of the form `# name=value` with a known name, up to the first line that is not one.
 * Docker splits lines at LF only.
 */
export function honouredDirectives(text: string): Map<string, string> {
  return new Map(honouredDirectiveLines(text).map((d): [string, string] => [d.name, d.value]));
}

/**
 * `ast` (the parse of `parseable`), or a parse with the escape character BuildKit would use
 * when that differs. dockerfile-ast keeps reading directives after a comment BuildKit does not
 * take for one (`# pydockerfile ignore=…`, `# foo=bar`), and it skips an invalid `# escape=x`
 * to take a later escape line, so such a line would switch the escape character for us but not
 * for Docker. The escape lines that BuildKit does not honour are re-parsed as plain comments
 * (their `=` blanked in the parsed copy only, so every offset stays the same).
 */
function parseWithBuildKitDirectives(ast: Dockerfile, parseable: string, text: Text): Dockerfile {
  const escapes = ast.getDirectives().filter((d) => d.getName().toLowerCase() === 'escape');
  if (escapes.length === 0) return ast;
  // The escape character BuildKit reads: the first honoured `escape` directive's. A value other
  // than `` ` `` or `\\`, or a second `escape` directive, fails the build; the default `\\` is the
  // best reading of such a file, and a later `escape` line never counts.
  const honoured = honouredDirectiveLines(parseable).find((d) => d.name === 'escape');
  const wanted = honoured?.value === '`' ? '`' : '\\';
  if (ast.getEscapeCharacter() === wanted) return ast;
  // The escape line BuildKit honours (if valid) stays; every other one dockerfile-ast read goes.
  // (Compared by line of the text, which also breaks at a lone CR: Docker's lines do not.)
  const kept = wanted === '`' && honoured ? text.positionAt(honoured.offset).line : undefined;
  let copy = parseable;
  for (const directive of escapes) {
    const line = directive.getRange().start.line;
    if (line === kept) continue;
    const eq = copy.indexOf('=', text.lineStart(line));
    if (eq >= 0) copy = copy.slice(0, eq) + ' ' + copy.slice(eq + 1);
  }
  const reparsed = DockerfileParser.parse(copy);
  // Should dockerfile-ast still disagree (it reads directives its own way), the first parse stays.
  return reparsed.getEscapeCharacter() === wanted ? reparsed : ast;
}

/**
 * The parse of `parseable`, with the white space BuildKit strips in front of an instruction
 * blanked first where dockerfile-ast would not: BuildKit trims a line's leading `unicode.IsSpace`
 * characters (NBSP, NEL, U+2028, …), dockerfile-ast only blanks and tabs, so to it
 * `<U+2028># escape=\`` was an instruction named ` #` (a false PYD003 error, the escape
 * directive missed, and an ignore pragma above it pushed the directive out of the directives)
 * and `<NBSP>RUN …` no RUN at all. Only lines where dockerfile-ast starts an instruction are
 * touched (continuation lines keep such characters for BuildKit too), each character becomes
 * one space, so every offset stays; blanking can turn a line into a comment or end a
 * continuation, so the parse is repeated until it has nothing left to blank.
 */
function parseWithGoIndents(text: string): { parseable: string; parsed: Dockerfile } {
  let parseable = text;
  let parsed = DockerfileParser.parse(parseable);
  // Nearly every file: none of those characters anywhere, and nothing to do.
  if (!hasTrimmedWordChar(text)) return { parseable, parsed };
  for (let round = 0; round < 8; round++) {
    const lines = new Text(parseable, parsedDocument(parsed, parseable));
    let blanked = parseable;
    for (const node of parsed.getInstructions()) {
      const start = lines.offsetAt(node.getRange().start);
      let end = start;
      while (end < blanked.length && blanked[end] !== '\n' && blanked[end] !== '\r' && isDockerSpace(blanked[end] as string)) end++;
      if (end > start) blanked = blanked.slice(0, start) + ' '.repeat(end - start) + blanked.slice(end);
    }
    if (blanked === parseable) break;
    parseable = blanked;
    parsed = DockerfileParser.parse(parseable);
  }
  return { parseable, parsed };
}

/**
 * The line-indexed document dockerfile-ast parsed (a private field of its Dockerfile), when it
 * is there and holds exactly `parseable`; otherwise undefined and the text indexes itself.
 */
function parsedDocument(ast: Dockerfile, parseable: string): TextDocument | undefined {
  const doc = (ast as unknown as { document?: Partial<TextDocument> }).document;
  if (!doc || typeof doc.getText !== 'function' || typeof doc.offsetAt !== 'function' || typeof doc.positionAt !== 'function') return undefined;
  return doc.getText() === parseable ? (doc as TextDocument) : undefined;
}

/** JSON's blanks: space, tab, LF, CR. */
function isJsonBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

const HEX4 = /^[0-9A-Fa-f]{4}$/;

/**
 * Whether `text` is a JSON array of strings: what `JSON.parse(text)` being an array of strings
 * means, read without building it. Invalid JSON (single quotes, a missing comma) is common in
 * Dockerfiles, and `JSON.parse` answers it with a SyntaxError, whose stack trace cost more than
 * all of the rest of the exec-form test.
 */
export function isJsonStringArray(text: string): boolean {
  const n = text.length;
  let i = 0;
  while (i < n && isJsonBlank(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x5b) return false;
  i++;
  while (i < n && isJsonBlank(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 0x5d) i++;
  else {
    for (;;) {
      // One string: `"`, then characters (no control character) or escapes, then `"`.
      if (text.charCodeAt(i) !== 0x22) return false;
      i++;
      for (;;) {
        if (i >= n) return false;
        const c = text.charCodeAt(i);
        if (c === 0x22) break;
        if (c < 0x20) return false;
        if (c !== 0x5c) {
          i++;
          continue;
        }
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else return false;
      }
      i++;
      while (i < n && isJsonBlank(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      i++;
      if (next === 0x5d) break;
      if (next !== 0x2c) return false;
      while (i < n && isJsonBlank(text.charCodeAt(i))) i++;
    }
  }
  while (i < n && isJsonBlank(text.charCodeAt(i))) i++;
  return i === n;
}

/** Parses a document. Never throws for any string input. */
export function parseDocument(content: string): DocumentModel {
  return new DocumentModel(content);
}

export { From };
