// The server announces pull diagnostics only to clients that can pull, and its other features always.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIX_ALL_CODE_ACTION_KIND, FIX_ALL_COMMAND, OPTIMIZE_APPLY_COMMAND, OPTIMIZE_COMMAND, SHOW_DOCUMENTATION_COMMAND } from '../../server/src/protocol';
import { withSession } from './support/in-process';

describe('initialize', () => {
  it('announces pull diagnostics to a client that declares textDocument.diagnostic', async () => {
    await withSession({ pull: true }, {}, async (client) => {
      const caps = client.initializeResult?.capabilities;
      assert.deepEqual(caps?.diagnosticProvider, { identifier: 'pydockerfile', interFileDependencies: true, workspaceDiagnostics: false });
      assert.deepEqual(caps?.textDocumentSync, { openClose: true, change: 2 });
      assert.deepEqual(caps?.codeActionProvider, { codeActionKinds: ['quickfix', 'refactor.rewrite', FIX_ALL_CODE_ACTION_KIND], resolveProvider: true });
      assert.equal(caps?.hoverProvider, true);
      assert.deepEqual(caps?.executeCommandProvider?.commands, [OPTIMIZE_COMMAND, FIX_ALL_COMMAND, SHOW_DOCUMENTATION_COMMAND, OPTIMIZE_APPLY_COMMAND]);
      // The VS Code client sends pydockerfile/ruleSummary only to a server that announces it.
      assert.deepEqual(caps?.experimental, { pydockerfile: { ruleSummary: true } });
      assert.equal(client.initializeResult?.serverInfo?.name, 'pydockerfile-language-server');
    });
  });

  it('does not announce pull diagnostics to a push-only client (Neovim 0.7)', async () => {
    await withSession({ pull: false }, {}, async (client) => {
      const caps = client.initializeResult?.capabilities;
      assert.equal(caps?.diagnosticProvider, undefined);
      assert.ok(caps?.codeActionProvider, 'code actions are still offered');
      assert.equal(caps?.hoverProvider, true);
    });
  });
});
