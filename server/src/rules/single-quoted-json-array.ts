// PYD402: an exec-form array written with single quotes, which Docker does not read as JSON.
import type { Healthcheck } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { TextEdit } from '../model/text';
import { logicalText, type LogicalText } from '../shell/lexer';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import type { Fix } from './types';

const JSON_KEYWORDS = new Set(['CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'HEALTHCHECK']);

/** One element of a bracketed list, with logical-text indices (end exclusive). */
interface Element {
  kind: 'single' | 'double' | 'bare';
  /** The string value for quoted elements (quotes removed, JSON escapes decoded). */
  value: string;
  start: number;
  end: number;
}

/** A bracketed list as written, and whether its syntax is clean enough to rewrite. */
interface BracketList {
  elements: Element[];
  /** Logical indices of `[` and just past `]`. */
  open: number;
  close: number;
  /** Every element is a quoted string and the separators are single commas. */
  wellFormed: boolean;
}

/** Document offset where the array would start, skipping flags (and `CMD` of HEALTHCHECK). */
function argumentStart(model: DocumentModel, info: InstructionInfo): number | null {
  if (info.keyword === 'HEALTHCHECK') {
    const sub = (info.node as Healthcheck).getSubcommand();
    if (!sub || sub.getValue().toUpperCase() !== 'CMD') return null;
    return model.text.offsetAt(sub.getRange().end);
  }
  const first = info.node.getArguments()[0];
  return first ? model.text.offsetAt(first.getRange().start) : null;
}

/** Scans `[ … , … ]` leniently: quoted strings of either kind, or bare text up to a comma. */
function scanList(chars: string): BracketList | null {
  const open = chars.search(/\S/);
  let close = chars.length;
  while (close > 0 && /\s/.test(chars[close - 1] as string)) close--;
  if (open < 0 || chars[open] !== '[' || chars[close - 1] !== ']' || close - open < 2) return null;
  const elements: Element[] = [];
  let wellFormed = true;
  let i = open + 1;
  const last = close - 1;
  const skipBlanks = (): void => {
    while (i < last && /\s/.test(chars[i] as string)) i++;
  };
  skipBlanks();
  while (i < last) {
    const element = scanElement(chars, i, last);
    if (!element) return { elements, open, close, wellFormed: false };
    elements.push(element);
    if (element.kind === 'bare') wellFormed = false;
    i = element.end;
    skipBlanks();
    if (i >= last) break;
    // Without commas this is not a list (`RUN [ 'a' = 'b' ]` is the shell's test command).
    if (chars[i] !== ',') return null;
    i++;
    skipBlanks();
    // A trailing comma is not JSON either.
    if (i >= last) wellFormed = false;
  }
  return { elements, open, close, wellFormed: wellFormed && elements.length > 0 };
}

/** True when the text parses as a JSON array (then Docker reads it as exec form). */
function isJsonArray(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed);
  } catch {
    return false;
  }
}

function scanElement(chars: string, from: number, limit: number): Element | null {
  const quote = chars[from];
  if (quote === "'") {
    const end = chars.indexOf("'", from + 1);
    if (end < 0 || end >= limit) return null;
    return { kind: 'single', value: chars.slice(from + 1, end), start: from, end: end + 1 };
  }
  if (quote === '"') {
    let j = from + 1;
    while (j < limit && chars[j] !== '"') j += chars[j] === '\\' ? 2 : 1;
    if (j >= limit) return null;
    try {
      const value: unknown = JSON.parse(chars.slice(from, j + 1));
      return typeof value === 'string' ? { kind: 'double', value, start: from, end: j + 1 } : null;
    } catch {
      return null;
    }
  }
  let j = from;
  while (j < limit && chars[j] !== ',') j++;
  let end = j;
  while (end > from && /\s/.test(chars[end - 1] as string)) end--;
  return end > from ? { kind: 'bare', value: chars.slice(from, end), start: from, end } : null;
}

/** Document offsets of a logical span (end exclusive). */
function documentSpan(text: LogicalText, start: number, end: number): { start: number; end: number } {
  return { start: text.offsets[start] as number, end: (text.offsets[end - 1] as number) + 1 };
}

function fixFor(model: DocumentModel, text: LogicalText, list: BracketList): Fix | null {
  if (!list.wellFormed) return null;
  const edits: TextEdit[] = [];
  for (const element of list.elements) {
    if (element.kind !== 'single') continue;
    const span = documentSpan(text, element.start, element.end);
    // A quote that spans a continuation line is too unusual to rewrite blindly.
    if (/[\r\n]/.test(model.content.slice(span.start, span.end))) return null;
    edits.push(replaceSpan(model, span.start, span.end, JSON.stringify(element.value)));
  }
  return { title: 'Use double quotes', applicability: 'safe', edits };
}

function messageFor(keyword: string): string {
  if (keyword === 'SHELL') return 'Single quotes are not valid JSON, so Docker rejects this `SHELL` array';
  const where = keyword === 'HEALTHCHECK' ? '`HEALTHCHECK CMD`' : `\`${keyword}\``;
  return `Single quotes are not valid JSON, so Docker runs this ${where} in shell form as literal text`;
}

export default defineRule({
  code: 'PYD402',
  name: 'single-quoted-json-array',
  title: 'Write exec-form arrays with double quotes',
  category: 'runtime',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes: 'Flags `CMD`, `ENTRYPOINT`, `RUN`, `SHELL` and `HEALTHCHECK CMD` arguments that look like an exec-form array but use single quotes, such as `CMD [\'myapp\']`. The fix rewrites every single-quoted element with double quotes; it is offered when every element is a quoted string.',
    whyItMatters: 'The exec form must be valid JSON, and JSON strings only use double quotes. Docker does not report the mistake: it falls back to the shell form and runs `/bin/sh -c "[\'myapp\']"`, so the container fails at start with a "not found" error (and `SHELL` refuses the instruction). Python list syntax makes this an easy slip.',
    example: 'FROM python:3.12-slim-bookworm\nCMD [\'python\', \'-m\', \'myapp\']',
    useInstead: 'FROM python:3.12-slim-bookworm\nCMD ["python", "-m", "myapp"]',
    references: [
      'https://docs.docker.com/reference/dockerfile/#shell-and-exec-form',
      'https://docs.docker.com/reference/dockerfile/#cmd',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const info of model.instructions) {
      if (!JSON_KEYWORDS.has(info.keyword)) continue;
      // A single-quoted element needs `[` and `'` in the source: skip the scans of every
      // ordinary shell-form RUN.
      const raw = model.content.slice(info.start, info.end);
      if (!raw.includes('[') || !raw.includes("'") || model.isExecForm(info)) continue;
      const start = argumentStart(model, info);
      if (start === null || start >= info.end) continue;
      const text = logicalText(model.content, start, info.end, model.escapeChar);
      const list = scanList(text.chars);
      if (!list || !list.elements.some((e) => e.kind === 'single')) continue;
      // Valid JSON after all (a `'` inside a double-quoted string): not this rule's business.
      if (isJsonArray(text.chars.slice(list.open, list.close))) continue;
      const span = documentSpan(text, list.open, list.close);
      const fix = fixFor(model, text, list);
      ctx.report({
        range: model.text.rangeOf(span.start, span.end),
        message: messageFor(info.keyword),
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
});
