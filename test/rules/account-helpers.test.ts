// Table-driven tests for reading useradd/adduser/groupadd/addgroup commands and their history.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../server/src/model/document-model';
import { accountCommand, accountHistory, accountSites, chainUsers, createsAccounts, creationOf, groupId, joinsGroups, type AccountCommand } from '../../server/src/rules/account-helpers';

/** The account command of a one-command RUN. */
function account(run: string): AccountCommand | null {
  const model = parseDocument(`FROM python:3.12-slim-bookworm\nRUN ${run}\n`);
  const info = model.byKeyword('RUN')[0];
  assert.ok(info);
  const script = model.shellOf(info);
  assert.ok(script && script.commands[0], run);
  return accountCommand(script.commands[0]);
}

type Expected = Partial<Pick<AccountCommand, 'tool' | 'creates' | 'name' | 'group' | 'id' | 'primaryGroup' | 'userGroup' | 'supplementaryGroups' | 'noLogInit' | 'uncertain'>>;

describe('accountCommand', () => {
  const cases: [string, Expected][] = [
    ['useradd -m -u 10001 -g app app', { tool: 'useradd', creates: 'user', name: 'app', id: '10001', primaryGroup: 'app', userGroup: false, noLogInit: false, uncertain: false }],
    ['useradd --uid=1000 --gid 100 -G audio,video bob', { name: 'bob', id: '1000', primaryGroup: '100', supplementaryGroups: true }],
    ['useradd -rmu 1001 svc', { name: 'svc', id: '1001', userGroup: true }],
    ['useradd -u1001 -N svc', { name: 'svc', id: '1001', userGroup: false }],
    ['useradd -l -u 1000000 big', { id: '1000000', noLogInit: true }],
    ['useradd --no-log-init --uid 0100 lead', { id: '100', noLogInit: true }],
    ['useradd -o -u 0 toor', { id: '0', uncertain: true }],
    ['useradd -R /mnt/root -u 5 x', { uncertain: true }],
    ['useradd --frobnicate app', { name: 'app', uncertain: true }],
    ['useradd -u "$APP_UID" app', { name: 'app', id: null }],
    ['useradd -u 10 "$NAME"', { name: null, id: '10' }],
    ['sudo useradd -u 5 x', { tool: 'useradd', name: 'x', id: '5' }],
    ['groupadd -g 1000 app', { tool: 'groupadd', creates: 'group', name: 'app', id: '1000', uncertain: false }],
    ['groupadd --system --gid=999 web', { creates: 'group', name: 'web', id: '999' }],
    ['groupadd -f -g 1000 app', { creates: 'group', id: '1000', uncertain: true }],
    ['adduser -S -D -H -u 1001 -G worker worker', { tool: 'adduser', creates: 'user', name: 'worker', id: '1001', primaryGroup: 'worker' }],
    ['adduser -D -g "App user" app', { creates: 'user', name: 'app', primaryGroup: null, id: null }],
    ['adduser --system --uid 999 --ingroup web svc', { creates: 'user', name: 'svc', id: '999', primaryGroup: 'web' }],
    ['adduser --disabled-password --gecos "" --gid 50 bob', { creates: 'user', name: 'bob', primaryGroup: '50' }],
    ['adduser app docker', { creates: 'membership', name: 'app', group: 'docker' }],
    ['adduser --group --gid 500 web', { creates: 'group', name: 'web', id: '500' }],
    ['adduser --system --group svc', { creates: 'user', name: 'svc' }],
    ['addgroup -g 1001 -S app', { tool: 'addgroup', creates: 'group', name: 'app', id: '1001' }],
    ['addgroup --gid 1001 app', { creates: 'group', id: '1001' }],
    ['addgroup app wheel', { creates: 'membership', name: 'app', group: 'wheel' }],
  ];
  for (const [run, expected] of cases) {
    it(run, () => {
      const got = account(run);
      assert.ok(got, `not recognised: ${run}`);
      const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, got[k as keyof Expected]]));
      assert.deepEqual(picked, expected);
    });
  }

  it('ignores defaults mode, help and other programs', () => {
    assert.equal(account('useradd -D -s /bin/bash'), null);
    assert.equal(account('useradd --help'), null);
    assert.equal(account('usermod -aG docker app'), null);
    assert.equal(account('echo useradd -u 1 x'), null);
  });

  it('keeps the program word, where `--no-log-init` goes', () => {
    const got = account('sudo useradd -u 1000000 x');
    assert.equal(got?.programWord.value, 'useradd');
  });
});

describe('accountHistory', () => {
  function history(dockerfile: string, beforeUser = true): ReturnType<typeof accountHistory> {
    const model = parseDocument(dockerfile);
    const stage = model.finalStage;
    assert.ok(stage);
    const user = beforeUser ? model.byKeyword('USER')[0] ?? null : null;
    return accountHistory(model, stage, user);
  }

  it('collects creations across the stage chain, before the given instruction', () => {
    const h = history('FROM python:3.12-slim-bookworm AS base\nRUN groupadd -g 2000 web\nFROM base\nRUN useradd -u 2000 -g web app && adduser app audio\nUSER app\nRUN useradd -u 3000 late\n');
    assert.equal(h.uncertain, false);
    assert.deepEqual(h.sites.map((s) => `${s.account.creates} ${s.account.name}`), ['group web', 'user app', 'membership app']);
    assert.equal(creationOf(h, 'user', 'app')?.account.id, '2000');
    assert.equal(creationOf(h, 'user', 'late'), null);
    assert.equal(groupId(h, 'web'), '2000');
    assert.equal(groupId(h, '0042'), '42');
    assert.equal(groupId(h, 'nobody'), null);
    assert.equal(joinsGroups(h, 'app'), true);
  });

  it('is uncertain after account changes, unreadable RUNs about users, or a COPY into /etc', () => {
    assert.equal(history('FROM python:3.12\nRUN useradd -u 1 a\nRUN usermod -u 2 a\nUSER a\n').uncertain, true);
    assert.equal(history('FROM python:3.12\nRUN <<EOF\nuseradd -u 1 a\nEOF\nUSER a\n').uncertain, true);
    assert.equal(history('FROM python:3.12\nRUN <<EOF\npip install --no-cache-dir flask==3.0.3\nEOF\nUSER a\n').uncertain, false);
    assert.equal(history('FROM python:3.12\nCOPY passwd /etc/passwd\nUSER a\n').uncertain, true);
    assert.equal(history('FROM python:3.12\nCOPY . /app\nUSER a\n').uncertain, false);
    assert.equal(history('FROM python:3.12\nRUN useradd -u 1 a\nUSER a\nRUN usermod -u 2 a\n').uncertain, false);
  });

  it('needs exactly one creation of a name', () => {
    const h = history('FROM python:3.12\nRUN useradd -u 1 a\nRUN useradd -u 2 a\n', false);
    assert.equal(creationOf(h, 'user', 'a'), null);
  });

  it('leaves out the stages a chain is not built on', () => {
    const model = parseDocument(
      'FROM python:3.12 AS other\nRUN useradd -u 5 ghost && usermod -u 6 ghost\nCOPY passwd /etc/passwd\nUSER ghost\n' +
        'FROM python:3.12-slim AS base\nRUN groupadd -g 7 web\nUSER web\nFROM base\nRUN useradd -u 8 app\nUSER app\n',
    );
    const [other, base, final] = model.stages;
    assert.ok(other && base && final);
    const names = (h: ReturnType<typeof accountHistory>): string[] => h.sites.map((s) => `${s.account.creates} ${s.account.name}`);
    assert.deepEqual(names(accountHistory(model, final, null)), ['group web', 'user app']);
    assert.equal(accountHistory(model, final, null).uncertain, false);
    assert.deepEqual(names(accountHistory(model, final, model.byKeyword('USER')[1] ?? null)), ['group web']);
    assert.deepEqual(names(accountHistory(model, other, null)), ['user ghost']);
    assert.equal(accountHistory(model, other, null).uncertain, true);
    assert.deepEqual(chainUsers(model, final).map((u) => u.node.getArgumentsContent()), ['web', 'app']);
    assert.deepEqual(chainUsers(model, base).map((u) => u.node.getArgumentsContent()), ['web']);
    assert.deepEqual(accountSites(model).map((s) => s.account.name), ['ghost', 'web', 'app']);
  });

  it('tells whether a chain runs an account tool, readable or not', () => {
    const creates = (dockerfile: string): boolean => {
      const model = parseDocument(dockerfile);
      assert.ok(model.finalStage);
      return createsAccounts(model, model.finalStage);
    };
    assert.equal(creates('FROM python:3.12 AS b\nRUN useradd -D -s /bin/sh\nFROM b\nCMD ["python"]\n'), true);
    assert.equal(creates('FROM python:3.12 AS a\nRUN useradd -u 5 x\nFROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3\n'), false);
  });
});
