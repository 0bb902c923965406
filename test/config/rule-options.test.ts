// Options rules read from configuration: trusted registries (PYD106, PYD107) and the UID of PYD501's fix.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTrustedImage, normalizeRegistryEntry } from '../../server/src/config/trusted-registries';
import { lint, type LintOptions } from '../../server/src/engine/lint';
import { fixAll } from '../../server/src/fix/apply';
import { parseImageRef } from '../../server/src/model/image-ref';

const TODAY = '2026-11-25';

function codes(text: string, options: LintOptions): string[] {
  return lint(text, { env: { today: TODAY }, ...options })
    .findings.map((f) => `${f.code} ${f.range.start.line + 1}`)
    .sort();
}

function image(raw: string): { registry: string | null; name: string } {
  const ref = parseImageRef(raw);
  assert.ok(ref, raw);
  return ref;
}

describe('trusted registries', () => {
  it('normalizes entries and rejects ones that cannot name a registry', () => {
    assert.equal(normalizeRegistryEntry(' https://Registry.Example.com:5000/ '), 'registry.example.com:5000');
    assert.equal(normalizeRegistryEntry('index.docker.io/acme'), 'docker.io/acme');
    for (const bad of ['', 'ghcr.io/acme:latest', 'ghcr.io/acme@sha256:00', 'a b', 'ghcr.io//x']) assert.equal(normalizeRegistryEntry(bad), undefined, bad);
  });

  it('trusts a registry host, or a host/namespace prefix at a path boundary', () => {
    assert.ok(isTrustedImage(image('registry.example.com/base/python-runtime'), ['registry.example.com']));
    assert.ok(isTrustedImage(image('ghcr.io/acme/base:latest'), ['ghcr.io/acme']));
    assert.ok(!isTrustedImage(image('ghcr.io/acme-other/base'), ['ghcr.io/acme']));
    assert.ok(isTrustedImage(image('acme/base'), ['docker.io/acme']), 'Docker Hub images without a registry');
    assert.ok(!isTrustedImage(image('alpine'), []));
  });

  it('keeps PYD106 and PYD107 quiet about images from a trusted registry only', () => {
    const text = 'FROM registry.example.com/base/tools:latest AS tools\nFROM ghcr.io/acme/runner\nFROM alpine:latest\n';
    const only = ['PYD106', 'PYD107'];
    assert.deepEqual(codes(text, { only }), ['PYD106 1', 'PYD106 2', 'PYD106 3', 'PYD107 1', 'PYD107 2', 'PYD107 3']);
    assert.deepEqual(codes(text, { only, config: { trustedRegistries: ['registry.example.com', 'ghcr.io/acme'] } }), ['PYD106 3', 'PYD107 3']);
  });
});

describe('the uid option', () => {
  const text = 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]\n';

  it('is the UID and GID of the user PYD501 creates', () => {
    const fixed = fixAll(text, { only: ['PYD501'], level: 'unsafe', env: { today: TODAY }, config: { uid: 1001 } }).text;
    assert.match(fixed, /groupadd --system --gid 1001 app && useradd --system --uid 1001 /);
    assert.match(fixed, /^USER 1001:1001$/m);
    assert.equal(lint(text, { only: ['PYD501'], env: { today: TODAY }, config: { uid: 1001 } }).findings[0]?.fixes[0]?.title, 'Create user `app` (UID 1001) and add `USER 1001:1001`');
  });

  it('defaults to 10001', () => {
    assert.match(fixAll(text, { only: ['PYD501'], level: 'unsafe', env: { today: TODAY } }).text, /^USER 10001:10001$/m);
  });
});
