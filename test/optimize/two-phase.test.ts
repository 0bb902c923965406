// The builder's two-phase install (Poetry, Pipenv, uv): dependencies from the manifests first,
// sources and project afterwards — and every case where the builder keeps the original order.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentModel } from '../../server/src/model/document-model';
import { planMultiStage } from '../../server/src/optimize/multi-stage';

const UV_PROJECT = { 'pyproject.toml': '[project]\nname = "api"\nversion = "1.0.0"\ndependencies = ["fastapi==0.115.0"]\n', 'uv.lock': 'version = 1\n' };

/** The builder stage of the rewrite (its instructions, one per line), failing when there is none. */
function builderOf(text: string, files?: Record<string, string>): string[] {
  const outcome = planMultiStage(new DocumentModel(text), files ? { readContextFile: (p) => files[p.replace(/^\.\//, '')] } : {});
  assert.equal(outcome.kind, 'rewrite', outcome.kind === 'rewrite' ? '' : outcome.reason);
  if (outcome.kind !== 'rewrite') return [];
  const model = new DocumentModel(outcome.text);
  const builder = model.stages[0];
  assert.ok(builder);
  return builder.instructions.map((i) => outcome.text.slice(i.start, i.end));
}

const UV = (between = '', sync = 'uv sync --locked --no-dev'): string =>
  `FROM python:3.13-slim-trixie\nCOPY --from=ghcr.io/astral-sh/uv:0.9.9 /uv /uvx /bin/\nWORKDIR /app\nCOPY . .\n${between}RUN ${sync}\nCMD ["uv", "run", "python", "-m", "api"]\n`;

describe('two-phase install in the builder', () => {
  it('uv: manifests, dependencies without the project, then the sources and the project', () => {
    assert.deepEqual(builderOf(UV(), UV_PROJECT), [
      'COPY --from=ghcr.io/astral-sh/uv:0.9.9 /uv /uvx /bin/',
      'WORKDIR /app',
      'ENV UV_PYTHON_DOWNLOADS=0',
      'COPY pyproject.toml uv.lock ./',
      'RUN uv sync --no-install-project --locked --no-dev',
      'COPY . .',
      'RUN uv sync --no-editable --locked --no-dev',
    ]);
  });

  it('uv without a readable context: `--locked` implies the lock, a plain `uv sync` does not', () => {
    assert.ok(builderOf(UV()).includes('COPY pyproject.toml uv.lock ./'));
    const plain = builderOf(UV('', 'uv sync --no-dev'));
    assert.ok(!plain.some((l) => l.startsWith('COPY pyproject.toml')), plain.join('\n'));
    assert.ok(plain.includes('RUN uv sync --no-editable --no-dev'), 'one sync, as before');
  });

  it('keeps the original order when the dependency install may need the sources', () => {
    const cases: [string, string, Record<string, string>][] = [
      ['a uv workspace', UV(), { ...UV_PROJECT, 'pyproject.toml': `${UV_PROJECT['pyproject.toml']}\n[tool.uv.workspace]\nmembers = ["packages/*"]\n` }],
      ['a path source', UV(), { ...UV_PROJECT, 'pyproject.toml': `${UV_PROJECT['pyproject.toml']}\n[tool.uv.sources]\nlib = { path = "lib" }\n` }],
      ['no uv.lock in the context', UV(), { 'pyproject.toml': UV_PROJECT['pyproject.toml'] }],
      ['a RUN that uses the sources', UV('RUN python scripts/prepare.py\n'), UV_PROJECT],
      ['a WORKDIR change', UV('WORKDIR /app/src\n'), UV_PROJECT],
      ['a bind mount', UV('', '--mount=type=bind,source=.,target=/src uv sync --locked'), UV_PROJECT],
      ['sources copied elsewhere', UV().replace('COPY . .', 'COPY . /src/'), UV_PROJECT],
    ];
    for (const [label, text, files] of cases) {
      const builder = builderOf(text, files);
      assert.ok(!builder.some((l) => l.includes('--no-install-project')), `${label}:\n${builder.join('\n')}`);
    }
  });

  it('Poetry: the project install follows the sources, and a repeated install runs once', () => {
    const files = { 'pyproject.toml': '[tool.poetry]\nname = "shop"\n', 'poetry.lock': '# lock\n' };
    const text = 'FROM python:3.12-bookworm\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir poetry==1.8.3 && poetry install --only main\nCMD ["shop"]\n';
    const builder = builderOf(text, files);
    assert.deepEqual(builder.slice(1), [
      'ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true',
      'COPY pyproject.toml poetry.lock ./',
      'RUN pip install --no-cache-dir poetry==1.8.3 && poetry install --no-root --only main',
      'COPY . .',
      'RUN poetry install --only main',
    ]);
    // The shape a reordering fix (PYD301) leaves: the whole install repeated after the sources.
    const reordered = 'FROM python:3.12-bookworm\nWORKDIR /srv\nCOPY pyproject.toml poetry.lock ./\nRUN pip install --no-cache-dir poetry==1.8.3 && poetry install --no-root --only main\nCOPY . .\nRUN pip install --no-cache-dir poetry==1.8.3 && poetry install --only main\nCMD ["shop"]\n';
    assert.deepEqual(builderOf(reordered, files).slice(1), builder.slice(1));
  });

  it('Poetry without the lock in the context keeps its single install, without the project', () => {
    const text = 'FROM python:3.12-bookworm\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir poetry==1.8.3 && poetry install --only main\nCMD ["python", "-m", "shop"]\n';
    const builder = builderOf(text, { 'pyproject.toml': '[tool.poetry]\nname = "shop"\n' });
    assert.ok(builder.includes('COPY . .'));
    assert.ok(builder.some((l) => l.endsWith('poetry install --no-root --only main')), builder.join('\n'));
    assert.ok(!builder.some((l) => l.startsWith('COPY pyproject.toml')));
  });
});
