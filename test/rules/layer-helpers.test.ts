// Table-driven tests for the helpers shared by the layers-and-cache rules (PYD303–PYD314).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/fix/apply';
import { parseDocument, type DocumentModel, type InstructionInfo } from '../../server/src/model/document-model';
import type { SimpleCommand } from '../../server/src/shell/parser';
import {
  addSyntaxDirective,
  aptConfiguredBefore,
  blockStartLine,
  execFormArgs,
  frontendAtLeast,
  imageFamily,
  mountCovers,
  mountsOf,
  parserDirectives,
  removeBlocks,
  rmClears,
  shellBefore,
  syntaxDirective,
  usesBuildKit,
} from '../../server/src/rules/layer-helpers';

function nth(model: DocumentModel, keyword: string, n = 0): InstructionInfo {
  const info = model.byKeyword(keyword)[n];
  assert.ok(info, `no ${keyword} #${n}`);
  return info;
}

/** The first command of the first RUN of a one-RUN Dockerfile. */
function command(run: string, k = 0): SimpleCommand {
  const model = parseDocument(`FROM python:3.12-slim-bookworm\nRUN ${run}`);
  const cmd = model.shellOf(nth(model, 'RUN'))?.commands[k];
  assert.ok(cmd, `no command #${k} in ${run}`);
  return cmd;
}

describe('mounts', () => {
  it('reads type and normalized target, defaulting the type to bind', () => {
    const model = parseDocument('FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache/pip/ --mount=target=/src,source=. pip install .');
    const mounts = mountsOf(nth(model, 'RUN')).map((m) => [m.type, m.target]);
    assert.deepEqual(mounts, [['cache', '/root/.cache/pip'], ['bind', '/src']]);
  });

  it('covers a directory from the directory itself or a parent, for cache and tmpfs only', () => {
    const model = parseDocument('FROM alpine:3.20\nRUN --mount=type=cache,target=/var/lib/apt --mount=type=bind,target=/var/cache/apk true');
    const run = nth(model, 'RUN');
    assert.equal(mountCovers(run, '/var/lib/apt/lists'), true);
    assert.equal(mountCovers(run, '/var/lib'), false);
    assert.equal(mountCovers(run, '/var/cache/apk'), false, 'a bind mount keeps nothing out of the layer');
  });
});

describe('cleanup commands', () => {
  const cases: [string, string, boolean][] = [
    ['rm -rf /var/lib/apt/lists/*', '/var/lib/apt/lists', true],
    ['rm -fr /var/lib/apt/lists', '/var/lib/apt/lists', true],
    ['rm /var/lib/apt/lists', '/var/lib/apt/lists', false],
    ['rm -r -f /var/lib/apt', '/var/lib/apt/lists', true],
    ['rm -f /var/lib/apt/lists/lock', '/var/lib/apt/lists', false],
    ['rm -rf /', '/var/lib/apt/lists', false],
    ['sudo rm -rf -- /var/cache/apk/*', '/var/cache/apk', true],
    ['echo rm -rf /var/lib/apt/lists/*', '/var/lib/apt/lists', false],
  ];
  for (const [run, dir, expected] of cases) {
    it(`${run} ${expected ? 'clears' : 'does not clear'} ${dir}`, () => assert.equal(rmClears(command(run), dir), expected));
  }
});

describe('apt configuration written earlier', () => {
  it('sees a RUN that writes the setting and a COPY into /etc/apt, only before the instruction', () => {
    const model = parseDocument('FROM debian:bookworm-slim\nRUN apt-get install -y curl\nRUN echo \'APT::Install-Recommends "0";\' > /etc/apt/apt.conf.d/99\nRUN apt-get install -y git');
    assert.equal(aptConfiguredBefore(model, nth(model, 'RUN', 0), /Install-Recommends/), false);
    assert.equal(aptConfiguredBefore(model, nth(model, 'RUN', 2), /Install-Recommends/), true);
    const inline = parseDocument('FROM debian:bookworm-slim\nRUN apt-get -o APT::Install-Recommends=0 install -y curl\nRUN apt-get install -y git');
    assert.equal(aptConfiguredBefore(inline, nth(inline, 'RUN', 1), /Install-Recommends/), false, 'an option of one command configures nothing else');
    const copied = parseDocument('FROM debian:bookworm-slim\nWORKDIR /etc\nCOPY apt/ apt/\nRUN apt-get install -y curl');
    assert.equal(aptConfiguredBefore(copied, nth(copied, 'RUN'), /Assume-Yes/), true);
    const unrelated = parseDocument('FROM debian:bookworm-slim\nCOPY app/ /app/\nRUN apt-get install -y curl');
    assert.equal(aptConfiguredBefore(unrelated, nth(unrelated, 'RUN'), /Assume-Yes/), false);
  });
});

describe('exec form and SHELL', () => {
  it('reads exec-form arguments across continuation lines and rejects shell form', () => {
    const model = parseDocument('FROM alpine:3.20\nRUN ["chmod", \\\n  "+x", "/a b.sh"]\nRUN chmod +x /x');
    assert.deepEqual(execFormArgs(model, nth(model, 'RUN', 0)), ['chmod', '+x', '/a b.sh']);
    assert.equal(execFormArgs(model, nth(model, 'RUN', 1)), null);
  });

  it('follows SHELL through the stage chain and flags unreadable ones', () => {
    const model = parseDocument('FROM debian:bookworm-slim AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nRUN a | b\nSHELL /bin/sh -c\nRUN c | d');
    const stage = model.stages[1];
    assert.ok(stage);
    assert.deepEqual(shellBefore(model, stage, nth(model, 'RUN', 0)).argv, ['/bin/bash', '-c']);
    assert.equal(shellBefore(model, stage, nth(model, 'RUN', 1)).known, false);
  });

  it('tells Debian, Alpine, Windows and unknown images apart', () => {
    const model = parseDocument(
      'FROM python:3.12-slim-bookworm\nFROM python:3.12-alpine3.20 AS a\nFROM a\nFROM ubuntu:24.04\nFROM python:3.12-windowsservercore-ltsc2022\nFROM registry.example.com/python:3.12\nFROM $BASE',
    );
    assert.deepEqual(model.stages.map(imageFamily), ['debian', 'alpine', 'alpine', 'debian', 'windows', 'unknown', 'unknown']);
  });
});

describe('comment blocks', () => {
  it('moves the comment lines directly above an instruction with it', () => {
    const text = 'FROM alpine:3.20\nCOPY . /app\n# why\n# hadolint ignore=DL3018\nRUN apk add curl\nCMD ["sh"]';
    const model = parseDocument(text);
    assert.equal(blockStartLine(model, nth(model, 'RUN')), 2);
    assert.equal(applyEdits(text, removeBlocks(model, [nth(model, 'RUN')])), 'FROM alpine:3.20\nCOPY . /app\nCMD ["sh"]');
  });

  it('keeps a missing final line break missing and merges adjacent blocks', () => {
    const text = 'FROM alpine:3.20\r\nENV A=1\r\nRUN echo $A';
    const model = parseDocument(text);
    assert.equal(applyEdits(text, removeBlocks(model, [nth(model, 'ENV'), nth(model, 'RUN')])), 'FROM alpine:3.20');
  });
});

describe('parser directives', () => {
  it('reads directives up to the first other line, past a byte-order mark', () => {
    const model = parseDocument('\uFEFF# syntax=docker/dockerfile:1.7\n#escape=`\n\n# check=skip=all\nFROM alpine:3.20');
    assert.deepEqual(parserDirectives(model).map((d) => [d.name, d.value]), [['syntax', 'docker/dockerfile:1.7'], ['escape', '`']]);
    assert.equal(syntaxDirective(model), 'docker/dockerfile:1.7');
  });

  const versions: [string, boolean][] = [
    ['docker/dockerfile:1', true],
    ['docker/dockerfile:1-labs', true],
    ['docker.io/docker/dockerfile:1.7.1', true],
    ['docker/dockerfile', true],
    ['docker/dockerfile:1.2', true],
    ['docker/dockerfile:1.1', false],
    ['docker/dockerfile:1.0.0-experimental', false],
    ['docker/dockerfile:1@sha256:abcdef0123', true],
    ['example.com/frontends/dockerfile:1', false],
  ];
  for (const [value, expected] of versions) {
    it(`${value} ${expected ? 'has' : 'lacks'} frontend 1.2`, () => {
      assert.equal(frontendAtLeast(parseDocument(`# syntax=${value}\nFROM alpine:3.20`), 2), expected);
    });
  }

  it('recognises files that rely on BuildKit', () => {
    const uses = (text: string): boolean => usesBuildKit(parseDocument(text));
    assert.equal(uses('FROM alpine:3.20\nRUN apk add curl'), false);
    assert.equal(uses('# syntax=docker/dockerfile:1\nFROM alpine:3.20'), true);
    assert.equal(uses('FROM alpine:3.20\nRUN --mount=type=secret,id=t cat /run/secrets/t'), true);
    assert.equal(uses('FROM alpine:3.20\nCOPY --link app/ /app/'), true);
    assert.equal(uses('FROM alpine:3.20\nCOPY --chown=1:1 app/ /app/'), false, '--chown works without BuildKit');
    assert.equal(uses('FROM alpine:3.20\nRUN <<EOF\napk add curl\nEOF'), true);
  });

  it('adds the syntax line first, once, with the file\'s line endings', () => {
    const text = '# escape=`\r\nFROM alpine:3.20';
    const edit = addSyntaxDirective(parseDocument(text));
    assert.ok(edit);
    assert.equal(applyEdits(text, [edit]), '# syntax=docker/dockerfile:1\r\n# escape=`\r\nFROM alpine:3.20');
    assert.equal(addSyntaxDirective(parseDocument('# syntax=example.com/frontend:2\nFROM alpine:3.20')), null);
  });
});
