// Inline suppression: `# pydockerfile ignore=…`, `# pydockerfile global ignore=…` and the
// hadolint spellings of both, which silence the rules that mirror a DL code.
import type { DocumentModel, InstructionInfo } from './document-model';

export interface Pragma {
  tool: 'pydockerfile' | 'hadolint';
  global: boolean;
  codes: string[];
  /** Zero-based line of the comment. */
  line: number;
  /** Index of the instruction it applies to (non-global only), or -1. */
  instructionIndex: number;
}

export interface Pragmas {
  all: Pragma[];
  /** True when `code` (or one of its hadolint codes) is silenced at the instruction. */
  suppresses(code: string, hadolint: readonly string[], instructionIndex: number | undefined): boolean;
}

// The codes group takes the rest of the line greedily (trimmed afterwards): a lazy group
// followed by `\s*$` backtracks cubically on a pragma followed by thousands of spaces.
const PRAGMA_RE = /^#\s*(pydockerfile|hadolint)\s+(global\s+)?ignore\s*=([A-Za-z0-9_,\s]*)$/i;

/**
 * Finds every ignore pragma of a document. Only lines holding a `#` are looked at, and
 * `suppresses` answers from an index, because lint asks once per finding.
 */
export function parsePragmas(model: DocumentModel): Pragmas {
  const all: Pragma[] = [];
  const lines = model.text;
  const content = lines.content;
  // The first instruction starting on `line`, to find the instruction right below a comment block.
  // Instructions come in document order, so a binary search needs no index of its own.
  const instructionStartingAt = (line: number): number => {
    const list = model.instructions;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as InstructionInfo).range.start.line < line) lo = mid + 1;
      else hi = mid;
    }
    const found = list[lo];
    return found !== undefined && found.range.start.line === line ? found.index : -1;
  };
  for (let hash = content.indexOf('#'); hash !== -1; ) {
    const line = lines.positionAt(hash).line;
    hash = content.indexOf('#', lines.nextLineStart(line));
    const text = lines.lineText(line).trim().replace(/^\uFEFF/, '');
    if (!text.startsWith('#')) continue;
    const m = PRAGMA_RE.exec(text);
    if (!m || m[3] === '') continue;
    const tool = (m[1] as string).toLowerCase() as Pragma['tool'];
    const global = m[2] !== undefined;
    const codes = (m[3] as string).split(/[\s,]+/).filter((c) => c !== '').map((c) => c.toUpperCase());
    let instructionIndex = -1;
    if (!global) {
      // Only comment lines may sit between the pragma and its instruction. A line the parser
      // read as an instruction is none, even if it looks like one once trimmed: `trim()` also
      // drops a byte-order mark, and `\uFEFF# …` in mid-file is an instruction to Docker.
      let next = line + 1;
      while (next < lines.lineCount && instructionStartingAt(next) < 0 && lines.lineText(next).trim().startsWith('#')) next++;
      instructionIndex = instructionStartingAt(next);
    }
    all.push({ tool, global, codes, line, instructionIndex });
  }
  const globals = all.filter((p) => p.global);
  const byInstruction = new Map<number, Pragma[]>();
  for (const p of all) {
    if (p.global) continue;
    const list = byInstruction.get(p.instructionIndex);
    if (list) list.push(p);
    else byInstruction.set(p.instructionIndex, [p]);
  }
  const silences = (p: Pragma, code: string, hadolint: readonly string[]): boolean => {
    if (p.tool === 'pydockerfile') return p.codes.includes(code) || p.codes.includes('ALL');
    return hadolint.some((dl) => p.codes.includes(dl));
  };
  return {
    all,
    suppresses(code, hadolint, instructionIndex) {
      if (all.length === 0) return false;
      if (globals.some((p) => silences(p, code, hadolint))) return true;
      if (instructionIndex === undefined) return false;
      return byInstruction.get(instructionIndex)?.some((p) => silences(p, code, hadolint)) ?? false;
    },
  };
}
