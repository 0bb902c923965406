// Inline suppression: `# pydockerfile ignore=…`, `# pydockerfile global ignore=…` and the
// hadolint spellings of both, which silence the rules that mirror a DL code.
import type { DocumentModel } from './document-model';

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

const PRAGMA_RE = /^#\s*(pydockerfile|hadolint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+?)\s*$/i;

export function parsePragmas(model: DocumentModel): Pragmas {
  const all: Pragma[] = [];
  const lines = model.text;
  // Instruction start lines, to find the instruction right below a comment block.
  const starts = model.instructions.map((i) => i.range.start.line);
  for (let line = 0; line < lines.lineCount; line++) {
    const text = lines.lineText(line).trim().replace(/^\uFEFF/, '');
    if (!text.startsWith('#')) continue;
    const m = PRAGMA_RE.exec(text);
    if (!m) continue;
    const tool = (m[1] as string).toLowerCase() as Pragma['tool'];
    const global = m[2] !== undefined;
    const codes = (m[3] as string).split(/[\s,]+/).filter((c) => c !== '').map((c) => c.toUpperCase());
    let instructionIndex = -1;
    if (!global) {
      // Only comment lines may sit between the pragma and its instruction.
      let next = line + 1;
      while (next < lines.lineCount && lines.lineText(next).trim().startsWith('#')) next++;
      instructionIndex = starts.indexOf(next);
    }
    all.push({ tool, global, codes, line, instructionIndex });
  }
  return {
    all,
    suppresses(code, hadolint, instructionIndex) {
      return all.some((p) => {
        if (!p.global && (instructionIndex === undefined || p.instructionIndex !== instructionIndex)) return false;
        if (p.tool === 'pydockerfile') return p.codes.includes(code) || p.codes.includes('ALL');
        return hadolint.some((dl) => p.codes.includes(dl));
      });
    },
  };
}
