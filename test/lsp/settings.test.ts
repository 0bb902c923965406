// Settings: normalisation from untrusted JSON, per-document pulls, and what a change refreshes.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPTIMIZE_COMMAND, type OptimizeCommandResult } from '../../server/src/protocol';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/settings';
import { pyd201, testRule, withSession } from './support/in-process';

const URI = 'untitled:Dockerfile';
const TEXT = 'FROM python:3.12-slim\nRUN pip install flask\n';

describe('normalizeSettings', () => {
  it('falls back to the defaults for anything that is not an object', () => {
    for (const raw of [undefined, null, 42, 'on', [], true]) assert.deepEqual(normalizeSettings(raw), DEFAULT_SETTINGS);
  });

  it('reads every known setting', () => {
    assert.deepEqual(normalizeSettings({ enable: false, rules: { PYD201: 'error', pyd202: 'off' }, preview: true, optimize: { includeUnsafe: true } }), {
      enable: false,
      rules: { PYD201: 'error', PYD202: 'off' },
      preview: true,
      optimize: { includeUnsafe: true },
    });
  });

  it('ignores values of the wrong type and unknown severities', () => {
    assert.deepEqual(normalizeSettings({ enable: 'no', rules: { PYD201: 'fatal', PYD202: 3, PYD203: 'Warning' }, preview: 1, optimize: 'yes', extra: {} }), {
      ...DEFAULT_SETTINGS,
      rules: { PYD203: 'warning' },
    });
  });

  it('accepts the flat `optimize.includeUnsafe` key some clients send', () => {
    assert.equal(normalizeSettings({ 'optimize.includeUnsafe': true }).optimize.includeUnsafe, true);
  });
});

describe('settings over the protocol', () => {
  it('pulls the pydockerfile section scoped to the document', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT);
      await client.pull(URI);
      await client.pull(URI);
      assert.deepEqual(client.configurationRequests, [{ items: [{ scopeUri: URI, section: 'pydockerfile' }] }], 'fetched once, then cached');
    });
  });

  it('applies a severity override and asks a pull client to refresh after a change', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT);
      assert.equal((await client.pull(URI))[0]?.severity, 2);
      client.settings = { rules: { PYD201: 'error' } };
      const refreshed = client.nextRefresh();
      await client.changeConfiguration();
      await refreshed;
      assert.equal((await client.pull(URI))[0]?.severity, 1);
      assert.equal(client.configurationRequests.length, 2, 'settings are fetched again after the change');
    });
  });

  it('re-publishes to a push client after a change, and honours `off`', async () => {
    await withSession({ pull: false }, { rules: [pyd201()] }, async (client) => {
      const opened = client.nextPublish(URI);
      await client.open(URI, TEXT);
      assert.equal((await opened).diagnostics[0]?.severity, 2);
      client.settings = { rules: { PYD201: 'hint' } };
      const hinted = client.nextPublish(URI, (p) => p.diagnostics[0]?.severity === 4);
      await client.changeConfiguration();
      await hinted;
      client.settings = { rules: { PYD201: 'off' } };
      const silenced = client.nextPublish(URI, (p) => p.diagnostics.length === 0);
      await client.changeConfiguration();
      await silenced;
      assert.equal(client.refreshRequests, 0, 'push clients get no refresh request');
    });
  });

  it('still serves new settings on the next pull when the client cannot be asked to refresh', async () => {
    await withSession({ pull: true, refresh: false }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT);
      assert.equal((await client.pull(URI)).length, 1);
      client.settings = { rules: { PYD201: 'off' } };
      await client.changeConfiguration();
      assert.deepEqual(await client.pull(URI), []);
      assert.equal(client.refreshRequests, 0);
    });
  });

  it('turns everything off for a document with `enable: false`, and only for that document', async () => {
    const other = 'untitled:Other.Dockerfile';
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      client.perUri.set(URI, { enable: false });
      await client.open(URI, TEXT, 3);
      await client.open(other, TEXT, 1);
      assert.deepEqual(await client.pull(URI), []);
      assert.equal((await client.pull(other)).length, 1);
      const range = { start: { line: 1, character: 4 }, end: { line: 1, character: 21 } };
      assert.deepEqual(await client.codeActions(URI, range, [], ['source.fixAll.pydockerfile']), []);
      assert.equal(await client.hover(URI, { line: 1, character: 8 }), null);
      const result = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 3 }])) as OptimizeCommandResult;
      assert.equal(result.changed, false);
      assert.equal(result.version, 3);
      assert.match(result.skipped[0]?.reason ?? '', /disabled/);
    });
  });

  it('runs preview rules only with `preview: true`', async () => {
    const preview = testRule('PYD996', { status: 'preview' });
    await withSession({ pull: true }, { rules: [preview] }, async (client) => {
      await client.open(URI, 'FROM scratch\nRUN true\n');
      assert.deepEqual(await client.pull(URI), []);
      client.settings = { preview: true };
      await client.changeConfiguration();
      assert.deepEqual((await client.pull(URI)).map((d) => d.code), ['PYD996']);
    });
  });

  it('uses defaults, then settings pushed with didChangeConfiguration, for clients without workspace/configuration', async () => {
    await withSession({ pull: false, configuration: false }, { rules: [pyd201()] }, async (client) => {
      const opened = client.nextPublish(URI);
      await client.open(URI, TEXT);
      assert.equal((await opened).diagnostics[0]?.severity, 2);
      const overridden = client.nextPublish(URI, (p) => p.diagnostics[0]?.severity === 1);
      await client.changeConfiguration({ pydockerfile: { rules: { PYD201: 'error' } } });
      await overridden;
      assert.deepEqual(client.configurationRequests, []);
    });
  });
});
