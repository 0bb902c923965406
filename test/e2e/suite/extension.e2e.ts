// Smoke tests in a real VS Code: activation, diagnostics, a quick fix, Optimize, fix all, restart.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test, waitFor } from './harness';

/** A Dockerfile that PYD201 (pip keeps its cache) flags on line 1, and nothing else we assert on. */
const PIP_WITH_CACHE = 'FROM python:3.12-slim-bookworm\nRUN pip install flask==3.0.3\n';

test('activates on a Dockerfile and registers its commands', async () => {
  await showWorkspaceDockerfile();
  const extension = ourExtension();
  await extension.activate(); // resolves once the activation triggered by the open has finished
  assert.equal(extension.isActive, true);
  const commands = await vscode.commands.getCommands(true);
  for (const id of [
    'pydockerfile.optimizeDockerfile',
    'pydockerfile.fixAll',
    'pydockerfile.restartServer',
    'pydockerfile.showOutputChannel',
  ]) {
    assert.ok(commands.includes(id), `command ${id} is registered`);
  }
});

test('reports PYD201 with a documentation link on the workspace Dockerfile', async () => {
  const editor = await showWorkspaceDockerfile();
  const diagnostic = await waitForCode(editor.document.uri, 'PYD201');
  assert.equal(diagnostic.range.start.line, lineContaining(editor.document, 'pip install'));
  assert.ok(typeof diagnostic.code === 'object' && diagnostic.code.target, 'the code links to its docs page');
});

test('the PYD201 quick fix inserts --no-cache-dir', async () => {
  const editor = await showUntitled(PIP_WITH_CACHE);
  try {
    const diagnostic = await waitForCode(editor.document.uri, 'PYD201');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((action) => action.title.endsWith('(PYD201)') && action.edit !== undefined);
    assert.ok(fix?.edit, `a PYD201 fix among: ${actions.map((action) => action.title).join(' | ')}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(editor.document.getText(), 'FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir flask==3.0.3\n');
    await waitFor('PYD201 to go away', vscode.languages.onDidChangeDiagnostics, () =>
      diagnosticsWithCode(editor.document.uri, 'PYD201').length === 0 ? true : undefined,
    );
  } finally {
    await closeWithoutSaving(editor);
  }
});

test('Optimize applies directly when showPreview is off, and one undo reverts it', async () => {
  // test/e2e/workspace/.vscode/settings.json turns the preview off: its dialog is modal.
  const editor = await showUntitled(PIP_WITH_CACHE);
  try {
    await waitForCode(editor.document.uri, 'PYD201');
    await vscode.commands.executeCommand('pydockerfile.optimizeDockerfile');
    assert.match(editor.document.getText(), /RUN pip install --no-cache-dir flask==3\.0\.3/);
    const previews = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputTextDiff);
    assert.equal(previews.length, 0, 'no diff editor was opened');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), PIP_WITH_CACHE);
  } finally {
    await closeWithoutSaving(editor);
  }
});

test('Fix all applies the safe fixes as one edit', async () => {
  const editor = await showUntitled(PIP_WITH_CACHE);
  try {
    await waitForCode(editor.document.uri, 'PYD201');
    await vscode.commands.executeCommand('pydockerfile.fixAll');
    assert.match(editor.document.getText(), /RUN pip install --no-cache-dir flask==3\.0\.3/);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), PIP_WITH_CACHE);
  } finally {
    await closeWithoutSaving(editor);
  }
});

test('after Restart language server, diagnostics still arrive', async () => {
  await vscode.commands.executeCommand('pydockerfile.restartServer');
  const editor = await showUntitled(PIP_WITH_CACHE);
  try {
    await waitForCode(editor.document.uri, 'PYD201');
  } finally {
    await closeWithoutSaving(editor);
  }
});

function ourExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.all.find((candidate) => {
    const manifest: unknown = candidate.packageJSON;
    return typeof manifest === 'object' && manifest !== null && 'name' in manifest && manifest.name === 'pydockerfile';
  });
  assert.ok(extension, 'the extension under development is loaded');
  return extension;
}

async function showWorkspaceDockerfile(): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e workspace folder is open');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'Dockerfile'));
  return vscode.window.showTextDocument(document);
}

async function showUntitled(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'dockerfile', content });
  return vscode.window.showTextDocument(document);
}

async function closeWithoutSaving(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

function diagnosticsWithCode(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'pydockerfile' && codeOf(diagnostic) === code);
}

function waitForCode(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic> {
  return waitFor(`${code} on ${uri.toString()}`, vscode.languages.onDidChangeDiagnostics, () => diagnosticsWithCode(uri, code)[0]);
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

function lineContaining(document: vscode.TextDocument, needle: string): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (document.lineAt(line).text.includes(needle)) return line;
  }
  assert.fail(`no line contains ${needle}`);
}
