// Bundles the extension client, the language server and the CLI into single files.
// Usage: node esbuild.mjs [--production] [--watch]
//
// Next to server.js and cli.js go two files they read only when needed, which keeps start-up
// fast and the server bundle small: rule-docs.json (the rules' documentation text, shown by
// hovers, `pydockerfile rules` and SARIF) and yaml.js (the YAML parser, used for CI files).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Written next to the server and CLI bundles; server/src/knowledge/lazy-rule-docs.ts reads it. */
const RULE_DOCS_FILE = 'rule-docs.json';
/** The YAML parser's own bundle, next to the server and CLI bundles. */
const YAML_BUNDLE = 'yaml.js';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  // vscode-languageserver ships ESM-aware "main" fields; prefer the CommonJS builds.
  mainFields: ['module', 'main'],
};

/** The value of a docs literal, or undefined when it is not made of plain literals only. */
function literalValue(ts, node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literalValue(ts, node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalValue(ts, node.left);
    const right = literalValue(ts, node.right);
    return typeof left === 'string' && typeof right === 'string' ? left + right : undefined;
  }
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map((e) => literalValue(ts, e));
    return items.every((i) => i !== undefined) ? items : undefined;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const out = {};
    for (const p of node.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
      const value = literalValue(ts, p.initializer);
      if (value === undefined) return undefined;
      out[p.name.text] = value;
    }
    return out;
  }
  return undefined;
}

/**
 * Moves each rule's `docs` object literal out of the bundle into rule-docs.json: the literal
 * becomes a call that reads the file on first use. Docs built from anything but literals stay
 * inline (still correct, just not moved). Line breaks are kept so source maps stay right.
 */
function lazyRuleDocsPlugin(outfile) {
  return {
    name: 'lazy-rule-docs',
    setup(build) {
      const ts = require('typescript');
      const docs = new Map();
      build.onStart(() => docs.clear());
      build.onLoad({ filter: /[\\/]server[\\/]src[\\/]rules[\\/][^\\/]+\.ts$/ }, async (args) => {
        const source = await fs.promises.readFile(args.path, 'utf8');
        const file = ts.createSourceFile(args.path, source, ts.ScriptTarget.Latest, true);
        const replacements = [];
        const visit = (node) => {
          if (ts.isObjectLiteralExpression(node)) {
            const prop = (name) => node.properties.find((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name);
            const code = prop('code');
            const docsProp = prop('docs');
            const codeText = code && ts.isStringLiteral(code.initializer) ? code.initializer.text : undefined;
            const value = docsProp && ts.isObjectLiteralExpression(docsProp.initializer) ? literalValue(ts, docsProp.initializer) : undefined;
            if (codeText !== undefined && value !== undefined) {
              docs.set(codeText, value);
              replacements.push({ start: docsProp.initializer.getStart(file), end: docsProp.initializer.end, code: codeText, keys: Object.keys(value) });
            }
          }
          ts.forEachChild(node, visit);
        };
        visit(file);
        if (replacements.length === 0) return undefined;
        let contents = source;
        for (const r of replacements.sort((a, b) => b.start - a.start)) {
          const newlines = source.slice(r.start, r.end).split('\n').length - 1;
          contents = `${contents.slice(0, r.start)}__lazyRuleDocs(${JSON.stringify(r.code)}, ${JSON.stringify(r.keys)})${'\n'.repeat(newlines)}${contents.slice(r.end)}`;
        }
        // Imports are hoisted: appending keeps every line where it was.
        contents += `\nimport { lazyRuleDocs as __lazyRuleDocs } from '../knowledge/lazy-rule-docs';\n`;
        return { contents, loader: 'ts', resolveDir: path.dirname(args.path) };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        const table = Object.fromEntries([...docs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        fs.mkdirSync(path.dirname(outfile), { recursive: true });
        fs.writeFileSync(path.join(path.dirname(outfile), RULE_DOCS_FILE), `${JSON.stringify(table)}\n`);
      });
    },
  };
}

/**
 * Resolves `yaml` to a stand-in whose exports load yaml.js (next to the bundle) on first use:
 * only CI files need YAML, and most runs never read one.
 */
function lazyYamlPlugin() {
  const names = Object.keys(require('yaml'));
  const stub = [
    'let loaded;',
    `const load = () => (loaded ??= require(require('node:path').join(__dirname, ${JSON.stringify(YAML_BUNDLE)})));`,
    `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
  ].join('\n');
  return {
    name: 'lazy-yaml',
    setup(build) {
      build.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'lazy-yaml' }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-yaml' }, () => ({ contents: stub, loader: 'js' }));
    },
  };
}

/** Options of a server-side bundle (server or CLI) with its lazily read neighbours. */
function serverSide(entry, outfile) {
  return {
    ...common,
    entryPoints: [entry],
    outfile,
    banner: { js: '#!/usr/bin/env node' },
    plugins: [lazyRuleDocsPlugin(outfile), lazyYamlPlugin()],
    // The stand-in's require of yaml.js is meant to stay a runtime require.
    logOverride: { 'unsupported-require-call': 'silent' },
  };
}

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] },
  serverSide('server/src/server.ts', 'server/out/server.js'),
  serverSide('server/src/cli/main.ts', 'server/out/cli.js'),
  { ...common, sourcemap: false, entryPoints: [require.resolve('yaml')], outfile: `server/out/${YAML_BUNDLE}` },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[watch] build started');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
