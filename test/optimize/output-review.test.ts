// Defects found by reading Optimize's output on real Dockerfiles (session 7), each reproduced
// with an input of our own: what the rewrite does and what it says about itself.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimize } from '../../server/src/engine/optimize';
import { assertResultProperties, caseOptions } from './support';

describe('Optimize output review', () => {
  it('does not claim an install is now cached when it still follows the source copy', () => {
    // Without Pipfile/Pipfile.lock in the context the builder keeps `COPY . .` before the
    // install, so a source change still re-runs it. (Fix-all once merged it behind `pip install
    // pipenv`, which changed its RUN's text; now PYD301 moves that named install above the sources.)
    const before = 'FROM python:3.12\nWORKDIR /code\nCOPY . .\nRUN pip install pipenv\nRUN pipenv install --system --deploy\nCMD ["python", "-m", "service"]\n';
    const options = caseOptions({ decisions: undefined, files: {} });
    const result = optimize(before, options);
    assert.ok(result.decisions.find((d) => d.id === 'multi-stage')?.applied, 'the multi-stage rewrite was expected');
    assert.match(result.text, /RUN pip install --no-cache-dir pipenv\n(.*\n)*COPY \. \.\nRUN pipenv install --deploy\n/);
    assert.ok(!result.estimate.lines.some((l) => l.includes('no longer re-runs')), result.estimate.lines.join(' | '));
    assertResultProperties(before, result, options, 'pipenv without context');
  });

  it('still reports the cached install when the rewrite moves it before the source copy', () => {
    const before = 'FROM python:3.12\nWORKDIR /code\nCOPY . .\nRUN pip install pipenv\nRUN pipenv install --system --deploy\nCMD ["python", "-m", "service"]\n';
    const files = { Pipfile: '[packages]\nrequests = "==2.32.3"\n', 'Pipfile.lock': '{"_meta": {}, "default": {}, "develop": {}}\n' };
    const result = optimize(before, caseOptions({ decisions: undefined, files }));
    assert.ok(result.estimate.lines.some((l) => l.includes('no longer re-runs: `RUN pipenv install --system --deploy`')), result.estimate.lines.join(' | '));
  });

  it('precompiles the sources when the builder venv is copied after them', () => {
    // The venv COPY --from used to count as the last source copy, so the sources were neither
    // precompiled nor reported for the new non-root user.
    const before = 'FROM python:3.12\nWORKDIR /code\nCOPY . .\nRUN pip install pipenv\nRUN pipenv install --system --deploy\nCMD ["python", "-m", "service"]\n';
    const result = optimize(before, caseOptions({ decisions: undefined, files: {} }));
    assert.match(result.text, /\nCOPY \. \.\nRUN python -m compileall -q \.\nCOPY --from=builder \/code\/\.venv \/code\/\.venv\n/);
  });

  it('keeps PYTHONDONTWRITEBYTECODE when the image ends up running as a new non-root user', () => {
    // Removing it only helps a process that may write next to the code; `non-root` now has its
    // turn first, and the new user cannot write next to root-owned files.
    const before = 'FROM ubuntu:24.04\nENV PYTHONDONTWRITEBYTECODE=1\nRUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*\nWORKDIR /srv\nCOPY app.py .\nCMD ["python3", "app.py"]\n';
    const options = caseOptions({ decisions: undefined, files: {} });
    const result = optimize(before, options);
    assert.match(result.text, /\nUSER 10001:10001\n/);
    assert.match(result.text, /ENV PYTHONDONTWRITEBYTECODE=1/);
    assert.ok(!result.decisions.some((d) => d.id === 'fix:PYD406' && d.applied));
    assertResultProperties(before, result, options, 'non-root and PYTHONDONTWRITEBYTECODE');
    // Without `non-root` the image runs as root, and the removal is still offered and applied.
    const rootOnly = optimize(before, caseOptions({ decisions: ['fix:PYD406'], files: {} }));
    assert.doesNotMatch(rootOnly.text, /PYTHONDONTWRITEBYTECODE/);
  });

  it('does not add a user when the entry script collects static files at start', () => {
    const before = 'FROM python:3.12-slim-bookworm\nWORKDIR /srv\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n';
    const files = { 'requirements.txt': 'django==5.1.4\n', 'start.sh': '#!/bin/sh\nset -e\npython manage.py collectstatic --noinput\nexec gunicorn shop.wsgi\n' };
    const options = caseOptions({ decisions: undefined, files });
    const result = optimize(before, options);
    assert.doesNotMatch(result.text, /USER|useradd/);
    assertResultProperties(before, result, options, 'collectstatic at start');
  });

  it('keeps an editable install whose sources get files after it, and says why phases 3-5 stop', () => {
    const before = 'FROM python:3.12-slim-bookworm\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir -e .\nCOPY build/locale/ shop/locale/\nCMD ["python", "-m", "shop"]\n';
    const result = optimize(before, caseOptions({ decisions: undefined, files: {} }));
    assert.match(result.text, /pip install --no-cache-dir -e \./);
    const reasons = result.skipped.map((s) => s.reason).join(' | ');
    assert.match(reasons, /an editable install remains on line 5, and PYD204 offers no fix for it/);
    assert.doesNotMatch(reasons, /tick `fix:PYD204`/);
  });
  it('drops a builder ENV that the Poetry recipe overrides before the first install', () => {
    const before = 'FROM python:3.12-slim-bookworm\nENV POETRY_VIRTUALENVS_CREATE=false\nRUN pip install --no-cache-dir poetry==1.8.3\nWORKDIR /app\nCOPY poetry.lock pyproject.toml ./\nRUN poetry install --only main --no-interaction --no-ansi\nCOPY . .\nCMD ["python", "-m", "app"]\n';
    const options = caseOptions({ decisions: undefined, files: {} });
    const result = optimize(before, options);
    const builder = result.text.split('\n\n')[0] ?? '';
    assert.match(builder, /AS builder\n/);
    assert.doesNotMatch(builder, /POETRY_VIRTUALENVS_CREATE=false/);
    assert.match(builder, /ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true\n/);
    assertResultProperties(before, result, options, 'poetry ENV in the builder');
  });
  it('drops the uv install settings its own fixes added once the final stage no longer runs uv', () => {
    const files = { 'pyproject.toml': '[project]\nname = "api"\nversion = "1.0"\ndependencies = ["fastapi==0.115.6"]\n', 'uv.lock': 'version = 1\n' };
    const before = 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /bin/uv\nCOPY . .\nRUN uv sync --locked --no-cache\nCMD ["/app/.venv/bin/uvicorn", "api:app"]\n';
    const options = caseOptions({ decisions: undefined, files });
    const result = optimize(before, options);
    const [builder, final] = result.text.split('\n\n');
    assert.match(builder ?? '', /ENV UV_COMPILE_BYTECODE=1\n/);
    assert.ok(final !== undefined && !final.includes('UV_COMPILE_BYTECODE'), final);
    assertResultProperties(before, result, options, 'uv settings in the final stage');
    // A setting the original final image had is the user's: it stays.
    const own = before.replace('WORKDIR /app\n', 'WORKDIR /app\nENV UV_COMPILE_BYTECODE=1\n');
    const kept = optimize(own, options);
    assert.match(kept.text.split('\n\n')[1] ?? '', /ENV UV_COMPILE_BYTECODE=1\n/);
  });
});
