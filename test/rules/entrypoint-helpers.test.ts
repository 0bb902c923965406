// Tests for the final image's command line model and the serverCmd/pythonEntry classifiers.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../server/src/model/document-model';
import {
  chainCommands,
  finalEntry,
  gunicornConfigOption,
  parseScriptText,
  pythonEntry,
  pythonInvocation,
  serverCmd,
  serverCommands,
  valuesOf,
  type FinalEntry,
} from '../../server/src/rules/entrypoint-helpers';

/** The final entry of a Dockerfile, with optional context files for entry scripts. */
function entryOf(text: string, files: Record<string, string> = {}): FinalEntry {
  const entry = finalEntry(parseDocument(text), { readContextFile: (p) => files[p] });
  assert.ok(entry, 'expected a final entry');
  return entry;
}

/** The commands as space-joined argv values. */
function commandsOf(entry: FinalEntry): string[] {
  return entry.commands.map((c) => valuesOf(c.words).join(' '));
}

describe('finalEntry', () => {
  it('is null without CMD or ENTRYPOINT, or without any stage', () => {
    assert.equal(finalEntry(parseDocument('FROM python:3.12-slim\nRUN true\n')), null);
    assert.equal(finalEntry(parseDocument('# nothing here\n')), null);
  });

  it('reads exec form with decoded JSON strings and document offsets', () => {
    const text = 'FROM python:3.12-slim\nCMD ["python", "-c", "print(\\"\\u00e9\\")"]\n';
    const entry = entryOf(text);
    assert.deepEqual(commandsOf(entry), ['python -c print("é")']);
    const word = entry.commands[0]?.words[0];
    assert.equal(word?.info?.keyword, 'CMD');
    assert.equal(text.slice(word?.start, word?.end), '"python"');
    assert.equal(entry.commands[0]?.origin, 'exec');
  });

  it('joins an exec-form ENTRYPOINT with the CMD and strips init processes', () => {
    const entry = entryOf('FROM python:3.12-slim\nENTRYPOINT ["tini", "-s", "--", "gunicorn"]\nCMD ["app:app"]\n');
    assert.equal(entry.init, 'tini');
    assert.deepEqual(commandsOf(entry), ['gunicorn app:app']);
    assert.deepEqual(entry.commands[0]?.words.map((w) => w.info?.keyword), ['ENTRYPOINT', 'CMD']);
  });

  it('follows a shell-form command list and marks background jobs and the last command', () => {
    const entry = entryOf('FROM python:3.12-slim\nCMD celery worker & exec env A=1 gunicorn app:app\n');
    assert.deepEqual(commandsOf(entry), ['celery worker', 'gunicorn app:app']);
    assert.deepEqual(entry.commands.map((c) => [c.background, c.last, c.origin]), [[true, false, 'shell'], [false, true, 'shell']]);
    assert.equal(entry.commands[1]?.env.get('A'), '1');
    assert.ok(entry.commands[1]?.shell, 'shell commands keep their parse');
  });

  it('ignores CMD behind a shell-form ENTRYPOINT, as Docker does', () => {
    const entry = entryOf('FROM python:3.12-slim\nENTRYPOINT python app.py\nCMD ["gunicorn", "x"]\n');
    assert.deepEqual(commandsOf(entry), ['python app.py']);
  });

  it('replays the stage chain: a later ENTRYPOINT clears an inherited CMD', () => {
    const entry = entryOf('FROM python:3.12-slim AS base\nCMD ["gunicorn", "app:app"]\nFROM base\nENTRYPOINT ["python"]\n');
    assert.equal(entry.cmd, null);
    assert.deepEqual(commandsOf(entry), ['python']);
    const same = entryOf('FROM python:3.12-slim\nCMD ["app.py"]\nENTRYPOINT ["python"]\n');
    assert.deepEqual(commandsOf(same), ['python app.py']);
  });

  it('reads a shell-form CMD handed to an exec-form ENTRYPOINT through the shell parser', () => {
    const text = 'FROM python:3.12-slim\nENTRYPOINT ["tini", "--"]\nCMD gunicorn app:app --workers 2\n';
    const entry = entryOf(text);
    assert.deepEqual(commandsOf(entry), ['gunicorn app:app --workers 2']);
    const word = entry.commands[0]?.words[2];
    assert.equal(word?.info?.keyword, 'CMD');
    assert.equal(text.slice(word?.start, word?.end), '--workers');
  });

  it('parses `sh -c` strings, whose words have no document offsets', () => {
    const entry = entryOf('FROM python:3.12-slim\nCMD ["sh", "-ec", "python manage.py migrate && exec gunicorn app"]\n');
    assert.deepEqual(commandsOf(entry), ['python manage.py migrate', 'gunicorn app']);
    assert.deepEqual(entry.commands.map((c) => [c.origin, c.last, c.words[0]?.info ?? null]), [['inline-script', false, null], ['inline-script', true, null]]);
  });

  it('follows a readable entry script and its `exec "$@"` into the CMD', () => {
    const files = { 'docker-entrypoint.sh': '#!/bin/bash\r\nset -e\r\n# don\'t start yet\r\npython manage.py migrate\r\nexec "$@"\r\n' };
    const entry = entryOf('FROM python:3.12-slim\nENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]\nCMD ["gunicorn", "app"]\n', files);
    assert.equal(entry.script, 'docker-entrypoint.sh');
    assert.deepEqual(commandsOf(entry), ['set -e', 'python manage.py migrate', 'gunicorn app']);
    assert.deepEqual(entry.commands.map((c) => c.origin), ['entry-script', 'entry-script', 'forwarded']);
    assert.equal(entry.commands[2]?.words[0]?.info?.keyword, 'CMD');
    assert.equal(entry.complete, true);
  });

  it('presumes an unreadable wrapper script runs a server or Python command given as arguments', () => {
    const entry = entryOf('FROM python:3.12-slim\nENTRYPOINT ["./entrypoint.sh"]\nCMD ["gunicorn", "app"]\n');
    assert.equal(entry.complete, false);
    assert.deepEqual(commandsOf(entry), ['gunicorn app']);
    assert.equal(entry.commands[0]?.origin, 'forwarded');
    const other = entryOf('FROM python:3.12-slim\nENTRYPOINT ["./entrypoint.sh"]\nCMD ["serve"]\n');
    assert.deepEqual(commandsOf(other), []);
  });

  it('treats a script with a Python shebang as an ordinary program', () => {
    const entry = entryOf('FROM python:3.12-slim\nCMD ["./run"]\n', { run: '#!/usr/bin/env python3\nprint(1)\n' });
    assert.deepEqual(commandsOf(entry), ['./run']);
  });

  it('gives up on what it cannot follow: parse errors, compound commands, non-POSIX SHELL', () => {
    assert.equal(entryOf('FROM python:3.12-slim\nCMD python "app.py\n').complete, false);
    const loop = entryOf('FROM python:3.12-slim\nCMD if true; then gunicorn app; fi\n');
    assert.equal(loop.complete, false);
    const pwsh = entryOf('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nCMD python app.py\n');
    assert.equal(pwsh.complete, false);
    assert.deepEqual(commandsOf(pwsh), []);
    const bash = entryOf('FROM python:3.12-slim\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nCMD python app.py\n');
    assert.deepEqual(commandsOf(bash), ['python app.py']);
  });

  it('understands a custom escape character and a byte-order mark', () => {
    const entry = entryOf('\uFEFF# escape=`\nFROM python:3.12-slim\nCMD gunicorn `\n    app:app\n');
    assert.deepEqual(commandsOf(entry), ['gunicorn app:app']);
  });
});

describe('parseScriptText', () => {
  it('splits lines at unquoted newlines and keeps continuations', () => {
    const parsed = parseScriptText('echo "a\nb" && \\\n  gunicorn app # comment with a quote\'\nexec python x.py\n');
    assert.ok(parsed);
    assert.deepEqual(parsed.commands.map((c) => valuesOf(c.command.words).join(' ')), ['echo a\nb', 'gunicorn app', 'exec python x.py']);
    assert.deepEqual(parsed.commands.map((c) => c.last), [false, false, true]);
    assert.equal(parsed.complete, true);
  });

  it('marks multi-line compound commands as not understood and refuses heredocs', () => {
    const parsed = parseScriptText('if [ -n "$X" ]; then\n  gunicorn app\nfi\n');
    assert.equal(parsed?.complete, false);
    assert.equal(parsed?.commands.some((c) => c.last), false);
    assert.equal(parseScriptText('cat <<EOF > /x\na & b\nEOF\n'), null);
  });
});

describe('serverCmd and pythonEntry', () => {
  const servers: [string[], string | null, number][] = [
    [['gunicorn', 'app:app'], 'gunicorn', 0],
    [['/opt/venv/bin/uvicorn', 'api:app'], 'uvicorn', 0],
    [['python', '-m', 'gunicorn', 'app:app'], 'gunicorn', 2],
    [['python3.12', '-u', '-X', 'dev', '-mwaitress', 'app:app'], 'waitress-serve', 4],
    [['python', '-um', 'celery', 'worker'], 'celery', 2],
    [['python', 'manage.py', 'runserver'], null, -1],
    [['uv', 'run', 'uvicorn', 'api:app'], null, -1],
    [['python', '-c', 'import gunicorn'], null, -1],
    [[], null, -1],
  ];
  for (const [argv, server, index] of servers) {
    it(`serverCmd(${JSON.stringify(argv)})`, () => {
      const match = serverCmd(argv);
      assert.equal(match?.server ?? null, server);
      if (match) assert.equal(match.index, index);
    });
  }

  it('pythonEntry accepts interpreters, `.py` programs and servers only', () => {
    assert.ok(pythonEntry(['python3', 'app.py']));
    assert.ok(pythonEntry(['/srv/venv/bin/python', '-m', 'service']));
    assert.ok(pythonEntry(['./main.py']));
    assert.ok(pythonEntry(['celery', '-A', 'proj', 'worker']));
    assert.ok(!pythonEntry(['pipenv', 'run', 'python', 'x.py']));
    assert.ok(!pythonEntry(['python-config']));
    assert.ok(!pythonEntry(['nginx', '-g', 'daemon off;']));
  });

  it('pythonInvocation reads flags, -X options, the module and the script', () => {
    const inv = pythonInvocation(['python', '-uB', '-X', 'faulthandler', '-Ximporttime', 'app.py', '-u']);
    assert.ok(inv);
    assert.deepEqual([...inv.flags].sort(), ['B', 'u']);
    assert.deepEqual(inv.xOptions, ['faulthandler', 'importtime']);
    assert.equal(inv.module, null);
    assert.deepEqual(inv.script, { path: 'app.py', index: 5 });
    assert.equal(pythonInvocation(['gunicorn']), null);
  });
});

describe('serverCommands and gunicornConfigOption', () => {
  it('yields the server commands of the entry with the arguments after the server word', () => {
    const entry = entryOf('FROM python:3.12-slim\nCMD python manage.py migrate && python -m gunicorn -c conf.py shop.wsgi\n');
    const found = [...serverCommands(entry)];
    assert.deepEqual(found.map((s) => [s.match.server, s.args]), [['gunicorn', ['-c', 'conf.py', 'shop.wsgi']]]);
  });

  it('reads `-c`/`--config` in every spelling, undefined when its value is missing', () => {
    assert.equal(gunicornConfigOption(['-c', 'conf.py', 'app:app']), 'conf.py');
    assert.equal(gunicornConfigOption(['--config=python:conf']), 'python:conf');
    assert.equal(gunicornConfigOption(['-cconf.py']), 'conf.py');
    assert.equal(gunicornConfigOption(['app:app', '--config']), undefined);
    assert.equal(gunicornConfigOption(['-b', '0.0.0.0:8000', 'app:app']), null);
  });
});

describe('chainCommands', () => {
  it('replays ENTRYPOINT and CMD through FROM <stage> and notices a SHELL anywhere in the chain', () => {
    const model = parseDocument(
      [
        'FROM python:3.12-slim AS base',
        'CMD ["python", "-m", "base"]',
        'SHELL ["/bin/bash", "-c"]',
        'FROM base AS app',
        'ENTRYPOINT ["tini", "--"]',
        'FROM python:3.12-slim',
        'ENTRYPOINT ["tini", "--"]',
        'CMD ["gunicorn", "web:app"]',
        '',
      ].join('\n'),
    );
    const [base, app, final] = model.stages;
    assert.ok(base && app && final);
    // ENTRYPOINT in a later stage clears the inherited CMD; a CMD of the same stage stays.
    assert.deepEqual(chainCommands(app).chain, [base, app]);
    assert.equal(chainCommands(app).cmd, null);
    assert.equal(chainCommands(app).entrypoint?.keyword, 'ENTRYPOINT');
    assert.equal(chainCommands(app).customShell, true);
    assert.equal(chainCommands(final).cmd?.keyword, 'CMD');
    assert.equal(chainCommands(final).customShell, false);
    assert.equal(chainCommands(base).cmd?.range.start.line, 1);
  });
});
