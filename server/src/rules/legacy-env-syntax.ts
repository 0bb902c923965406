// PYD412: `ENV key value` / `LABEL key value` written in the legacy form without `=`.
import type { Property } from 'dockerfile-ast';
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import type { Fix } from './types';

/** The rewritten `KEY=value` text, or null when the rewrite cannot be proven equivalent. */
function modernForm(name: string, rawValue: string, escapeChar: string): string | null {
  // Docker splits the legacy form at the first blank of the raw text, so a quoted or escaped
  // name does not mean what it seems; an unbalanced quote is broken either way.
  if (!/^[^\s"'`\\=]+$/.test(name) || !quotesBalanced(rawValue, escapeChar)) return null;
  const hasQuote = /["']/.test(rawValue);
  const hasEscape = rawValue.includes('\\') || rawValue.includes(escapeChar);
  if (!/\s/.test(rawValue)) {
    // One word either way: Docker applies the same quote and escape processing to both forms.
    return `${name}=${rawValue}`;
  }
  if (!hasQuote && !hasEscape) {
    // The legacy value keeps its inner whitespace verbatim; double quotes do the same while
    // still expanding `$VAR`, so `a $B c` and `"a $B c"` mean the same thing.
    return `${name}="${rawValue}"`;
  }
  if (!hasEscape && isOneQuotedWord(rawValue)) {
    // `"Jane Doe"` is already one word: only the `=` is missing.
    return `${name}=${rawValue}`;
  }
  return null;
}

/** True when every quote opened in the raw value is closed again. */
function quotesBalanced(raw: string, escapeChar: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === escapeChar && quote !== "'") i++;
    else if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = null;
  }
  return quote === null;
}

/** True for `"…"` or `'…'` with no other quote of that kind inside. */
function isOneQuotedWord(raw: string): boolean {
  const quote = raw[0];
  if ((quote !== '"' && quote !== "'") || raw.length < 2 || !raw.endsWith(quote)) return false;
  return !raw.slice(1, -1).includes(quote);
}

/** The legacy property of an ENV/LABEL instruction, or null when it uses `=` (or is broken). */
function legacyProperty(info: InstructionInfo): Property | null {
  const props = propertiesOf(info);
  const first = props[0];
  // Docker decides by the first word: without `=` the rest of the line is one value.
  // A first property without any value is a syntax error that Docker reports itself.
  if (!first || first.getAssignmentOperator() !== null || first.getValue() === null) return null;
  return props.length === 1 ? first : null;
}

function fixFor(model: DocumentModel, prop: Property): Fix | null {
  const valueRange = prop.getValueRange();
  if (!valueRange) return null;
  const range = prop.getRange();
  // Rewriting across continuation lines could drop comments or change joined whitespace.
  if (range.start.line !== valueRange.end.line) return null;
  const start = model.text.offsetAt(prop.getNameRange().start);
  const end = model.text.offsetAt(valueRange.end);
  const rawValue = model.content.slice(model.text.offsetAt(valueRange.start), end);
  const modern = modernForm(model.content.slice(start, model.text.offsetAt(prop.getNameRange().end)), rawValue, model.escapeChar);
  if (modern === null) return null;
  return { title: `Rewrite as \`${modern}\``, applicability: 'safe', edits: [replaceSpan(model, start, end, modern)] };
}

export default defineRule({
  code: 'PYD412',
  name: 'legacy-env-syntax',
  title: 'Write `ENV` and `LABEL` as `KEY=value`',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes: 'Flags `ENV` and `LABEL` instructions written in the legacy `KEY value` form, without `=`. The fix inserts the `=` and wraps a value that contains spaces in double quotes. It is offered only when the value fits on one line and the rewrite provably keeps the same value (values mixing spaces with quotes or escapes are left to you).',
    whyItMatters: 'In the legacy form everything after the first space is one value, so `ENV APP_ENV dev mode` silently sets `APP_ENV` to `dev mode`, while the `KEY=value` form sets several variables in one instruction and makes each value explicit. Docker documents the legacy form as deprecated and BuildKit warns about it (`LegacyKeyValueFormat`) on every build.',
    example: 'FROM python:3.12-slim-bookworm\nENV APP_ENV production\nLABEL maintainer "Data team <data@example.com>"',
    useInstead: 'FROM python:3.12-slim-bookworm\nENV APP_ENV=production\nLABEL maintainer="Data team <data@example.com>"',
    references: [
      'https://docs.docker.com/reference/dockerfile/#env',
      'https://docs.docker.com/reference/dockerfile/#label',
      'https://docs.docker.com/reference/build-checks/legacy-key-value-format/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const info of model.instructions) {
      if (info.keyword !== 'ENV' && info.keyword !== 'LABEL') continue;
      const prop = legacyProperty(info);
      if (!prop) continue;
      const fix = fixFor(model, prop);
      const name = prop.getName();
      ctx.report({
        range: prop.getRange(),
        message: `Legacy \`${info.keyword} ${name} value\` syntax; use \`${name}=value\``,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
});
