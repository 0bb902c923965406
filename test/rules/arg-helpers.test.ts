// Tests for reading ARG instructions word by word (shared by PYD413 and PYD414).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../server/src/model/document-model';
import { argWords, envLikeArg, variableReference } from '../../server/src/rules/arg-helpers';

/** The words of the first ARG of a Dockerfile, as `name`, `name=value` or `raw` summaries. */
function words(text: string): { raw: string; name: string; rawValue: string | null; at: string }[] {
  const model = parseDocument(text);
  const info = model.byKeyword('ARG')[0];
  assert.ok(info, 'no ARG');
  return argWords(model, info).map((w) => ({ raw: w.raw, name: w.name, rawValue: w.rawValue, at: model.content.slice(w.start, w.end) }));
}

describe('ARG words', () => {
  it('declares two names where dockerfile-ast sees one property', () => {
    assert.deepEqual(words('ARG VERSION COMMIT\n').map((w) => [w.name, w.rawValue]), [['VERSION', null], ['COMMIT', null]]);
  });

  it('keeps quoted blanks inside one word and splits at the first unquoted `=`', () => {
    const result = words('ARG GREETING="hello world" URL=http://x/?a=b\n');
    assert.deepEqual(result.map((w) => [w.name, w.rawValue]), [['GREETING', '"hello world"'], ['URL', 'http://x/?a=b']]);
    assert.deepEqual(result.map((w) => w.at), ['GREETING="hello world"', 'URL=http://x/?a=b']);
  });

  it('maps words on continuation lines back to their document text (CRLF and comments included)', () => {
    const result = words('FROM python:3.12\r\nARG A=1 \\\r\n# note\r\n    B=2\r\n');
    assert.deepEqual(result.map((w) => w.at), ['A=1', 'B=2']);
  });

  it('honours a custom escape character', () => {
    const result = words('# escape=`\nFROM python:3.12\nARG A=1 `\n    B=a` b\n');
    assert.deepEqual(result.map((w) => w.raw), ['A=1', 'B=a` b']);
  });

  it('returns nothing for other instructions and an empty ARG', () => {
    const model = parseDocument('FROM python:3.12\nENV A=1\nARG\n');
    for (const info of model.instructions) assert.deepEqual(argWords(model, info), []);
  });
});

describe('ARG written like ENV', () => {
  const cases: [string, boolean][] = [
    ['ARG PORT ${PORT}', true],
    ['ARG PORT 8000', true],
    ['ARG VENV /opt/venv', true],
    ["ARG NAME 'x'", true],
    ['ARG VERSION COMMIT', false],
    ['ARG A=1 B', false],
    ['ARG A B=/x', false],
    ['ARG ${X} 1', false],
  ];
  for (const [text, expected] of cases) {
    it(`${expected ? 'matches' : 'ignores'} \`${text}\``, () => {
      const model = parseDocument(`${text}\n`);
      const info = model.instructions[0];
      assert.ok(info);
      assert.equal(envLikeArg(argWords(model, info)) !== null, expected);
    });
  }
});

describe('variable references', () => {
  it('finds `$NAME` and `${NAME…}` but not longer names', () => {
    const re = variableReference('PORT');
    assert.ok(re.test('0.0.0.0:$PORT'));
    assert.ok(re.test('${PORT:-8000}'));
    assert.ok(!re.test('$PORTS'));
    assert.ok(!re.test('${PORT_X}'));
    assert.ok(!re.test('PORT'));
  });
});
