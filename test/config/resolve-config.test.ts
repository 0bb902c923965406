// Merging configuration layers (defaults < file < command line or editor settings) and what the
// merged configuration does to linting and fixing.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigLayer } from '../../server/src/config/config-layer';
import { configKey, configLintOptions, configNotes, DEFAULT_CONFIG, resolveConfig } from '../../server/src/config/resolve-config';
import { lint } from '../../server/src/engine/lint';
import { fixAll } from '../../server/src/fix/apply';
import { ruleByCode } from '../../server/src/rules/index';

const FILE: ConfigLayer['source'] = { kind: 'file', path: '/repo/pyproject.toml', format: 'pyproject' };
const FLAGS: ConfigLayer['source'] = { kind: 'command-line' };
const SETTINGS: ConfigLayer['source'] = { kind: 'settings' };
const TODAY = '2026-11-25';
const UNCACHED = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';

function codesOf(text: string, layers: ConfigLayer[]): string[] {
  return lint(text, { ...configLintOptions(resolveConfig(layers)), env: { today: TODAY } }).findings.map((f) => `${f.code}:${f.severity}`);
}

describe('resolveConfig precedence', () => {
  it('gives the defaults when nothing is configured', () => {
    assert.deepEqual(resolveConfig([]), DEFAULT_CONFIG);
  });

  it('lets a higher layer override a lower one, key by key and code by code', () => {
    const config = resolveConfig([
      { source: FILE, severity: { PYD201: 'error', PYD202: 'info' }, preview: true, failureThreshold: 'error', uid: 1001, trustedRegistries: ['a.example.com'] },
      { source: FLAGS, severity: { PYD201: 'hint' }, failureThreshold: 'info' },
    ]);
    assert.deepEqual(config.severities, { PYD201: 'hint', PYD202: 'info' });
    assert.equal(config.preview, true);
    assert.equal(config.failureThreshold, 'info');
    assert.equal(config.uid, 1001);
    assert.deepEqual(config.trustedRegistries, ['a.example.com']);
    assert.deepEqual(config.origins['severity.PYD201'], { source: FLAGS, key: 'severity' });
    assert.deepEqual(config.origins['severity.PYD202'], { source: FILE, key: 'tool.pydockerfile.severity.PYD202' });
    assert.deepEqual(config.origins['failureThreshold'], { source: FLAGS, key: '--severity-threshold' });
  });

  it('lets `ignore` win over a severity in the same layer, and a higher severity win over a lower ignore', () => {
    assert.equal(resolveConfig([{ source: FILE, ignore: ['PYD201'], severity: { PYD201: 'error' } }]).severities['PYD201'], 'off');
    assert.equal(resolveConfig([{ source: FILE, ignore: ['PYD201'] }, { source: SETTINGS, severity: { PYD201: 'error' } }]).severities['PYD201'], 'error');
  });

  it('lets a `select` re-enable what a lower layer ignored, and replace a lower `select`', () => {
    const config = resolveConfig([{ source: FILE, ignore: ['PYD201'], select: ['PYD202'] }, { source: FLAGS, select: ['PYD201'] }]);
    assert.deepEqual(config.select, ['PYD201']);
    assert.equal(config.severities['PYD201'], undefined);
  });

  it('decides fix applicability per code, the cautious way when a code is in both lists', () => {
    const config = resolveConfig([
      { source: FILE, extendSafeFixes: ['PYD501', 'PYD313'] },
      { source: SETTINGS, extendSafeFixes: ['PYD106'], extendUnsafeFixes: ['PYD106', 'PYD201'] },
    ]);
    assert.deepEqual(config.fixApplicability, { PYD501: 'safe', PYD313: 'safe', PYD106: 'unsafe', PYD201: 'unsafe' });
  });

  it('changes the cache key for every setting that changes results', () => {
    const base = configKey(resolveConfig([]));
    for (const layer of [{ select: ['PYD201'] }, { ignore: ['PYD201'] }, { preview: true }, { extendSafeFixes: ['PYD501'] }, { trustedRegistries: ['x.io'] }, { uid: 1 }] as Omit<ConfigLayer, 'source'>[]) {
      assert.notEqual(configKey(resolveConfig([{ source: FILE, ...layer }])), base, JSON.stringify(layer));
    }
  });
});

describe('the merged configuration in the engine', () => {
  it('selects, ignores and re-grades rules', () => {
    assert.deepEqual(codesOf(UNCACHED, [{ source: FILE, select: ['PYD201'] }]), ['PYD201:warning']);
    assert.deepEqual(codesOf(UNCACHED, [{ source: FILE, select: ['PYD201'], severity: { PYD201: 'error' } }]), ['PYD201:error']);
    assert.deepEqual(codesOf(UNCACHED, [{ source: FILE, select: ['PYD201', 'PYD501'], ignore: ['PYD501'] }]), ['PYD201:warning']);
  });

  it('runs a preview rule when previews are on, when it is selected, or when it has a severity', () => {
    const text = 'FROM python:3.12-slim-bookworm\nCMD ["python"]\n';
    const digest = (layers: ConfigLayer[]): boolean => codesOf(text, layers).some((c) => c.startsWith('PYD107'));
    assert.equal(ruleByCode('PYD107')?.status, 'preview');
    assert.equal(digest([]), false);
    assert.equal(digest([{ source: FILE, preview: true }]), true);
    assert.equal(digest([{ source: FILE, select: ['PYD107'] }]), true);
    assert.equal(digest([{ source: FILE, severity: { PYD107: 'info' } }]), true);
    assert.equal(digest([{ source: FILE, preview: true, severity: { PYD107: 'off' } }]), false);
  });

  it('makes fix-all apply the unsafe fixes of codes in extend-safe-fixes, and skip the safe ones in extend-unsafe-fixes', () => {
    const text = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\nCMD ["python", "-m", "app"]\n';
    const options = (layers: ConfigLayer[]) => ({ ...configLintOptions(resolveConfig(layers)), env: { today: TODAY }, level: 'safe' as const });
    const plain = fixAll(text, options([{ source: FILE, select: ['PYD201', 'PYD501'] }])).text;
    assert.match(plain, /--no-cache-dir/);
    assert.doesNotMatch(plain, /USER/);
    const promoted = fixAll(text, options([{ source: FILE, select: ['PYD201', 'PYD501'], extendSafeFixes: ['PYD501'] }])).text;
    assert.match(promoted, /^USER 10001:10001$/m);
    const demoted = fixAll(text, options([{ source: FILE, select: ['PYD201'], extendUnsafeFixes: ['PYD201'] }])).text;
    assert.equal(demoted, text);
    const finding = lint(text, { ...configLintOptions(resolveConfig([{ source: FILE, select: ['PYD501'], extendSafeFixes: ['PYD501'] }])), env: { today: TODAY } }).findings[0];
    assert.equal(finding?.fixes[0]?.applicability, 'safe', 'quick fixes show the decision too');
  });
});

describe('configNotes (the hover text of a configured rule)', () => {
  it('names the file and key, or the setting, that configured the rule', () => {
    const config = resolveConfig([
      { source: FILE, severity: { PYD201: 'error' }, preview: true, uid: 1001, trustedRegistries: ['ghcr.io/acme'], extendSafeFixes: ['PYD501'] },
      { source: SETTINGS, select: ['PYD201', 'PYD107', 'PYD501', 'PYD106'] },
    ]);
    const rule = (code: string): { code: string; status: 'stable' | 'preview' } => ({ code, status: ruleByCode(code)?.status === 'preview' ? 'preview' : 'stable' });
    assert.deepEqual(configNotes(config, rule('PYD201')), [
      'Severity `error` is set by `tool.pydockerfile.severity.PYD201` in `/repo/pyproject.toml`',
      'Selected by the `pydockerfile.select` setting',
    ]);
    assert.ok(configNotes(config, rule('PYD107')).includes('Runs because preview rules are enabled by `tool.pydockerfile.preview` in `/repo/pyproject.toml`'));
    assert.ok(configNotes(config, rule('PYD106')).includes('Images from `ghcr.io/acme` are trusted by `tool.pydockerfile.trusted-registries` in `/repo/pyproject.toml`'));
    assert.deepEqual(configNotes(config, rule('PYD501')).slice(1), [
      'Its fixes count as safe because of `tool.pydockerfile.optimize.extend-safe-fixes` in `/repo/pyproject.toml`',
      'The fix uses UID `1001` from `tool.pydockerfile.uid` in `/repo/pyproject.toml`',
    ]);
    assert.deepEqual(configNotes(resolveConfig([]), rule('PYD201')), []);
  });
});
