// The apk → apt package map (PYD105) and the facts about non-python base images (PYD106, PYD108).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISTROLESS_PYTHON, distrolessPython, latestTagOf } from '../../server/src/knowledge/base-images';
import { APK_TO_APT, aptPackagesFor, isApkBuildPackage } from '../../server/src/knowledge/package-maps';
import { imageCodenames } from '../../server/src/knowledge/python-releases';
import { parseImageRef } from '../../server/src/model/image-ref';

describe('apk → apt package map', () => {
  it('maps to valid Debian package names only', () => {
    for (const [apk, apt] of Object.entries(APK_TO_APT)) {
      assert.ok(apt.length > 0, `${apk} maps to nothing`);
      for (const name of apt) assert.match(name, /^[a-z0-9][a-z0-9+.-]+$/, `${apk} → ${name}`);
    }
  });

  it('translates lists in order, without duplicates, and refuses unknown packages', () => {
    assert.deepEqual(aptPackagesFor(['postgresql-dev', 'libpq-dev', 'gcc']), ['libpq-dev', 'gcc']);
    assert.deepEqual(aptPackagesFor(['musl-dev', 'gcc']), ['libc6-dev', 'gcc']);
    assert.deepEqual(aptPackagesFor(['build-base', 'musl-dev']), ['build-essential']);
    assert.equal(aptPackagesFor(['gcc', 'py3-numpy']), null);
    assert.equal(aptPackagesFor(['toString']), null);
  });

  it('recognises compilers and headers as build packages', () => {
    for (const name of ['build-base', 'gcc', 'musl-dev', 'postgresql-dev', 'linux-headers']) assert.ok(isApkBuildPackage(name), name);
    for (const name of ['libpq', 'curl', 'ca-certificates', '-dev']) assert.ok(!isApkBuildPackage(name), name);
  });
});

describe('non-python base images', () => {
  it('knows the Python of distroless images, which must exist as python images too', () => {
    const ref = parseImageRef('gcr.io/distroless/python3-debian12:nonroot');
    assert.ok(ref);
    assert.equal(distrolessPython(ref)?.minor, '3.11');
    const other = parseImageRef('docker.io/distroless/python3-debian12');
    assert.ok(other);
    assert.equal(distrolessPython(other), undefined);
    for (const d of DISTROLESS_PYTHON) assert.ok(imageCodenames(d.minor)?.debian.includes(d.codename), `${d.name}: no python:${d.minor}-${d.codename}`);
  });

  it('resolves `latest` only for images it has data for', () => {
    const tag = (raw: string): string | undefined => {
      const ref = parseImageRef(raw);
      assert.ok(ref);
      return latestTagOf(ref);
    };
    assert.match(tag('alpine') ?? '', /^3\.\d+$/);
    assert.equal(tag('docker.io/library/debian:latest'), 'trixie');
    assert.equal(tag('ubuntu'), undefined);
    assert.equal(tag('quay.io/alpine'), undefined);
  });
});
