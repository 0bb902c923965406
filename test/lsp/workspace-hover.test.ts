// Hovers that depend on the workspace: PYD312 shows the remote-cache snippet for the CI system
// that builds the Dockerfile (GitHub Actions, GitLab CI), with its code block intact.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { detailToPlain } from '../../server/src/features/hover';
import { ruleByCode } from '../../server/src/rules/index';
import type { Rule } from '../../server/src/rules/types';
import { copyWorkspace } from '../workspace/fixture-workspaces';
import type { TestClient } from './support/client';
import { withSession } from './support/in-process';

function pyd312(): Rule {
  const rule = ruleByCode('PYD312');
  assert.ok(rule, 'PYD312 is registered');
  return rule;
}

/** The copies have no `.git`: their own folder is where the CI files are. */
const OPTIONS = { rules: [pyd312()], repositoryRoot: (context: string) => context };

function text(hover: Hover | null): MarkupContent {
  assert.ok(hover, 'a hover is shown');
  const contents = hover.contents;
  assert.ok(typeof contents === 'object' && 'kind' in contents, 'contents are MarkupContent');
  return contents;
}

/** Opens the fixture workspace's Dockerfile and hovers its PYD312 finding (on `FROM`). */
async function hoverCiFinding(client: TestClient, folder: string): Promise<MarkupContent> {
  const dir = copyWorkspace(folder);
  const uri = pathToFileURL(path.join(dir, 'Dockerfile')).href;
  await client.open(uri, fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
  const diagnostics = await client.pull(uri);
  assert.ok(diagnostics.some((d) => d.code === 'PYD312'), 'the CI build is reported');
  return text(await client.hover(uri, { line: 0, character: 1 }));
}

describe('hover detail of workspace findings', () => {
  it('shows the GitHub Actions cache snippet as a yaml code block for a workflow build', async () => {
    await withSession({ pull: true, watchFiles: true }, OPTIONS, async (client) => {
      const content = await hoverCiFinding(client, 'uv');
      assert.equal(content.kind, 'markdown');
      assert.ok(content.value.startsWith('**Give CI image builds a remote layer cache** (PYD312)'), content.value);
      assert.match(content.value, /\(GitHub Actions\):\n\n```yaml\n- uses: docker\/setup-buildx-action@v3\n[^`]*    cache-from: type=gha\n    cache-to: type=gha,mode=max\n```/);
      assert.doesNotMatch(content.value, /CI_REGISTRY_IMAGE|buildx create/, 'only the snippet for the CI system found');
      assert.ok(content.value.indexOf('cache-from: type=gha') < content.value.indexOf('[Documentation for PYD312]'));
    });
  });

  it('shows the GitLab CI snippet for a .gitlab-ci.yml build, and keeps the code in plaintext', async () => {
    await withSession({ pull: true, watchFiles: true, hoverFormat: ['plaintext'] }, OPTIONS, async (client) => {
      const content = await hoverCiFinding(client, 'requirements');
      assert.equal(content.kind, 'plaintext');
      assert.match(content.value, /\(GitLab CI\):\n\nbuild-image:\n  script:\n    - docker buildx create --use\n/);
      assert.match(content.value, /--cache-to type=registry,ref=\$CI_REGISTRY_IMAGE:buildcache,mode=max/);
      assert.doesNotMatch(content.value, /```/, 'no Markdown fences in plaintext');
    });
  });
});

describe('detailToPlain', () => {
  it('drops fences and prose markup but keeps code verbatim, longer fences included', () => {
    assert.equal(detailToPlain('Run **this** `now`:\r\n\r\n```sh\necho `date`\n```\nDone.'), 'Run this now:\n\necho `date`\nDone.');
    assert.equal(detailToPlain('````md\n```yaml\nkey: 1\n```\n````'), '```yaml\nkey: 1\n```');
  });
});
