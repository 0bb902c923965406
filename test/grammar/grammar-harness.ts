// Runs the vscode-tmgrammar-test cases of test/grammar/cases against our injection grammar on top of a
// chosen `source.dockerfile` base grammar (our stand-in in `npm test`, VS Code's own in the e2e job).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (this file runs from out/test/grammar/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The stand-in base grammar used where VS Code's is not installed (see test/grammar/README.md). */
export const STAND_IN_BASE_GRAMMAR = path.join(REPO_ROOT, 'test', 'grammar', 'dockerfile-base.tmLanguage.json');

/** Glob of the scope-assertion files, relative to the repository root. */
export const CASES_GLOB = 'test/grammar/cases/*.test.dockerfile';

/** One `contributes.grammars` entry of package.json, as far as grammar tests need it. */
export interface GrammarContribution {
  path: string;
  scopeName: string;
  language?: string;
  injectTo?: string[];
}

/** What one run of vscode-tmgrammar-test reported. */
export interface GrammarRun {
  status: number | null;
  output: string;
  /** Case files reported as passing (`✓ <file> run successfuly.`). */
  passed: string[];
}

/**
 * The grammars our package.json contributes, read from the manifest itself so the tests
 * exercise the contribution VS Code sees (path, scope name, `injectTo`), not a copy of it.
 */
export function contributedGrammars(): GrammarContribution[] {
  const manifest: unknown = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const grammars = isRecord(manifest) && isRecord(manifest['contributes']) ? manifest['contributes']['grammars'] : undefined;
  if (!Array.isArray(grammars)) throw new Error('package.json contributes no grammars');
  return grammars.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry['path'] !== 'string' || typeof entry['scopeName'] !== 'string') {
      throw new Error(`package.json has a malformed grammar contribution: ${JSON.stringify(entry)}`);
    }
    const injectTo = entry['injectTo'];
    return {
      path: path.resolve(REPO_ROOT, entry['path']),
      scopeName: entry['scopeName'],
      ...(Array.isArray(injectTo) ? { injectTo: injectTo.filter((scope): scope is string => typeof scope === 'string') } : {}),
    };
  });
}

/**
 * Writes a vscode-tmgrammar-test configuration (package.json-shaped) into a fresh temporary
 * folder: `baseGrammar` as `source.dockerfile` plus `grammars` (absolute paths). The tool joins
 * each path to the configuration's folder, so the paths are written relative to it.
 */
export function writeGrammarConfig(baseGrammar: string, grammars: readonly GrammarContribution[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-grammar-'));
  const relative = (file: string): string => path.relative(dir, file).split(path.sep).join('/');
  const config = {
    contributes: {
      grammars: [
        { language: 'dockerfile', scopeName: 'source.dockerfile', path: relative(baseGrammar) },
        ...grammars.map((grammar) => ({ ...grammar, path: relative(grammar.path) })),
      ],
    },
  };
  const file = path.join(dir, 'grammars.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Runs vscode-tmgrammar-test with `configFile` over every case file. */
export function runGrammarCases(configFile: string): GrammarRun {
  const cli = require.resolve('vscode-tmgrammar-test/dist/unit.js');
  const result = spawnSync(process.execPath, [cli, '--config', configFile, CASES_GLOB], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  const passed = [...output.matchAll(/✓ (\S+) run successfuly/g)].map((match) => match[1] ?? '');
  return { status: result.status, output, passed };
}

/** Writes a temporary configuration for `baseGrammar` + `grammars`, runs every case, removes it. */
export function runGrammarCasesOn(baseGrammar: string, grammars: readonly GrammarContribution[]): GrammarRun {
  const configFile = writeGrammarConfig(baseGrammar, grammars);
  try {
    return runGrammarCases(configFile);
  } finally {
    fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
  }
}

/** The case files, relative to the repository root (as the tool prints them). */
export function caseFiles(): string[] {
  const dir = path.join(REPO_ROOT, 'test', 'grammar', 'cases');
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.dockerfile'))
    .sort()
    .map((name) => `test/grammar/cases/${name}`);
}

/** Every scope name a grammar can assign (rule names, capture names, content names). */
export function scopesAssignedBy(grammar: unknown): Set<string> {
  const scopes = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'name' || key === 'contentName') && typeof value === 'string') {
        for (const scope of value.split(/\s+/)) if (scope !== '') scopes.add(scope);
      } else {
        visit(value);
      }
    }
  };
  // The top-level `name` is the grammar's display name, not a scope.
  if (isRecord(grammar)) for (const [key, value] of Object.entries(grammar)) if (key !== 'name') visit(value);
  return scopes;
}

/** Scopes a case file REQUIRES somewhere (the part of an assertion before ` - `). */
export function requiredScopesIn(caseText: string): Set<string> {
  const scopes = new Set<string>();
  for (const line of caseText.split(/\r?\n/).slice(1)) {
    const assertion = /^#\s*(?:(?:\^+\s*)+|<~*-+)(.*)$/.exec(line);
    if (!assertion) continue;
    const words = (assertion[1] ?? '').trim().split(/\s+/);
    for (const word of words) {
      if (word === '-') break;
      if (word !== '') scopes.add(word);
    }
  }
  return scopes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
