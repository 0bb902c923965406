// Bundles the extension client, the language server and the CLI into single files.
// Usage: node esbuild.mjs [--production] [--watch]
//
// Next to server.js and cli.js go files they read only when needed, which keeps start-up
// fast and the server bundle small: rule-docs.json (the rules' documentation text, shown by
// hovers, `pydockerfile rules` and SARIF), yaml.js (the YAML parser, used for CI files), and
// for the server optimize.js and hover-knowledge.js (see ON_DEMAND).
//
// The default build (npm's `prepare`, `npm run build`: what the npm package, the CLI and
// editors other than VS Code run) puts the server and the CLI in server-bundle.js and
// cli-bundle.js, each with a V8 code cache made by running it on a sample workload; server.js
// and cli.js are small entries that compile their bundle with that cache (server/src/boot/).
// The production build is the VS Code extension's: Electron's V8 would reject any cache made
// with Node.js, so there server.js and cli.js are the bundles themselves.
import * as esbuild from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

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
  // Minified except while watching (debugging): the default build's server bundle is half the
  // text to read at every start (`initialize` 3 to 5 ms sooner in three interleaved runs of 21
  // starts), and its linked source map still gives stack traces of the sources with
  // --enable-source-maps.
  minify: production || !watch,
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

/**
 * Parts of the language server that only some requests need, each bundled into its own file
 * next to the server bundle and loaded on first use: the Optimize rewrite (the Optimize command)
 * and the environment-variable and package-flag tables (hovers). A part holds only its own
 * modules (`owns`); whatever else it imports (model, shell parser, rules, packages) it gets
 * from the server bundle that loads it, so there is one copy of each module and of its state.
 */
const ON_DEMAND = [
  { file: 'optimize.js', entry: 'server/src/engine/optimize.ts', owns: ['server/src/engine/optimize.ts', 'server/src/optimize/'] },
  { file: 'hover-knowledge.js', entry: 'server/src/knowledge/lookup.ts', owns: ['server/src/knowledge/lookup.ts', 'server/src/knowledge/env-vars.ts', 'server/src/knowledge/package-flags.ts'] },
];

/** The checkout the sources really are in (esbuild reports resolved paths, symlinks followed). */
const SOURCE_ROOT = path.dirname(path.dirname(fs.realpathSync('server/src')));
/** A module's key between a server bundle and its parts: its path from the repository root. */
const moduleKey = (file) => path.relative(SOURCE_ROOT, file).split(path.sep).join('/');
const ownedBy = (part, file) => part.owns.some((prefix) => moduleKey(file).startsWith(prefix));

/**
 * The stand-in of a part's entry forwards calls, so the entry may export functions and types
 * only (a constant or a class would need its value before the part is loaded).
 */
function checkPartEntry(part) {
  const ts = require('typescript');
  const file = ts.createSourceFile(part.entry, fs.readFileSync(part.entry, 'utf8'), ts.ScriptTarget.Latest, true);
  for (const statement of file.statements) {
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const allowed = ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || (ts.isExportDeclaration(statement) && statement.isTypeOnly);
    if ((exported || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) && !allowed) {
      throw new Error(`${part.entry}: an on-demand part's entry may export only functions and types (line ${file.getLineAndCharacterOfPosition(statement.getStart(file)).line + 1})`);
    }
  }
}

/**
 * What a part needs: the names its entry exports and the keys of the modules it imports from
 * outside itself (node builtins stay plain requires). Found by bundling the part once as ESM.
 * Computed once per run: in --watch, a module a part starts importing later is bundled into
 * the part as a second copy until the next build.
 */
async function partInterface(part) {
  checkPartEntry(part);
  const imports = new Set();
  const result = await esbuild.build({
    ...common,
    logLevel: 'silent',
    entryPoints: [part.entry],
    format: 'esm',
    write: false,
    outfile: `server/out/${part.file}`,
    metafile: true,
    plugins: [
      {
        name: 'part-interface',
        setup(build) {
          build.onResolve({ filter: /.*/ }, async (args) => {
            if (args.kind === 'entry-point' || args.pluginData?.inner) return undefined;
            const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
            if (resolved.errors.length > 0 || resolved.external || ownedBy(part, resolved.path)) return undefined;
            imports.add(moduleKey(resolved.path));
            return { path: moduleKey(resolved.path), external: true };
          });
        },
      },
    ],
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return { exports: output.exports, imports: [...imports].sort() };
}

/**
 * In the server bundle, resolves each part's entry to a stand-in: functions with the entry's
 * export names that load the part on first call, handing it the server bundle's own modules.
 */
function onDemandPartsPlugin(parts) {
  return {
    name: 'on-demand-parts',
    setup(build) {
      const byEntry = new Map(parts.map((p) => [path.join(SOURCE_ROOT, p.part.entry), p]));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData?.inner || args.namespace === 'on-demand') return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
        const found = byEntry.get(resolved.path);
        // The part's own modules import each other; only imports from outside get the stand-in.
        if (!found || ownedBy(found.part, args.importer)) return undefined;
        return { path: found.part.entry, namespace: 'on-demand' };
      });
      build.onLoad({ filter: /.*/, namespace: 'on-demand' }, (args) => {
        const { part, exports, imports } = byEntry.get(path.join(SOURCE_ROOT, args.path));
        const lines = imports.map((key, i) => `import * as m${i} from ${JSON.stringify(path.join(SOURCE_ROOT, key))};`);
        const modules = imports.map((key, i) => `${JSON.stringify(key)}: m${i}`).join(', ');
        lines.push(
          'let loaded;',
          `const load = () => (loaded ??= require(require('node:path').join(__dirname, ${JSON.stringify(part.file)})).create({ ${modules} }));`,
          ...exports.map((name) => `export const ${name} = (...args) => load().${name}(...args);`),
        );
        return { contents: lines.join('\n'), loader: 'js', resolveDir: process.cwd() };
      });
    },
  };
}

/**
 * Options of one part's own bundle: `create(modules)` evaluates the part with `modules` (from
 * the server bundle, by key) in place of the imports from outside it, and returns its exports.
 */
function partBundle(part, imports, outdir) {
  const keys = new Set(imports);
  return {
    ...common,
    stdin: {
      contents: `const shared = require('on-demand:shared');\nexports.create = (modules) => {\n  shared.modules = modules;\n  return require(${JSON.stringify(path.join(SOURCE_ROOT, part.entry))});\n};\n`,
      resolveDir: process.cwd(),
      sourcefile: `${part.file.replace(/\.js$/, '')}-entry.js`,
    },
    outfile: path.join(outdir, part.file),
    plugins: [
      {
        name: 'on-demand-shared',
        setup(build) {
          build.onResolve({ filter: /^on-demand:shared$/ }, () => ({ path: 'shared', namespace: 'on-demand-shared' }));
          build.onLoad({ filter: /.*/, namespace: 'on-demand-shared' }, () => ({ contents: 'module.exports = { modules: undefined };', loader: 'js' }));
          build.onResolve({ filter: /.*/ }, async (args) => {
            if (args.kind === 'entry-point' || args.pluginData?.inner || args.namespace !== 'file' || !args.importer || !ownedBy(part, args.importer)) return undefined;
            const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
            if (resolved.errors.length > 0 || resolved.external || !keys.has(moduleKey(resolved.path))) return undefined;
            return { path: moduleKey(resolved.path), namespace: 'on-demand-module' };
          });
          build.onLoad({ filter: /.*/, namespace: 'on-demand-module' }, (args) => ({
            contents: `module.exports = require('on-demand:shared').modules[${JSON.stringify(args.path)}];`,
            loader: 'js',
          }));
        },
      },
    ],
  };
}

/**
 * vscode-languageserver/node evaluates its `Files` helpers (global module resolution, which
 * loads Node's child_process) at start; the server never calls them. Its import of ./files gets
 * a stand-in whose exports evaluate the real module, still bundled, on first use.
 */
function lazyLanguageServerFilesPlugin() {
  const real = path.join(path.dirname(require.resolve('vscode-languageserver/node')), 'files.js');
  const exportsOfReal = Object.entries(require(real));
  const stub = [
    'let loaded;',
    `const load = () => (loaded ??= require(${JSON.stringify(real)}));`,
    "Object.defineProperty(exports, '__esModule', { value: true });",
    ...exportsOfReal.map(([name, value]) =>
      typeof value === 'function'
        ? `exports[${JSON.stringify(name)}] = (...args) => load()[${JSON.stringify(name)}](...args);`
        : `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => load()[${JSON.stringify(name)}] });`,
    ),
  ].join('\n');
  return {
    name: 'lazy-language-server-files',
    setup(build) {
      build.onResolve({ filter: /^\.\/files$/ }, (args) => (path.join(args.resolveDir, 'files.js') === real ? { path: 'vscode-languageserver/lib/node/files.js', namespace: 'lazy-files' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'lazy-files' }, () => ({ contents: stub, loader: 'js', resolveDir: path.dirname(real) }));
    },
  };
}

/**
 * vscode-jsonrpc requires node:crypto as it loads, for pipe names and UUIDs that a server on
 * stdio or IPC never asks for; loading it took about 3 ms of every start. Its `require("crypto")`
 * gets a stand-in that loads the module on first use.
 */
function lazyCryptoPlugin() {
  const stub = [
    'let loaded;',
    "const load = () => (loaded ??= require('node:crypto'));",
    'module.exports = new Proxy({}, { get: (_, name) => load()[name], has: (_, name) => name in load() });',
  ].join('\n');
  return {
    name: 'lazy-crypto',
    setup(build) {
      build.onResolve({ filter: /^(node:)?crypto$/ }, (args) => (/[\\/]vscode-jsonrpc[\\/]/.test(args.importer) ? { path: 'crypto', namespace: 'lazy-crypto' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({ contents: stub, loader: 'js' }));
    },
  };
}

/**
 * `vscode-languageserver-types` resolves to its ES module build (its exports' "module"
 * condition), which esbuild wraps for every CommonJS `require` of it (the protocol library and a
 * dozen dockerfile-ast files) by copying its hundreds of exports into a new object each time.
 * Its CommonJS build is required as it is: `initialize` 7 to 9 ms sooner in two interleaved runs
 * of 21 starts, for 3 KB more bundle.
 */
function commonJsTypesPlugin() {
  const main = require.resolve('vscode-languageserver-types');
  return {
    name: 'commonjs-types',
    setup(build) {
      build.onResolve({ filter: /^vscode-languageserver-types$/ }, () => ({ path: main }));
    },
  };
}

/** Options of a server-side bundle (server or CLI) with its lazily read neighbours. */
function serverSide(entry, outfile, parts = []) {
  return {
    ...common,
    entryPoints: [entry],
    outfile,
    banner: { js: '#!/usr/bin/env node' },
    plugins: [...(parts.length > 0 ? [onDemandPartsPlugin(parts)] : []), lazyLanguageServerFilesPlugin(), lazyCryptoPlugin(), commonJsTypesPlugin(), lazyRuleDocsPlugin(outfile), lazyYamlPlugin()],
    // The stand-ins' requires of yaml.js and of the parts are meant to stay runtime requires.
    logOverride: { 'unsupported-require-call': 'silent' },
  };
}

/** The server and the CLI: program source, entry file, and the bundle that entry starts (dev builds). */
const PROGRAMS = [
  { name: 'server', source: 'server/src/server.ts', entry: 'server/src/boot/server-entry.ts', outfile: 'server/out/server.js', bundle: 'server/out/server-bundle.js' },
  { name: 'cli', source: 'server/src/cli/main.ts', entry: 'server/src/boot/cli-entry.ts', outfile: 'server/out/cli.js', bundle: 'server/out/cli-bundle.js' },
];
const CODE_CACHE_SUFFIX = '.cache';

/** The on-demand parts with what they export and import (the server bundle needs both). */
const parts = await Promise.all(ON_DEMAND.map(async (part) => ({ part, ...(await partInterface(part)) })));
const partsOf = (program) => (program.name === 'server' ? parts : []);

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'], plugins: [commonJsTypesPlugin()] },
  ...parts.map(({ part, imports }) => partBundle(part, imports, 'server/out')),
  ...PROGRAMS.flatMap((p) =>
    production
      ? [serverSide(p.source, p.outfile, partsOf(p))]
      : [
          { ...serverSide(p.source, p.bundle, partsOf(p)), banner: {} },
          { ...common, sourcemap: false, entryPoints: [p.entry], outfile: p.outfile, banner: { js: '#!/usr/bin/env node' } },
        ],
  ),
  { ...common, sourcemap: false, entryPoints: [require.resolve('yaml')], outfile: `server/out/${YAML_BUNDLE}` },
];

/**
 * Run in a child process by makeCodeCache (`node -e PRODUCER <entry> <bundle> args...`): compiles
 * the bundle as its entry does, runs it on the workload given as argv and stdin, and on exit
 * writes what V8 compiled by then, lazily compiled functions included, as `<bundle>.cache`.
 * V8 rejects a cache made under other flags than the reader's: the producer sets the flags the
 * entry starts its bundle with (its V8_FLAGS) and no others (the server sets some once running).
 */
const PRODUCER = `
const fs = require('node:fs');
const [entry, bundle, ...args] = process.argv.slice(1);
const { compileBundle, codeCacheHeader, applyV8Flags, V8_FLAGS } = require(entry);
applyV8Flags(V8_FLAGS);
require('node:v8').setFlagsFromString = () => {};
const compiled = compileBundle(bundle);
process.argv = [process.argv[0], entry, ...args];
process.on('exit', () => {
  const payload = compiled.script.createCachedData();
  fs.writeFileSync(bundle + ${JSON.stringify(CODE_CACHE_SUFFIX)}, Buffer.concat([Buffer.from(codeCacheHeader(fs.readFileSync(bundle), payload), 'latin1'), payload]));
});
compiled.run(module);
`;

/** A second sample Dockerfile for the workload, next to examples/flask-app (written for this purpose). */
const SAMPLE_DOCKERFILE = [
  'FROM python:3.12-alpine AS build',
  'RUN apk add gcc musl-dev',
  'RUN pip install poetry uv',
  'WORKDIR /app',
  'COPY pyproject.toml poetry.lock ./',
  'RUN poetry install --no-root',
  'COPY . .',
  'RUN uv pip install --system -r requirements.txt && chmod -R 755 /app',
  'FROM python:3.12-slim',
  'ARG API_TOKEN=changeme',
  'COPY --from=build /app /app',
  'USER app',
  'ENTRYPOINT ["python", "-m", "app"]',
  '',
].join('\n');

/** Where the workload's documents live: the example project, read but never written. */
const EXAMPLE_DIR = path.resolve('examples/flask-app');

/**
 * The server's workload: a client session over stdio like an editor's (pull diagnostics, an
 * edit, hover, code actions) on the example Dockerfile and the sample. Resolves when it exited.
 */
async function serverWorkload(child) {
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest((method, params) => (method === 'workspace/configuration' ? (params?.items ?? []).map(() => null) : null));
  connection.onNotification(() => {});
  connection.listen();
  let exiting = false;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // A server that dies mid-way fails the workload at once instead of leaving requests unanswered.
  const died = exited.then((code) => (exiting ? undefined : Promise.reject(new Error(`the server exited early (${code})`))));
  const request = (method, params) => Promise.race([connection.sendRequest(method, params), died]);
  const rootUri = pathToFileURL(EXAMPLE_DIR).href;
  await request('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'example' }],
    capabilities: {
      workspace: { configuration: true, workspaceEdit: { documentChanges: true }, diagnostics: { refreshSupport: true } },
      textDocument: { diagnostic: {}, hover: { contentFormat: ['markdown'] }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } }, resolveSupport: { properties: ['edit'] } } },
    },
  });
  await connection.sendNotification('initialized', {});
  const documents = [
    [pathToFileURL(path.join(EXAMPLE_DIR, 'Dockerfile')).href, fs.readFileSync(path.join(EXAMPLE_DIR, 'Dockerfile'), 'utf8')],
    [pathToFileURL(path.join(EXAMPLE_DIR, 'sample.Dockerfile')).href, SAMPLE_DOCKERFILE],
  ];
  for (const [uri, text] of documents) {
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    const report = await request('textDocument/diagnostic', { textDocument: { uri } });
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${text}RUN pip install flask\n` }] });
    const items = (await request('textDocument/diagnostic', { textDocument: { uri } })).items ?? report.items ?? [];
    for (const d of items.slice(0, 3)) await request('textDocument/hover', { textDocument: { uri }, position: d.range.start });
    const lines = text.split('\n').length;
    await request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } }, context: { diagnostics: items } });
  }
  await request('shutdown');
  exiting = true;
  await connection.sendNotification('exit');
  await exited;
  connection.dispose();
}

/** Runs the producer for one program on its workload; true when it exited normally. */
async function produceCodeCache(program) {
  const args = ['-e', PRODUCER, path.resolve(program.outfile), path.resolve(program.bundle)];
  if (program.name === 'server') {
    const child = spawn(process.execPath, [...args, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('the server workload timed out')), 60000);
    });
    try {
      await Promise.race([serverWorkload(child), timeout]);
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill();
    }
    return child.exitCode === 0;
  }
  // `check` exits with 1 when it finds problems, which the samples have. Two runs, a file then
  // standard input: the second starts from the first one's cache and adds what it compiled.
  const file = spawnSync(process.execPath, [...args, 'check', path.join(EXAMPLE_DIR, 'Dockerfile')], { stdio: 'ignore', timeout: 60000 });
  const stdin = spawnSync(process.execPath, [...args, 'check', '-'], { input: SAMPLE_DOCKERFILE, stdio: ['pipe', 'ignore', 'ignore'], timeout: 60000 });
  return [file, stdin].every((r) => r.status === 0 || r.status === 1);
}

/**
 * Writes `<bundle>.cache` for each program, then checks in a fresh process that its entry takes
 * it: a cache it would not use is deleted (with a warning) rather than shipped.
 */
async function makeCodeCaches() {
  for (const program of PROGRAMS) {
    const cacheFile = path.resolve(program.bundle + CODE_CACHE_SUFFIX);
    fs.rmSync(cacheFile, { force: true });
    let outcome;
    try {
      const ok = (await produceCodeCache(program)) && fs.existsSync(cacheFile);
      const check = `const { compileBundle, applyV8Flags, V8_FLAGS } = require(process.argv[1]); applyV8Flags(V8_FLAGS); process.stdout.write(compileBundle(process.argv[2]).cache);`;
      outcome = ok ? spawnSync(process.execPath, ['-e', check, path.resolve(program.outfile), path.resolve(program.bundle)], { encoding: 'utf8' }).stdout : 'the workload failed';
    } catch (error) {
      // The cache only saves time: a build without one still works.
      outcome = error instanceof Error ? error.message : String(error);
    }
    if (outcome === 'used') {
      console.log(`  ${program.bundle}${CODE_CACHE_SUFFIX}  ${(fs.statSync(cacheFile).size / 1024).toFixed(1)}kb (V8 code cache)`);
    } else {
      fs.rmSync(cacheFile, { force: true });
      console.warn(`▲ [WARNING] no code cache for ${program.bundle}: ${outcome}`);
    }
  }
}

if (watch) {
  // Rebuilt bundles would not match a cache any more: drop them rather than have them read and refused.
  for (const program of PROGRAMS) fs.rmSync(program.bundle + CODE_CACHE_SUFFIX, { force: true });
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[watch] build started');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  if (!production) {
    // The entries have no source map; one left from a build where they were the bundles would mislead.
    for (const program of PROGRAMS) fs.rmSync(`${program.outfile}.map`, { force: true });
    await makeCodeCaches();
  }
}
