// Rule docs of the bundles: the text lives in rule-docs.json next to the bundle, read on first use.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuleDocs } from '../rules/types';

/** The file esbuild.mjs writes next to each bundle; the same name is used there. */
export const RULE_DOCS_FILE = 'rule-docs.json';

type DocsTable = Readonly<Record<string, Partial<RuleDocs>>>;

let table: DocsTable | undefined;

/**
 * The docs of every rule, read once. A missing or broken file (a packaging mistake) reads as
 * empty: hovers then lack the explanation, but linting and fixes keep working.
 */
function loadTable(): DocsTable {
  if (table) return table;
  try {
    // Bundled as CommonJS: __dirname is the folder of server.js / cli.js.
    table = JSON.parse(fs.readFileSync(path.join(__dirname, RULE_DOCS_FILE), 'utf8')) as DocsTable;
  } catch {
    table = {};
  }
  return table;
}

/** What a key reads as when the file is missing: text that says so, never a crash. */
function fallback(key: keyof RuleDocs): RuleDocs[keyof RuleDocs] {
  if (key === 'references') return [];
  if (key === 'exampleFiles' || key === 'useInsteadFiles') return {};
  return `The documentation of this rule is missing (${RULE_DOCS_FILE} was not found next to the program).`;
}

/**
 * Stands in for a rule's `docs` object literal in the bundles (esbuild.mjs replaces the literal
 * with a call): the same keys, whose values are read from {@link RULE_DOCS_FILE} when first
 * asked for. Bundles start faster and are a sixth smaller, since most runs never show docs.
 * @param code the rule's code, the key in the file
 * @param keys the keys the literal had, so `in`, `Object.keys` and truthiness checks behave alike
 */
export function lazyRuleDocs(code: string, keys: readonly (keyof RuleDocs)[]): RuleDocs {
  const docs = {};
  for (const key of keys) {
    Object.defineProperty(docs, key, {
      enumerable: true,
      configurable: true,
      get: () => loadTable()[code]?.[key] ?? fallback(key),
    });
  }
  return docs as RuleDocs;
}
