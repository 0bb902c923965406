// One table-driven runner for every rule fixture in test/rules/<rule-name>.md.
// Each case runs with only its rule enabled, once with LF and once with CRLF line endings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lint, type LintOptions } from '../server/src/engine/lint';
import { fixAll } from '../server/src/fix/apply';
import { ALL_RULES } from '../server/src/rules/index';
import type { SeveritySetting } from '../server/src/rules/types';
import { parseFixture, type FixtureCase } from './support/fixtures';
import { FIXTURE_DIR } from './support/paths';

const FIXTURE_TODAY = '2026-11-25';

function optionsFor(code: string, c: FixtureCase): LintOptions {
  const files = c.options.files ?? {};
  return {
    only: [code],
    ...(c.options.severities ? { severities: c.options.severities as Record<string, SeveritySetting> } : {}),
    env: { today: c.options.today ?? FIXTURE_TODAY, readContextFile: (p: string) => files[p.replace(/^\.\//, '')] },
  };
}

function toCrlf(text: string): string {
  return text.replace(/\n/g, '\r\n');
}

for (const rule of ALL_RULES) {
  describe(`${rule.code} ${rule.name}`, () => {
    const file = path.join(FIXTURE_DIR, `${rule.name}.md`);
    const cases = fs.existsSync(file) ? parseFixture(fs.readFileSync(file, 'utf8')) : [];
    it('has a fixture with flagged and clean cases', () => {
      assert.ok(fs.existsSync(file), `missing fixture ${file}`);
      assert.ok(cases.some((c) => c.expected.length > 0), 'no flagged case');
      assert.ok(cases.some((c) => c.expected.length === 0), 'no clean case');
    });
    for (const c of cases) {
      for (const eol of ['LF', 'CRLF'] as const) {
        const conv = eol === 'CRLF' ? toCrlf : (t: string): string => t;
        it(`${c.title} (${eol}, line ${c.sourceLine})`, () => {
          const options = optionsFor(rule.code, c);
          const text = conv(c.text);
          const { findings } = lint(text, options);
          const key = (code: string, line: number, col: number): string => `${code} ${line + 1}:${col}`;
          const actual = findings.map((f) => key(f.code, f.range.start.line, f.range.start.character));
          const wanted = c.expected.map((e) => key(e.code, e.line, e.startColumn));
          assert.deepEqual(actual.slice().sort(), wanted.slice().sort(), 'findings (code line:column) differ from the annotations');
          // Pair each annotation with one finding of the same code and start, honouring the
          // severity and message it asserts, so two findings on one spot are told apart.
          const unmatched = [...findings];
          for (const e of c.expected) {
            const at = (x: (typeof findings)[number]): boolean => x.code === e.code && x.range.start.line === e.line && x.range.start.character === e.startColumn;
            const index = unmatched.findIndex((x) => at(x) && (!e.severity || x.severity === e.severity) && (!e.messageIncludes || x.message.includes(e.messageIncludes)));
            const candidates = findings.filter(at).map((x) => `[${x.severity}] ${x.message}`).join(' | ');
            assert.ok(index >= 0, `no finding for ${key(e.code, e.line, e.startColumn)}${e.severity ? `(${e.severity})` : ''}${e.messageIncludes ? ` containing "${e.messageIncludes}"` : ''}; found: ${candidates}`);
            const f = unmatched.splice(index, 1)[0] as (typeof findings)[number];
            if (f.range.start.line === f.range.end.line) {
              assert.equal(f.range.end.character, e.endColumn, `end column of ${key(f.code, f.range.start.line, f.range.start.character)}`);
            }
          }
          for (const f of findings) {
            assert.ok(!/\.$/.test(f.message), `message ends with a period: ${f.message}`);
            for (const fix of f.fixes) {
              if (fix.applicability === 'unsafe') assert.match(fix.title, /\S/);
            }
          }
          const safe = fixAll(text, { ...options, level: 'safe' }).text;
          assert.equal(safe, conv(c.fixed ?? c.text), c.fixed ? 'safe fix result differs' : 'a safe fix was applied but the case has no `fixed` block');
          const unsafe = fixAll(text, { ...options, level: 'unsafe' }).text;
          assert.equal(unsafe, conv(c.fixedUnsafe ?? c.fixed ?? c.text), c.fixedUnsafe ? 'unsafe fix result differs' : 'an unsafe fix was applied but the case has no `fixed-unsafe` block');
          if (safe !== text) {
            // Fixing is idempotent: a second run changes nothing.
            assert.equal(fixAll(safe, { ...options, level: 'safe' }).text, safe, 'safe fix-all is not idempotent');
          }
        });
      }
    }
  });
}
