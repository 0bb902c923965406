// TOML reading through smol-toml, with errors turned into one-line reasons.

/** The part of smol-toml's API we use. */
interface SmolToml {
  parse(text: string): Record<string, unknown>;
}

// smol-toml is an ES module with a CommonJS build; a typed `require` reaches the CommonJS one
// from our CommonJS output (a static import would not type-check under node16 resolution).
const toml = require('smol-toml') as SmolToml;

/** A parsed document or the reason it could not be parsed. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses TOML; a syntax error becomes `invalid TOML at line L, column C: <what>`. */
export function parseToml(text: string): Parsed<Record<string, unknown>> {
  try {
    return { ok: true, value: toml.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    return { ok: false, error: describeTomlError(error) };
  }
}

function describeTomlError(error: unknown): string {
  if (!(error instanceof Error)) return 'invalid TOML';
  const { line, column } = error as Error & { line?: unknown; column?: unknown };
  const what = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/i, '').trim();
  const where = typeof line === 'number' && typeof column === 'number' ? ` at line ${line}, column ${column}` : '';
  return `invalid TOML${where}${what ? `: ${what}` : ''}`;
}

/** A record value, or undefined. */
export function table(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) ? (value as Record<string, unknown>) : undefined;
}

/** A string value, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The strings of an array value (other elements skipped), or an empty list. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
