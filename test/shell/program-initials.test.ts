// The one-character guards rules use to skip commands (`mayBePythonTool`, `mayBeAptTool`) never
// skip a command that `pipInstall`, `aptCommand` or the install rules recognise.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { aptCommand, isAptProgram, mayBeAptTool } from '../../server/src/shell/apt';
import { parseShell, type SimpleCommand } from '../../server/src/shell/parser';
import { mayBePythonTool, pipInstall } from '../../server/src/shell/pip';
import { effectiveWords, programInitial } from '../../server/src/shell/query';

function command(text: string): SimpleCommand {
  const [first] = parseShell(text, 0, text.length, '\\').commands;
  assert.ok(first, text);
  return first;
}

const PIP_INSTALLS = [
  'pip install flask',
  'pip3 install flask',
  'pip3.12 install flask',
  '/usr/local/bin/pip install flask',
  'python -m pip install flask',
  'python3.12 -m pip install flask',
  '/opt/venv/bin/python -m pip install flask',
  'uv pip install flask',
  'poetry run pip install flask',
  'pipenv run python -m pip install flask',
  'sudo -H pip install flask',
  'env PIP_NO_CACHE_DIR=1 pip install flask',
];
const APT_INSTALLS = ['apt-get install -y gcc', 'apt install -y gcc', 'aptitude install gcc', '/usr/bin/apt-get install -y gcc', 'sudo apt-get install -y gcc'];

describe('program initials', () => {
  it('reads the first character of the base name, NaN for nothing', () => {
    const [word] = effectiveWords(command('/usr/bin/pip install x'));
    assert.equal(programInitial(word), 'p'.charCodeAt(0));
    assert.ok(Number.isNaN(programInitial(undefined)));
    assert.ok(Number.isNaN(programInitial(effectiveWords(command('/usr/bin/ x'))[0])));
  });

  it('lets every pip install that pipInstall recognises through mayBePythonTool', () => {
    for (const text of PIP_INSTALLS) {
      const cmd = command(text);
      assert.ok(pipInstall(cmd), `pipInstall should recognise: ${text}`);
      assert.ok(mayBePythonTool(effectiveWords(cmd)[0]), `mayBePythonTool skipped: ${text}`);
    }
  });

  it('lets every apt install through mayBeAptTool, and neither guard takes the other kind', () => {
    for (const text of APT_INSTALLS) {
      const cmd = command(text);
      assert.ok(aptCommand(cmd), `aptCommand should recognise: ${text}`);
      assert.ok(mayBeAptTool(effectiveWords(cmd)[0]), `mayBeAptTool skipped: ${text}`);
      assert.equal(mayBePythonTool(effectiveWords(cmd)[0]), false, text);
    }
    for (const text of PIP_INSTALLS) assert.equal(mayBeAptTool(effectiveWords(command(text))[0]), false, text);
  });

  it('names exactly the programs aptCommand reads with isAptProgram', () => {
    for (const name of ['apt-get', 'apt', 'aptitude', 'apt-cache', 'apt-key', 'apk', 'dpkg', 'pip']) {
      assert.equal(isAptProgram(name), aptCommand(command(`${name} install -y gcc`)) !== null, name);
    }
  });

  it('settles other programs by one character', () => {
    for (const text of ['rm -rf /tmp/x', 'chown -R app /app', 'mkdir -p /app', 'echo pip install x', 'npm ci']) {
      const word = effectiveWords(command(text))[0];
      assert.equal(mayBePythonTool(word) || mayBeAptTool(word), false, text);
    }
  });

  it('keeps PYD310 and PYD301 finding the installs the guards let through', () => {
    const env = { today: '2025-06-01' };
    // PYD310: every install in a builder stage of a BuildKit Dockerfile lacks a cache mount
    // (the inline PIP_NO_CACHE_DIR turns pip's cache off, so that one is not a finding).
    const cached = PIP_INSTALLS.filter((c) => !c.includes('PIP_NO_CACHE_DIR'));
    const builder = ['# syntax=docker/dockerfile:1', 'FROM python:3.12-slim-bookworm AS build', ...cached.map((c) => `RUN ${c}`), ...APT_INSTALLS.map((c) => `RUN ${c}`), '', 'FROM python:3.12-slim-bookworm', 'COPY --from=build /usr/local /usr/local', ''].join('\n');
    const mounts = lint(builder, { env, only: ['PYD310'] }).findings.map((f) => f.range.start.line);
    assert.deepEqual([...new Set(mounts)], Array.from({ length: cached.length + APT_INSTALLS.length }, (_, i) => i + 2));
    // PYD301: each requirements install after `COPY . .`, whatever runs pip.
    for (const c of PIP_INSTALLS) {
      const install = c.replace(' flask', ' -r requirements.txt');
      const text = ['FROM python:3.12-slim-bookworm', 'WORKDIR /app', 'COPY . .', `RUN ${install}`, ''].join('\n');
      assert.deepEqual(
        lint(text, { env, only: ['PYD301'] }).findings.map((f) => f.range.start.line),
        [3],
        install,
      );
    }
  });
});
