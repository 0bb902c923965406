// `pydockerfile/ruleSummary` over the protocol: the rules that run on a document under its
// settings, configuration file and pragmas, and what they found (the VS Code status item shows it).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { relativeToWorkspace } from '../../server/src/features/rule-summary';
import { RULE_SUMMARY_REQUEST, type RuleSummaryResult } from '../../server/src/protocol';
import type { Rule } from '../../server/src/rules/types';
import type { TestClient } from './support/client';
import { pyd201, testRule, withSession } from './support/in-process';

const URI = 'untitled:Dockerfile';
/** PYD201 (warning, fixable) fires on line 2; the test rules (info) on `RUN true`. */
const TEXT = 'FROM python:3.12-slim\nRUN pip install flask\nRUN true\n';

/** PYD201, a fixable test rule, one without a fix, a preview rule and a removed tombstone. */
function rules(): Rule[] {
  return [
    pyd201(),
    testRule('PYD995', { fixes: () => [{ title: 'Use `:`', applicability: 'unsafe', newText: 'RUN :' }] }),
    testRule('PYD996'),
    testRule('PYD997', { status: 'preview' }),
    testRule('PYD998', { status: 'removed' }),
  ];
}

async function summary(client: TestClient, uri: string): Promise<RuleSummaryResult | null> {
  return client.connection.sendRequest<RuleSummaryResult | null>(RULE_SUMMARY_REQUEST, { uri });
}

describe('rule summary request', () => {
  it('counts the rules that run, those with fixes, and the problems of the current version', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(URI, TEXT);
      assert.deepEqual(await summary(client, URI), {
        total: 4,
        enabled: 3,
        fixable: 2,
        problems: { error: 0, warning: 1, info: 2, hint: 0 },
        configFile: null,
      });
      await client.replace(URI, 2, 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n');
      assert.deepEqual((await summary(client, URI))?.problems, { error: 0, warning: 0, info: 0, hint: 0 }, 'the newest version counts');
    });
  });

  it('follows the editor settings: severities, `off`, preview', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      client.settings = { rules: { PYD201: 'error', PYD995: 'off' }, preview: true };
      await client.open(URI, TEXT);
      const result = await summary(client, URI);
      assert.equal(result?.enabled, 3, 'PYD995 is off, the preview rule PYD997 runs');
      assert.equal(result?.fixable, 1);
      assert.deepEqual(result?.problems, { error: 1, warning: 0, info: 2, hint: 0 });
    });
  });

  it('leaves out rules a global ignore pragma silences, and counts nothing when disabled', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(URI, `# pydockerfile global ignore=PYD201\n${TEXT}`);
      const ignored = await summary(client, URI);
      assert.equal(ignored?.enabled, 2);
      assert.equal(ignored?.problems.warning, 0);
      client.settings = { enable: false };
      await client.changeConfiguration();
      assert.deepEqual(await summary(client, URI), { total: 4, enabled: 0, fixable: 0, problems: { error: 0, warning: 0, info: 0, hint: 0 }, configFile: null });
    });
  });

  it('names the configuration file relative to the workspace folder, and applies it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-summary-'));
    try {
      fs.mkdirSync(path.join(root, 'services', 'api'), { recursive: true });
      fs.writeFileSync(path.join(root, 'services', '.pydockerfile.toml'), 'ignore = ["PYD996"]\n');
      const uri = pathToFileURL(path.join(root, 'services', 'api', 'Dockerfile')).href;
      await withSession({ pull: true, rootUri: pathToFileURL(root).href }, { rules: rules() }, async (client) => {
        await client.open(uri, TEXT);
        const result = await summary(client, uri);
        assert.equal(result?.configFile, 'services/.pydockerfile.toml');
        assert.equal(result?.enabled, 2, 'PYD996 is ignored by the file');
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('answers null for a document that is not open, or malformed parameters', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      assert.equal(await summary(client, 'untitled:never-opened'), null);
      assert.equal(await client.connection.sendRequest<RuleSummaryResult | null>(RULE_SUMMARY_REQUEST, { uri: 42 }), null);
    });
  });
});

describe('relativeToWorkspace', () => {
  const toPath = (uri: string): string => uri.replace(/^file:\/\//, '');
  it('uses the innermost folder holding the file, else keeps the path', () => {
    assert.equal(relativeToWorkspace('/work/app/pyproject.toml', ['file:///work', 'file:///work/app'], toPath), 'pyproject.toml');
    assert.equal(relativeToWorkspace('/work/app/pyproject.toml', ['file:///work/'], toPath), 'app/pyproject.toml');
    assert.equal(relativeToWorkspace('/elsewhere/pyproject.toml', ['file:///work'], toPath), '/elsewhere/pyproject.toml');
    assert.equal(relativeToWorkspace('/workshop/pyproject.toml', ['file:///work'], toPath), '/workshop/pyproject.toml', 'a prefix is not a parent folder');
  });
});
