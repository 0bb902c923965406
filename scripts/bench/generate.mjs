// Deterministic benchmark inputs: typical Python Dockerfiles (20–60 lines) and large files.
// Every input comes from a seeded PRNG, so two runs (and two machines) lint the same bytes.

/**
 * A small seeded PRNG (mulberry32): fast, and the same sequence on every platform, which
 * Math.random is not.
 * @param {number} seed
 * @returns {() => number} uniform numbers in [0, 1)
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @template T @param {() => number} rng @param {readonly T[]} items @returns {T} */
function pick(rng, items) {
  return items[Math.floor(rng() * items.length)];
}

/** @param {() => number} rng @param {number} p */
function chance(rng, p) {
  return rng() < p;
}

const PY_TAGS = ['3.12-slim-bookworm', '3.12-slim', '3.11-slim', '3.11', '3.10-alpine3.19', '3.13-slim-bookworm', '3.9', '3.8-slim', '3', 'latest', '3.12.4-slim-bookworm'];
const APT_PACKAGES = ['build-essential', 'gcc', 'libpq-dev', 'curl', 'git', 'libffi-dev', 'libssl-dev', 'ca-certificates', 'netcat-openbsd', 'gettext', 'libjpeg-dev', 'zlib1g-dev'];
const PIP_PACKAGES = ['flask', 'gunicorn', 'django', 'requests', 'uvicorn[standard]', 'fastapi', 'celery', 'psycopg2-binary', 'redis', 'pydantic', 'numpy', 'pandas'];
const PIP_VERSIONS = ['==3.0.3', '==23.0.0', '>=2.31', '~=5.0', '==0.30.1', '==2.7.1', ''];
const SERVERS = [
  '["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]',
  '["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]',
  '["python", "-m", "app"]',
  'gunicorn --bind 0.0.0.0:8000 --workers 3 app.wsgi:application',
  "['python', 'manage.py', 'runserver', '0.0.0.0:8000']",
  'python app.py',
];

/**
 * The instructions of one build stage, as lines (continuations included).
 * @param {() => number} rng
 * @param {{ alias: string | null, final: boolean, builderAlias: string | null }} shape
 * @returns {string[]}
 */
function stageLines(rng, shape) {
  const lines = [];
  const tag = pick(rng, PY_TAGS);
  lines.push(`FROM python:${tag}${shape.alias ? ` AS ${shape.alias}` : ''}`);
  if (chance(rng, 0.3)) lines.push('# Keep Python quiet and unbuffered inside containers');
  if (chance(rng, 0.25)) {
    lines.push('ENV PYTHONDONTWRITEBYTECODE 1');
    lines.push('ENV PYTHONUNBUFFERED 1');
  } else {
    lines.push('ENV PYTHONDONTWRITEBYTECODE=1 \\', '    PYTHONUNBUFFERED=1 \\', '    PIP_DISABLE_PIP_VERSION_CHECK=1');
  }
  if (chance(rng, 0.4)) lines.push(`LABEL org.opencontainers.image.title="service-${Math.floor(rng() * 1000)}" maintainer="team@example.com"`);
  lines.push(pick(rng, ['WORKDIR /app', 'WORKDIR /srv/app', 'WORKDIR /code']));
  if (chance(rng, 0.7)) {
    const pkgs = APT_PACKAGES.filter(() => chance(rng, 0.3));
    if (pkgs.length === 0) pkgs.push('curl');
    if (chance(rng, 0.2)) {
      lines.push('RUN apt-get update');
      lines.push(`RUN apt-get install -y ${pkgs.join(' ')}`);
    } else {
      lines.push('RUN apt-get update \\', '    && apt-get install -y --no-install-recommends \\');
      for (const p of pkgs) lines.push(`        ${p} \\`);
      lines.push('    && rm -rf /var/lib/apt/lists/*');
    }
  }
  if (chance(rng, 0.3)) {
    lines.push('RUN python -m venv /opt/venv');
    if (chance(rng, 0.5)) lines.push('ENV PATH="/opt/venv/bin:$PATH"');
    else lines.push('RUN . /opt/venv/bin/activate && pip install --upgrade pip');
  }
  const copyFirst = chance(rng, 0.3);
  if (copyFirst) lines.push('COPY . .');
  else lines.push(pick(rng, ['COPY requirements.txt .', 'COPY requirements.txt ./', 'ADD requirements.txt /app/']));
  if (chance(rng, 0.15)) lines.push('# pydockerfile ignore=PYD201');
  if (chance(rng, 0.5)) {
    lines.push(`RUN pip install ${chance(rng, 0.6) ? '--no-cache-dir ' : ''}-r requirements.txt`);
  } else {
    lines.push(`RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt`);
  }
  if (chance(rng, 0.6)) {
    const pkgs = PIP_PACKAGES.filter(() => chance(rng, 0.2)).map((p) => p + pick(rng, PIP_VERSIONS));
    if (pkgs.length > 0) {
      lines.push(`RUN pip install ${chance(rng, 0.5) ? '--no-cache-dir ' : ''}\\`);
      pkgs.forEach((p, i) => lines.push(`    ${p}${i < pkgs.length - 1 ? ' \\' : ''}`));
    }
  }
  if (!copyFirst) lines.push(pick(rng, ['COPY . .', 'COPY src/ ./src/', 'ADD . /app']));
  if (shape.builderAlias && chance(rng, 0.8)) lines.push(`COPY --from=${shape.builderAlias} /opt/venv /opt/venv`);
  if (chance(rng, 0.4)) lines.push('RUN python -m compileall -q .', 'RUN mkdir -p /app/static', 'RUN chmod +x /app/entrypoint.sh || true');
  if (chance(rng, 0.3)) lines.push(`ARG BUILD_DATE`, `ARG GIT_SHA=unknown`, 'LABEL org.opencontainers.image.revision=$GIT_SHA');
  if (shape.final) {
    if (chance(rng, 0.6)) {
      lines.push('RUN groupadd --system app && useradd --system --gid app --no-create-home app');
      lines.push('USER app');
    }
    lines.push(pick(rng, ['EXPOSE 8000', 'EXPOSE 5000', 'EXPOSE 8080']));
    if (chance(rng, 0.3)) lines.push('HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8000/health || exit 1');
    if (chance(rng, 0.2)) lines.push('ENTRYPOINT ["/app/entrypoint.sh"]');
    lines.push(`CMD ${pick(rng, SERVERS)}`);
  }
  return lines;
}

/**
 * One typical Python Dockerfile of 20 to 60 lines (single or multi-stage, some with the
 * mistakes our rules flag, some clean), different for every `index`.
 * @param {number} index
 * @returns {string}
 */
export function typicalDockerfile(index) {
  const rng = prng(0x5eed + index * 7919);
  const target = 20 + Math.floor(rng() * 41);
  const lines = [];
  if (chance(rng, 0.3)) lines.push('# syntax=docker/dockerfile:1');
  if (chance(rng, 0.3)) lines.push('ARG PYTHON_VERSION=3.12');
  if (chance(rng, 0.4)) {
    lines.push(...stageLines(rng, { alias: 'builder', final: false, builderAlias: null }));
    lines.push('');
    lines.push(...stageLines(rng, { alias: null, final: true, builderAlias: 'builder' }));
  } else {
    lines.push(...stageLines(rng, { alias: null, final: true, builderAlias: null }));
  }
  // Pad with the kind of lines real files carry (comments, labels, env) before the CMD.
  const padding = ['# Application settings', 'ENV APP_ENV=production', 'LABEL com.example.tier="backend"', 'ENV PORT=8000', '', 'RUN echo "build step" > /dev/null'];
  let p = 0;
  while (lines.length < target) lines.splice(lines.length - 1, 0, padding[p++ % padding.length]);
  if (lines.length > 60) lines.length = 60;
  return lines.join('\n') + '\n';
}

/**
 * Extra instructions that make a stage long the way real long Dockerfiles are long: more
 * system packages, pip installs, copies, environment and comments.
 * @param {() => number} rng
 * @param {number} n a running number that keeps names distinct
 * @returns {string[]}
 */
function bodyLines(rng, n) {
  switch (Math.floor(rng() * 8)) {
    case 0:
      return [`# Step ${n}: system packages`, 'RUN apt-get update \\', `    && apt-get install -y --no-install-recommends ${pick(rng, APT_PACKAGES)} ${pick(rng, APT_PACKAGES)} \\`, '    && rm -rf /var/lib/apt/lists/*'];
    case 1:
      return [`RUN pip install ${chance(rng, 0.5) ? '--no-cache-dir ' : ''}${pick(rng, PIP_PACKAGES)}${pick(rng, PIP_VERSIONS)} \\`, `    ${pick(rng, PIP_PACKAGES)}${pick(rng, PIP_VERSIONS)}`];
    case 2:
      return [`COPY ${pick(rng, ['config', 'scripts', 'static', 'migrations'])}/ /app/${pick(rng, ['config', 'scripts', 'static', 'migrations'])}-${n}/`];
    case 3:
      return [`ENV FEATURE_${n}=${chance(rng, 0.5) ? 'on' : 'off'}`];
    case 4:
      return [`RUN mkdir -p /var/lib/app/${n} && chown -R 1000:1000 /var/lib/app/${n}`];
    case 5:
      return [`RUN python -c "import sys; print(sys.version)" > /tmp/version-${n}.txt`];
    case 6:
      return ['', `# Section ${n}`];
    default:
      return [`LABEL com.example.step-${n}="${pick(rng, PIP_PACKAGES)}"`, `ARG OPTION_${n}=${n}`];
  }
}

/**
 * A single Dockerfile of exactly `lineCount` lines: a chain of long stages (60 to 240 lines,
 * each copying from the previous one) built from the same blocks at every size, so work per
 * line stays comparable and any super-linear cost shows up in the 20,000 / 5,000 ratio.
 * @param {number} lineCount
 * @returns {string}
 */
export function largeDockerfile(lineCount) {
  const rng = prng(0xb16 + lineCount);
  const lines = ['# syntax=docker/dockerfile:1', 'ARG PYTHON_VERSION=3.12'];
  // The final stage is laid out first so the chain of stages can stop right before it.
  const final = stageLines(prng(1), { alias: null, final: true, builderAlias: 'previous' });
  let stage = 0;
  let n = 0;
  for (;;) {
    const block = stageLines(rng, { alias: `stage${stage}`, final: false, builderAlias: stage > 0 ? `stage${stage - 1}` : null });
    const length = 60 + Math.floor(rng() * 181);
    while (block.length < length) block.push(...bodyLines(rng, n++));
    if (lines.length + block.length + 1 + final.length > lineCount) break;
    lines.push(...block, '');
    stage++;
  }
  const cmd = final.pop() ?? 'CMD ["python"]';
  lines.push(...final.map((line) => line.replace('--from=previous', `--from=stage${Math.max(stage - 1, 0)}`)));
  while (lines.length < lineCount - 1) lines.push(...bodyLines(rng, n++));
  lines.length = Math.min(lines.length, lineCount - 1);
  // A cut continuation would swallow the CMD: end the last kept line cleanly.
  const lastIndex = lines.length - 1;
  lines[lastIndex] = (lines[lastIndex] ?? '').replace(/ \\$/, '');
  lines.push(cmd);
  return lines.join('\n') + '\n';
}
