// Configuration files: `[tool.pydockerfile]` and `.pydockerfile.toml` parsed into a layer, with a
// warning naming the file and the key for everything that is ignored.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText, type ParsedConfig } from '../../server/src/config/parse-config';
import { formatWarning } from '../../server/src/config/read-layer';
import { ALL_RULES } from '../../server/src/rules/index';

const CATALOGUE = { rules: ALL_RULES, redirects: {} };
const PYPROJECT = '/repo/pyproject.toml';
const OWN = '/repo/.pydockerfile.toml';

function parsed(text: string, file = PYPROJECT, redirects: Record<string, string> = {}): Extract<ParsedConfig, { kind: 'config' }> {
  const result = parseConfigText(text, file, file.endsWith('pyproject.toml') ? 'pyproject' : 'pydockerfile', { rules: ALL_RULES, redirects });
  assert.equal(result.kind, 'config', JSON.stringify(result));
  return result as Extract<ParsedConfig, { kind: 'config' }>;
}

function warnings(text: string, file = PYPROJECT): string[] {
  return parsed(text, file).warnings.map(formatWarning);
}

describe('parseConfigText', () => {
  it('reads every key of [tool.pydockerfile], codes by code or name', () => {
    const { layer, warnings: problems } = parsed(`
[project]
name = "app"

[tool.pydockerfile]
select = ["PYD201", "unpinned-pip-package", "pyd001"]
ignore = ["PYD102"]
severity = { PYD201 = "error", container-runs-as-root = "off", PYD202 = "Information" }
preview = true
failure-threshold = "error"
trusted-registries = ["https://Registry.Example.com/", "ghcr.io/acme", "index.docker.io/library"]
uid = 1001

[tool.pydockerfile.optimize]
include-unsafe = true
extend-safe-fixes = ["PYD501"]
extend-unsafe-fixes = ["add-for-local-files"]
`);
    assert.deepEqual(problems, []);
    assert.deepEqual(layer, {
      source: { kind: 'file', path: PYPROJECT, format: 'pyproject' },
      select: ['PYD201', 'PYD202', 'PYD001'],
      ignore: ['PYD102'],
      severity: { PYD201: 'error', PYD501: 'off', PYD202: 'info' },
      preview: true,
      failureThreshold: 'error',
      includeUnsafe: true,
      extendSafeFixes: ['PYD501'],
      extendUnsafeFixes: ['PYD313'],
      trustedRegistries: ['registry.example.com', 'ghcr.io/acme', 'docker.io/library'],
      uid: 1001,
    });
  });

  it('reads .pydockerfile.toml at the top level, dotted keys included', () => {
    const { layer } = parsed('ignore = ["PYD201"]\noptimize.include-unsafe = true\n', OWN);
    assert.deepEqual(layer, { source: { kind: 'file', path: OWN, format: 'pydockerfile' }, ignore: ['PYD201'], includeUnsafe: true });
  });

  it('treats a pyproject.toml without the section as no configuration, even when it is broken', () => {
    assert.equal(parseConfigText('[project]\nname = "app"\n', PYPROJECT, 'pyproject', CATALOGUE).kind, 'absent');
    assert.equal(parseConfigText('[project\nname = ', PYPROJECT, 'pyproject', CATALOGUE).kind, 'absent');
  });

  it('reports invalid TOML that concerns us as an error with the file, line and column', () => {
    const broken = parseConfigText('[tool.pydockerfile]\nselect = ["PYD201"\n', PYPROJECT, 'pyproject', CATALOGUE);
    assert.equal(broken.kind, 'error');
    assert.match(broken.kind === 'error' ? broken.message : '', /^\/repo\/pyproject\.toml:\d+:\d+: invalid TOML: /);
    const own = parseConfigText('select = \n', OWN, 'pydockerfile', CATALOGUE);
    assert.equal(own.kind, 'error');
    const notTable = parseConfigText('[tool]\npydockerfile = 3\n', PYPROJECT, 'pyproject', CATALOGUE);
    assert.deepEqual(notTable, { kind: 'error', path: PYPROJECT, message: '/repo/pyproject.toml: `tool.pydockerfile` must be a table (`[tool.pydockerfile]`)' });
  });

  it('warns about unknown keys with the file, the full key and a suggestion', () => {
    assert.deepEqual(warnings('[tool.pydockerfile]\nselct = ["PYD201"]\nfailure_threshold = "error"\n[tool.pydockerfile.optimize]\nincludeUnsafe = true\ncolor = "auto"\n'), [
      '/repo/pyproject.toml: unknown key `tool.pydockerfile.selct` (did you mean `select`?)',
      '/repo/pyproject.toml: unknown key `tool.pydockerfile.failure_threshold` (did you mean `failure-threshold`?)',
      '/repo/pyproject.toml: unknown key `tool.pydockerfile.optimize.includeUnsafe` (did you mean `optimize.include-unsafe`?)',
      '/repo/pyproject.toml: unknown key `tool.pydockerfile.optimize.color`',
    ]);
    assert.deepEqual(warnings('[tool.pydockerfile]\nignore = ["PYD201"]\n', OWN), [
      '/repo/.pydockerfile.toml: unknown key `tool.pydockerfile.ignore` (in .pydockerfile.toml, write the keys at the top level, without `[tool.pydockerfile]`)',
    ]);
  });

  it('warns about unknown rules with the file and the key, and keeps the known ones', () => {
    const result = parsed('[tool.pydockerfile]\nselect = ["PYD201", "PYD999", "PYDD201", "pip-install-with-cach"]\nseverity = { PYD998 = "error", PYD202 = "fatal" }\n');
    assert.deepEqual(result.layer.select, ['PYD201']);
    assert.deepEqual(result.layer.severity, {});
    assert.deepEqual(result.warnings.map(formatWarning), [
      '/repo/pyproject.toml: unknown rule `PYD999` in `tool.pydockerfile.select`',
      '/repo/pyproject.toml: unknown rule `PYDD201` in `tool.pydockerfile.select` (did you mean `PYD201`?)',
      '/repo/pyproject.toml: unknown rule `pip-install-with-cach` in `tool.pydockerfile.select` (did you mean `pip-install-with-cache`?)',
      '/repo/pyproject.toml: unknown rule `PYD998` in `tool.pydockerfile.severity`',
      '/repo/pyproject.toml: `tool.pydockerfile.severity.PYD202` must be one of `off`, `hint`, `info`, `warning`, `error`',
    ]);
  });

  it('warns about values of the wrong type and ignores them', () => {
    const result = parsed('[tool.pydockerfile]\npreview = "yes"\nuid = 0\nfailure-threshold = "off"\ntrusted-registries = ["ghcr.io/acme:latest", "ok.example.com"]\nselect = 3\nseverity = ["PYD201"]\n');
    assert.deepEqual(result.layer, { source: { kind: 'file', path: PYPROJECT, format: 'pyproject' }, trustedRegistries: ['ok.example.com'] });
    assert.deepEqual(result.warnings.map((w) => w.key), [
      'tool.pydockerfile.select',
      'tool.pydockerfile.severity',
      'tool.pydockerfile.preview',
      'tool.pydockerfile.failure-threshold',
      'tool.pydockerfile.trusted-registries',
      'tool.pydockerfile.uid',
    ]);
    assert.match(result.warnings.map(formatWarning).join('\n'), /^\/repo\/pyproject\.toml: `tool\.pydockerfile\.uid` is 0, which is root/m);
  });

  it('maps a renamed code with a deprecation note (injected redirect)', () => {
    const result = parsed('[tool.pydockerfile]\nignore = ["PYD099"]\nseverity = { pyd099 = "error" }\n', PYPROJECT, { PYD099: 'PYD201' });
    assert.deepEqual(result.layer.ignore, ['PYD201']);
    assert.deepEqual(result.layer.severity, { PYD201: 'error' });
    assert.deepEqual(result.warnings.map(formatWarning), [
      '/repo/pyproject.toml: `PYD099` in `tool.pydockerfile.ignore` was renamed to `PYD201`: it still works, but write `PYD201` instead',
      '/repo/pyproject.toml: `PYD099` in `tool.pydockerfile.severity` was renamed to `PYD201`: it still works, but write `PYD201` instead',
    ]);
  });

  it('reads a file with a byte-order mark and CRLF line endings', () => {
    assert.deepEqual(parsed('\uFEFF[tool.pydockerfile]\r\nignore = ["PYD201"]\r\n').layer.ignore, ['PYD201']);
  });
});
