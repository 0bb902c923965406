// Layer-order fixes: fix-all settles in a few passes on long repetitive files (PYD309, PYD307, PYD301),
// PYD301's two-phase fix when the build context cannot be read, and PYD306's unneeded `apk update`
// that fix-all reaches through its passes (after PYD307's merges and PYD306's own `--no-cache`).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { optimize } from '../../server/src/engine/optimize';
import { fixAll } from '../../server/src/fix/apply';

const CODES = ['PYD309', 'PYD307', 'PYD301'];

/** The block from the report: an install, the sources, the dependencies, repeated. */
function repeatedBlocks(count: number): string {
  const block = 'RUN apt-get update && apt-get install -y gcc\nCOPY . .\nRUN pip install -r requirements.txt\n';
  return `FROM python:3.12-slim-bookworm\nWORKDIR /app\n${block.repeat(count)}CMD ["python", "app.py"]\n`;
}

/**
 * A longer file in the style of real ones: several stages, comments, variables, other RUNs, a
 * USER switch (which makes the moves above it unsafe) and package lists that differ per block.
 */
function mixedStages(stages: number, blocks: number): string {
  const packages = ['curl', 'git', 'libpq5', 'gettext', 'zlib1g', 'libffi8', 'fonts-dejavu-core'];
  const lines: string[] = [];
  for (let s = 0; s < stages; s++) {
    lines.push(s === stages - 1 ? 'FROM python:3.12-slim-bookworm' : `FROM python:3.12-slim-bookworm AS step${s}`, 'WORKDIR /srv');
    for (let b = 0; b < blocks; b++) {
      const pkg = packages[(s * blocks + b) % packages.length] as string;
      lines.push(`# block ${b}: system packages`);
      lines.push(`RUN apt-get update && apt-get install -y --no-install-recommends ${pkg} && rm -rf /var/lib/apt/lists/*`);
      lines.push(`COPY part${b}/ ./part${b}/`);
      lines.push(`ENV FEATURE_${b}=on`);
      lines.push(`RUN mkdir -p /var/lib/shop/${b}`);
      if (s === stages - 1 && b === Math.floor(blocks / 2)) lines.push('USER 10001');
      lines.push(`RUN pip install --no-cache-dir -r part${b}/requirements.txt`);
    }
  }
  lines.push('CMD ["python", "-m", "shop"]');
  return lines.join('\n') + '\n';
}

/** The package installs in file order, to check that none is lost and their order is kept. */
function installs(text: string): string[] {
  return [...text.matchAll(/apt-get install -y (?:--no-install-recommends )?(\S+)/g)].map((m) => m[1] as string);
}

for (const [name, text] of [
  ['50 repeated blocks', repeatedBlocks(50)],
  ['4 stages of 25 varied blocks', mixedStages(4, 25)],
] as const) {
  describe(`fix-all settles on ${name}`, () => {
    for (const level of ['safe', 'unsafe'] as const) {
      it(`reaches its fixpoint in at most 3 passes (${level})`, () => {
        const before = lint(text, {}).findings.filter((f) => f.code === 'PYD309').length;
        assert.ok(before >= 10, `the input should be flagged many times, got ${before}`);
        const result = fixAll(text, { level, codes: CODES });
        assert.ok(result.passes <= 3, `took ${result.passes} passes`);
        assert.deepEqual(result.rejected, []);
        // The result is the fixpoint: fixing it again changes nothing.
        const again = fixAll(result.text, { level, codes: CODES });
        assert.equal(again.passes, 0);
        assert.equal(again.text, result.text);
        // Every install is still there, in the same order.
        assert.deepEqual(installs(result.text), installs(text));
      });
    }

    it('moves every install that can move safely in the first pass', () => {
      const result = fixAll(text, { level: 'safe', codes: ['PYD309'] });
      assert.equal(result.passes, 1);
      const left = lint(result.text, {}).findings.filter((f) => f.code === 'PYD309' && f.fixes.some((x) => x.applicability === 'safe'));
      assert.deepEqual(left, []);
    });
  });
}

describe('PYD309 fixes of installs that move up together', () => {
  it('offers the group move first and the move of the install alone second', () => {
    const { findings } = lint(repeatedBlocks(3), {});
    const flagged = findings.filter((f) => f.code === 'PYD309');
    assert.equal(flagged.length, 2);
    for (const f of flagged) {
      assert.equal(f.fixes[0]?.title, 'Move the 2 `RUN` instructions that install packages above `COPY . .`');
      assert.equal(f.fixes[1]?.title, 'Move the `RUN` above `COPY . .`');
    }
  });

  it('does not let an install jump over an earlier one that stays', () => {
    // The first install may configure apt for the second: the second stops right below it.
    const text = 'FROM python:3.12-slim-bookworm\nCOPY a/ /a/\nRUN apt-get update && apt-get install -y curl\nCOPY b/ /b/\nUSER 10001\nRUN apt-get update && apt-get install -y git\n';
    const result = fixAll(text, { level: 'safe', codes: ['PYD309'] });
    assert.deepEqual(installs(result.text), installs(text));
    assert.ok(result.text.indexOf('install -y curl') < result.text.indexOf('install -y git'));
  });
});

describe('PYD301 two-phase fix when the build context cannot be read', () => {
  const fixesOf = (text: string): { title: string; applicability: string }[] =>
    lint(text, {}).findings.filter((f) => f.code === 'PYD301').flatMap((f) => f.fixes.map((x) => ({ title: x.title, applicability: x.applicability })));

  it('is unsafe when only `--locked` proves the manifests exist, and still installs the project', () => {
    const text = 'FROM python:3.12-slim-bookworm\nWORKDIR /srv\nCOPY . .\nRUN uv sync --locked --no-dev\n';
    assert.deepEqual(fixesOf(text), [{ title: 'Install the dependencies from `pyproject.toml`, `uv.lock` before `COPY . .`, and only the project after it', applicability: 'unsafe' }]);
    assert.equal(
      fixAll(text, { level: 'unsafe', codes: ['PYD301'] }).text,
      'FROM python:3.12-slim-bookworm\nWORKDIR /srv\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --no-install-project --locked --no-dev\nCOPY . .\nRUN uv sync --locked --no-dev\n',
    );
    assert.equal(fixAll(text, { level: 'safe', codes: ['PYD301'] }).text, text);
  });

  it('is not offered when nothing proves the lock file exists', () => {
    const poetry = 'FROM python:3.12-slim-bookworm\nWORKDIR /srv\nCOPY . .\nRUN pip install poetry==2.1.3 && poetry install --only main\n';
    const pipenv = 'FROM python:3.12-slim-bookworm\nWORKDIR /srv\nCOPY . .\nRUN pipenv install\n';
    for (const text of [poetry, pipenv]) {
      const flagged = lint(text, {}).findings.filter((f) => f.code === 'PYD301');
      assert.equal(flagged.length, 1);
      assert.deepEqual(fixesOf(text), []);
    }
  });
});

describe('PYD306 on an `apk update` whose index nothing reads, under fix-all and Optimize', () => {
  const report = 'FROM python:3.12-alpine\nRUN apk update && apk add gcc\nRUN apk update\nRUN apk add --no-cache musl-dev\n';
  const env = { today: '2026-11-25' };

  for (const [eol, text] of [['LF', report], ['CRLF', report.replace(/\n/g, '\r\n')]] as const) {
    it(`leaves no \`apk update\` once the RUNs are merged (${eol})`, () => {
      const wanted = 'FROM python:3.12-alpine\nRUN apk add --no-cache gcc && \\\n    apk add --no-cache musl-dev\n';
      const conv = (t: string): string => (eol === 'CRLF' ? t.replace(/\n/g, '\r\n') : t);
      const fixed = fixAll(text, { level: 'safe', env });
      assert.equal(fixed.text, conv(wanted));
      assert.deepEqual(fixed.rejected, []);
      assert.equal(optimize(text, { env }).text, conv(wanted));
      assert.doesNotMatch(optimize(text, { env, unsafe: true }).text, /apk update/);
    });
  }

  it('reaches the update in a second pass, after the later `apk add` got `--no-cache`', () => {
    const text = 'FROM python:3.12-alpine3.20\nRUN apk update\nRUN apk add curl\n';
    assert.deepEqual(lint(text, { only: ['PYD306'] }).findings.map((f) => f.range.start.line), [2]);
    const fixed = fixAll(text, { level: 'safe', codes: ['PYD306'] });
    assert.equal(fixed.text, 'FROM python:3.12-alpine3.20\nRUN apk add --no-cache curl\n');
    assert.equal(fixed.passes, 2);
  });
});
