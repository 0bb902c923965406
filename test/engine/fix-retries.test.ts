// A fix turned down because of the text around it gets another try once other fixes changed
// that text: fix-all defers a fix that looked stuck beside other fixes of its pass, and
// Optimize's fix loop retries fixes its guard rejected on an earlier text. Before, both
// rejections held for the whole run, and a second run applied the fix (npm run fuzz, seeds
// 570453285 and 1330973048).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimize } from '../../server/src/engine/optimize';
import { fixAll } from '../../server/src/fix/apply';

const env = { today: '2026-11-25' };

describe('fix-all: a fix that looks stuck beside other fixes of its pass', () => {
  // PYD003 turns `FROMM` into a FROM, which makes a new final stage; PYD405's ENV, inserted in
  // the same pass below the old final FROM, left its finding (on the CMD) in place.
  const text = 'FROM python:3.12-slim-bookworm\nFROMM python:3.12-slim-bookworm\nCMD ["python", "app.py"]\n';

  it('gets one more try on the text the other fixes leave, and fix-all reaches its fixpoint', () => {
    const once = fixAll(text, { env, level: 'unsafe' });
    assert.match(once.text, /^FROM python:3\.12-slim-bookworm\nFROM python:3\.12-slim-bookworm\nENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1\n/);
    assert.deepEqual(
      once.rejected.filter((r) => r.code === 'PYD405'),
      [],
    );
    assert.equal(fixAll(once.text, { env, level: 'unsafe' }).text, once.text);
  });

  it('is still rejected when it stays stuck (an insertion into an unterminated heredoc)', () => {
    const heredoc = 'FROM python:3.12-slim\nRUN <<EOF\npip install flask\nFROM python:3.12-slim';
    const once = fixAll(heredoc, { env, level: 'unsafe' });
    assert.ok(once.rejected.some((r) => r.code === 'PYD501' && r.reason === 'the fix does not resolve its own problem'));
    assert.equal((once.text.match(/USER 10001/g) ?? []).length, 0);
    assert.equal(fixAll(once.text, { env, level: 'unsafe' }).text, once.text);
  });
});

describe("Optimize: a fix its guard rejected on an earlier text", () => {
  // PYD208's removal of the RUN would leave `# tools` above the COPY, until PYD309 moves the
  // apk RUN up under the comment; the first Optimize left the RUN, the second removed it.
  const text = 'FROM python:3.12-slim\n# tools\nRUN source .venv/bin/activate\nCOPY . /app\nRUN apk add curl';

  it('is tried again once other fixes changed the text, so a second Optimize changes nothing', () => {
    const first = optimize(text, { env });
    assert.equal(first.text, 'FROM python:3.12-slim\n# tools\nRUN apk add --no-cache curl\nCOPY . /app');
    assert.ok(first.applied.some((a) => a.code === 'PYD208'));
    assert.equal(optimize(first.text, { env }).changed, false);
  });

  it('is not reported as skipped when a later step applied it', () => {
    assert.deepEqual(
      optimize(text, { env }).skipped.filter((s) => s.step.startsWith('PYD208')),
      [],
    );
  });

  it('stays rejected, and reported, while the text gives no reason to change that', () => {
    const alone = 'FROM python:3.12-slim\n# tools\nRUN source .venv/bin/activate\nCOPY . /app\n';
    const result = optimize(alone, { env });
    assert.match(result.text, /# tools\nRUN source \.venv\/bin\/activate\nCOPY/);
    assert.ok(result.skipped.some((s) => s.step.startsWith('PYD208') && /would no longer sit next to/.test(s.reason)));
  });
});
