// PYD504: secrets written into ARG/ENV values or into URLs with a password.
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { boundedMemo } from '../model/memo';
import { comparePositions, type Range } from '../model/text';
import { defineRule } from './define-rule';

/** Name parts that mean "this holds a secret" (catalogue: pass(word), passwd, secret, token, api key, private key, credential). */
const SECRET_PARTS = new Set(['pass', 'password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'apikey', 'privatekey']);
/** Glued forms such as `DBPASSWORD` or `GITHUBTOKEN`; `pass` alone would match `BYPASS` and `COMPASS`. */
const SECRET_SUFFIX_RE = /(password|passwd|passphrase|secret|token|credential|apikey|privatekey)$/;

/**
 * A last name part that says the variable describes the secret rather than holding it:
 * where it is (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`), or a setting about it
 * (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`).
 */
const DESCRIBING_PARTS = new Set([
  'file', 'files', 'filename', 'path', 'paths', 'dir', 'directory', 'location', 'name', 'names', 'id', 'ids', 'arn', 'ref',
  'env', 'var', 'variable', 'header', 'type', 'kind', 'url', 'uri', 'endpoint', 'host', 'hostname', 'port', 'user', 'username',
  'login', 'length', 'len', 'size', 'min', 'max', 'count', 'ttl', 'expiry', 'expires', 'expiration', 'lifetime', 'timeout',
  'algorithm', 'alg', 'issuer', 'audience', 'scope', 'scopes', 'prefix', 'suffix', 'mode', 'enabled', 'disabled', 'required',
  'policy', 'provider', 'backend', 'format', 'version', 'field', 'param', 'regex', 'pattern', 'store', 'manager', 'mount',
  'source', 'helper', 'command', 'cmd', 'script', 'rotation', 'style', 'method', 'strategy',
]);

/** `GITHUB_TOKEN` → `github`, `token`; `apiKey` → `api`, `key`. */
function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.-]+/)
    .filter((p) => p !== '');
}

function isSecretPart(part: string): boolean {
  const singular = part.endsWith('s') ? part.slice(0, -1) : part;
  return SECRET_PARTS.has(part) || SECRET_PARTS.has(singular) || SECRET_SUFFIX_RE.test(part) || SECRET_SUFFIX_RE.test(singular);
}

/**
 * Whether an ARG/ENV name says that its value is a secret. Remembered per name: the same few
 * names (`PATH`, `PYTHONUNBUFFERED`, `PORT`) come back in every file.
 */
export const isSecretName: (name: string) => boolean = boundedMemo((name) => readSecretName(name), 4096);

function readSecretName(name: string): boolean {
  const parts = nameParts(name);
  const last = parts[parts.length - 1];
  if (last === undefined || DESCRIBING_PARTS.has(last)) return false;
  // `API_KEY`, `PRIVATE_KEY`: the two words together are the keyword.
  const joined = parts.map((p, i) => (i > 0 ? parts[i - 1] + p : p));
  return parts.some(isSecretPart) || joined.some((p) => p === 'apikey' || p === 'privatekey');
}

/**
 * Values that cannot be a secret: empty, a switch (`true`, `0`, `off`), or an absolute path
 * (a reference to a secret file such as `/run/secrets/db`).
 */
function isHarmlessValue(value: string): boolean {
  const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  return (
    v === '' ||
    /^(true|false|yes|no|on|off|0|1|none|null)$/i.test(v) ||
    /^\/[\w./-]*$/.test(v) ||
    // A path under a variable, e.g. `${LAMBDA_TASK_ROOT}/service-account-key.json`: it names a
    // file (Google's GOOGLE_APPLICATION_CREDENTIALS is such a path), it is not the secret itself.
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?\/[\w./-]*$/.test(v)
  );
}

/** `scheme://user:password@` with a literal password (`$VAR` references are how it should be done). */
const URL_CREDENTIALS_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:'"`]*:([^\s/?#@'"`]+)@/gi;

interface Located {
  range: Range;
  message: string;
}

function secretProperties(info: InstructionInfo): Located[] {
  const found: Located[] = [];
  for (const prop of propertiesOf(info)) {
    const value = prop.getValue();
    if (value === null || !isSecretName(prop.getName()) || isHarmlessValue(value)) continue;
    const message =
      info.keyword === 'ARG'
        ? `\`ARG ${prop.getName()}\` has a default value that looks like a secret; build arguments stay in the Dockerfile and the image history`
        : `\`ENV ${prop.getName()}\` stores what looks like a secret in the image configuration, readable by anyone who can pull the image`;
    found.push({ range: prop.getRange(), message });
  }
  return found;
}

function urlCredentials(model: DocumentModel, info: InstructionInfo): Located[] {
  const found: Located[] = [];
  const text = model.content.slice(info.start, info.end);
  // Every match has `://` and `@`: most instructions have neither, and the pattern itself is
  // tried at every word boundary.
  if (!text.includes('://') || !text.includes('@')) return found;
  for (const m of text.matchAll(URL_CREDENTIALS_RE)) {
    const password = m[1] as string;
    if (password.includes('$') || /^[<{[]/.test(password)) continue;
    const start = info.start + (m.index ?? 0);
    found.push({
      range: model.text.rangeOf(start, start + m[0].length),
      message: 'This URL embeds a password, which stays in the Dockerfile, the build cache and the image history',
    });
  }
  return found;
}

const NONE: readonly Located[] = [];

/** Offsets of every occurrence of `needle` in `text`, in order. */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
}

export default defineRule({
  code: 'PYD504',
  name: 'secret-in-arg-or-env',
  title: 'Keep secrets out of `ARG`, `ENV` and URLs',
  category: 'security',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  hadolint: ['DL3064'],
  docs: {
    whatItDoes:
      'Flags `ARG` and `ENV` variables whose name says they hold a secret (a name part such as `PASSWORD`, `PASSWD`, `PASS`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY` or `CREDENTIALS`) and that are given a value in the Dockerfile, and any instruction containing a URL with a literal password (`https://user:password@host`). Names that describe a secret rather than hold it are not flagged (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `TOKEN_TTL`), nor are `ARG`s without a default, switch values (`true`, `0`), absolute paths such as `/run/secrets/db` or `${APP_ROOT}/key.json`, and URLs whose password is a variable (`https://user:${PIP_PASSWORD}@…`, filled from a secret mount). There is no automatic fix: the secret has to move out of the Dockerfile.',
    whyItMatters:
      '`ENV` values are part of the image configuration and `ARG` values are recorded in the image history, so anyone who can pull the image reads them with `docker inspect` or `docker history`, and a default written in the Dockerfile is also in source control. BuildKit warns about the same names (`SecretsUsedInArgOrEnv`). Credentials for private registries and package mirrors (S000 pushes to a private Harbor registry, S001 installs from private mirrors) belong in `RUN --mount=type=secret`, which exposes them to one command without writing them to any layer, or in the runtime environment of the container.',
    example: 'FROM python:3.12-slim-bookworm\nARG PIP_INDEX_PASSWORD=s3cr3t-value\nENV DJANGO_SECRET_KEY=change-me-please\nRUN pip install --no-cache-dir --index-url https://deploy:hunter2@pypi.example.com/simple -r requirements.txt',
    useInstead:
      '# syntax=docker/dockerfile:1\nFROM python:3.12-slim-bookworm\nARG PIP_INDEX_USER\nENV DJANGO_SECRET_KEY_FILE=/run/secrets/django_secret_key\nRUN --mount=type=secret,id=pip_password,env=PIP_PASSWORD \\\n    pip install --no-cache-dir --index-url "https://deploy:${PIP_PASSWORD}@pypi.example.com/simple" -r requirements.txt',
    references: [
      'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
      'https://docs.docker.com/build/building/secrets/',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypesecret',
      'https://docs.docker.com/reference/dockerfile/#arg',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // Where `://` occurs, found in one pass: only instructions holding one can carry a URL password.
    const schemes = occurrences(model.content, '://');
    let next = 0;
    for (const info of model.instructions) {
      const byName = info.keyword === 'ARG' || info.keyword === 'ENV' ? secretProperties(info) : NONE;
      while (next < schemes.length && (schemes[next] as number) < info.start) next++;
      const hasUrl = next < schemes.length && (schemes[next] as number) + 3 <= info.end;
      for (const finding of byName) ctx.report(finding);
      if (!hasUrl) continue;
      for (const u of urlCredentials(model, info)) if (!byName.some((n) => overlaps(n.range, u.range))) ctx.report(u);
    }
  },
});
