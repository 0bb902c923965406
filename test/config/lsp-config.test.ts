// Configuration files in the language server: the nearest file configures `file:` documents,
// VS Code settings override it, hovers name the file, problems are shown, changes are picked up.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, type MarkupContent } from 'vscode-languageserver-protocol';
import { OPTIMIZE_COMMAND, type OptimizeCommandResult } from '../../server/src/protocol';
import { pyd201, testRule, withSession } from '../lsp/support/in-process';

const TEXT = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\nRUN true\n';
const ERROR = 1;
const WARNING = 2;
const HINT = 4;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-lsp-config-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** PYD201, plus a test rule whose only fix is unsafe (`RUN true` → `RUN :`). */
function rules() {
  return [pyd201(), testRule('PYD995', { fixes: () => [{ title: 'Use `:`', applicability: 'unsafe', newText: 'RUN :' }] })];
}

/** A project folder with a config file and a Dockerfile; returns the Dockerfile's URI. */
function project(name: string, configFile: string, config: string): { uri: string; configPath: string } {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const configPath = path.join(dir, configFile);
  fs.writeFileSync(configPath, config);
  fs.writeFileSync(path.join(dir, 'Dockerfile'), TEXT);
  return { uri: pathToFileURL(path.join(dir, 'Dockerfile')).href, configPath };
}

describe('configuration files over the protocol', () => {
  it('configures file documents from the nearest config file; untitled ones keep the defaults', async () => {
    const { uri } = project('file-config', 'pyproject.toml', '[tool.pydockerfile]\nseverity = { PYD201 = "error" }\n');
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(uri, TEXT);
      await client.open('untitled:Dockerfile', TEXT);
      assert.deepEqual((await client.pull(uri)).filter((d) => d.code === 'PYD201').map((d) => d.severity), [ERROR]);
      assert.deepEqual((await client.pull('untitled:Dockerfile')).filter((d) => d.code === 'PYD201').map((d) => d.severity), [WARNING]);
    });
  });

  it('lets VS Code settings override the file, while settings left at their defaults do not hide it', async () => {
    const { uri } = project('override', '.pydockerfile.toml', 'severity = { PYD201 = "error" }\nignore = ["PYD995"]\n');
    await withSession(
      { pull: true },
      { rules: rules() },
      async (client) => {
        await client.open(uri, TEXT);
        assert.deepEqual((await client.pull(uri)).map((d) => `${String(d.code)}:${d.severity}`), [`PYD201:${ERROR}`], 'the defaults VS Code sends leave the file in charge');
        client.settings = { enable: true, rules: { PYD201: 'hint', PYD995: 'warning' }, preview: false, optimize: { includeUnsafe: false } };
        await client.changeConfiguration();
        assert.deepEqual((await client.pull(uri)).map((d) => `${String(d.code)}:${d.severity}`), [`PYD201:${HINT}`, `PYD995:${WARNING}`], 'a setting wins over the file, code by code');
      },
      { enable: true, rules: {}, preview: false, optimize: { includeUnsafe: false } },
    );
  });

  it('names the file and key that configured a rule in its hover', async () => {
    const { uri, configPath } = project('hover', 'pyproject.toml', '[tool.pydockerfile]\nseverity = { PYD201 = "error" }\n');
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(uri, TEXT);
      await client.pull(uri);
      const hover = await client.hover(uri, { line: 1, character: 8 });
      const value = (hover?.contents as MarkupContent | undefined)?.value ?? '';
      assert.ok(value.includes(`Severity \`error\` is set by \`tool.pydockerfile.severity.PYD201\` in \`${configPath}\``), value);
      client.settings = { rules: { PYD201: 'hint' } };
      await client.changeConfiguration();
      await client.pull(uri);
      const overridden = ((await client.hover(uri, { line: 1, character: 8 }))?.contents as MarkupContent | undefined)?.value ?? '';
      assert.ok(overridden.includes('Severity `hint` is set by the `pydockerfile.rules.PYD201` setting'), overridden);
    });
  });

  it('shows unknown keys and codes once, naming the file and the key, and ignores a broken file', async () => {
    const { uri, configPath } = project('warnings', '.pydockerfile.toml', 'selct = ["PYD201"]\nignore = ["PYD777"]\n');
    const broken = project('broken', '.pydockerfile.toml', 'ignore = [\n');
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(uri, TEXT);
      await client.pull(uri);
      await client.pull(uri);
      const shown = client.logs.filter((m) => m.includes(configPath));
      assert.ok(shown.includes(`pydockerfile: ${configPath}: unknown key \`selct\` (did you mean \`select\`?)`), shown.join('\n'));
      assert.ok(shown.includes(`pydockerfile: ${configPath}: unknown rule \`PYD777\` in \`ignore\``), shown.join('\n'));
      await client.open(broken.uri, TEXT);
      assert.equal((await client.pull(broken.uri)).length, 2, 'linted with the editor settings only');
      assert.ok(client.logs.some((m) => m.startsWith(`pydockerfile: ${broken.configPath}:`) && m.includes('invalid TOML') && m.includes('ignored until it is fixed')), client.logs.join('\n'));
      // Each message goes to the log and to a visible message: once each, however often it is pulled.
      assert.equal(client.logs.filter((m) => m.includes('unknown key `selct`')).length, 2);
    });
  });

  it('re-reads the config file when the client reports it changed', async () => {
    const { uri, configPath } = project('watched', '.pydockerfile.toml', 'severity = { PYD201 = "error" }\n');
    await withSession({ pull: true, watchFiles: true }, { rules: rules() }, async (client) => {
      await client.open(uri, TEXT);
      assert.equal((await client.pull(uri)).find((d) => d.code === 'PYD201')?.severity, ERROR);
      assert.ok(client.registrations.some((r) => JSON.stringify(r.registerOptions).includes('**/.pydockerfile.toml')), 'the server watches config files');
      fs.writeFileSync(configPath, 'severity = { PYD201 = "hint" }\n');
      const refreshed = client.nextRefresh();
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(configPath).href, type: FileChangeType.Changed }] });
      await refreshed;
      assert.equal((await client.pull(uri)).find((d) => d.code === 'PYD201')?.severity, HINT);
    });
  });

  it('takes Optimize\'s unsafe default from the file, under the setting', async () => {
    const { uri } = project('optimize', 'pyproject.toml', '[tool.pydockerfile.optimize]\ninclude-unsafe = true\n');
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(uri, TEXT, 1);
      const result = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1 }])) as OptimizeCommandResult;
      assert.match(result.text, /^RUN :$/m, 'the unsafe fix was applied');
      const asked = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri, version: 1, includeUnsafe: false }])) as OptimizeCommandResult;
      assert.doesNotMatch(asked.text, /^RUN :$/m, 'the request still decides');
    });
  });
});
