// Code actions over the protocol: quick fixes, same-code fix-all, ignore pragmas, docs, fix-all on save.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { lint } from '../../server/src/engine/lint';
import { applyEdits } from '../../server/src/fix/apply';
import { OPTIMIZE_COMMAND, SHOW_DOCUMENTATION_COMMAND, type OptimizeCommandResult } from '../../server/src/protocol';
import { ruleByCode } from '../../server/src/rules/index';
import type { Rule } from '../../server/src/rules/types';
import { actionsOnly, editsFor, type TestClient } from './support/client';
import { pyd201, testRule, withSession } from './support/in-process';

const URI = 'untitled:Dockerfile';
const TWO = 'FROM python:3.12-slim\nRUN pip install flask\nRUN pip install gunicorn\n';
const ONE = 'FROM python:3.12-slim\nRUN pip install flask\n';

/** Opens a document, pulls its diagnostics and asks for the actions of one of them. */
async function actionsFor(client: TestClient, text: string, pick: (d: Diagnostic[]) => Diagnostic | undefined = (d) => d[0], only?: string[]): Promise<{ actions: CodeAction[]; diagnostics: Diagnostic[] }> {
  await client.open(URI, text, 1);
  const diagnostics = await client.pull(URI);
  const diagnostic = pick(diagnostics);
  assert.ok(diagnostic, 'the document has the diagnostic the test needs');
  const actions = actionsOnly(await client.codeActions(URI, diagnostic.range, [diagnostic], only));
  return { actions, diagnostics };
}

function apply(text: string, action: CodeAction | undefined): string {
  assert.ok(action, 'the action exists');
  return applyEdits(text, editsFor(action.edit, URI).edits);
}

function codesIn(text: string, rules: readonly Rule[] = [pyd201()]): string[] {
  return lint(text, { rules }).findings.map((f) => f.code);
}

describe('quick fixes', () => {
  it('offers fix, same-code fix-all, ignore, docs and fix-all, in that order', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      const { actions } = await actionsFor(client, TWO);
      assert.deepEqual(
        actions.map((a) => a.title),
        ['Add `--no-cache-dir` (PYD201)', 'Fix all PYD201 problems in this file', 'Ignore PYD201 for this instruction', 'Show documentation for PYD201', 'Fix all auto-fixable problems'],
      );
      for (const a of actions) assert.equal(a.kind, 'quickfix');
      assert.equal(actions[0]?.isPreferred, true, 'a lone safe fix is preferred');
      assert.equal(actions.filter((a) => a.isPreferred).length, 1);
    });
  });

  it('applies the quick fix as a versioned edit that fixes exactly that finding', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      const { actions } = await actionsFor(client, TWO);
      const fix = actions[0];
      assert.equal(editsFor(fix?.edit, URI).version, 1);
      const fixed = apply(TWO, fix);
      assert.equal(fixed, 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nRUN pip install gunicorn\n');
      assert.deepEqual(codesIn(fixed), ['PYD201']);
    });
  });

  it('fixes every PYD201 problem with "Fix all PYD201 problems in this file"', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      const { actions } = await actionsFor(client, TWO);
      const fixed = apply(TWO, actions.find((a) => a.title === 'Fix all PYD201 problems in this file'));
      assert.deepEqual(codesIn(fixed), []);
      assert.equal(fixed, 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nRUN pip install --no-cache-dir gunicorn\n');
    });
  });

  it('has no same-code fix-all when the code has a single finding', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      const { actions } = await actionsFor(client, ONE);
      assert.ok(!actions.some((a) => a.title.startsWith('Fix all PYD201')));
      assert.ok(actions.some((a) => a.title === 'Fix all auto-fixable problems'));
    });
  });

  it('lists a fix shared by two findings of one rule once, for both, without a same-code fix-all', async () => {
    // PYD405 reports PYTHONUNBUFFERED and PYTHONFAULTHANDLER as two findings on the same command,
    // and both offer the one ENV line that fixes them together.
    const text = 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n';
    const pyd405 = ruleByCode('PYD405');
    assert.ok(pyd405);
    await withSession({ pull: true }, { rules: [pyd405] }, async (client) => {
      await client.open(URI, text, 1);
      const diagnostics = await client.pull(URI);
      assert.equal(diagnostics.length, 2);
      const actions = actionsOnly(await client.codeActions(URI, { start: { line: 1, character: 0 }, end: { line: 1, character: 26 } }, diagnostics));
      assert.deepEqual(actions.map((a) => a.title), [
        'Add `ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1` after the final `FROM` (PYD405)',
        'Ignore PYD405 for this instruction',
        'Show documentation for PYD405',
        'Fix all auto-fixable problems',
      ]);
      assert.equal(actions[0]?.diagnostics?.length, 2, 'the shared fix resolves both diagnostics');
      assert.equal(actions[0]?.isPreferred, true);
      assert.ok(!lint(apply(text, actions[0]), { rules: [pyd405] }).findings.length);
    });
  });

  it('uses `changes` for clients without documentChanges support', async () => {
    await withSession({ pull: true, documentChanges: false }, { rules: [pyd201()] }, async (client) => {
      const { actions } = await actionsFor(client, ONE);
      assert.equal(actions[0]?.edit?.documentChanges, undefined);
      assert.equal(apply(ONE, actions[0]), 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n');
    });
  });

  it('marks unsafe fixes in the title, prefers none of several choices, and never bulk-applies them', async () => {
    const choices = testRule('PYD990', {
      fixes: () => [
        { title: 'Delete the instruction', applicability: 'unsafe', newText: '' },
        { title: 'Make it a no-op', applicability: 'unsafe', newText: 'RUN :' },
      ],
    });
    await withSession({ pull: true }, { rules: [choices] }, async (client) => {
      const text = 'FROM scratch\nRUN true\nRUN false\n';
      const { actions } = await actionsFor(client, text);
      assert.deepEqual(
        actions.map((a) => a.title),
        ['Delete the instruction (PYD990, unsafe)', 'Make it a no-op (PYD990, unsafe)', 'Ignore PYD990 for this instruction', 'Show documentation for PYD990'],
      );
      assert.ok(actions.every((a) => a.isPreferred !== true));
      assert.equal(apply(text, actions[1]), 'FROM scratch\nRUN :\nRUN false\n');
    });
  });

  it('does not prefer a safe fix that competes with another choice', async () => {
    const choices = testRule('PYD991', {
      fixes: () => [
        { title: 'Use `:`', applicability: 'safe', newText: 'RUN :' },
        { title: 'Delete the instruction', applicability: 'unsafe', newText: '' },
      ],
    });
    await withSession({ pull: true }, { rules: [choices] }, async (client) => {
      const { actions } = await actionsFor(client, 'FROM scratch\nRUN true\n');
      assert.equal(actions[0]?.title, 'Use `:` (PYD991)');
      assert.ok(actions.every((a) => a.isPreferred !== true));
    });
  });

  it('answers a request with diagnostics of an older version with current-version actions only', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TWO, 1);
      const old = await client.pull(URI);
      const shifted = '# a comment line moves everything down\n' + TWO;
      await client.replace(URI, 2, shifted);
      const actions = actionsOnly(await client.codeActions(URI, old[0]?.range ?? { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, old));
      assert.deepEqual(actions.map((a) => a.title), ['Fix all auto-fixable problems'], 'per-diagnostic fixes of version 1 are rejected');
      const fixAll = actions[0];
      assert.equal(editsFor(fixAll?.edit, URI).version, 2);
      assert.deepEqual(codesIn(apply(shifted, fixAll)), []);
    });
  });

  it('rejects per-diagnostic fixes of an older version even where the range still matches', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, ONE, 1);
      const old = await client.pull(URI);
      const appended = ONE + 'RUN pip install gunicorn\n';
      await client.replace(URI, 2, appended);
      const stale = actionsOnly(await client.codeActions(URI, old[0]?.range ?? { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, old));
      assert.deepEqual(stale.map((a) => a.title), ['Fix all auto-fixable problems']);
      const current = await client.pull(URI);
      const fresh = actionsOnly(await client.codeActions(URI, current[0]?.range ?? { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, [current[0] as Diagnostic]));
      assert.equal(fresh[0]?.title, 'Add `--no-cache-dir` (PYD201)', 'the same finding at version 2 gets its fix');
      assert.equal(editsFor(fresh[0]?.edit, URI).version, 2);
    });
  });

  it('keeps the other actions when a rule ships a broken fix that makes fix-all throw', async () => {
    const base = testRule('PYD988');
    const broken: Rule = {
      ...base,
      check: (ctx) =>
        base.check({
          ...ctx,
          report: (v) => {
            const { start } = v.range;
            // Two edits of one fix that overlap: applying them is a programming error.
            const overlapping = [
              { range: { start, end: { line: start.line, character: start.character + 3 } }, newText: 'a' },
              { range: { start: { line: start.line, character: start.character + 1 }, end: { line: start.line, character: start.character + 4 } }, newText: 'b' },
            ];
            ctx.report({ ...v, fixes: [{ title: 'Break things', applicability: 'safe', edits: overlapping }] });
          },
        }),
    };
    await withSession({ pull: true }, { rules: [broken, pyd201()] }, async (client) => {
      const text = 'FROM python:3.12-slim\nRUN true\nRUN pip install flask\n';
      const { actions } = await actionsFor(client, text, (d) => d.find((x) => x.code === 'PYD201'));
      assert.deepEqual(actions.map((a) => a.title), ['Add `--no-cache-dir` (PYD201)', 'Ignore PYD201 for this instruction', 'Show documentation for PYD201']);
      assert.ok(client.logs.some((line) => line.includes('fix-all failed') && line.includes('overlapping edits')));
      const optimized = (await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }])) as OptimizeCommandResult;
      assert.equal(optimized.changed, false);
      assert.match(optimized.skipped[0]?.reason ?? '', /internal error/);
    });
  });

  it('ignores diagnostics of other tools', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, ONE, 1);
      const foreign: Diagnostic = { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 21 } }, message: 'x', source: 'hadolint', code: 'DL3042' };
      assert.deepEqual(await client.codeActions(URI, foreign.range, [foreign]), []);
    });
  });
});

describe('ignore pragma action', () => {
  it('inserts a pragma above the instruction with its indentation and the file line endings', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      const text = 'FROM python:3.12-slim\r\nWORKDIR /app\r\n  RUN pip install \\\r\n    flask\r\n';
      const { actions } = await actionsFor(client, text);
      const ignored = apply(text, actions.find((a) => a.title === 'Ignore PYD201 for this instruction'));
      assert.equal(ignored, 'FROM python:3.12-slim\r\nWORKDIR /app\r\n  # pydockerfile ignore=PYD201\r\n  RUN pip install \\\r\n    flask\r\n');
      assert.deepEqual(codesIn(ignored), []);
    });
  });

  it('adds the code to a pydockerfile pragma that already applies to the instruction', async () => {
    const other = testRule('PYD992');
    await withSession({ pull: true }, { rules: [pyd201(), other] }, async (client) => {
      const text = 'FROM python:3.12-slim\n# pydockerfile ignore=PYD992\nRUN pip install flask\n';
      const { actions } = await actionsFor(client, text);
      const ignored = apply(text, actions.find((a) => a.title === 'Ignore PYD201 for this instruction'));
      assert.equal(ignored, 'FROM python:3.12-slim\n# pydockerfile ignore=PYD992,PYD201\nRUN pip install flask\n');
      assert.deepEqual(codesIn(ignored, [pyd201(), other]), []);
    });
  });

  it('keeps a byte-order mark first when the instruction is on the first line', async () => {
    const rule = testRule('PYD993');
    await withSession({ pull: true }, { rules: [rule] }, async (client) => {
      const text = '\uFEFFRUN true\n';
      const { actions } = await actionsFor(client, text);
      const ignored = apply(text, actions.find((a) => a.title === 'Ignore PYD993 for this instruction'));
      assert.equal(ignored, '\uFEFF# pydockerfile ignore=PYD993\nRUN true\n');
      assert.deepEqual(codesIn(ignored, [rule]), []);
    });
  });
});

describe('documentation action', () => {
  it('runs the show-documentation command, which opens the docs page externally', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      const { actions, diagnostics } = await actionsFor(client, ONE);
      const docs = actions.find((a) => a.title === 'Show documentation for PYD201');
      assert.equal(docs?.command?.command, SHOW_DOCUMENTATION_COMMAND);
      assert.deepEqual(docs?.command?.arguments, [diagnostics[0]?.codeDescription?.href]);
      await client.executeCommand(SHOW_DOCUMENTATION_COMMAND, docs?.command?.arguments ?? []);
      assert.deepEqual(client.shownDocuments, [{ uri: diagnostics[0]?.codeDescription?.href, external: true }]);
    });
  });
});

describe('fix all on save (source.fixAll.pydockerfile)', () => {
  for (const only of [['source.fixAll.pydockerfile'], ['source.fixAll'], ['source']]) {
    it(`answers only: ${JSON.stringify(only)} with one fix-all source action`, async () => {
      await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
        await client.open(URI, TWO, 1);
        const actions = actionsOnly(await client.codeActions(URI, { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, [], only));
        assert.equal(actions.length, 1);
        assert.equal(actions[0]?.kind, 'source.fixAll.pydockerfile');
        assert.equal(editsFor(actions[0]?.edit, URI).version, 1);
        assert.deepEqual(codesIn(apply(TWO, actions[0])), []);
      });
    });
  }

  it('returns nothing for kinds it does not provide, and no source action for plain quick-fix requests', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      const { actions, diagnostics } = await actionsFor(client, TWO);
      assert.ok(actions.every((a) => a.kind === 'quickfix'));
      assert.deepEqual(await client.codeActions(URI, diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, diagnostics, ['refactor']), []);
    });
  });

  it('returns no source action when nothing is fixable', async () => {
    await withSession({ pull: true }, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n', 1);
      assert.deepEqual(await client.codeActions(URI, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll.pydockerfile']), []);
    });
  });

  it('works with the full rule registry: the fix-all edit leaves no PYD201 behind', async () => {
    await withSession({ pull: true }, {}, async (client) => {
      await client.open(URI, TWO, 1);
      const actions = actionsOnly(await client.codeActions(URI, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll.pydockerfile']));
      assert.equal(actions.length, 1);
      const fixed = apply(TWO, actions[0]);
      assert.ok(!lint(fixed).findings.some((f) => f.code === 'PYD201'));
    });
  });
});
