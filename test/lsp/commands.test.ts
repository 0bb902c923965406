// The Optimize and Fix-all commands over workspace/executeCommand.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/fix/apply';
import { FIX_ALL_COMMAND, OPTIMIZE_COMMAND, type OptimizeCommandResult } from '../../server/src/protocol';
import { ruleByCode } from '../../server/src/rules/index';
import { pyd201, testRule, withSession } from './support/in-process';

const URI = 'untitled:Dockerfile';
const TEXT = 'FROM python:3.12-slim\nRUN pip install flask\nRUN true\n';
const PIP_FIXED = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nRUN true\n';

/** PYD201 plus a rule whose only fix is unsafe: rewrites `RUN true` to `RUN :`. */
function rules() {
  return [pyd201(), testRule('PYD995', { fixes: () => [{ title: 'Use `:`', applicability: 'unsafe', newText: 'RUN :' }] })];
}

function asResult(value: unknown): OptimizeCommandResult {
  assert.ok(typeof value === 'object' && value !== null, 'the command answers a result');
  return value as OptimizeCommandResult;
}

describe('optimize command', () => {
  it('proposes the safe rewrite with edits that reproduce it and a per-code summary', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(URI, TEXT, 4);
      const result = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 4 }]));
      assert.equal(result.uri, URI);
      assert.equal(result.version, 4);
      assert.equal(result.changed, true);
      assert.equal(result.text, PIP_FIXED);
      assert.equal(applyEdits(TEXT, result.edits), result.text);
      assert.deepEqual(result.applied, [{ code: 'PYD201', count: 1 }]);
    });
  });

  it('includes unsafe fixes when asked, or when pydockerfile.optimize.includeUnsafe is set', async () => {
    const unsafeText = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nRUN :\n';
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(URI, TEXT, 1);
      const asked = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1, includeUnsafe: true }]));
      assert.equal(asked.text, unsafeText);
      assert.deepEqual(asked.applied, [{ code: 'PYD201', count: 1 }, { code: 'PYD995', count: 1 }]);
      client.settings = { optimize: { includeUnsafe: true } };
      await client.changeConfiguration();
      const bySetting = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }]));
      assert.equal(bySetting.text, unsafeText);
      const overridden = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1, includeUnsafe: false }]));
      assert.equal(overridden.text, PIP_FIXED);
    });
  });

  it('answers for the current version when the client asks about an older one', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(URI, TEXT, 1);
      const newer = TEXT + 'RUN pip install gunicorn\n';
      await client.replace(URI, 2, newer);
      const result = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }]));
      assert.equal(result.version, 2);
      assert.equal(applyEdits(newer, result.edits), result.text);
      assert.ok(result.text.endsWith('RUN pip install --no-cache-dir gunicorn\n'));
    });
  });

  it('reports nothing to change for a clean file', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      const clean = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n';
      await client.open(URI, clean, 1);
      const result = asResult(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: URI, version: 1 }]));
      assert.equal(result.changed, false);
      assert.deepEqual(result.edits, []);
      assert.equal(result.text, clean);
    });
  });

  it('answers null, and logs, for malformed arguments or a document that is not open', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      assert.equal(await client.executeCommand(OPTIMIZE_COMMAND, []), null);
      assert.equal(await client.executeCommand(OPTIMIZE_COMMAND, ['file:///Dockerfile']), null);
      assert.equal(await client.executeCommand(OPTIMIZE_COMMAND, [{ uri: 'untitled:closed', version: 1 }]), null);
      assert.ok(client.logs.some((line) => line.includes(OPTIMIZE_COMMAND)));
    });
  });
});

describe('fix-all command', () => {
  it('returns the same result shape at the safe level, ignoring includeUnsafe', async () => {
    await withSession({ pull: true }, { rules: rules() }, async (client) => {
      await client.open(URI, TEXT, 9);
      const result = asResult(await client.executeCommand(FIX_ALL_COMMAND, [{ uri: URI, version: 9, includeUnsafe: true }]));
      assert.equal(result.version, 9);
      assert.equal(result.text, PIP_FIXED);
      assert.equal(applyEdits(TEXT, result.edits), PIP_FIXED);
      assert.deepEqual(result.applied, [{ code: 'PYD201', count: 1 }]);
      assert.equal(result.changed, true);
    });
  });

  it('counts problems: two findings fixed by one shared edit count twice', async () => {
    // PYD405 reports PYTHONUNBUFFERED and PYTHONFAULTHANDLER separately; one ENV line fixes both.
    const pyd405 = ruleByCode('PYD405');
    assert.ok(pyd405);
    await withSession({ pull: true }, { rules: [pyd405] }, async (client) => {
      const text = 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n';
      await client.open(URI, text, 1);
      const result = asResult(await client.executeCommand(FIX_ALL_COMMAND, [{ uri: URI, version: 1 }]));
      assert.equal(result.text, 'FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1\nCMD ["python", "app.py"]\n');
      assert.deepEqual(result.applied, [{ code: 'PYD405', count: 2 }]);
    });
  });
});
