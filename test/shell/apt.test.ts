// Table-driven tests of the apt-get/apt/aptitude and apk argument models, and of the package
// index helpers behind PYD302.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apkCommand, aptCommand, isAptUpdate, loneAptUpdate, mayUseAptIndex, usesAptIndex, type AptCommand } from '../../server/src/shell/apt';
import { parseShell, type ShellScript, type SimpleCommand } from '../../server/src/shell/parser';

function parse(text: string): ShellScript {
  return parseShell(text, 0, text.length, '\\');
}

function command(text: string): SimpleCommand {
  const cmd = parse(text).commands[0];
  assert.ok(cmd, `no command in ${text}`);
  return cmd;
}

interface AptCase {
  text: string;
  tool: AptCommand['tool'];
  sub: string | null;
  packages: string[];
  assumeYes: boolean;
  noInstallRecommends: boolean;
}

describe('aptCommand', () => {
  const CASES: AptCase[] = [
    { text: 'apt-get install -y --no-install-recommends libpq5 curl', tool: 'apt-get', sub: 'install', packages: ['libpq5', 'curl'], assumeYes: true, noInstallRecommends: true },
    { text: 'apt-get -qq -y install gcc', tool: 'apt-get', sub: 'install', packages: ['gcc'], assumeYes: true, noInstallRecommends: false },
    { text: 'apt install -qy git', tool: 'apt', sub: 'install', packages: ['git'], assumeYes: true, noInstallRecommends: false },
    { text: 'apt-get install --assume-yes git', tool: 'apt-get', sub: 'install', packages: ['git'], assumeYes: true, noInstallRecommends: false },
    { text: 'aptitude install git', tool: 'aptitude', sub: 'install', packages: ['git'], assumeYes: false, noInstallRecommends: false },
    { text: 'apt-get -o Dpkg::Options::=--force-confold install nginx', tool: 'apt-get', sub: 'install', packages: ['nginx'], assumeYes: false, noInstallRecommends: false },
    { text: 'apt-get -o APT::Install-Recommends=false -o APT::Get::Assume-Yes=true install curl', tool: 'apt-get', sub: 'install', packages: ['curl'], assumeYes: true, noInstallRecommends: true },
    { text: 'apt-get -oAPT::Install-Recommends=0 --option=APT::Get::Assume-Yes=1 install curl', tool: 'apt-get', sub: 'install', packages: ['curl'], assumeYes: true, noInstallRecommends: true },
    { text: 'apt-get -t bookworm-backports install -y git', tool: 'apt-get', sub: 'install', packages: ['git'], assumeYes: true, noInstallRecommends: false },
    { text: 'DEBIAN_FRONTEND=noninteractive sudo /usr/bin/apt-get update -qq', tool: 'apt-get', sub: 'update', packages: [], assumeYes: false, noInstallRecommends: false },
    { text: 'apt-get --version', tool: 'apt-get', sub: null, packages: [], assumeYes: false, noInstallRecommends: false },
  ];
  for (const c of CASES) {
    it(c.text, () => {
      const apt = aptCommand(command(c.text));
      assert.ok(apt);
      assert.deepEqual(
        { tool: apt.tool, sub: apt.sub, packages: apt.packages.map((w) => w.value), assumeYes: apt.assumeYes, noInstallRecommends: apt.noInstallRecommends },
        { tool: c.tool, sub: c.sub, packages: c.packages, assumeYes: c.assumeYes, noInstallRecommends: c.noInstallRecommends },
      );
      if (apt.subWord) assert.equal(c.text.slice(apt.subWord.start, apt.subWord.end), c.sub);
    });
  }

  for (const text of ['apt-cache policy libpq5', 'apt-key add key.gpg', 'apt-mark hold python3', 'echo apt-get install']) {
    it(`${text} is not an apt-get/apt/aptitude call`, () => assert.equal(aptCommand(command(text)), null));
  }
});

describe('package index helpers', () => {
  const CASES: [string, { update: boolean; uses: boolean; may: boolean }][] = [
    ['apt-get update', { update: true, uses: false, may: false }],
    ['apt update', { update: true, uses: false, may: false }],
    ['apt-get install -y curl', { update: false, uses: true, may: true }],
    ['apt-get upgrade -y', { update: false, uses: true, may: true }],
    ['apt full-upgrade -y', { update: false, uses: true, may: true }],
    ['apt-get build-dep -y python3-lxml', { update: false, uses: true, may: true }],
    ['apt-get source hello', { update: false, uses: true, may: true }],
    ['apt-cache policy libpq5', { update: false, uses: true, may: true }],
    ['install_packages curl', { update: false, uses: true, may: true }],
    ['apt-get purge -y --auto-remove gcc', { update: false, uses: false, may: false }],
    ['apt-get clean', { update: false, uses: false, may: false }],
    ['rm -rf /var/lib/apt/lists/*', { update: false, uses: false, may: false }],
    ["sed -i 's/deb.debian.org/mirror.example/' /etc/apt/sources.list", { update: false, uses: false, may: false }],
    ['pip install --no-cache-dir flask', { update: false, uses: false, may: false }],
    ['sh -c "echo hi"', { update: false, uses: false, may: true }],
    ['bash ./setup.sh', { update: false, uses: false, may: true }],
    ['./install-deps.sh', { update: false, uses: false, may: true }],
    ['/opt/bin/provision.sh', { update: false, uses: false, may: true }],
    ['su -c "apt-get install -y curl" root', { update: false, uses: false, may: true }],
  ];
  for (const [text, expected] of CASES) {
    it(text, () => {
      const cmd = command(text);
      assert.deepEqual({ update: isAptUpdate(cmd), uses: usesAptIndex(cmd), may: mayUseAptIndex(cmd) }, expected);
    });
  }
});

describe('loneAptUpdate', () => {
  /** The document text of the lone update found, or null. */
  const lone = (text: string): string | null => {
    const cmd = loneAptUpdate(parse(text));
    return cmd ? text.slice(cmd.start, cmd.end) : null;
  };

  const CASES: [string, string | null][] = [
    ['apt-get update', 'apt-get update'],
    ['DEBIAN_FRONTEND=noninteractive apt-get update -qq', 'DEBIAN_FRONTEND=noninteractive apt-get update -qq'],
    ['apt-get update && pip install --no-cache-dir flask', 'apt-get update'],
    ['apt-get update && apt-get clean && rm -rf /var/lib/apt/lists/*', 'apt-get update'],
    ['./add-repo.sh && apt-get update', 'apt-get update'],
    ['apt-get update && apt-get update', 'apt-get update'],
    ['apt-get update && apt-get install -y curl', null],
    ['apt-get install -y curl && apt-get update', null],
    ['apt-get update && apt-get upgrade -y', null],
    ['apt-get update && apt-cache madison libpq5', null],
    ['apt-get update && ./install-deps.sh', null],
    ['apt-get update && if true; then apt-get install -y curl; fi', null],
    ['apt-get update && echo "unterminated', null],
    ['pip install flask', null],
  ];
  for (const [text, expected] of CASES) {
    it(`${text} → ${expected ?? 'null'}`, () => assert.equal(lone(text), expected));
  }
});

describe('apkCommand', () => {
  const CASES: [string, string | null, string[], boolean][] = [
    ['apk add --no-cache gcc musl-dev', 'add', ['gcc', 'musl-dev'], true],
    ['apk --no-cache add libpq', 'add', ['libpq'], true],
    ['apk add --virtual .build-deps gcc', 'add', ['gcc'], false],
    ['apk add -t .build-deps --repository https://mirror.example/alpine/edge/main gcc', 'add', ['gcc'], false],
    ['apk -U add curl', 'add', ['curl'], false],
    ['apk del .build-deps', 'del', ['.build-deps'], false],
    ['sudo apk update', 'update', [], false],
  ];
  for (const [text, sub, packages, noCache] of CASES) {
    it(text, () => {
      const apk = apkCommand(command(text));
      assert.ok(apk);
      assert.deepEqual([apk.sub, apk.packages.map((w) => w.value), apk.noCache], [sub, packages, noCache]);
    });
  }

  it('ignores other programs', () => assert.equal(apkCommand(command('apt-get add x')), null));
});
