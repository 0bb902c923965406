// The multi-stage rewrite on its own: when it is refused (and why), what it is attributed to,
// and how it treats the text around it.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimize } from '../../server/src/engine/optimize';
import { DocumentModel } from '../../server/src/model/document-model';
import { planMultiStage } from '../../server/src/optimize/multi-stage';
import { GOLDEN_TODAY } from './support';

const REQUIREMENTS = (p: string): string | undefined => (p.replace(/^\.\//, '') === 'requirements.txt' ? 'psycopg2==2.9.9\n' : undefined);

function plan(text: string, files: Record<string, string> = {}): ReturnType<typeof planMultiStage> {
  return planMultiStage(new DocumentModel(text), { readContextFile: (p) => files[p.replace(/^\.\//, '')] ?? REQUIREMENTS(p) });
}

function reasonOf(outcome: ReturnType<typeof planMultiStage>): string {
  assert.notEqual(outcome.kind, 'rewrite', 'expected no rewrite');
  return outcome.kind === 'rewrite' ? '' : outcome.reason;
}

const BUILD = 'RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*';

describe('multi-stage refusals', () => {
  it('refuses images it has no recipe for', () => {
    assert.match(reasonOf(plan(`FROM ubuntu:24.04\nRUN pip install -r requirements.txt\n`)), /not built on the official python image \(`ubuntu:24\.04`\)/);
    assert.match(reasonOf(plan(`FROM python:3.12-alpine\nRUN apk add --no-cache gcc\nRUN pip install -r requirements.txt\n`)), /Alpine.*alpine-to-debian/);
    assert.match(reasonOf(plan(`FROM python:3.7.6-slim\n${BUILD}\nRUN pip install -r requirements.txt\n`)), /Debian release of `python:3\.7\.6-slim` is not known/);
  });

  it('refuses to move a -dev package whose runtime library it does not know', () => {
    const text = `FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libgdal-dev && rm -rf /var/lib/apt/lists/*\nRUN pip install -r requirements.txt\n`;
    assert.match(reasonOf(plan(text)), /no known runtime package for `libgdal-dev` on Debian bookworm/);
  });

  it('refuses installs it cannot place: as another user, outside the environment, mixed with shell state', () => {
    assert.match(reasonOf(plan(`FROM python:3.12-bookworm\nUSER app\nRUN pip install -r requirements.txt\n`)), /runs as `app`/);
    assert.match(reasonOf(plan(`FROM python:3.12-bookworm\nRUN pip install --user -r requirements.txt\n`)), /--user.*outside the environment/);
    assert.match(reasonOf(plan(`FROM python:3.12-bookworm\nRUN cd /src && pip install -r requirements.txt\n`)), /cannot be split/);
  });

  it('refuses when the final image would still need a build program or a removed tool', () => {
    assert.match(reasonOf(plan(`FROM python:3.12-slim-bookworm\n${BUILD}\nRUN pip install -r requirements.txt\nRUN gcc -shared -o fast.so fast.c\n`)), /`gcc` is still used on line 4/);
    const script = { 'start.sh': '#!/bin/sh\nexec pipenv run python -m app\n', 'Pipfile.lock': '{}' };
    assert.match(reasonOf(plan(`FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install pipenv && pipenv install --system --deploy\nCMD ["./start.sh"]\n`, script)), /entry script runs `pipenv run`/);
  });

  it('is not offered when there is nothing to gain', () => {
    const outcome = plan('FROM python:3.12-slim-bookworm\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n');
    assert.equal(outcome.kind, 'not-needed');
  });
});

describe('multi-stage rewrite', () => {
  it('is attributed to PYD206 when build packages leave the final image, to PYD101 for a full image', () => {
    const moved = plan(`FROM python:3.12-slim-bookworm\n${BUILD}\nRUN pip install -r requirements.txt\n`);
    assert.equal(moved.kind, 'rewrite');
    assert.deepEqual(moved.kind === 'rewrite' ? [moved.attribution, moved.moved, moved.runtimeLibraries] : [], [['PYD206'], ['gcc', 'libpq-dev'], ['libpq5']]);
    const full = plan('FROM python:3.12-bookworm\nRUN pip install -r requirements.txt\n');
    assert.deepEqual(full.kind === 'rewrite' ? full.attribution : [], ['PYD101']);
  });

  it('runs the application commands of a mixed RUN once, in the final image, and only the install in the builder', () => {
    const outcome = plan('FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && python manage.py collectstatic --noinput\nCMD ["gunicorn", "site.wsgi"]\n');
    assert.equal(outcome.kind, 'rewrite');
    const text = outcome.kind === 'rewrite' ? outcome.text : '';
    const [builder = '', runtime = ''] = text.split(/\n\n(?=FROM)/);
    assert.match(builder, /AS builder\n(.*\n)*RUN pip install -r requirements\.txt$/);
    assert.doesNotMatch(builder, /manage\.py/, 'the builder only installs');
    assert.match(runtime, /COPY --from=builder \/opt\/venv \/opt\/venv\nENV PATH="\/opt\/venv\/bin:\$PATH"\nRUN python manage\.py collectstatic --noinput\n/);
    assert.equal(text.match(/manage\.py collectstatic/g)?.length, 1, 'collectstatic runs once');
  });

  it('keeps clean-up with the application command it follows, and clean-up right after the install in the builder', () => {
    const after = plan('FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && \\\n    python manage.py collectstatic --noinput && \\\n    rm -rf /app/static/admin\nCMD ["gunicorn", "site.wsgi"]\n');
    const afterText = after.kind === 'rewrite' ? after.text : '';
    assert.match(afterText, /^RUN pip install -r requirements\.txt\n\nFROM/m);
    assert.match(afterText, /^RUN python manage\.py collectstatic --noinput && rm -rf \/app\/static\/admin$/m, 'the final image still removes what collectstatic left');
    const before = plan('FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && rm -rf /opt/venv/share/doc && python manage.py check\nCMD ["gunicorn", "site.wsgi"]\n');
    const beforeText = before.kind === 'rewrite' ? before.text : '';
    assert.match(beforeText, /^RUN pip install -r requirements\.txt && rm -rf \/opt\/venv\/share\/doc\n\nFROM/m, 'the environment the final image copies is pruned as before');
    assert.match(beforeText, /^RUN python manage\.py check$/m);
  });

  it('runs a mixed RUN whole in the builder when a `;` or a command before the install could depend on it', () => {
    // After `;` the RUN's status is the last command's: an install failure did not fail the build.
    const semicolon = plan('FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt ; python manage.py collectstatic --noinput\nCMD ["gunicorn", "site.wsgi"]\n');
    assert.match(semicolon.kind === 'rewrite' ? semicolon.text : '', /^RUN pip install -r requirements\.txt ; python manage\.py collectstatic --noinput\n\nFROM/m);
    // A command before the install may prepare it (write the requirements file), so the builder keeps it.
    const leading = plan('FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN python tools/lock.py && pip install -r requirements.txt && python manage.py check\nCMD ["gunicorn", "site.wsgi"]\n');
    const leadingText = leading.kind === 'rewrite' ? leading.text : '';
    assert.match(leadingText, /^RUN python tools\/lock\.py && pip install -r requirements\.txt\n\nFROM/m);
    assert.match(leadingText, /^RUN python tools\/lock\.py && python manage\.py check$/m);
  });

  it('through Optimize: the builder installs from the requirements alone, the final image collects the static files after the sources', () => {
    const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && python manage.py collectstatic --noinput\nCMD ["gunicorn", "mysite.wsgi"]\n';
    const result = optimize(text, { env: { today: GOLDEN_TODAY, readContextFile: (p) => (p.replace(/^\.\//, '') === 'requirements.txt' ? 'django==5.0.6\n' : undefined) }, decisions: ['multi-stage', 'fix:PYD301'] });
    const [builder = '', runtime = ''] = result.text.split(/\n\n(?=FROM)/);
    assert.ok(result.decisions.some((d) => d.id === 'multi-stage' && d.applied), result.skipped.map((s) => `${s.step}: ${s.reason}`).join('\n'));
    assert.doesNotMatch(builder, /manage\.py|COPY \. \./, builder);
    assert.match(runtime, /^COPY \. \.\nRUN python manage\.py collectstatic --noinput$/m, runtime);
    assert.equal(result.text.match(/collectstatic/g)?.length, 1);
  });

  it('keeps a byte-order mark first and a missing final line break missing', () => {
    const text = `\uFEFFFROM python:3.12-bookworm\n${BUILD}\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "-m", "app"]`;
    const result = optimize(text, { env: { today: GOLDEN_TODAY, readContextFile: REQUIREMENTS }, decisions: ['multi-stage'] });
    assert.ok(result.text.startsWith('\uFEFFFROM python:3.12-bookworm AS builder\n'), result.text);
    assert.equal(result.text.split('\uFEFF').length, 2, 'one byte-order mark');
    assert.ok(result.text.endsWith('CMD ["python", "-m", "app"]'));
  });
});
