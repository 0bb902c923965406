// Commands reached through wrappers, absolute paths and variables are still recognised by the
// rules that settle most commands by their program's first letter (PYD310, PYD301, PYD308, PYD108),
// the join, pin and user checks that skip work on plain input still answer as before
// (PYD307, PYD202, PYD503), and PYD503 finds the instruction that made a directory through
// its path index the way it did by asking every earlier instruction.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { fixAll } from '../../server/src/fix/apply';

const env = { today: '2025-06-01' };

/** `[line, message]` of each finding of one rule (0-based lines). */
function findings(code: string, text: string): [number, string][] {
  return lint(text, { env, only: [code], preview: true }).findings.map((f) => [f.range.start.line, f.message]);
}

/** The text after applying every fix of one rule, unsafe ones included. */
function fixedUnsafe(code: string, text: string): string {
  return fixAll(text, { level: 'unsafe', env, codes: [code] }).text;
}

describe('PYD310 recognises installs behind wrappers and paths', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'FROM python:3.12-slim-bookworm AS build',
    'RUN sudo apt-get install -y gcc',
    'RUN /usr/local/bin/pip install flask==3.0.3',
    'RUN env UV_NO_PROGRESS=1 uv sync',
    'RUN apt-cache policy gcc && apt-get update',
    'RUN A=1 pip install --no-cache-dir flask==3.0.3',
    '',
    'FROM python:3.12-slim-bookworm',
    'COPY --from=build /opt/venv /opt/venv',
    '',
  ].join('\n');

  it('flags `sudo apt-get`, `/usr/local/bin/pip` and `env … uv`, not `apt-cache` or `apt-get update`', () => {
    const found = findings('PYD310', text).map(([line, message]) => [line, message.slice(0, message.indexOf(' downloads'))]);
    assert.deepEqual(found, [
      [2, '`apt-get install`'],
      [3, '`pip install`'],
      [4, '`uv sync`'],
      [6, '`pip install`'],
    ]);
  });

  it('adds the mounts and removes `--no-cache-dir` after an inline assignment', () => {
    const fixed = fixedUnsafe('PYD310', text).split('\n');
    assert.equal(fixed[2], 'RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean && sudo apt-get install -y gcc');
    assert.equal(fixed[4], 'RUN --mount=type=cache,target=/root/.cache/uv env UV_NO_PROGRESS=1 uv sync');
    assert.equal(fixed[5], 'RUN apt-cache policy gcc && apt-get update');
    assert.equal(fixed[6], 'RUN --mount=type=cache,target=/root/.cache/pip A=1 pip install flask==3.0.3');
  });
});

describe('PYD301 recognises installs behind wrappers and paths', () => {
  it('flags `/opt/venv/bin/python -m pip install -r` after a broad COPY, not the apt install before it', () => {
    const text = 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y gcc\nRUN /opt/venv/bin/python -m pip install -r requirements.txt\n';
    assert.deepEqual(
      findings('PYD301', text).map(([line]) => line),
      [4],
    );
    assert.equal(
      fixedUnsafe('PYD301', text),
      'FROM python:3.12-slim-bookworm\nWORKDIR /app\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt ./\nRUN /opt/venv/bin/python -m pip install -r requirements.txt\nCOPY . .\n',
    );
  });

  it('flags `env … uv sync` and moves the dependency install before the sources', () => {
    const text = 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN env HOME=/tmp uv sync --locked\n';
    assert.deepEqual(
      findings('PYD301', text).map(([line]) => line),
      [3],
    );
    assert.equal(
      fixedUnsafe('PYD301', text),
      'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN env HOME=/tmp uv sync --no-install-project --locked\nCOPY . .\nRUN env HOME=/tmp uv sync --locked\n',
    );
  });
});

describe('PYD308 reads the program of each command', () => {
  it('flags chmod named by a variable or a path, not `echo chmod`', () => {
    const text = [
      'FROM python:3.12-slim-bookworm',
      'WORKDIR /app',
      'ENV TOOL=chmod',
      'COPY start.sh ./',
      'RUN $TOOL +x start.sh',
      'COPY run.sh ./',
      'RUN /bin/chmod +x run.sh',
      'COPY other.sh ./',
      'RUN echo chmod +x other.sh',
      '',
    ].join('\n');
    assert.deepEqual(
      findings('PYD308', text).map(([line]) => line),
      [4, 6],
    );
  });
});

describe('PYD108 judges every COPY of one builder', () => {
  it('flags both copies of a venv built on another minor, and the one copied to a new path', () => {
    const text = [
      'FROM python:3.11-slim-bookworm AS build',
      'RUN python -m venv /opt/venv',
      'RUN /opt/venv/bin/pip install flask==3.0.3',
      '',
      'FROM python:3.12-slim-bookworm',
      'COPY --from=build /opt/venv /opt/venv',
      'COPY --from=build /opt/venv /srv/venv',
      '',
    ].join('\n');
    const found = findings('PYD108', text);
    assert.deepEqual(
      found.map(([line, message]) => [line, message.includes('built for Python 3.11'), message.includes('is copied to `/srv/venv`')]),
      [
        [5, true, false],
        [6, true, false],
        [6, false, true],
      ],
    );
  });
});

describe('PYD307 joins after the last character the shell sees', () => {
  it('drops a trailing `;` and blanks of a RUN without continuations', () => {
    const text = 'FROM python:3.12-slim-bookworm\nRUN mkdir /data ;  \nRUN python -m compileall .\n';
    assert.equal(fixedUnsafe('PYD307', text), 'FROM python:3.12-slim-bookworm\nRUN mkdir /data && \\\n    python -m compileall .\n');
  });

  it('joins after a continuation written with the `# escape=` character', () => {
    const text = '# escape=`\nFROM python:3.12-slim-bookworm\nRUN pip install `\n    flask==3.0.3;\nRUN python -m compileall .\n';
    assert.equal(fixedUnsafe('PYD307', text), '# escape=`\nFROM python:3.12-slim-bookworm\nRUN pip install `\n    flask==3.0.3 && `\n    python -m compileall .\n');
  });
});

describe('PYD202 reads markers and constraints', () => {
  it('judges the requirement before an environment marker, and skips constrained installs', () => {
    const text = [
      'FROM python:3.12-slim-bookworm',
      `RUN pip install "flask; python_version<'3.11'"`,
      `RUN pip install "gunicorn==23.0.0; python_version<'3.11'"`,
      'RUN PIP_CONSTRAINT=/c.txt pip install requests',
      'ENV UV_CONSTRAINT=/c.txt',
      'RUN uv pip install --system httpx',
      '',
    ].join('\n');
    assert.deepEqual(findings('PYD202', text), [[1, "`flask; python_version<'3.11'` is installed without a version pin"]]);
  });
});

describe('PYD503 reads `user:group` values', () => {
  it('treats `USER 0:0` as root and `USER app:app` as the user that writes', () => {
    const text = [
      'FROM python:3.12-slim-bookworm',
      'RUN useradd --create-home app',
      'COPY . /srv/app',
      'USER 0:0',
      'RUN python -m compileall /srv/app',
      'USER app:app',
      'COPY . /srv/web',
      'RUN python -m compileall /srv/web',
      '',
    ].join('\n');
    assert.deepEqual(findings('PYD503', text), [[6, '`COPY` creates `/srv/web` owned by root, but `python -m compileall /srv/web` (line 8) writes there as `app:app`']]);
  });
});

describe('PYD503 finds what made the destination directory', () => {
  it('tells a directory made by a COPY into its parent, a VOLUME, a RUN or a heredoc from one the COPY creates', () => {
    const text = [
      'FROM python:3.12-slim-bookworm',
      'RUN useradd --create-home app',
      'COPY data/ /x',
      'WORKDIR /srv/b',
      'VOLUME /srv/c',
      'RUN mkdir -p /srv/d/sub',
      'RUN <<EOF',
      'touch /srv/e/marker',
      'EOF',
      'USER app',
      'COPY a/ /x/a/',
      'COPY b/ /srv/b/',
      'COPY c/ /srv/c/',
      'COPY d/ /srv/d/',
      'COPY e/ /srv/e/',
      'COPY f/ /srv/f/',
      'RUN python -m compileall /x/a /srv/b /srv/c /srv/d /srv/e /srv/f',
      '',
    ].join('\n');
    const writes = '`python -m compileall /x/a /srv/b /srv/c /srv/d …` (line 17) writes there as `app`';
    assert.deepEqual(findings('PYD503', text), [
      [2, `\`COPY\` creates \`/x\` owned by root, but ${writes}`],
      [11, `\`/srv/b\` and the files \`COPY\` puts there belong to root, but ${writes}`],
      [15, `\`COPY\` creates \`/srv/f\` owned by root, but ${writes}`],
    ]);
  });

  it('flags every COPY of a long stage that runs as a non-root user', () => {
    const lines = ['FROM python:3.12-slim-bookworm', 'RUN useradd --create-home app', 'USER app'];
    for (let i = 0; i < 300; i++) lines.push(`COPY part${i}/ /srv/part${i}/`, `RUN python -m compileall /srv/part${i}`);
    const found = findings('PYD503', lines.join('\n') + '\n');
    assert.equal(found.length, 300);
    assert.deepEqual(found[299], [601, '`COPY` creates `/srv/part299` owned by root, but `python -m compileall /srv/part299` (line 603) writes there as `app`']);
  });
});
