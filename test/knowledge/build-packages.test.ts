// The BUILD_ONLY package table: which apt/apk arguments count as compilers or headers.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILD_ONLY_PACKAGES, isBuildOnlyPackage, packageName } from '../../server/src/knowledge/build-packages';

describe('build-only packages', () => {
  it('strips version, architecture and release qualifiers from package arguments', () => {
    assert.equal(packageName('gcc=4:12.2.0-3'), 'gcc');
    assert.equal(packageName('libpq-dev:amd64'), 'libpq-dev');
    assert.equal(packageName('gcc~12'), 'gcc');
    assert.equal(packageName('cmake/bookworm-backports'), 'cmake');
    assert.equal(packageName('Build-Base'), 'build-base');
  });

  const buildOnly = ['gcc', 'g++', 'build-essential', 'build-base', 'musl-dev', 'python3-dev', 'python3.11-dev', 'libpq-dev', 'postgresql-dev', 'libxml2-dev', 'gcc-12', 'clang-16', 'git', 'pkgconf', 'libpq-dev=15.10-0+deb12u1'];
  for (const name of buildOnly) it(`treats ${name} as build-only`, () => assert.ok(isBuildOnlyPackage(name)));

  const runtime = ['libpq5', 'libxml2', 'curl', 'udev', 'libudev1', 'ca-certificates', 'git-lfs', 'python3', 'devscripts', 'tini'];
  for (const name of runtime) it(`keeps ${name} as a runtime package`, () => assert.ok(!isBuildOnlyPackage(name)));

  it('lists every catalogue tool by its plain name', () => {
    for (const name of ['cc', 'clang', 'make', 'cmake', 'libc6-dev', 'linux-headers', 'linux-libc-dev', 'pkg-config', 'python-dev', 'cargo', 'rustc', 'gfortran']) {
      assert.ok(BUILD_ONLY_PACKAGES.has(name), name);
    }
  });
});
