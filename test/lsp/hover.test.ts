// Hovers over the protocol: rule documentation on flagged ranges, python image facts on FROM.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { describePythonImage } from '../../server/src/knowledge/image-info';
import { parseImageRef } from '../../server/src/model/image-ref';
import { pyd201, TEST_TODAY, testRule, withSession } from './support/in-process';

const URI = 'untitled:Dockerfile';
const TEXT = 'FROM python:3.8\nRUN pip install flask\n';

function markup(hover: Hover | null): MarkupContent {
  assert.ok(hover, 'a hover is shown');
  const contents = hover.contents;
  assert.ok(typeof contents === 'object' && 'kind' in contents, 'contents are MarkupContent');
  return contents;
}

describe('hover', () => {
  it('shows the rule title and code, why it matters, the better form and a docs link on a flagged range', async () => {
    const rule = pyd201();
    await withSession({ pull: true }, { rules: [rule] }, async (client) => {
      await client.open(URI, TEXT);
      const hover = await client.hover(URI, { line: 1, character: 10 });
      const content = markup(hover);
      assert.equal(content.kind, 'markdown');
      assert.ok(content.value.startsWith('**Add `--no-cache-dir` to `pip install`** (PYD201)'), content.value);
      assert.ok(content.value.includes(rule.docs.whyItMatters));
      assert.ok(content.value.includes('```dockerfile\n' + rule.docs.useInstead + '\n```'));
      assert.match(content.value, /\[Documentation for PYD201\]\(https:\/\/\S+pip-install-with-cache\.md\)/);
      assert.deepEqual(hover?.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 21 } });
    });
  });

  it('includes the fix safety note of rules whose fixes can be unsafe', async () => {
    const rule = testRule('PYD994', { fixes: () => [{ title: 'Delete', applicability: 'unsafe', newText: '' }] });
    await withSession({ pull: true }, { rules: [rule] }, async (client) => {
      await client.open(URI, 'FROM scratch\nRUN true\n');
      const content = markup(await client.hover(URI, { line: 1, character: 5 }));
      assert.ok(content.value.includes('**Fix safety:** Test fixes are unsafe.'), content.value);
    });
  });

  it('describes the python image of a FROM line, with its end of life', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT);
      const hover = await client.hover(URI, { line: 0, character: 8 });
      const content = markup(hover);
      assert.equal(content.kind, 'markdown');
      const ref = parseImageRef('python:3.8');
      assert.ok(ref);
      assert.equal(content.value, describePythonImage(ref, TEST_TODAY), 'the knowledge table text, for the pinned date');
      assert.match(content.value, /3\.8/);
      assert.match(content.value, /end of life/);
      assert.deepEqual(hover?.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 15 } });
    });
  });

  it('explains Python ENV keys and package-manager flags from the knowledge tables', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, 'FROM python:3.12-slim-bookworm\nENV PYTHONUNBUFFERED=1\nRUN pip install --no-cache-dir flask==3.0.3\n');
      const env = markup(await client.hover(URI, { line: 1, character: 8 }));
      assert.match(env.value, /PYTHONUNBUFFERED/);
      const flag = markup(await client.hover(URI, { line: 2, character: 20 }));
      assert.match(flag.value, /--no-cache-dir/);
      assert.equal(await client.hover(URI, { line: 2, character: 37 }), null, 'nothing to say about a package name');
    });
  });

  it('uses plaintext for clients that do not render Markdown', async () => {
    await withSession({ pull: true, hoverFormat: ['plaintext'] }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT);
      const flagged = markup(await client.hover(URI, { line: 1, character: 10 }));
      assert.equal(flagged.kind, 'plaintext');
      assert.ok(flagged.value.startsWith('Add --no-cache-dir to pip install (PYD201)'), flagged.value);
      assert.ok(!flagged.value.includes('```'));
      assert.match(flagged.value, /Documentation: https:\/\/\S+pip-install-with-cache\.md/);
      const image = markup(await client.hover(URI, { line: 0, character: 8 }));
      assert.equal(image.kind, 'plaintext');
      assert.ok(!image.value.includes('**'), image.value);
      assert.match(image.value, /Python 3\.8: end of life/);
      assert.ok(!image.value.includes('`'));
    });
  });

  it('shows nothing away from findings and python images', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TEXT + 'FROM node:20\nWORKDIR /app\n');
      assert.equal(await client.hover(URI, { line: 1, character: 1 }), null, 'on the RUN keyword');
      assert.equal(await client.hover(URI, { line: 2, character: 7 }), null, 'on a non-python image');
      assert.equal(await client.hover(URI, { line: 3, character: 9 }), null);
      assert.equal(await client.hover('untitled:not-open', { line: 0, character: 0 }), null);
    });
  });
});
