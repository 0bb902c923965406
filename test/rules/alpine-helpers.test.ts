// Translation of Alpine-only RUN commands (apk, BusyBox adduser/addgroup) to Debian, used by PYD105.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/fix/apply';
import { Text } from '../../server/src/model/text';
import { parseShell } from '../../server/src/shell/parser';
import { mentionsAlpineTool, translateAddGroup, translateAddUser, translateAlpineScript } from '../../server/src/rules/alpine-helpers';
import type { Word } from '../../server/src/shell/lexer';

/** Translates a one-line script; null when the helper refuses. */
function translate(script: string, virtuals = new Map<string, string[]>()): string | null {
  const parsed = parseShell(script, 0, script.length, '\\');
  const spans = translateAlpineScript(parsed, virtuals);
  if (spans === null) return null;
  const text = new Text(script);
  return applyEdits(script, spans.map((s) => ({ range: text.rangeOf(s.start, s.end), newText: s.newText })));
}

/** The argument words of a command line (everything after the program name). */
function args(line: string): Word[] {
  const parsed = parseShell(line, 0, line.length, '\\');
  return parsed.commands[0]?.words.slice(1) ?? [];
}

describe('apk → apt-get', () => {
  const cases: [string, string | null][] = [
    ['apk add --no-cache gcc musl-dev', 'apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*'],
    ['apk add build-base musl-dev', 'apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*'],
    ['apk --no-cache add jpeg-dev zlib-dev', 'apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo-dev zlib1g-dev && rm -rf /var/lib/apt/lists/*'],
    ['apk update && apk add curl', 'apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'],
    ['apk update', 'apt-get update'],
    ['apk del gcc', 'apt-get purge -y --auto-remove gcc'],
    ['rm -rf /var/cache/apk/*', 'rm -rf /var/cache/apk/*'],
    ['pip install flask', 'pip install flask'],
    // Refused: unknown or pinned packages, unknown subcommands, pipes, wrappers, variables.
    ['apk add --no-cache py3-numpy', null],
    ['apk add gcc=13.2.1-r0', null],
    ['apk upgrade', null],
    ['apk add --repository https://example.invalid/edge gcc', null],
    ['apk add gcc | tee /tmp/log', null],
    ['sudo apk add gcc', null],
    ['apk add $PACKAGES', null],
    ['apk add gcc > /dev/null', null],
    ['sh -c "apk add gcc"', null],
    ['if true; then apk add gcc; fi', null],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected ?? 'no translation'}`, () => assert.equal(translate(input), expected));
  }

  it('remembers `--virtual` groups for a later `apk del`, also across RUNs', () => {
    const virtuals = new Map<string, string[]>();
    assert.equal(
      translate('apk add --no-cache --virtual .build-deps gcc libffi-dev', virtuals),
      'apt-get update && apt-get install -y --no-install-recommends gcc libffi-dev && rm -rf /var/lib/apt/lists/*',
    );
    assert.equal(translate('apk del .build-deps', virtuals), 'apt-get purge -y --auto-remove gcc libffi-dev');
    assert.equal(translate('apk del .other-deps', virtuals), null);
  });
});

describe('BusyBox accounts → shadow utilities', () => {
  const users: [string, string | null][] = [
    ['-S app', 'useradd --system --gid nogroup --shell /bin/false --create-home app'],
    ['-S -G app app', 'useradd --system --gid app --shell /bin/false --create-home app'],
    ['-D -H -u 10001 app', 'useradd --uid 10001 --no-create-home app'],
    ['-DH -u10001 -s /bin/sh app', 'useradd --uid 10001 --shell /bin/sh --no-create-home app'],
    ['app -D -h /srv/app', 'useradd --home-dir /srv/app --create-home app'],
    ['--system --ingroup app --uid=1001 app', 'useradd --system --uid 1001 --gid app --shell /bin/false --create-home app'],
    ['-D -g "App user" app', "useradd --comment 'App user' --create-home app"],
    // Interactive password prompt, add-to-group form, unknown options: refused.
    ['app', null],
    ['app wheel', null],
    ['-D -x app', null],
  ];
  for (const [input, expected] of users) {
    it(`adduser ${input} → ${expected ?? 'no translation'}`, () => assert.equal(translateAddUser(args(`adduser ${input}`)), expected));
  }

  const groups: [string, string | null][] = [
    ['-S app', 'groupadd --system app'],
    ['-g 10001 app', 'groupadd --gid 10001 app'],
    ['--system --gid=999 app', 'groupadd --system --gid 999 app'],
    ['app wheel', 'usermod -a -G wheel app'],
    ['-S app wheel', null],
    ['', null],
  ];
  for (const [input, expected] of groups) {
    it(`addgroup ${input} → ${expected ?? 'no translation'}`, () => assert.equal(translateAddGroup(args(`addgroup ${input}`)), expected));
  }
});

describe('mentionsAlpineTool', () => {
  const cases: [string, boolean][] = [
    ['apk add gcc', true],
    ['/sbin/apk add gcc', true],
    ['["/bin/ash", "-c"]', true],
    ['sh -c "adduser -D app"', true],
    ['rm -rf /var/cache/apk/*', false],
    ['bash -c "echo hi"', false],
    ['pip install flask', false],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${expected}`, () => assert.equal(mentionsAlpineTool(text), expected));
  }
});
