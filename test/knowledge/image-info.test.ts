// Python image knowledge: hover text for FROM lines, end-of-life arithmetic, and the
// consistency of the dated release tables the base-image rules rely on.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describePythonImage,
  formatMb,
  impliedCodename,
  moreThanAYearAfter,
  pythonSupportStatus,
  supportMinor,
} from '../../server/src/knowledge/image-info';
import {
  DEBIAN_RELEASES,
  DEFAULT_ALPINE_CODENAME,
  DEFAULT_CODENAME,
  IMAGE_CODENAMES,
  NEWEST_STABLE_MINOR,
  PUBLISHED_CODENAMES,
  PYTHON_RELEASES,
  imageCodenames,
} from '../../server/src/knowledge/python-releases';
import { parseImageRef, parsePythonTag, type PythonTag } from '../../server/src/model/image-ref';

const TODAY = '2026-11-25';

function describeRef(raw: string, today = TODAY): string | null {
  const ref = parseImageRef(raw);
  assert.ok(ref, raw);
  return describePythonImage(ref, today);
}

function tag(text: string | null): PythonTag {
  const parsed = parsePythonTag(text);
  assert.ok(parsed, String(text));
  return parsed;
}

describe('describePythonImage', () => {
  it('gives version support, size against slim and the Debian release of a full image', () => {
    const text = describeRef('python:3.12');
    assert.ok(text);
    assert.match(text, /^\*\*python:3\.12\*\*/);
    assert.match(text, /Python 3\.12: supported until 2028-10-31/);
    assert.match(text, /about 1\.11 GB on disk \/ 410\.9 MB compressed, versus 119 MB \/ 43\.2 MB for `-slim`/);
    assert.match(text, /Debian 13 "trixie" \(what the tag resolves to as of 2026-11-24; it moves with each new release\)/);
  });

  it('marks an end-of-life Python and an unsupported Debian release', () => {
    const text = describeRef('python:3.8-slim-buster');
    assert.ok(text);
    assert.match(text, /Python 3\.8: \*\*end of life since 2024-10-07\*\*/);
    assert.match(text, /Variant: slim: about 119 MB on disk \/ 43\.2 MB compressed/);
    assert.match(text, /Debian 10 "buster": \*\*security support ended 2024-06-30\*\*/);
    assert.doesNotMatch(text, /resolves to/, 'a named release is not "resolved"');
  });

  it('judges support on the given day', () => {
    assert.match(describeRef('python:3.10-slim-bookworm', '2026-10-31') ?? '', /supported until 2026-10-31/);
    assert.match(describeRef('python:3.10-slim-bookworm', '2026-11-01') ?? '', /end of life since 2026-10-31/);
  });

  it('says where an end-of-life minor without codename was last published', () => {
    assert.match(describeRef('python:3.8-slim') ?? '', /Debian 12 "bookworm" \(where this tag was last published; it no longer moves\)/);
    assert.match(describeRef('python:3.6') ?? '', /Debian 11 "bullseye" \(where this tag was last published/);
  });

  it('describes Alpine tags with their release and musl', () => {
    const floating = describeRef('python:3.12-alpine') ?? '';
    assert.match(floating, /Alpine 3\.24 \(what the tag resolves to/);
    assert.match(floating, /musl libc/);
    assert.match(describeRef('python:3.12-alpine3.20') ?? '', /- Alpine 3\.20, musl libc/);
  });

  it('describes floating and Python 2 versions', () => {
    assert.match(describeRef('python:latest') ?? '', new RegExp(`floating \\(currently ${NEWEST_STABLE_MINOR.replace('.', '\\.')};`));
    assert.match(describeRef('python') ?? '', /Python version: floating/);
    assert.match(describeRef('python:2-slim') ?? '', /Python 2 \(2\.7\): \*\*end of life since 2020-01-01\*\*/);
  });

  it('flags pre-releases', () => {
    assert.match(describeRef('python:3.15-rc-slim') ?? '', /Python 3\.15 \(pre-release: not for production\)/);
  });

  it('describes Windows images without Linux sizes or Debian', () => {
    const text = describeRef('python:3.13-windowsservercore-ltsc2022') ?? '';
    assert.match(text, /Variant: windowsservercore \(Windows containers\)/);
    assert.doesNotMatch(text, /Debian|on disk/);
  });

  it('does not claim a Debian release for an old patch tag without codename', () => {
    const text = describeRef('python:3.12.4-slim') ?? '';
    assert.match(text, /Python 3\.12\.4: supported/);
    assert.doesNotMatch(text, /Debian/);
  });

  it('mentions digests', () => {
    const ref = `python:3.12-slim-bookworm@sha256:${'ab'.repeat(32)}`;
    assert.match(describeRef(ref) ?? '', /Pinned by digest: rebuilds use exactly this image/);
    assert.match(describeRef(`python@sha256:${'ab'.repeat(32)}`) ?? '', /Pinned by digest only/);
  });

  it('says nothing about other images, unresolved references or unknown tags', () => {
    assert.equal(describeRef('node:20-bookworm'), null);
    assert.equal(describeRef('ghcr.io/acme/python:3.12'), null);
    assert.equal(describeRef('python:${PY}'), null);
    assert.equal(describeRef('python:3.6-onbuild'), null);
  });
});

describe('support arithmetic', () => {
  it('knows the end of life of every minor the images were published for', () => {
    assert.deepEqual(pythonSupportStatus('3.9', TODAY), { eol: '2025-10-31', ended: true });
    assert.deepEqual(pythonSupportStatus('3.10', '2026-10-31'), { eol: '2026-10-31', ended: false });
    assert.deepEqual(pythonSupportStatus('3.14', TODAY), { eol: '2030-10-31', ended: false });
    assert.equal(pythonSupportStatus('3.99', TODAY), null);
  });

  it('maps major-only Python 2 tags to 2.7 and leaves floating Python 3 tags alone', () => {
    assert.equal(supportMinor(tag('2')), '2.7');
    assert.equal(supportMinor(tag('2-slim')), '2.7');
    assert.equal(supportMinor(tag('3')), null);
    assert.equal(supportMinor(tag('latest')), null);
    assert.equal(supportMinor(tag('3.11.9-slim')), '3.11');
  });

  it('counts "more than a year" from the day after the anniversary', () => {
    assert.equal(moreThanAYearAfter('2025-10-31', '2026-10-31'), false);
    assert.equal(moreThanAYearAfter('2025-10-31', '2026-11-01'), true);
    assert.equal(moreThanAYearAfter('2026-10-31', TODAY), false);
  });

  it('formats sizes the way the catalogue quotes them', () => {
    assert.equal(formatMb(1110), '1.11 GB');
    assert.equal(formatMb(410.9), '410.9 MB');
    assert.equal(formatMb(119), '119 MB');
  });

  it('resolves tags without codename per minor', () => {
    assert.deepEqual(impliedCodename(tag('3.12-slim')), { codename: DEFAULT_CODENAME, frozen: false });
    assert.deepEqual(impliedCodename(tag('slim')), { codename: DEFAULT_CODENAME, frozen: false });
    assert.deepEqual(impliedCodename(tag('3.12-alpine')), { codename: DEFAULT_ALPINE_CODENAME, frozen: false });
    assert.deepEqual(impliedCodename(tag('3.7')), { codename: 'bookworm', frozen: true });
    assert.deepEqual(impliedCodename(tag('2')), { codename: 'buster', frozen: true });
    assert.equal(impliedCodename(tag('3.12-slim-bookworm')), null);
    assert.equal(impliedCodename(tag('3.12.4-slim')), null);
    assert.equal(impliedCodename(tag('3.4')), null, 'no data, no guess');
  });
});

describe('release tables', () => {
  it('lists Python minors once each, with ISO dates', () => {
    const minors = PYTHON_RELEASES.map((r) => r.minor);
    assert.deepEqual(minors.filter((m, i) => minors.indexOf(m) !== i), []);
    for (const r of PYTHON_RELEASES) assert.match(r.eol, /^\d{4}-\d{2}-\d{2}$/, r.minor);
  });

  it('has data for the newest stable minor and the default releases', () => {
    assert.ok(PYTHON_RELEASES.some((r) => r.minor === NEWEST_STABLE_MINOR));
    const newest = imageCodenames(NEWEST_STABLE_MINOR);
    assert.ok(newest);
    assert.equal(newest.debian[0], DEFAULT_CODENAME);
    assert.equal(newest.alpine[0], DEFAULT_ALPINE_CODENAME);
    assert.deepEqual([...PUBLISHED_CODENAMES].sort(), [...newest.debian, ...newest.alpine].sort());
  });

  it('only names releases that python tags can carry', () => {
    for (const [minor, codenames] of Object.entries(IMAGE_CODENAMES)) {
      for (const codename of codenames.debian) {
        assert.ok(DEBIAN_RELEASES.some((d) => d.codename === codename), `${minor}: ${codename} is not in DEBIAN_RELEASES`);
        assert.equal(parsePythonTag(`${minor}-slim-${codename}`)?.codename, codename);
      }
      for (const codename of codenames.alpine) assert.equal(parsePythonTag(`${minor}-${codename}`)?.libc, 'musl', `${minor}-${codename}`);
    }
  });

  it('does not treat names of object prototypes as minors', () => {
    assert.equal(imageCodenames('constructor'), undefined);
  });
});
