// Lazy fix-all over the protocol: clients that resolve get fix-all actions without their edit
// and compute it with `codeAction/resolve`, for the version the action was offered for only.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-protocol';
import { lint } from '../../server/src/engine/lint';
import { applyEdits } from '../../server/src/fix/apply';
import { resolveCodeAction, type CodeActionDocument } from '../../server/src/features/code-actions';
import { FIX_ALL_CODE_ACTION_KIND } from '../../server/src/protocol';
import type { Rule } from '../../server/src/rules/types';
import { actionsOnly, editsFor, type ClientProfile, type TestClient } from './support/client';
import { pyd201, testRule, withSession } from './support/in-process';

const URI = 'untitled:Dockerfile';
const TWO = 'FROM python:3.12-slim\nRUN pip install flask\nRUN pip install gunicorn\n';
/** A Dockerfile most rules have something to say about, so fix-all runs several passes. */
const BUSY = [
  'FROM python:3.12',
  'WORKDIR /app',
  'COPY . .',
  'RUN apt-get update && apt-get install -y curl',
  'RUN pip install flask gunicorn',
  'RUN pip install -r requirements.txt',
  'CMD python app.py',
  '',
].join('\n');
const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const FIX_ALL = 'Fix all auto-fixable problems';

/** What VS Code (and Neovim 0.7) declare: they resolve `edit` and keep `data`. */
const RESOLVING: ClientProfile = { pull: true, resolveProperties: ['edit'] };
const EAGER: ClientProfile = { pull: true };

/** Opens `text`, pulls its diagnostics and asks for the actions of the first one. */
async function quickFixes(client: TestClient, text: string): Promise<CodeAction[]> {
  await client.open(URI, text, 1);
  const diagnostics = await client.pull(URI);
  const first = diagnostics[0];
  assert.ok(first, 'the document has a diagnostic');
  return actionsOnly(await client.codeActions(URI, first.range, [first]));
}

/** The on-save request: `source.fixAll.pydockerfile` only. */
async function onSave(client: TestClient, text: string): Promise<CodeAction[]> {
  await client.open(URI, text, 1);
  return actionsOnly(await client.codeActions(URI, WHOLE, [], [FIX_ALL_CODE_ACTION_KIND]));
}

function titled(actions: readonly CodeAction[], title: string): CodeAction {
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `"${title}" is offered`);
  return action;
}

function codesIn(text: string, rules?: readonly Rule[]): string[] {
  return lint(text, rules ? { rules } : {}).findings.map((f) => f.code);
}

describe('code action resolve: fix-all computed on demand', () => {
  it('announces resolveProvider', async () => {
    await withSession(RESOLVING, { rules: [pyd201()] }, async (client) => {
      const provider = client.initializeResult?.capabilities.codeActionProvider;
      assert.ok(typeof provider === 'object' && provider.resolveProvider === true);
    });
  });

  it('offers the same actions, with the fix-alls deferred and the quick fix still eager', async () => {
    let eager: CodeAction[] = [];
    await withSession(EAGER, { rules: [pyd201()] }, async (client) => {
      eager = await quickFixes(client, TWO);
    });
    await withSession(RESOLVING, { rules: [pyd201()] }, async (client) => {
      const lazy = await quickFixes(client, TWO);
      assert.deepEqual(lazy.map((a) => a.title), eager.map((a) => a.title));
      const fix = titled(lazy, 'Add `--no-cache-dir` (PYD201)');
      assert.equal(editsFor(fix.edit, URI).version, 1, 'a single quick fix keeps its edit');
      for (const title of ['Fix all PYD201 problems in this file', FIX_ALL]) {
        const action = titled(lazy, title);
        assert.equal(action.edit, undefined, `${title} comes without its edit`);
        assert.ok(action.data, `${title} carries the data to resolve it`);
      }
    });
  });

  it('resolves each fix-all to exactly the edit a client without resolve gets at once', async () => {
    let eager: CodeAction[] = [];
    await withSession(EAGER, { rules: [pyd201()] }, async (client) => {
      eager = await quickFixes(client, TWO);
    });
    await withSession(RESOLVING, { rules: [pyd201()] }, async (client) => {
      const lazy = await quickFixes(client, TWO);
      for (const title of ['Fix all PYD201 problems in this file', FIX_ALL]) {
        const resolved = await client.resolveCodeAction(titled(lazy, title));
        assert.deepEqual(resolved.edit, titled(eager, title).edit, title);
        assert.equal(resolved.title, title);
        assert.deepEqual(codesIn(applyEdits(TWO, editsFor(resolved.edit, URI).edits), [pyd201()]), []);
      }
    });
  });

  it('resolves the on-save action with the full registry to the eager edit', async () => {
    let eager: CodeAction[] = [];
    await withSession(EAGER, {}, async (client) => {
      eager = await onSave(client, BUSY);
    });
    assert.equal(eager.length, 1, 'the busy file has something to fix');
    await withSession(RESOLVING, {}, async (client) => {
      const lazy = await onSave(client, BUSY);
      assert.deepEqual(lazy.map((a) => [a.title, a.kind]), [[FIX_ALL, FIX_ALL_CODE_ACTION_KIND]]);
      assert.equal(lazy[0]?.edit, undefined);
      const resolved = await client.resolveCodeAction(lazy[0] as CodeAction);
      assert.equal(editsFor(resolved.edit, URI).version, 1);
      assert.deepEqual(resolved.edit, eager[0]?.edit);
      const fixed = applyEdits(BUSY, editsFor(resolved.edit, URI).edits);
      assert.notEqual(fixed, BUSY);
      assert.ok(!codesIn(fixed).includes('PYD201'), 'fix-all on save fixed the pip cache');
    });
  });

  it('answers a resolve for an older version without an edit', async () => {
    await withSession(RESOLVING, { rules: [pyd201()] }, async (client) => {
      const [action] = await onSave(client, TWO);
      assert.ok(action);
      await client.replace(URI, 2, '# a comment line moves everything down\n' + TWO);
      const resolved = await client.resolveCodeAction(action);
      assert.equal(resolved.edit, undefined, 'edits of version 1 must not reach version 2');
      assert.equal(resolved.title, FIX_ALL);
      // The current version still gets its own fix-all.
      const [fresh] = actionsOnly(await client.codeActions(URI, WHOLE, [], [FIX_ALL_CODE_ACTION_KIND]));
      assert.ok(fresh);
      assert.equal(editsFor((await client.resolveCodeAction(fresh)).edit, URI).version, 2);
    });
  });

  it('drops an edit the client sends back with a stale action, and answers a closed document without one', async () => {
    await withSession(RESOLVING, { rules: [pyd201()] }, async (client) => {
      const [action] = await onSave(client, TWO);
      assert.ok(action);
      const forged: CodeAction = { ...action, edit: { changes: { [URI]: [{ range: WHOLE, newText: 'FROM evil\n' }] } } };
      await client.replace(URI, 2, TWO + 'RUN pip install uvicorn\n');
      assert.equal((await client.resolveCodeAction(forged)).edit, undefined);
      await client.close(URI);
      assert.equal((await client.resolveCodeAction(action)).edit, undefined);
    });
  });

  it('returns an action that is not a deferred fix-all as it was sent', async () => {
    await withSession(RESOLVING, { rules: [pyd201()] }, async (client) => {
      await client.open(URI, TWO, 1);
      const other: CodeAction = { title: 'Something else', kind: 'quickfix', data: { kind: 'elsewhere' } };
      assert.deepEqual(await client.resolveCodeAction(other), other);
    });
  });

  it('offers no deferred fix-all when no finding has a safe fix', async () => {
    const unsafeOnly = testRule('PYD992', { fixes: () => [{ title: 'Delete the instruction', applicability: 'unsafe', newText: '' }] });
    await withSession(RESOLVING, { rules: [unsafeOnly] }, async (client) => {
      const actions = await quickFixes(client, 'FROM scratch\nRUN true\nRUN false\n');
      assert.ok(!actions.some((a) => a.title === FIX_ALL || a.title.startsWith('Fix all PYD992')), 'safe fix-all would change nothing');
      assert.deepEqual(await client.codeActions(URI, WHOLE, [], [FIX_ALL_CODE_ACTION_KIND]), []);
    });
    await withSession(RESOLVING, { rules: [pyd201()] }, async (client) => {
      assert.deepEqual(await onSave(client, 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n'), []);
    });
  });

  it('keeps fix-all eager for clients that cannot resolve edits', async () => {
    for (const profile of [EAGER, { pull: true, resolveProperties: ['command'] }] satisfies ClientProfile[]) {
      await withSession(profile, { rules: [pyd201()] }, async (client) => {
        const actions = await quickFixes(client, TWO);
        for (const title of ['Fix all PYD201 problems in this file', FIX_ALL]) {
          const action = titled(actions, title);
          assert.equal(editsFor(action.edit, URI).version, 1, `${title} has its edit`);
          assert.equal(action.data, undefined);
        }
        const diagnostics: Diagnostic[] = [];
        const [save] = actionsOnly(await client.codeActions(URI, WHOLE, diagnostics, [FIX_ALL_CODE_ACTION_KIND]));
        assert.ok(save?.edit, 'the on-save action has its edit');
      });
    }
  });
});

describe('resolveCodeAction', () => {
  /** The document as the server sees it at `version`, with a fix-all that counts its runs. */
  function documentAt(version: number, text: string): { doc: CodeActionDocument; runs: () => number } {
    const { model, findings } = lint(text, { rules: [pyd201()] });
    let runs = 0;
    const doc: CodeActionDocument = {
      uri: URI,
      version,
      text,
      model,
      findings,
      fixAllText: () => {
        runs++;
        return text.replace(/pip install /g, 'pip install --no-cache-dir ');
      },
    };
    return { doc, runs: () => runs };
  }
  const deferred: CodeAction = { title: FIX_ALL, kind: 'quickfix', data: { kind: 'pydockerfile.fixAll', uri: URI, version: 3 } };

  it('computes the edit for the version in the data', () => {
    const { doc, runs } = documentAt(3, TWO);
    const resolved = resolveCodeAction(deferred, doc, { documentChanges: true, resolveEdit: true });
    assert.equal(editsFor(resolved.edit, URI).version, 3);
    assert.equal(applyEdits(TWO, editsFor(resolved.edit, URI).edits), TWO.replace(/pip install /g, 'pip install --no-cache-dir '));
    assert.equal(runs(), 1);
  });

  it('never computes or returns an edit for another version or another document', () => {
    for (const data of [{ ...(deferred.data as object), version: 2 }, { ...(deferred.data as object), uri: 'untitled:Other' }]) {
      const { doc, runs } = documentAt(3, TWO);
      const resolved = resolveCodeAction({ ...deferred, data, edit: { changes: { [URI]: [] } } }, doc, { documentChanges: true, resolveEdit: true });
      assert.equal(resolved.edit, undefined);
      assert.equal(runs(), 0, 'fix-all did not run');
    }
  });
});
