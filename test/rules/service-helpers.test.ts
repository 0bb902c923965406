// Tests for reading what the final image runs and where it listens (PYD415, PYD416, PYD417).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument, type DocumentModel } from '../../server/src/model/document-model';
import type { Stage } from '../../server/src/model/stages';
import { chainEnv, envSettings, lastEnvSetting, type EnvSetting } from '../../server/src/rules/env-helpers';
import {
  configString,
  copiedGunicornConfig,
  effectiveCommand,
  exposedPorts,
  gunicornEnvArgs,
  listenPorts,
  optionValues,
  portOfAddress,
  resolvePort,
  serverInvocation,
  type ArgvWord,
} from '../../server/src/rules/service-helpers';

function finalOf(model: DocumentModel): Stage {
  const final = model.finalStage;
  assert.ok(final, 'no stage');
  return final;
}

/** The final argv of a Dockerfile as plain strings, or null. */
function argvOf(text: string): string[] | null {
  const model = parseDocument(text);
  return effectiveCommand(model, finalOf(model))?.argv.map((w) => w.value) ?? null;
}

function words(...values: string[]): ArgvWord[] {
  return values.map((value) => ({ value, start: 0, end: 0, expands: false }));
}

describe('effective command', () => {
  it('joins an exec-form ENTRYPOINT with the CMD', () => {
    assert.deepEqual(argvOf('FROM python:3.12\nENTRYPOINT ["gunicorn"]\nCMD ["web:app", "-b", ":80"]\n'), ['gunicorn', 'web:app', '-b', ':80']);
  });

  it('drops a CMD inherited from the parent stage when the stage sets an ENTRYPOINT', () => {
    assert.deepEqual(argvOf('FROM python:3.12 AS base\nCMD ["x"]\nFROM base\nENTRYPOINT ["uvicorn", "api:app"]\n'), ['uvicorn', 'api:app']);
  });

  it('reads the last command of a shell-form `a && exec b` list, without `exec`', () => {
    assert.deepEqual(argvOf('FROM python:3.12\nCMD cd /app && exec gunicorn web:app\n'), ['gunicorn', 'web:app']);
  });

  it('maps exec-form arguments to their JSON strings in the document', () => {
    const model = parseDocument('FROM python:3.12\nCMD ["gunicorn", "-b", "0.0.0.0:8000"]\n');
    const argv = effectiveCommand(model, finalOf(model))?.argv ?? [];
    assert.equal(model.content.slice(argv[2]?.start, argv[2]?.end), '"0.0.0.0:8000"');
  });

  it('gives up on pipes, a custom SHELL and a shell-form CMD after an exec ENTRYPOINT', () => {
    assert.equal(argvOf('FROM python:3.12\nCMD gunicorn web:app | tee /tmp/x\n'), null);
    assert.equal(argvOf('FROM python:3.12\nSHELL ["/bin/bash", "-c"]\nCMD gunicorn web:app\n'), null);
    assert.equal(argvOf('FROM python:3.12\nENTRYPOINT ["tini", "--"]\nCMD gunicorn web:app\n'), null);
  });

  it('reads exec form under a custom SHELL', () => {
    assert.deepEqual(argvOf('FROM python:3.12\nSHELL ["/bin/bash", "-c"]\nCMD ["gunicorn", "web:app"]\n'), ['gunicorn', 'web:app']);
  });
});

describe('server invocation', () => {
  const cases: [string[], string | null][] = [
    [['gunicorn', 'web:app'], 'gunicorn'],
    [['/opt/venv/bin/uvicorn', 'api:app'], 'uvicorn'],
    [['python', '-u', '-X', 'dev', '-m', 'gunicorn', 'web:app'], 'gunicorn'],
    [['python3.12', '-m', 'hypercorn', 'app:app'], 'hypercorn'],
    [['tini', '-g', '--', 'poetry', 'run', 'daphne', 'p.asgi:app'], 'daphne'],
    [['uv', 'run', '--frozen', 'granian', 'app:app'], 'granian'],
    [['uv', 'run', '--with', 'x', 'granian', 'app:app'], null],
    [['flask', '--app', 'web', 'run'], 'flask'],
    [['flask', 'db', 'upgrade'], null],
    [['python', 'app.py'], null],
    [['./entrypoint.sh'], null],
  ];
  for (const [argv, server] of cases) {
    it(`${argv.join(' ')} → ${server ?? 'none'}`, () => assert.equal(serverInvocation(words(...argv))?.server ?? null, server));
  }

  it('keeps the arguments after the server name', () => {
    assert.deepEqual(serverInvocation(words('python', '-m', 'uvicorn', 'api:app', '--port', '80'))?.args.map((w) => w.value), ['api:app', '--port', '80']);
  });
});

describe('listen ports', () => {
  const ports = (...argv: string[]): string[] => {
    const invocation = serverInvocation(words(...argv));
    return invocation ? listenPorts(invocation).map((p) => p.port) : [];
  };

  it('reads every option spelling per server', () => {
    assert.deepEqual(ports('gunicorn', '-b', '0.0.0.0:80', '--bind=[::]:81', '-b:82', '--bind', 'unix:/run/a.sock'), ['80', '81', '82']);
    assert.deepEqual(ports('uvicorn', 'api:app', '--port', '8000'), ['8000']);
    assert.deepEqual(ports('waitress-serve', '--listen=*:8080', 'web:app'), ['8080']);
    assert.deepEqual(ports('flask', 'run', '-p', '5001'), ['5001']);
  });

  it('does not mistake gunicorn `-p` (pid file) or daphne `-b` (host) for ports', () => {
    assert.deepEqual(ports('gunicorn', '-p', '/tmp/pid', 'web:app'), []);
    assert.deepEqual(ports('daphne', '-b', '0.0.0.0', '-p', '8001', 'p.asgi:app'), ['8001']);
  });

  it('stops at `--`', () => {
    assert.deepEqual(optionValues(words('--', '--port', '1'), ['--port']), []);
  });

  it('takes the port of an address', () => {
    assert.equal(portOfAddress('0.0.0.0:8000'), '8000');
    assert.equal(portOfAddress('[::]:8000'), '8000');
    assert.equal(portOfAddress('0.0.0.0:${PORT}'), '${PORT}');
    assert.equal(portOfAddress('0.0.0.0'), null);
    assert.equal(portOfAddress('fd://3'), null);
  });
});

describe('ports and variables', () => {
  it('resolves EXPOSE arguments with ARG and ENV defaults, ranges and protocols', () => {
    const model = parseDocument('FROM python:3.12\nARG PORT=8000\nEXPOSE ${PORT} 9100-9102 53/udp\n');
    assert.deepEqual(exposedPorts(model, finalOf(model))?.map((p) => [p.from, p.to, p.protocol]), [[8000, 8000, 'tcp'], [9100, 9102, 'tcp'], [53, 53, 'udp']]);
  });

  it('returns null when an exposed port stays unknown', () => {
    const model = parseDocument('FROM python:3.12\nEXPOSE $PORT\n');
    assert.equal(exposedPorts(model, finalOf(model)), null);
  });

  it('expands command ports from ENV only, and only in shell form', () => {
    const model = parseDocument('FROM python:3.12\nARG BUILD_PORT=1\nENV PORT=8080\nCMD gunicorn web:app\n');
    const final = finalOf(model);
    const cmd = model.byKeyword('CMD')[0];
    assert.ok(cmd);
    assert.equal(resolvePort(model, final, cmd, '$PORT', true), 8080);
    assert.equal(resolvePort(model, final, cmd, '$PORT', false), null);
    assert.equal(resolvePort(model, final, cmd, '$BUILD_PORT', true), null);
    assert.equal(resolvePort(model, final, cmd, '80', false), 80);
  });

  it('reads GUNICORN_CMD_ARGS from the last ENV that sets it', () => {
    const model = parseDocument('FROM python:3.12\nARG P=7000\nENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:1"\nENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:${P} --workers 2"\n');
    assert.deepEqual(gunicornEnvArgs(model, finalOf(model))?.args.map((w) => w.value), ['--bind', '0.0.0.0:7000', '--workers', '2']);
  });
});

describe('gunicorn config files', () => {
  it('finds the default config in the working directory, copied with a directory', () => {
    const model = parseDocument('FROM python:3.12\nWORKDIR /app\nCOPY deploy/ .\nCOPY src/ .\nCMD ["./run.sh"]\n');
    const final = finalOf(model);
    const command = effectiveCommand(model, final);
    assert.ok(command);
    const files: Record<string, string> = { 'deploy/gunicorn.conf.py': 'bind = "0.0.0.0:9000"\n' };
    const config = copiedGunicornConfig(model, final, { today: '2026-11-25', readContextFile: (p) => files[p] }, command, null);
    assert.equal(config?.contextPath, 'deploy/gunicorn.conf.py');
    assert.equal(config?.info.range.start.line, 2);
  });

  it('needs a readable build context', () => {
    const model = parseDocument('FROM python:3.12\nWORKDIR /app\nCOPY gunicorn.conf.py .\nCMD ["gunicorn", "web:app"]\n');
    const final = finalOf(model);
    const command = effectiveCommand(model, final);
    assert.ok(command);
    assert.equal(copiedGunicornConfig(model, final, { today: '2026-11-25' }, command, serverInvocation(command.argv)), null);
  });

  it('reads literal string settings, the last assignment winning', () => {
    const content = "bind = ['0.0.0.0:8000', '[::]:8000']\naccesslog = '-'  # stdout\naccesslog = '/var/log/a.log'\nerrorlog = os.environ['LOG']\n";
    assert.equal(configString(content, 'bind'), '0.0.0.0:8000');
    assert.equal(configString(content, 'accesslog'), '/var/log/a.log');
    assert.equal(configString(content, 'errorlog'), null);
    assert.equal(configString(content, 'workers'), null);
  });
});

describe('chainEnv', () => {
  it('agrees with envSettings and lastEnvSetting, across FROM <stage> and repeated keys', () => {
    const text = [
      'FROM python:3.12-slim AS base',
      'ENV PORT=8000 DEBUG=1',
      'ENV GUNICORN_CMD_ARGS="--workers 2"',
      'FROM base AS app',
      'ENV DEBUG=0 \\',
      '    PORT=9000',
      'ENV EMPTY=',
      'FROM python:3.12-slim',
      'ENV OTHER=1',
      '',
    ].join('\n');
    const model = parseDocument(text);
    // dockerfile-ast makes new Property objects per call: compare what they say.
    const said = (s: EnvSetting | undefined): unknown => s && { name: s.name, value: s.value, at: s.info.index, range: s.property.getRange() };
    for (const stage of model.stages) {
      const env = chainEnv(stage);
      assert.deepEqual(env.settings.map(said), envSettings(stage).map(said));
      for (const key of ['PORT', 'DEBUG', 'GUNICORN_CMD_ARGS', 'EMPTY', 'OTHER', 'MISSING']) {
        assert.deepEqual(said(env.last.get(key)), said(lastEnvSetting(stage, key)), `${key} in stage ${stage.index}`);
      }
    }
    const app = model.stages[1];
    assert.ok(app);
    assert.equal(chainEnv(app).last.get('DEBUG')?.value, '0');
    assert.equal(chainEnv(app).last.get('PORT')?.value, '9000');
    assert.equal(chainEnv(finalOf(model)).last.has('PORT'), false);
  });
});
