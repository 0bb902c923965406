// Grammar-based generators of Dockerfiles for the property suites: instructions with flags,
// shell scripts, heredocs, continuations with either escape character, comments and pragmas,
// parser directives, CRLF/mixed line endings, a byte-order mark and Unicode. Every word list
// below was written for these tests; the mix leans towards what the rules look at.
import fc from 'fast-check';

/** Marks a continuation in a template: the escape character plus a line break. */
export const CONT = '\uE000';
/** Marks a plain line break inside an instruction (heredoc bodies, comment lines in continuations). */
export const NL = '\uE001';

/** How a generated document is written out. */
export interface Layout {
  bom: boolean;
  eol: '\n' | '\r\n' | 'mixed';
  /** Parser-directive lines written first. */
  directives: string[];
  /** Which character ends continuation lines: the one the directives declare, or a wrong one. */
  continuation: 'declared' | '\\' | '`';
  /** What follows the last line. */
  ending: '' | 'eol' | 'eol-eol' | 'blanks';
}

/** A generated document: its lines as templates, how to write it, and its build context. */
export interface GeneratedDockerfile {
  layout: Layout;
  lines: string[];
  files: Record<string, string>;
  today: string;
}

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** Up to `max` distinct entries of `values`, in a generated order, joined with spaces. */
const someOf = (values: readonly string[], max: number, min = 0): fc.Arbitrary<string> =>
  fc.shuffledSubarray([...values], { minLength: min, maxLength: max }).map((parts) => parts.join(' '));

/** Characters that are hard on parsers and regular expressions, and Unicode that is easy to mishandle. */
export const TRICKY_TEXT = [
  'café', '🐍', 'ファイル', 'עברית', 'e\u0301', '\u200b', '\u00a0', '\u2028', '\u0085', '\t', '\\', '`', '$', '${', '"', "'", '[', ']', '{', '}',
  '#', '&&', '|', '<<', '=', ',', ' ', '\r', '\ud83d', '\udc0d',
];

const IMAGES = [
  'python:3.12-slim', 'python:3.12', 'python:3.11-slim-bookworm', 'python:3.8-slim-buster', 'python:3.13-alpine', 'python:3-alpine3.19',
  'python', 'python:latest', 'python:3.12-slim-bookworm@sha256:' + '0123456789abcdef'.repeat(4), 'docker.io/library/python:3.10', 'python:3.9.18-bullseye',
  'python:3.12-rc-slim', 'python:2.7', 'ubuntu:22.04', 'debian:bookworm-slim', 'alpine:3.19', 'node:20', 'scratch', 'builder', 'base', '$BASE_IMAGE',
  '${PYTHON_IMAGE:-python:3.12-slim}', 'python:${PYTHON_VERSION}-slim', 'ghcr.io/acme/app:1.2', 'registry.example.com:5000/team/py:3.12-slim', 'gcr.io/distroless/python3',
  'python:3.12-slim@sha256:abc', 'mcr.microsoft.com/devcontainers/python:3.12',
];
const ALIASES = ['', '', ' AS builder', ' AS base', ' AS runtime', ' AS test', ' as build', ' AS Builder', ' AS deps', ' AS'];
const FROM_FLAGS = ['', '', '--platform=$BUILDPLATFORM ', '--platform=linux/amd64 '];

const PIP_RUNNERS = ['pip', 'pip3', 'python -m pip', 'python3 -m pip', '/opt/venv/bin/pip', 'uv pip', 'sudo pip', 'pip3.12', '.venv/bin/python -m pip'];
const PIP_OPTIONS = [
  '--no-cache-dir', '--user', '-U', '--upgrade', '--no-deps', '-e', '--prefix /install', '--target /deps', '--index-url https://pypi.example.com/simple',
  '-i http://user:secret@pypi.internal/simple', '--extra-index-url http://mirror.local/simple', '--trusted-host mirror.local', '--require-hashes', '--system',
  '--break-system-packages', '--only-binary=:all:', '--no-compile', '-q', '--cache-dir=/tmp/pip', '--no-build-isolation',
];
const PIP_PACKAGES = [
  'flask', 'flask==3.0.3', '"django>=4,<5"', "'requests[socks]~=2.31'", 'gunicorn', 'uvicorn[standard]', 'psycopg2', 'psycopg2-binary==2.9.9', 'numpy', '.',
  './app', '-r requirements.txt', '-r requirements/prod.txt', '-c constraints.txt', 'git+https://github.com/acme/lib.git', 'git+https://github.com/acme/lib.git@v1.0',
  'https://example.com/pkg-1.0-py3-none-any.whl', '/wheels/*.whl', '$PKG', '"${EXTRA}"', 'pip', 'setuptools wheel', 'Flask_Login', 'poetry==1.8.3', 'pipenv', 'uv',
];
const APT_TOOLS = ['apt-get', 'apt', 'sudo apt-get', 'DEBIAN_FRONTEND=noninteractive apt-get', 'apt-get -qq'];
const APT_SUBS = ['update', 'install', 'install', 'install', 'upgrade', 'dist-upgrade', 'purge', 'remove', 'autoremove', 'clean', 'dist-clean', 'build-dep'];
const APT_OPTIONS = ['-y', '--no-install-recommends', '-q', '--yes', '-o Dpkg::Options::=--force-confdef', '-o APT::Install-Recommends=false', '--auto-remove'];
const APT_PACKAGES = ['gcc', 'build-essential', 'libpq-dev', 'libpq5', 'curl', 'git', 'ca-certificates', 'python3-dev', 'libffi-dev', 'tini', 'dumb-init', 'nginx=1.22*', 'vim', '"$PKGS"', 'g++', 'make'];
const APK_SUBS = ['add', 'add', 'del', 'update', 'upgrade', 'add --no-cache', 'add --virtual .build-deps', 'add -U', '--no-cache add'];
const APK_PACKAGES = ['gcc', 'musl-dev', 'libffi-dev', 'postgresql-dev', 'curl', 'tini', 'python3-dev', 'bash', 'build-base', 'libpq'];
const FIXED_COMMANDS = [
  'rm -rf /var/lib/apt/lists/*', 'rm -rf /var/cache/apk/*', 'apt-get clean', 'rm -rf ~/.cache/pip', 'rm -rf /root/.cache', 'find / -name "*.pyc" -delete',
  'python -m venv /opt/venv', 'python3 -m venv .venv', 'virtualenv /venv', '. /opt/venv/bin/activate', 'source .venv/bin/activate', 'uv venv /opt/venv',
  'poetry install', 'poetry install --no-root --only main', 'poetry install --without dev --no-interaction', 'poetry config virtualenvs.create false',
  'poetry config virtualenvs.in-project true', 'poetry export -f requirements.txt -o requirements.txt', 'poetry export --without-hashes > req.txt', 'poetry lock --no-update',
  'pipenv install --deploy --system', 'pipenv install', 'pipenv sync', 'pipenv install --dev', 'uv sync --frozen', 'uv sync --locked --no-dev', 'uv sync',
  'uv pip install --system -r requirements.txt', 'curl -LsSf https://astral.sh/uv/install.sh | sh', 'useradd -m app', 'useradd --uid 10001 --no-create-home appuser',
  'groupadd -r app && useradd -r -g app app', 'adduser -D app', 'adduser --disabled-password --gecos "" app', 'addgroup -S app && adduser -S app -G app',
  'chmod +x /app/entrypoint.sh', 'chmod -R 755 /app', 'chown -R app:app /app', 'chown 1000:1000 /data', 'mkdir -p /app/logs', 'touch /var/log/app.log',
  'ln -sf /dev/stdout /var/log/app.log', 'python -m compileall .', 'python -m compileall -q /app', 'python -c "import compileall; compileall.compile_dir(\'.\')"',
  'cd /app', 'cd src', 'export PATH=/opt/venv/bin:$PATH', 'set -o pipefail', 'set -eux', 'set -euo pipefail', 'echo "hello" > /tmp/x',
  'curl -fsSL https://example.com/install.sh | bash', 'wget -qO- https://example.com/x.tgz | tar xz -C /opt', 'cat requirements.txt | xargs pip install', 'true',
  'false', 'exit 0', ':', 'umask 022', 'trap "rm -f /tmp/x" EXIT', 'alias ll="ls -l"', 'eval "$(pyenv init -)"', 'python manage.py collectstatic --noinput',
  'if [ -f requirements.txt ]; then pip install -r requirements.txt; fi', 'for p in a b; do pip install $p; done', '(cd /app && pip install .)', '{ pip install flask; }',
  'while read p; do echo $p; done < list.txt', 'case "$ENV" in prod) echo p;; esac', 'echo $(date)', 'echo `whoami`', 'pip install $(cat reqs.txt)',
  'diff <(echo a) <(echo b)', 'echo "unterminated', "echo 'unterminated", 'echo "a\\"b"', 'pip install fl"a"sk', "pip install 'fla'sk", 'echo $((1+2))',
  'echo ${VAR:-default}', 'echo ${VAR#prefix}', 'pip install "${PKG:?missing}"', '&& pip install flask', '| grep x', ';;', 'gunicorn app:app --reload',
  'sed -i "s/a/b/" /etc/x', 'pip install flask 2>&1 | tee /var/log/pip.log', 'apt-get update && apt-get install -y gcc && pip install psycopg2 && apt-get purge -y gcc',
];
const CONNECTORS = [' && ', ' && ', ' && ', ` && ${CONT}    `, ` ${CONT}    && `, ' || ', '; ', ' | ', ' & ', ' |& ', ` ; ${CONT}`, ` && ${CONT}    # comment line${NL}    `, ` && ${CONT}${NL}    `];
const RUN_FLAGS = [
  '--mount=type=cache,target=/root/.cache/pip', '--mount=type=cache,target=/var/cache/apt,sharing=locked', '--mount=type=cache,target=/var/lib/apt,sharing=locked',
  '--mount=type=secret,id=netrc', '--network=host', '--mount=type=bind,source=requirements.txt,target=/tmp/r.txt', '--mount=type=cache,target=/root/.cache/uv',
  '--mount=type=tmpfs,target=/var/lib/apt/lists', '--security=insecure',
];

/** One shell command of a RUN, CMD or ENTRYPOINT. */
export const shellCommand: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(pick(PIP_RUNNERS), someOf(PIP_OPTIONS, 2), someOf(PIP_PACKAGES, 3, 1)).map(([r, o, p]) => `${r} install ${o} ${p}`.replace(/ +/g, ' ').trim()) },
  { weight: 4, arbitrary: fc.tuple(pick(APT_TOOLS), pick(APT_SUBS), someOf(APT_OPTIONS, 2), someOf(APT_PACKAGES, 3)).map(([t, s, o, p]) => `${t} ${s} ${o} ${p}`.replace(/ +/g, ' ').trim()) },
  { weight: 2, arbitrary: fc.tuple(pick(APK_SUBS), someOf(APK_PACKAGES, 3)).map(([s, p]) => `apk ${s} ${p}`.trim()) },
  { weight: 8, arbitrary: pick(FIXED_COMMANDS) },
  { weight: 1, arbitrary: fc.tuple(pick(FIXED_COMMANDS), pick(TRICKY_TEXT)).map(([c, t]) => `${c} ${t}`) },
);

/** A shell script: commands joined by operators, sometimes over continuation lines. */
export const shellScript: fc.Arbitrary<string> = fc
  .tuple(fc.array(shellCommand, { minLength: 1, maxLength: 5 }), fc.array(pick(CONNECTORS), { minLength: 4, maxLength: 4 }))
  .map(([commands, connectors]) => commands.reduce((script, command, i) => (i === 0 ? command : `${script}${connectors[(i - 1) % 4] ?? ' && '}${command}`), ''));

const execArray = (words: readonly string[]): string => `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;

const COMMAND_WORDS = [
  ['gunicorn', 'app:app', '-b', '0.0.0.0:8000'], ['gunicorn', '--bind', '0.0.0.0:5000', '--workers', '4', 'wsgi:app'], ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '8000'],
  ['uvicorn', 'main:app', '--reload'], ['python', 'app.py'], ['python', 'manage.py', 'runserver', '0.0.0.0:8000'], ['flask', 'run', '--host=0.0.0.0'], ['/app/entrypoint.sh'],
  ['tini', '--'], ['/usr/bin/dumb-init', '--'], ['sh', '-c', 'python a.py & python b.py'], ['celery', '-A', 'proj', 'worker'], ['python', '-m', 'http.server'],
  ['/opt/venv/bin/python', '-m', 'app'], ['gunicorn', '-c', 'gunicorn.conf.py', 'app:app', '--worker-tmp-dir', '/dev/shm'], ['supervisord', '-n'], ['bash'],
];
const SHELL_FORMS = [
  'gunicorn app:app -b 0.0.0.0:8000', 'python app.py', 'exec gunicorn app:app', './entrypoint.sh', '"./entrypoint.sh"', 'flask run --host 0.0.0.0',
  'python manage.py migrate && gunicorn app.wsgi', 'uvicorn main:app --port $PORT', 'python app.py > /var/log/app.log 2>&1', 'python a.py & python b.py', 'nginx -g "daemon off;"',
  'python app.py # trailing text', 'FOO=bar python app.py', '~/start.sh', 'python app.py *.cfg', 'echo {a,b}', "['python', 'app.py']", "['gunicorn', 'app:app', \"-b\", '0.0.0.0:80']",
  '["python", "app.py"', '[]', '["python", 1]', '[ "python" , "app.py" ]', `python ${CONT}    app.py`, `["python", ${CONT}  "app.py"]`,
];

/** CMD/ENTRYPOINT/HEALTHCHECK command arguments: exec arrays, shell text, broken arrays. */
const commandArgs: fc.Arbitrary<string> = fc.oneof(pick(COMMAND_WORDS).map(execArray), pick(SHELL_FORMS), shellScript);

const ENV_PAIRS = [
  'PYTHONUNBUFFERED=1', 'PYTHONDONTWRITEBYTECODE=1', 'PYTHONFAULTHANDLER=1', 'PIP_NO_CACHE_DIR=1', 'PIP_NO_CACHE_DIR=off', 'PIP_DISABLE_PIP_VERSION_CHECK=on',
  'PATH="/opt/venv/bin:$PATH"', 'PATH=/app/.venv/bin:${PATH}', 'VIRTUAL_ENV=/opt/venv', 'FLASK_DEBUG=1', 'FLASK_ENV=development', 'DEBUG=true', 'DJANGO_DEBUG=True',
  'APP_ENV=dev', 'ENV=production', 'API_KEY=sk-live-123', 'SECRET_KEY="s3cr3t value"', 'DATABASE_URL=postgres://user:pass@db/app', 'AWS_SECRET_ACCESS_KEY=abc',
  'HOME=/home/app', 'POETRY_VIRTUALENVS_IN_PROJECT=true', 'POETRY_VIRTUALENVS_CREATE=false', 'UV_COMPILE_BYTECODE=1', 'UV_LINK_MODE=copy', 'PORT=8000',
  'GUNICORN_CMD_ARGS="--workers 4"', 'PIP_INDEX_URL=http://user:pw@pypi.local/simple', 'A=1 B=2', 'NAME="multi word value"', 'EMPTY=', 'QUOTED=\'single\'',
  'PYTHONPATH=/app', 'LANG=C.UTF-8', 'TZ=UTC', 'WEB_CONCURRENCY=4',
];
const ENV_LEGACY = ['PYTHONUNBUFFERED 1', 'DEBUG true', 'NAME multi word value', 'PATH /opt/venv/bin:$PATH', 'ENV "dev"', 'PORT ${PORT}'];
const ARG_FORMS = [
  'PYTHON_VERSION=3.12', 'PYTHON_VERSION', 'BASE_IMAGE=python:3.12-slim', 'TOKEN', 'SECRET_KEY=abc', 'PIP_INDEX_URL=http://user:pw@pypi.local/simple', 'UID=1000',
  'A B', 'DEBIAN_FRONTEND=noninteractive', 'PYTHON_IMAGE', 'BUILDPLATFORM', 'APP_HOME=/app', 'GITHUB_TOKEN', 'VERSION="1.0 beta"',
];
const COPY_FLAGS = ['--from=builder', '--from=0', '--from=base', '--from=python:3.12', '--chown=app:app', '--chown=1000:1000', '--chown=app', '--chmod=755', '--link', '--chmod=+x'];
const COPY_SOURCES = [
  '.', './', 'requirements.txt', 'requirements*.txt', 'pyproject.toml poetry.lock', 'Pipfile Pipfile.lock', 'pyproject.toml uv.lock', 'src/', 'app/', '*.py',
  'app.tar.gz', 'https://example.com/x.tgz', '/opt/venv', '/install', '/app/.venv', 'entrypoint.sh', 'setup.py setup.cfg', 'requirements/', '/wheels', 'git@github.com:acme/x.git',
];
const COPY_DESTS = ['.', '/app/', './', '/opt/venv', '/usr/local', '/app/.venv', '/app', 'app/', '/wheels/', '$APP_HOME', '/entrypoint.sh'];
const WORKDIRS = ['/app', '/app', 'app', '$HOME/app', '/srv/app', '/', '${APP_HOME}', '/code', '"/my app"'];
const USERS = ['app', '1000', '1000:1000', 'root', '${UID}', 'appuser:appgroup', '10001', '0', 'nobody', 'app:1000'];
const EXPOSES = ['8000', '5000/tcp', '$PORT', '80 443', '8080/udp', '3000-3005', 'abc'];
const HEALTH = ['NONE', 'CMD curl -f http://localhost:8000/ || exit 1', '--interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request"]', 'CMD', '--interval=5s'];
const SHELLS = ['["/bin/bash", "-o", "pipefail", "-c"]', '["/bin/sh", "-c"]', '["/bin/ash", "-eo", "pipefail", "-c"]', '["powershell", "-Command"]', '/bin/bash -c', '["bash"'];
const LABELS = ['maintainer="team@example.com"', 'org.opencontainers.image.source=https://github.com/acme/app', 'version 1.0', 'a=b c=d', 'description="multi\\ word"'];
const UNKNOWN = ['FROBNICATE x', 'run pip install flask', 'Run pip install flask', 'from python:3.12', 'copy . .', 'ONBUILD RUN pip install flask', 'ONBUILD COPY . /app',
  'STOPSIGNAL SIGTERM', 'VOLUME /data', 'VOLUME ["/data", "/logs"]', 'MAINTAINER me@example.com', 'ENV', 'RUN', 'COPY', 'FROM', 'CMD', 'ARG', 'USER', 'WORKDIR',
  'EXPOSE', 'LABEL', 'ENTRYPOINT', 'HEALTHCHECK', 'SHELL', 'ADD', 'CROSS-BUILD x', '=', '\\', '`', '[', '<<EOF'];
const COMMENTS = [
  '# a comment', '#', '    # indented comment', '# pydockerfile ignore=PYD201', '# pydockerfile ignore=PYD201,PYD301', '# pydockerfile ignore=PYD999', '# pydockerfile ignore=',
  '# pydockerfile global ignore=PYD101', '# hadolint ignore=DL3013,DL3042', '# hadolint global ignore=DL3008', '#pydockerfile ignore=pyd201', '# pydockerfile ignore=ALL',
  '# pydockerfile ignore=PYD201 , PYD202', '# escape=`', '# syntax=docker/dockerfile:1', '# noqa', '# TODO: café 🐍',
];

/** Parser directives a document may start with (valid, odd and invalid ones). */
export const DIRECTIVES = ['# escape=`', '# escape=\\', '#escape=`', '# escape = `', '# syntax=docker/dockerfile:1', '# syntax=docker/dockerfile:1.7-labs', '# check=skip=JSONArgsRecommended', '# escape=x', '# ESCAPE=`'];

const HEREDOCS = [
  `RUN <<EOF${NL}pip install flask${NL}apt-get update${NL}EOF`, `RUN <<-EOT bash${NL}\tpip install --no-cache-dir flask${NL}\tEOT`, `RUN python3 <<'PY'${NL}print(1)${NL}PY`,
  `RUN <<EOF${NL}pip install flask`, `COPY <<EOF /app/config.ini${NL}[app]${NL}debug = true${NL}EOF`, `RUN cat <<EOF > /etc/x && pip install flask${NL}a${NL}EOF`,
  `RUN <<EOF1 <<EOF2${NL}echo a${NL}EOF1${NL}echo b${NL}EOF2`, `RUN --mount=type=cache,target=/root/.cache/pip <<EOF${NL}pip install -r requirements.txt${NL}EOF`,
  `RUN pip install <<EOF${NL}EOF`, `COPY <<-"EOT" /entrypoint.sh${NL}#!/bin/sh${NL}exec "$@"${NL}EOT`,
];

/** One instruction (or comment/blank line) as a template line. */
export const instruction: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.subarray(RUN_FLAGS, { maxLength: 2 }), shellScript).map(([flags, script]) => `RUN ${flags.map((f) => `${f} `).join('')}${script}`) },
  { weight: 1, arbitrary: fc.tuple(pick(PIP_RUNNERS), someOf(PIP_PACKAGES, 2, 1)).map(([r, p]) => `RUN ${execArray([...r.split(' '), 'install', ...p.split(' ')])}`) },
  { weight: 1, arbitrary: pick(["RUN ['pip', 'install', 'flask']", 'RUN ["/bin/sh", "-c", "pip install flask"]', 'RUN ["pip", "install", ', 'RUN []']) },
  { weight: 2, arbitrary: pick(HEREDOCS) },
  { weight: 2, arbitrary: fc.tuple(pick(FROM_FLAGS), pick(IMAGES), pick(ALIASES)).map(([f, i, a]) => `FROM ${f}${i}${a}`) },
  { weight: 3, arbitrary: fc.array(pick(ENV_PAIRS), { minLength: 1, maxLength: 3 }).map((pairs) => `ENV ${pairs.join(` ${CONT}    `)}`) },
  { weight: 1, arbitrary: pick(ENV_LEGACY).map((p) => `ENV ${p}`) },
  { weight: 2, arbitrary: pick(ARG_FORMS).map((a) => `ARG ${a}`) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(pick(['COPY', 'COPY', 'ADD']), fc.subarray(COPY_FLAGS, { maxLength: 2 }), someOf(COPY_SOURCES, 2, 1), pick(COPY_DESTS))
      .map(([k, flags, src, dest]) => `${k} ${flags.map((f) => `${f} `).join('')}${src} ${dest}`),
  },
  { weight: 1, arbitrary: fc.tuple(someOf(COPY_SOURCES, 2, 1), pick(COPY_DESTS)).map(([src, dest]) => `COPY ${execArray([...src.split(' '), dest])}`) },
  { weight: 2, arbitrary: pick(WORKDIRS).map((w) => `WORKDIR ${w}`) },
  { weight: 2, arbitrary: pick(USERS).map((u) => `USER ${u}`) },
  { weight: 3, arbitrary: commandArgs.map((c) => `CMD ${c}`) },
  { weight: 2, arbitrary: commandArgs.map((c) => `ENTRYPOINT ${c}`) },
  { weight: 1, arbitrary: pick(EXPOSES).map((e) => `EXPOSE ${e}`) },
  { weight: 1, arbitrary: pick(HEALTH).map((h) => `HEALTHCHECK ${h}`) },
  { weight: 1, arbitrary: pick(SHELLS).map((s) => `SHELL ${s}`) },
  { weight: 1, arbitrary: pick(LABELS).map((l) => `LABEL ${l}`) },
  { weight: 1, arbitrary: pick(UNKNOWN) },
  { weight: 3, arbitrary: pick(COMMENTS) },
  { weight: 2, arbitrary: pick(['', '', '   ', '\t']) },
  { weight: 1, arbitrary: fc.array(pick(TRICKY_TEXT), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
);

/**
 * Indentation in front of an instruction (Docker allows it), rarely with the Unicode white
 * space BuildKit trims there and dockerfile-ast does not (NBSP, U+2028, NEL, ideographic space).
 */
const indent: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom('', '', '', '', '  ', '\t') },
  { weight: 1, arbitrary: fc.constantFrom('\u00a0', '\u2028', ' \u0085', '\u3000 ') },
);
const indented: fc.Arbitrary<string> = fc.tuple(indent, instruction).map(([space, line]) => space + line);

/** A stage: FROM plus its body. */
const stage: fc.Arbitrary<string[]> = fc
  .tuple(fc.tuple(pick(FROM_FLAGS), pick(IMAGES), pick(ALIASES)).map(([f, i, a]) => `FROM ${f}${i}${a}`), fc.array(indented, { maxLength: 10 }))
  .map(([from, body]) => [from, ...body]);

const CONTEXT_FILES: Record<string, readonly string[]> = {
  'requirements.txt': ['flask==3.0.3\ngunicorn==22.0.0\n', 'flask\nrequests>=2\n', '-r base.txt\npsycopg2==2.9.9\n', '--index-url http://user:pw@pypi.local/simple\nflask\n', '', '\uFEFFflask==3.0.3\r\n'],
  'pyproject.toml': ['[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nflask = "^3"\n', '[project]\nname = "app"\ndependencies = ["flask"]\n\n[tool.uv]\n', 'not = [valid toml'],
  'poetry.lock': ['# lock\n'],
  'Pipfile': ['[packages]\nflask = "*"\n'],
  'Pipfile.lock': ['{"_meta": {}}'],
  'uv.lock': ['version = 1\n'],
  '.dockerignore': ['.git\n.venv\n__pycache__\n.env\n', '*\n!app\n', '', 'node_modules\n'],
  'entrypoint.sh': ['#!/bin/sh\nset -e\nexec "$@"\n', '#!/bin/sh\npip install -r requirements.txt\ngunicorn app:app\n', '#!/bin/bash\npython manage.py migrate\nexec gunicorn app.wsgi\n'],
  'app.py': ['from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port=5000, debug=True)\n'],
  'gunicorn.conf.py': ['bind = "0.0.0.0:8000"\nworkers = 4\n'],
};

/** A build context: a few of the files rules read, with one of their variants each. */
const contextFiles: fc.Arbitrary<Record<string, string>> = fc
  .tuple(...Object.entries(CONTEXT_FILES).map(([name, variants]) => fc.option(pick(variants), { freq: 2 }).map((content) => [name, content] as const)))
  .map((entries) => Object.fromEntries(entries.filter((e): e is readonly [string, string] => e[1] !== null)));

const layout: fc.Arbitrary<Layout> = fc.record({
  bom: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
  eol: fc.constantFrom('\n', '\n', '\r\n', 'mixed') as fc.Arbitrary<Layout['eol']>,
  directives: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 2, arbitrary: fc.subarray(DIRECTIVES, { maxLength: 2 }) }),
  continuation: fc.constantFrom('declared', 'declared', 'declared', 'declared', '\\', '`') as fc.Arbitrary<Layout['continuation']>,
  ending: fc.constantFrom('', 'eol', 'eol', 'eol', 'eol-eol', 'blanks') as fc.Arbitrary<Layout['ending']>,
});

/**
 * Blocks of a typical Python Dockerfile, in their usual order, with the variations (and the
 * mistakes) real files have: the structural rules (layer order, consecutive RUNs, users,
 * builder stages) only fire on files shaped like this.
 */
const REALISTIC_BLOCKS: readonly (readonly string[])[] = [
  ['ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1', 'ENV PIP_NO_CACHE_DIR=1', 'ENV PYTHONUNBUFFERED 1', 'ARG APP_VERSION 1.0', ''],
  ['WORKDIR /app', 'WORKDIR app', ''],
  [
    `RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev ${CONT}    && rm -rf /var/lib/apt/lists/*`,
    'RUN apt-get update\nRUN apt-get install -y gcc build-essential',
    'RUN apt-get update && apt-get install -y curl',
    'RUN apk add gcc musl-dev libffi-dev',
    // Alpine's index: an `apk update` that `--no-cache` makes pointless (PYD306), alone, in its
    // own RUN, kept by a later apk command or cleared by an rm.
    'RUN apk update && apk add gcc musl-dev libffi-dev',
    'RUN apk update\nRUN apk add --no-cache gcc musl-dev',
    `RUN apk update && ${CONT}    apk add --no-cache libpq && ${CONT}    apk del --no-cache .build-deps`,
    'RUN apk update && apk add --no-cache curl && rm -rf /var/cache/apk/*',
    'RUN apk update && apk add --no-cache tini\nRUN apk upgrade',
    '',
  ],
  [
    'COPY requirements.txt .\nRUN pip install -r requirements.txt',
    'COPY . .\nRUN pip install --no-cache-dir -r requirements.txt',
    'COPY pyproject.toml poetry.lock ./\nRUN pip install poetry && poetry install',
    'COPY pyproject.toml poetry.lock ./\nRUN pip install poetry==1.8.3 && poetry config virtualenvs.create false && poetry install --no-root',
    'RUN pip install poetry\nCOPY . .\nRUN poetry install && poetry build',
    'COPY Pipfile Pipfile.lock ./\nRUN pip install pipenv && pipenv install --deploy --system',
    'COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen',
    'RUN python -m venv /opt/venv\nRUN . /opt/venv/bin/activate && pip install -r requirements.txt',
    'RUN python -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY requirements.txt .\nRUN pip install -r requirements.txt',
    'COPY requirements.txt .\nRUN pip install --user -r requirements.txt',
    'COPY . .\nRUN pip install -e .',
    'RUN pip install flask gunicorn',
  ],
  ['RUN mkdir -p /app/data\nRUN touch /app/data/db.sqlite', 'COPY entrypoint.sh .\nRUN chmod +x entrypoint.sh', 'RUN echo one\nRUN echo two\nRUN echo three', ''],
  ['COPY . .', 'COPY src/ ./src/', 'ADD . /app', 'COPY --chown=app:app . .', ''],
  ['RUN apt-get update && apt-get install -y netcat-openbsd', 'RUN python -m compileall .', ''],
  ['RUN useradd -m app\nUSER app', 'RUN useradd --uid 10001 app\nUSER 10001', 'USER root', '', 'USER nobody'],
  ['EXPOSE 8000', 'EXPOSE 5000', ''],
  ['HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1', ''],
  [
    'CMD ["gunicorn", "app:app", "-b", "0.0.0.0:8000"]',
    'CMD gunicorn app:app --bind 0.0.0.0:8000',
    'CMD ["python", "app.py"]',
    'ENTRYPOINT ["./entrypoint.sh"]\nCMD ["gunicorn", "app:app"]',
    "CMD ['python', 'app.py']",
    'CMD python manage.py runserver 0.0.0.0:8000',
    'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "5000"]',
  ],
];

const REALISTIC_IMAGES = ['python:3.12-slim-bookworm', 'python:3.12-slim', 'python:3.12', 'python:3.8', 'python:3.12-alpine', 'python:latest', 'python:3.11-slim-bullseye', 'python:3.13-alpine3.20'];

/** One typical stage: a pick from every block, sometimes two neighbours swapped. */
const realisticStage = (final: boolean): fc.Arbitrary<string[]> =>
  fc
    .tuple(pick(REALISTIC_IMAGES), fc.tuple(...REALISTIC_BLOCKS.map((options) => pick(options))), fc.option(fc.nat(REALISTIC_BLOCKS.length - 2), { freq: 3 }))
    .map(([image, blocks, swap]) => {
      const chosen = [...blocks];
      if (swap !== null) [chosen[swap], chosen[swap + 1]] = [chosen[swap + 1] as string, chosen[swap] as string];
      const body = chosen.filter((b) => b !== '').flatMap((b) => b.split('\n'));
      return [`FROM ${image}${final ? '' : ' AS builder'}`, ...(final ? body : body.filter((l) => !/^(CMD|ENTRYPOINT|EXPOSE|HEALTHCHECK|USER)/.test(l)))];
    });

/** A typical single- or multi-stage Python Dockerfile (the builder's venv copied into the runtime). */
const realisticLines: fc.Arbitrary<string[]> = fc.oneof(
  realisticStage(true),
  fc
    .tuple(realisticStage(false), realisticStage(true), pick(['COPY --from=builder /opt/venv /opt/venv', 'COPY --from=builder /app/.venv /app/.venv', 'COPY --from=builder /install /usr/local', 'COPY --from=builder /root/.local /root/.local']))
    .map(([builder, final, copy]) => [...builder, '', final[0] as string, copy, ...final.slice(1)]),
);

/** A short stage: FROM plus a few instructions. */
const shortStage: fc.Arbitrary<string[]> = fc
  .tuple(fc.tuple(pick(FROM_FLAGS), pick(IMAGES), pick(ALIASES)).map(([f, i, a]) => `FROM ${f}${i}${a}`), fc.array(indented, { maxLength: 4 }))
  .map(([from, body]) => [from, ...body]);

/**
 * Many stages with comments before, inside and after them: the parse hands each comment to its
 * stage by a binary search over the stage ranges (model/parse-speedups.ts), which must agree
 * with the library's scan of every stage.
 */
export const commentedStages: fc.Arbitrary<string[]> = fc
  .array(
    fc.tuple(fc.array(pick(COMMENTS), { maxLength: 2 }), shortStage, fc.array(pick(COMMENTS), { maxLength: 2 }), fc.nat(4)).map(([before, body, after, at]) => {
      // A comment between the instructions of the stage too, not only around it.
      const lines = [...body];
      lines.splice(1 + (at % lines.length), 0, '# in the stage');
      return [...before, ...lines, ...after];
    }),
    { minLength: 4, maxLength: 14 },
  )
  .map((stages) => stages.flat());

/** Mostly well-formed multi-stage documents, sometimes instructions in any order. */
export const dockerfile: fc.Arbitrary<GeneratedDockerfile> = fc.record({
  layout,
  lines: fc.oneof(
    { weight: 3, arbitrary: realisticLines },
    { weight: 1, arbitrary: commentedStages },
    { weight: 4, arbitrary: fc.tuple(fc.array(fc.oneof(pick(ARG_FORMS).map((a) => `ARG ${a}`), pick(COMMENTS)), { maxLength: 2 }), fc.array(stage, { minLength: 1, maxLength: 3 })).map(([pre, stages]) => [...pre, ...stages.flat()]) },
    { weight: 1, arbitrary: fc.array(indented, { maxLength: 15 }) },
  ),
  files: contextFiles,
  today: fc.constantFrom('2026-11-25', '2024-01-15', '2031-06-30'),
});

/** The escape character the directives declare (the first valid `escape` directive wins). */
export function declaredEscape(directives: readonly string[]): '\\' | '`' {
  for (const line of directives) {
    const m = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(line);
    if (m) return m[1] === '`' ? '`' : '\\';
  }
  return '\\';
}

/** Writes a generated document out as text. */
export function render(doc: Pick<GeneratedDockerfile, 'layout' | 'lines'>): string {
  const { layout: l } = doc;
  const escape = l.continuation === 'declared' ? declaredEscape(l.directives) : l.continuation;
  let lineNo = 0;
  // Mixed documents alternate CRLF and LF line by line.
  const eol = (): string => (l.eol === 'mixed' ? (lineNo++ % 3 === 0 ? '\r\n' : '\n') : l.eol);
  const lines = [...l.directives, ...doc.lines];
  const body = lines
    .map((line) => line.replace(new RegExp(`[${CONT}${NL}]`, 'g'), (m) => (m === CONT ? escape + eol() : eol())))
    .map((line, i) => (i < lines.length - 1 ? line + eol() : line))
    .join('');
  const ending = l.ending === 'eol' ? eol() : l.ending === 'eol-eol' ? eol() + eol() : l.ending === 'blanks' ? eol() + '  ' : '';
  return (l.bom ? '\uFEFF' : '') + body + (lines.length > 0 ? ending : '');
}

/** Reads a generated context for the lint environment (paths as rules ask for them). */
export function contextReader(files: Readonly<Record<string, string>>): (relativePath: string) => string | undefined {
  return (relativePath) => {
    const key = relativePath.replace(/^\.\//, '');
    return Object.hasOwn(files, key) ? files[key] : undefined;
  };
}

/**
 * Inputs for catastrophic backtracking: an instruction whose argument is one hostile piece
 * repeated thousands of times (long runs of the characters regular expressions quantify over).
 */
export const pathological: fc.Arbitrary<{ text: string; label: string }> = fc
  .tuple(
    pick(['RUN ', 'RUN pip install ', 'ENV A=', 'ENV ', 'ARG ', 'FROM ', 'FROM python:', 'COPY ', 'CMD ', 'CMD [', 'LABEL a=', 'EXPOSE ', 'USER ', 'WORKDIR ', '# pydockerfile ignore=', '# escape=', 'HEALTHCHECK CMD ', 'RUN apt-get install ', 'RUN <<']),
    pick([' ', '\t', 'a', '-', '--', '=', 'a=', '"', "'", '\\', '\\ ', '`', '$', '${', '${a', '$a', ':', '::', '@', '/', '.', '0', '3.', '[', ']', ',', '","', '"a",', '#', 'PYD201,', '&&', '&& ', '| ', '<<', '\\\n', ' \\\n', '\r', '*', '-e ', 'a b ', '=a ', '%', '+', '~', 'é', '🐍']),
    fc.integer({ min: 2_000, max: 20_000 }),
    pick(['', 'x', '"', '\n', ' &&', ']']),
  )
  .map(([head, piece, length, tail]) => ({
    text: `FROM python:3.12-slim\n${head}${piece.repeat(Math.ceil(length / piece.length))}${tail}\n`,
    label: `${JSON.stringify(head)} + ${JSON.stringify(piece)} x ${Math.ceil(length / piece.length)} + ${JSON.stringify(tail)}`,
  }));
