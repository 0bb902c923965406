// Mutations of the rule fixtures (test/rules/*.md): real, annotated cases broken in the ways
// editors and users break files — lines deleted, duplicated or shuffled, a continuation cut in
// the middle, garbage typed in, a directive added, line endings or a byte-order mark changed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseFixture } from '../support/fixtures';
import { FIXTURE_DIR } from '../support/paths';
import { TRICKY_TEXT } from './generators';

/** One fixture case as mutation input: its Dockerfile and the context it was written for. */
export interface CorpusEntry {
  /** `<fixture file>:<line>` for messages. */
  origin: string;
  text: string;
  files: Record<string, string>;
  today: string;
}

const FIXTURE_TODAY = '2026-11-25';

/** Every case (and every expected `fixed` text) of every rule fixture. */
export function loadCorpus(): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (const name of fs.readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.md')).sort()) {
    let cases;
    try {
      cases = parseFixture(fs.readFileSync(path.join(FIXTURE_DIR, name), 'utf8'));
    } catch {
      // A fixture another engineer is still writing may not parse yet; the rule runner reports it.
      continue;
    }
    for (const c of cases) {
      const base = { files: c.options.files ?? {}, today: c.options.today ?? FIXTURE_TODAY };
      entries.push({ origin: `${name}:${c.sourceLine}`, text: c.text, ...base });
      if (c.fixed !== undefined) entries.push({ origin: `${name}:${c.sourceLine} (fixed)`, text: c.fixed, ...base });
      if (c.fixedUnsafe !== undefined) entries.push({ origin: `${name}:${c.sourceLine} (fixed-unsafe)`, text: c.fixedUnsafe, ...base });
    }
  }
  return entries;
}

/** One edit of a document's lines or characters; positions are fractions so they fit any document. */
export type Mutation =
  | { kind: 'delete-line'; at: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'swap-lines'; at: number; other: number }
  | { kind: 'shuffle-window'; at: number; size: number; seed: number }
  | { kind: 'cut-continuation'; at: number; inLine: number }
  | { kind: 'inject'; at: number; garbage: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'add-directive'; directive: string }
  | { kind: 'indent-line'; at: number; indent: string };

/** How a mutated document is finally written: line endings and byte-order mark. */
export interface Finish {
  eol: 'keep' | 'crlf' | 'mixed';
  bom: boolean;
}

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** Garbage: tricky characters, control characters, stray operators and partial syntax. */
const garbage: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...TRICKY_TEXT, '\u0007', '\u001b[0m', '\uFEFF', '\uFFFF', '<<EOF', '["', '\\\n', '`\n', '\n', '\r\n'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((s) => s.replace(/[\u0000\uFFFD]/g, '?')) },
  // Rarely: the characters that make the engine refuse the file (binary, mis-decoded).
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\uFFFD') },
);

/** One mutation. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete-line' as const), at: fraction }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate-line' as const), at: fraction }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('swap-lines' as const), at: fraction, other: fraction }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shuffle-window' as const), at: fraction, size: fc.integer({ min: 2, max: 6 }), seed: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cut-continuation' as const), at: fraction, inLine: fraction }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('inject' as const), at: fraction, garbage }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add-directive' as const), directive: fc.constantFrom('# escape=`', '# escape=\\', '# syntax=docker/dockerfile:1') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('indent-line' as const), at: fraction, indent: fc.constantFrom('  ', '\t', '    ', '\u00a0', '\u2028') }) },
);

export const finish: fc.Arbitrary<Finish> = fc.record({
  eol: fc.constantFrom('keep', 'keep', 'crlf', 'mixed') as fc.Arbitrary<Finish['eol']>,
  bom: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
});

const index = (at: number, length: number): number => Math.min(length - 1, Math.floor(at * length));

/** Applies one mutation to LF text (fixtures are LF; endings are decided by `finish`). */
export function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  switch (m.kind) {
    case 'delete-line':
      lines.splice(index(m.at, lines.length), 1);
      return lines.join('\n');
    case 'duplicate-line': {
      const i = index(m.at, lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'swap-lines': {
      const i = index(m.at, lines.length);
      const j = index(m.other, lines.length);
      const a = lines[i] ?? '';
      lines[i] = lines[j] ?? '';
      lines[j] = a;
      return lines.join('\n');
    }
    case 'shuffle-window': {
      const i = index(m.at, lines.length);
      const window = lines.slice(i, i + m.size);
      let seed = m.seed;
      for (let k = window.length - 1; k > 0; k--) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const r = seed % (k + 1);
        const t = window[k] as string;
        window[k] = window[r] as string;
        window[r] = t;
      }
      lines.splice(i, window.length, ...window);
      return lines.join('\n');
    }
    case 'cut-continuation': {
      // Cut the text inside the line after a continuation (or anywhere when there is none).
      const continued = lines.map((l, i) => ({ l, i })).filter(({ l }) => /[\\`]\s*$/.test(l));
      const target = continued.length > 0 ? (continued[index(m.at, continued.length)] as { i: number }).i + 1 : index(m.at, lines.length);
      const next = lines[target] ?? '';
      const kept = lines.slice(0, target);
      kept.push(next.slice(0, Math.floor(m.inLine * next.length)));
      return kept.join('\n');
    }
    case 'inject': {
      const at = Math.floor(m.at * (text.length + 1));
      return text.slice(0, at) + m.garbage + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, Math.floor(m.at * text.length));
    case 'add-directive':
      return `${m.directive}\n${text}`;
    case 'indent-line': {
      const i = index(m.at, lines.length);
      lines[i] = m.indent + (lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

/** Writes the mutated text with the chosen line endings and byte-order mark. */
export function applyFinish(text: string, f: Finish): string {
  let out = text;
  if (f.eol === 'crlf') out = out.replace(/\r?\n/g, '\r\n');
  else if (f.eol === 'mixed') {
    let n = 0;
    out = out.replace(/\r?\n/g, () => (n++ % 2 === 0 ? '\r\n' : '\n'));
  }
  if (f.bom && !out.startsWith('\uFEFF')) out = '\uFEFF' + out;
  return out;
}
