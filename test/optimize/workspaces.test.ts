// Optimize on the workspace fixtures (issue #6): the builder recipe and its two-phase install
// follow the project's lock files, and the `.dockerignore` change comes in the same result.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { optimize, type OptimizeOptions } from '../../server/src/engine/optimize';
import type { FileChange } from '../../server/src/fix/apply';
import { DocumentModel } from '../../server/src/model/document-model';
import { nodeWorkspaceFs } from '../../server/src/workspace/node-fs';
import { Workspace } from '../../server/src/workspace/workspace';
import { REPO_ROOT } from '../support/paths';
import { assertResultProperties } from './support';

const WORKSPACES = path.join(REPO_ROOT, 'test', 'workspaces');

/** Optimize options reading a fixture folder as the build context (nothing is written). */
function contextOptions(name: string, extra: OptimizeOptions = {}): OptimizeOptions {
  const workspace = new Workspace(nodeWorkspaceFs(path.join(WORKSPACES, name)));
  return { unsafe: true, otherFiles: true, ...extra, env: { today: '2026-11-25', workspace, dockerfile: 'Dockerfile' } };
}

/** The options with the other files as the result left them: the world after applying it. */
function withFiles(options: OptimizeOptions, files: readonly FileChange[]): OptimizeOptions {
  const workspace = options.env?.workspace;
  assert.ok(workspace);
  return { ...options, env: { ...options.env, workspace: workspace.withOverlay(new Map(files.map((f) => [f.path, f.after]))) } };
}

/** The instructions of the first stage (the builder), one per line without continuations. */
function builderLines(text: string): string[] {
  const model = new DocumentModel(text);
  const builder = model.stages[0];
  assert.ok(builder && model.stages.length === 2, `expected a builder and a final stage:\n${text}`);
  return builder.instructions.map((i) => text.slice(i.start, i.end).replace(/\s*\\\n\s*/g, ' '));
}

/** Index of the first line matching, failing when none does. */
function indexOf(lines: readonly string[], pattern: RegExp): number {
  const at = lines.findIndex((l) => pattern.test(l));
  assert.ok(at >= 0, `no builder line matches ${pattern}:\n${lines.join('\n')}`);
  return at;
}

describe('Optimize on the workspace fixtures', () => {
  it('Poetry: the builder installs the dependencies from pyproject.toml and poetry.lock before the sources', () => {
    const before = fs.readFileSync(path.join(WORKSPACES, 'poetry', 'Dockerfile'), 'utf8');
    for (const decisions of [undefined, ['multi-stage']]) {
      const options = contextOptions('poetry', decisions ? { decisions } : {});
      const result = optimize(before, options);
      assert.equal(result.decisions.find((d) => d.id === 'multi-stage')?.applied, true, JSON.stringify(result.skipped));
      const lines = builderLines(result.text);
      const manifests = indexOf(lines, /^COPY pyproject\.toml poetry\.lock \.\/$/);
      const deps = indexOf(lines, /poetry install --no-root --only main/);
      const sources = indexOf(lines, /^COPY \. \.$/);
      const project = indexOf(lines, /^RUN poetry install --only main$/);
      assert.ok(manifests < deps && deps < sources && sources < project, lines.join('\n'));
      assert.equal(lines.filter((l) => /pip install --no-cache-dir poetry/.test(l)).length, 1, 'Poetry is installed once in the builder');
      assert.match(result.text, /^COPY --from=builder \/code\/\.venv \/code\/\.venv$/m);
      // Its `.dockerignore` is complete: no other file changes.
      assert.deepEqual(result.files, []);
      assertResultProperties(before, result, options, `poetry ${decisions?.join(',') ?? 'unsafe'}`);
    }
  });

  it('uv: the builder syncs without the project from pyproject.toml and uv.lock, then installs it; `.dockerignore` is created', () => {
    const before = fs.readFileSync(path.join(WORKSPACES, 'uv', 'Dockerfile'), 'utf8');
    const options = contextOptions('uv');
    const result = optimize(before, options);
    const lines = builderLines(result.text);
    const manifests = indexOf(lines, /^COPY pyproject\.toml uv\.lock \.\/$/);
    const deps = indexOf(lines, /^RUN uv sync --no-install-project .*--locked --no-dev$/);
    const sources = indexOf(lines, /^COPY \. \.$/);
    const project = indexOf(lines, /^RUN uv sync --no-editable .*--locked --no-dev$/);
    assert.ok(manifests < deps && deps < sources && sources < project, lines.join('\n'));
    assert.match(result.text, /^COPY --from=builder \/app\/\.venv \/app\/\.venv$/m);
    const ignore = result.files.find((f) => f.path === '.dockerignore');
    assert.ok(ignore?.created, 'the `.dockerignore` is created in the same result');
    assert.match(ignore.after, /^\.venv$/m);
    assert.ok(result.applied.some((a) => a.code === 'PYD311'));
    assertResultProperties(before, result, withFiles(options, result.files), 'uv');
  });

  it('Pipenv: a single-stage Dockerfile gets a builder that copies Pipfile and Pipfile.lock, not the sources', () => {
    const before = 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir pipenv==2025.0.4 && pipenv sync --system\nCMD ["./start.sh"]\n';
    const options = contextOptions('pipenv', { decisions: ['multi-stage', 'dockerignore'] });
    const result = optimize(before, options);
    const lines = builderLines(result.text);
    assert.ok(indexOf(lines, /^COPY Pipfile Pipfile\.lock \.\/$/) < indexOf(lines, /pipenv sync$/), lines.join('\n'));
    assert.ok(!lines.some((l) => /^COPY \. \.$/.test(l)), 'Pipenv does not install the project: the builder needs no sources');
    assert.match(result.text, /^COPY --from=builder \/app\/\.venv \/app\/\.venv$/m);
    // The existing `.dockerignore` misses `__pycache__`: it is extended in the same result.
    const ignore = result.files.find((f) => f.path === '.dockerignore');
    assert.ok(ignore && !ignore.created, JSON.stringify(result.files));
    assert.match(ignore.after, /__pycache__/);
    assertResultProperties(before, result, withFiles(options, result.files), 'pipenv');
  });

  it('keeps the original order when the lock file is not in the build context', () => {
    const before = 'FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir poetry==1.8.3 && poetry install --only main\nCMD ["python", "-m", "shop"]\n';
    const options = contextOptions('pip-project', { decisions: ['multi-stage'] });
    const result = optimize(before, options);
    assert.doesNotMatch(result.text, /COPY pyproject\.toml poetry\.lock/, 'no COPY of a lock file the context lacks');
  });
});
