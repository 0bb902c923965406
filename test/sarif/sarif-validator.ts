// Validates SARIF logs against the official SARIF 2.1.0 JSON schema (see README.md for its source).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { REPO_ROOT } from '../support/paths';

/** The schema file in the test tree. */
export const SARIF_SCHEMA_FILE = path.join(REPO_ROOT, 'test', 'sarif', 'sarif-schema-2.1.0.json');

/** RFC 3339 date-time, as JSON Schema's `date-time` format requires. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

let compiled: ValidateFunction | undefined;

/** The compiled validator (compiled once per test process). */
export function sarifValidator(): ValidateFunction {
  if (compiled) return compiled;
  const schema: unknown = JSON.parse(fs.readFileSync(SARIF_SCHEMA_FILE, 'utf8'));
  // The schema's patterns are ECMA-262 expressions without the `u` flag (see README.md).
  const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => {
    try {
      // An absolute URI: a scheme, and something URL can parse.
      return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && new URL(value).href.length > 0;
    } catch {
      return false;
    }
  });
  // A URI reference (RFC 3986): no spaces or other characters that must be percent-encoded.
  ajv.addFormat('uri-reference', (value: string) => /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/.test(value) && !/%(?![0-9A-Fa-f]{2})/.test(value));
  ajv.addFormat('date-time', (value: string) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
  compiled = ajv.compile(schema as object);
  return compiled;
}

/** The schema errors of a log, one line each; empty when it is valid. */
export function sarifErrors(log: unknown): string[] {
  const validate = sarifValidator();
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}
