// Image references and official python tags: registries, mirrors, digests, variants, codenames,
// pre-releases, look-alikes, and the edits base-image fixes make to a FROM line.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentModel } from '../../server/src/model/document-model';
import {
  applyImageEdit,
  formatPythonTag,
  imageEdit,
  imageSite,
  parseImageRef,
  parsePythonTag,
  tagSpan,
  withTag,
  type ImageRef,
  type PythonTag,
} from '../../server/src/model/image-ref';

type RefExpectation = Pick<ImageRef, 'name' | 'registry' | 'tag' | 'digest' | 'isPython' | 'unresolved'>;

const DIGEST = 'sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0';

const REFS: [string, RefExpectation][] = [
  ['python:3.12-slim', { name: 'python', registry: null, tag: '3.12-slim', digest: null, isPython: true, unresolved: false }],
  ['python', { name: 'python', registry: null, tag: null, digest: null, isPython: true, unresolved: false }],
  ['library/python:3.11', { name: 'python', registry: null, tag: '3.11', digest: null, isPython: true, unresolved: false }],
  ['docker.io/library/python:3.11-bookworm', { name: 'python', registry: 'docker.io', tag: '3.11-bookworm', digest: null, isPython: true, unresolved: false }],
  ['docker.io/python:3', { name: 'python', registry: 'docker.io', tag: '3', digest: null, isPython: true, unresolved: false }],
  ['index.docker.io/library/python:latest', { name: 'python', registry: 'index.docker.io', tag: 'latest', digest: null, isPython: true, unresolved: false }],
  ['mirror.gcr.io/library/python:3.12-alpine3.20', { name: 'python', registry: 'mirror.gcr.io', tag: '3.12-alpine3.20', digest: null, isPython: true, unresolved: false }],
  ['public.ecr.aws/docker/library/python:3.13-slim-trixie', { name: 'python', registry: 'public.ecr.aws', tag: '3.13-slim-trixie', digest: null, isPython: true, unresolved: false }],
  [`python:3.12@${DIGEST}`, { name: 'python', registry: null, tag: '3.12', digest: DIGEST, isPython: true, unresolved: false }],
  [`python@${DIGEST}`, { name: 'python', registry: null, tag: null, digest: DIGEST, isPython: true, unresolved: false }],
  ['python:${PY}-slim', { name: 'python', registry: null, tag: '${PY}-slim', digest: null, isPython: true, unresolved: true }],
  // Look-alikes: other registries, other namespaces and other repositories are not the official image.
  ['localhost:5000/python:3.12', { name: 'python', registry: 'localhost:5000', tag: '3.12', digest: null, isPython: false, unresolved: false }],
  ['registry.example.com:5000/library/python', { name: 'python', registry: 'registry.example.com:5000', tag: null, digest: null, isPython: false, unresolved: false }],
  ['ghcr.io/acme/python:3.12', { name: 'acme/python', registry: 'ghcr.io', tag: '3.12', digest: null, isPython: false, unresolved: false }],
  ['docker/library/python:3.12', { name: 'docker/library/python', registry: null, tag: '3.12', digest: null, isPython: false, unresolved: false }],
  ['mirror.gcr.io/python:3.12', { name: 'python', registry: 'mirror.gcr.io', tag: '3.12', digest: null, isPython: false, unresolved: false }],
  ['pypy:3.10-slim', { name: 'pypy', registry: null, tag: '3.10-slim', digest: null, isPython: false, unresolved: false }],
  ['continuumio/miniconda3:latest', { name: 'continuumio/miniconda3', registry: null, tag: 'latest', digest: null, isPython: false, unresolved: false }],
  ['node:20-bookworm', { name: 'node', registry: null, tag: '20-bookworm', digest: null, isPython: false, unresolved: false }],
];

describe('parseImageRef', () => {
  for (const [raw, expected] of REFS) {
    it(`splits ${raw}`, () => {
      const ref = parseImageRef(raw);
      assert.ok(ref);
      assert.deepEqual({ name: ref.name, registry: ref.registry, tag: ref.tag, digest: ref.digest, isPython: ref.isPython, unresolved: ref.unresolved }, expected);
    });
  }

  it('returns null for an empty reference and trims whitespace', () => {
    assert.equal(parseImageRef(''), null);
    assert.equal(parseImageRef('   '), null);
    assert.equal(parseImageRef('  python:3.12 ')?.raw, 'python:3.12');
  });

  it('parses the tag of official images only', () => {
    assert.equal(parseImageRef('python:3.12-slim')?.python?.variant, 'slim');
    assert.equal(parseImageRef('ghcr.io/acme/python:3.12-slim')?.python, null);
    assert.equal(parseImageRef('python:${PY}')?.python, null, 'unresolved variables are not guessed at');
  });

  it('knows nothing about the tag of a digest-only reference', () => {
    assert.equal(parseImageRef(`python@${DIGEST}`)?.python, null);
    assert.equal(parseImageRef(`python:3.12-slim@${DIGEST}`)?.python?.minor, '3.12');
  });

  it('does not parse broken references', () => {
    assert.equal(parseImageRef('python:3.12@')?.python, null);
    assert.equal(parseImageRef('python:')?.python, null);
  });

  it('treats a missing tag as latest', () => {
    assert.deepEqual(parseImageRef('python')?.python, parsePythonTag('latest'));
  });
});

type TagExpectation = Omit<PythonTag, 'prerelease'> & { prerelease: boolean };

const TAGS: [string, TagExpectation][] = [
  ['latest', { version: null, minor: null, variant: 'full', codename: null, libc: 'glibc', prerelease: false }],
  ['3', { version: '3', minor: null, variant: 'full', codename: null, libc: 'glibc', prerelease: false }],
  ['3-slim', { version: '3', minor: null, variant: 'slim', codename: null, libc: 'glibc', prerelease: false }],
  ['3.12', { version: '3.12', minor: '3.12', variant: 'full', codename: null, libc: 'glibc', prerelease: false }],
  ['3.12.4', { version: '3.12.4', minor: '3.12', variant: 'full', codename: null, libc: 'glibc', prerelease: false }],
  ['3.12-bookworm', { version: '3.12', minor: '3.12', variant: 'full', codename: 'bookworm', libc: 'glibc', prerelease: false }],
  ['3.12-slim-bookworm', { version: '3.12', minor: '3.12', variant: 'slim', codename: 'bookworm', libc: 'glibc', prerelease: false }],
  ['3.12.7-slim-trixie', { version: '3.12.7', minor: '3.12', variant: 'slim', codename: 'trixie', libc: 'glibc', prerelease: false }],
  ['3.8-slim-buster', { version: '3.8', minor: '3.8', variant: 'slim', codename: 'buster', libc: 'glibc', prerelease: false }],
  ['2.7-slim-stretch', { version: '2.7', minor: '2.7', variant: 'slim', codename: 'stretch', libc: 'glibc', prerelease: false }],
  ['slim', { version: null, minor: null, variant: 'slim', codename: null, libc: 'glibc', prerelease: false }],
  ['bookworm', { version: null, minor: null, variant: 'full', codename: 'bookworm', libc: 'glibc', prerelease: false }],
  ['slim-trixie', { version: null, minor: null, variant: 'slim', codename: 'trixie', libc: 'glibc', prerelease: false }],
  ['alpine', { version: null, minor: null, variant: 'alpine', codename: null, libc: 'musl', prerelease: false }],
  ['alpine3.20', { version: null, minor: null, variant: 'alpine', codename: 'alpine3.20', libc: 'musl', prerelease: false }],
  ['3.12-alpine', { version: '3.12', minor: '3.12', variant: 'alpine', codename: null, libc: 'musl', prerelease: false }],
  ['3.12-alpine3.20', { version: '3.12', minor: '3.12', variant: 'alpine', codename: 'alpine3.20', libc: 'musl', prerelease: false }],
  ['3.15-rc', { version: '3.15', minor: '3.15', variant: 'full', codename: null, libc: 'glibc', prerelease: true }],
  ['3.15-rc-slim-trixie', { version: '3.15', minor: '3.15', variant: 'slim', codename: 'trixie', libc: 'glibc', prerelease: true }],
  ['3.15-rc-alpine3.24', { version: '3.15', minor: '3.15', variant: 'alpine', codename: 'alpine3.24', libc: 'musl', prerelease: true }],
  ['3.13.0rc1-slim', { version: '3.13.0rc1', minor: '3.13', variant: 'slim', codename: null, libc: 'glibc', prerelease: true }],
  ['3.15.0b3-bookworm', { version: '3.15.0b3', minor: '3.15', variant: 'full', codename: 'bookworm', libc: 'glibc', prerelease: true }],
  ['3.12-windowsservercore-ltsc2022', { version: '3.12', minor: '3.12', variant: 'windowsservercore', codename: 'ltsc2022', libc: 'glibc', prerelease: false }],
  ['3.12-nanoserver-1809', { version: '3.12', minor: '3.12', variant: 'nanoserver', codename: '1809', libc: 'glibc', prerelease: false }],
];

const NOT_OFFICIAL_TAGS = ['', '3.12slim', '3.12-bookworm-slim', '3.12-alpine-alpine3.20', 'onbuild', '3.6-onbuild', '-rc', '3.12-SLIM', '3.12-slim-focal', 'main', '3.12-slim-'];

describe('parsePythonTag', () => {
  for (const [tag, expected] of TAGS) {
    it(`reads ${tag}`, () => {
      assert.deepEqual(parsePythonTag(tag), expected);
    });
  }

  it('reads a missing tag as latest', () => {
    assert.deepEqual(parsePythonTag(null), parsePythonTag('latest'));
  });

  for (const tag of NOT_OFFICIAL_TAGS) {
    it(`does not guess at ${JSON.stringify(tag)}`, () => {
      assert.equal(parsePythonTag(tag), null);
    });
  }
});

describe('formatPythonTag', () => {
  for (const [tag] of TAGS) {
    it(`spells ${tag} back the way Docker Hub does`, () => {
      const parsed = parsePythonTag(tag);
      assert.ok(parsed);
      assert.equal(formatPythonTag({ version: parsed.version, rc: tag.includes('-rc'), variant: parsed.variant, codename: parsed.codename }), tag);
    });
  }

  it('drops the `alpine` marker when an Alpine release is named', () => {
    assert.equal(formatPythonTag({ version: '3.14', variant: 'alpine', codename: 'alpine3.24' }), '3.14-alpine3.24');
    assert.equal(formatPythonTag({ version: '3.14', variant: 'slim', codename: 'trixie' }), '3.14-slim-trixie');
  });
});

describe('tag spans and replacement', () => {
  const cases: [string, string, string][] = [
    ['python', 'slim', 'python:slim'],
    ['python:3.12', '3.12-slim', 'python:3.12-slim'],
    ['localhost:5000/python', '3.12', 'localhost:5000/python:3.12'],
    ['localhost:5000/python:3.11', '3.12', 'localhost:5000/python:3.12'],
    [`python@${DIGEST}`, '3.12', `python:3.12@${DIGEST}`],
    [`python:3.11@${DIGEST}`, '3.12', `python:3.12@${DIGEST}`],
  ];
  for (const [image, tag, expected] of cases) {
    it(`sets ${tag} on ${image}`, () => {
      assert.equal(withTag(image, tag), expected);
    });
  }

  it('finds the tag after the registry port', () => {
    assert.deepEqual(tagSpan('localhost:5000/python:3.12'), { start: 22, end: 26 });
    assert.equal(tagSpan('localhost:5000/python'), null);
  });
});

/** The first FROM of a document, its site and resolved reference. */
function firstFrom(text: string): { model: DocumentModel; resolved: string; site: NonNullable<ReturnType<typeof imageSite>> } {
  const model = new DocumentModel(text);
  const stage = model.stages[0];
  assert.ok(stage && stage.image);
  const site = imageSite(model.text, stage.from, model.escapeChar);
  assert.ok(site);
  return { model, resolved: stage.image.raw, site };
}

/** The document after editing its first FROM to use `tag`, or null when no edit is possible. */
function retag(text: string, tag: string): string | null {
  const { model, resolved, site } = firstFrom(text);
  const edit = imageEdit(site, resolved, withTag(resolved, tag));
  if (!edit) return null;
  assert.equal(applyImageEdit(site, edit), model.content.slice(site.start, edit.start) + edit.newText + model.content.slice(edit.end, site.end));
  return model.content.slice(0, edit.start) + edit.newText + model.content.slice(edit.end);
}

describe('imageSite and imageEdit', () => {
  it('locates the literal tag of a FROM with flags and a stage name', () => {
    const { model, site } = firstFrom('FROM --platform=linux/amd64 python:3.12-slim AS app\n');
    assert.equal(site.literal, 'python:3.12-slim');
    assert.ok(site.tag);
    assert.equal(model.content.slice(site.tag.start, site.tag.end), '3.12-slim');
  });

  it('has no literal text or tag range when variables are involved', () => {
    const { site } = firstFrom('ARG PY=3.12\nFROM python:${PY}-slim\n');
    assert.equal(site.literal, null);
    assert.equal(site.tag, null);
    assert.equal(site.written, 'python:${PY}-slim');
  });

  const edits: [string, string, string, string | null][] = [
    ['literal tag', 'FROM python:3.12\n', '3.12-slim', 'FROM python:3.12-slim\n'],
    ['no tag', 'FROM python AS app\n', 'slim', 'FROM python:slim AS app\n'],
    ['CRLF and a BOM', '\uFEFFFROM python:3.12\r\nRUN true\r\n', '3.12-slim-bookworm', '\uFEFFFROM python:3.12-slim-bookworm\r\nRUN true\r\n'],
    ['version from an ARG', 'ARG PY=3.12\nFROM python:${PY}-slim\n', '3.12-slim-trixie', 'ARG PY=3.12\nFROM python:${PY}-slim-trixie\n'],
    ['bare variable for the version', 'ARG PY=3.12\nFROM python:$PY\n', '3.12-slim', 'ARG PY=3.12\nFROM python:$PY-slim\n'],
    ['default inside the reference', 'FROM python:${PY:-3.11}\n', '3.11-slim', 'FROM python:${PY:-3.11}-slim\n'],
    ['registry from an ARG', 'ARG REG=docker.io\nFROM ${REG}/library/python:3.12\n', '3.12-trixie', 'ARG REG=docker.io\nFROM ${REG}/library/python:3.12-trixie\n'],
    ['new version held by an ARG', 'ARG PY=3.9\nFROM python:${PY}-slim\n', '3.14-slim', null],
    ['major-only ARG extended to a minor', 'ARG PY=3\nFROM python:${PY}-slim\n', '3.14-slim-trixie', null],
    ['ARG holding the variant', 'ARG TAG=3.12-slim\nFROM python:${TAG}\n', '3.12-slim-trixie', null],
    ['ARG holding the whole image', 'ARG IMAGE=python:3.12\nFROM ${IMAGE}\n', '3.12-slim', null],
    ['ARG holding the repository name', 'ARG NAME=python\nFROM ${NAME}:3.12\n', '3.12-slim', null],
    ['reference split by a continuation', 'FROM python:3.12\\\n-slim\n', '3.12-slim-trixie', null],
  ];
  for (const [title, text, tag, expected] of edits) {
    it(`edits the FROM: ${title}`, () => {
      assert.equal(retag(text, tag), expected);
    });
  }
});
