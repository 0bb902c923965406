// Diagnostics over the protocol: pulled by capable clients, pushed to the others, one lint per version.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiagnosticData } from '../../server/src/protocol';
import type { Rule } from '../../server/src/rules/types';
import { pyd201, testRule, withSession } from './support/in-process';

const URI = 'untitled:Dockerfile';
const PIP = 'FROM python:3.12-slim\nRUN pip install flask\n';

describe('pull diagnostics', () => {
  it('reports a PYD201 finding with code, docs link, precise range, severity and version data', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 7);
      const [diagnostic, ...rest] = await client.pull(URI);
      assert.equal(rest.length, 0);
      assert.ok(diagnostic);
      assert.equal(diagnostic.source, 'pydockerfile');
      assert.equal(diagnostic.code, 'PYD201');
      assert.match(diagnostic.codeDescription?.href ?? '', /docs\/rules\/pip-install-with-cache\.md$/);
      assert.deepEqual(diagnostic.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 21 } });
      assert.equal(diagnostic.severity, 2, 'warning');
      assert.equal(diagnostic.tags, undefined, 'not marked unnecessary');
      // Only what code actions need to spot a stale diagnostic: the fixes come from the cached lint.
      assert.deepEqual(diagnostic.data, { code: 'PYD201', version: 7 });
      const [fix] = await client.codeActions(URI, diagnostic.range, [diagnostic]);
      assert.equal(fix?.title, 'Add `--no-cache-dir` (PYD201)');
    });
  });

  it('follows incremental edits: fixing the text by hand clears the finding', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      assert.equal((await client.pull(URI)).length, 1);
      const at = { line: 1, character: 15 };
      await client.edit(URI, 2, { start: at, end: at }, ' --no-cache-dir');
      assert.deepEqual(await client.pull(URI), []);
    });
  });

  it('marks findings reported as unnecessary with the Unnecessary tag', async () => {
    const faded = testRule('PYD997');
    const rule: Rule = { ...faded, check: (ctx) => faded.check({ ...ctx, report: (v) => ctx.report({ ...v, unnecessary: true }) }) };
    await withSession({ pull: true }, { rules: [rule] }, async (client) => {
      await client.open(URI, 'FROM scratch\nRUN true\n');
      const [diagnostic] = await client.pull(URI);
      assert.deepEqual(diagnostic?.tags, [1]);
      assert.equal(diagnostic?.severity, 3, 'info, the test rule default');
    });
  });

  it('answers an empty report for a document that is not open', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      assert.deepEqual(await client.pull('untitled:never-opened'), []);
    });
  });

  it('parses and lints once per document version, however many features ask', async () => {
    let runs = 0;
    const base = pyd201();
    const counting: Rule = { ...base, check: (ctx) => { runs++; base.check(ctx); } };
    await withSession({ pull: true }, { rules: [counting] }, async (client) => {
      await client.open(URI, PIP, 1);
      const diagnostics = await client.pull(URI);
      await client.pull(URI);
      await client.hover(URI, { line: 1, character: 6 });
      assert.equal(runs, 1, 'pulls and hovers share one lint');
      const range = diagnostics[0]?.range ?? { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } };
      await client.codeActions(URI, range, diagnostics);
      const afterActions = runs;
      await client.codeActions(URI, range, diagnostics);
      assert.equal(runs, afterActions, 'a second code-action request reuses the fix-all result of this version');
      await client.replace(URI, 2, PIP + 'RUN pip install gunicorn\n');
      assert.equal((await client.pull(URI)).length, 2);
      assert.equal(runs, afterActions + 1, 'a new version is linted once more');
    });
  });

  it('keeps reporting the other rules when one rule throws, and logs the failure once', async () => {
    const broken = testRule('PYD998', {
      check: () => {
        throw new Error('rule exploded');
      },
    });
    await withSession({ pull: true }, { rules: [broken, pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      const first = await client.pull(URI);
      assert.deepEqual(first.map((d) => d.code), ['PYD201']);
      await client.replace(URI, 2, PIP + 'RUN pip install gunicorn\n');
      assert.deepEqual((await client.pull(URI)).map((d) => d.code), ['PYD201', 'PYD201']);
      const failures = client.logs.filter((line) => line.includes('PYD998'));
      assert.equal(failures.length, 1, `expected one log line, got: ${failures.join(' | ')}`);
      assert.match(failures[0] ?? '', /rule exploded/);
      assert.match(failures[0] ?? '', /untitled:Dockerfile/);
    });
  });

  it('never fails on broken input: unknown instructions, heredocs, BOM, CRLF and escape directives', async () => {
    const nasty = '\uFEFF# escape=`\r\nFROM python:3.12-slim\r\nFROBNICATE x\r\nRUN <<EOF\r\npip install flask\r\nEOF\r\nRUN pip install `\r\n  flask\r\nRUN ["pip", "install"\r\n';
    await withSession({ pull: true }, {}, async (client) => {
      await client.open(URI, nasty, 1);
      const diagnostics = await client.pull(URI);
      for (const d of diagnostics) assert.equal(d.source, 'pydockerfile');
      const continued = diagnostics.find((d) => d.code === 'PYD201');
      assert.ok(continued, 'the backtick-continued pip install is still linted');
      assert.equal(continued.range.start.line, 6);
    });
  });
});

describe('push diagnostics', () => {
  it('publishes on open and on change with the document version, and clears on close', async () => {
    await withSession({ pull: false }, { rules: [pyd201()] }, async (client) => {
      const opened = client.nextPublish(URI);
      await client.open(URI, PIP, 3);
      const first = await opened;
      assert.equal(first.version, 3);
      assert.deepEqual(first.diagnostics.map((d) => d.code), ['PYD201']);
      assert.equal((first.diagnostics[0]?.data as DiagnosticData).version, 3);

      const changed = client.nextPublish(URI, (p) => p.version === 4);
      await client.replace(URI, 4, 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n');
      assert.deepEqual((await changed).diagnostics, []);

      const reopened = client.nextPublish(URI, (p) => p.version === 5);
      await client.replace(URI, 5, PIP);
      assert.equal((await reopened).diagnostics.length, 1);

      const closed = client.nextPublish(URI, (p) => p.diagnostics.length === 0);
      await client.close(URI);
      await closed;
    });
  });

  it('does not push anything to a client that pulls', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, PIP, 1);
      await client.pull(URI);
      await client.close(URI);
      // A request round-trip after the notifications: anything pushed would have arrived first.
      await client.pull(URI);
      assert.deepEqual(client.published, []);
    });
  });
});
