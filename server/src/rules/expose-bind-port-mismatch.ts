// PYD416: the port the Python server listens on is not among the ports the image EXPOSEs.
import type { Range } from '../model/text';
import { defineRule } from './define-rule';
import {
  configSourceRange,
  configString,
  copiedGunicornConfig,
  exposedPorts,
  gunicornEnvArgs,
  listenPorts,
  optionValues,
  portOfAddress,
  resolvePort,
  setsListenAddress,
  stageService,
  type ExposedPort,
} from './service-helpers';

/** A port the server is configured to listen on, and where that is written. */
interface Bind {
  port: number;
  range: Range;
  /** Who sets it, for the message: "`gunicorn`", "`GUNICORN_CMD_ARGS`", … */
  origin: string;
  /** The `bind` line of a gunicorn config file, also reported on that file. */
  inFile?: { path: string; range: Range };
}

function isExposed(port: number, exposed: readonly ExposedPort[]): boolean {
  return exposed.some((e) => e.protocol === 'tcp' && e.from <= port && port <= e.to);
}

function describe(exposed: readonly ExposedPort[]): string {
  return exposed.map((e) => (e.from === e.to ? `${e.from}` : `${e.from}-${e.to}`) + (e.protocol === 'tcp' ? '' : `/${e.protocol}`)).join(', ');
}

export default defineRule({
  code: 'PYD416',
  name: 'expose-bind-port-mismatch',
  title: 'Expose the port the server listens on',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'Compares the ports of the final image\'s `EXPOSE` instructions (variables resolved with their defaults) with the port its Python server is told to listen on: `-b/--bind host:port` for gunicorn and hypercorn, `--port` for uvicorn, daphne, waitress, granian and `flask run`, and, for gunicorn, `--bind` in `ENV GUNICORN_CMD_ARGS`. ' +
      'When the editor can read the build context, a `gunicorn.conf.py` that the image copies into its working directory (or the `-c` file) is read too, and a literal `bind = "host:port"` in it counts. `GUNICORN_CMD_ARGS` and the config file are also checked when the image starts through a script (such as `entrypoint.sh`) that may run gunicorn. The command line wins over `GUNICORN_CMD_ARGS`, which wins over the file, as in gunicorn. ' +
      'Nothing is reported when the image exposes no port or when a port is only known at run time.',
    whyItMatters:
      '`EXPOSE` publishes nothing by itself: it is the documentation that people, `docker run -P`, Compose and orchestrators read to find the service. When it names 5000 while gunicorn binds 8000, `-P` maps the wrong port, health checks and load balancers probe a closed port, and the next reader believes the wrong one. The mismatch typically creeps in when the bind address moves into `GUNICORN_CMD_ARGS` or `gunicorn.conf.py` and `EXPOSE` is left behind.',
    example: 'FROM python:3.12-slim-bookworm\nEXPOSE 5000\nCMD ["gunicorn", "web:app", "--bind", "0.0.0.0:8000"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nEXPOSE 8000\nCMD ["gunicorn", "web:app", "--bind", "0.0.0.0:8000"]',
    references: [
      'https://docs.docker.com/reference/dockerfile/#expose',
      'https://docs.gunicorn.org/en/stable/settings.html#bind',
      'https://docs.gunicorn.org/en/stable/configure.html',
      'https://www.uvicorn.org/settings/#socket-binding',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const exposed = exposedPorts(model, final);
    if (!exposed || !exposed.some((e) => e.protocol === 'tcp')) return;
    const { command, invocation } = stageService(model, final);
    const at = command?.instructions[command.instructions.length - 1];
    const binds: Bind[] = [];
    if (invocation && at && setsListenAddress(invocation)) {
      // The command line wins; a port only known at run time leaves nothing to compare.
      for (const p of listenPorts(invocation)) {
        const port = resolvePort(model, final, at, p.port, p.word.expands);
        if (port !== null) binds.push({ port, range: model.text.rangeOf(p.word.start, p.word.end), origin: `\`${invocation.server}\`` });
      }
    } else if (invocation === null || invocation.server === 'gunicorn') {
      // A script entrypoint may start gunicorn, which then reads its environment and config file.
      const env = gunicornEnvArgs(model, final);
      const envBind = env ? optionValues(env.args, ['-b', '--bind']) : [];
      const config = command ? copiedGunicornConfig(model, final, ctx.env, command, invocation) : null;
      // The workspace's parser reads the file once for every rule; the text scan covers bare readers.
      const parsed = config ? ctx.workspace?.gunicornConf(config.contextPath) : undefined;
      const assignment = parsed?.kind === 'ok' ? parsed.value.get('bind') : undefined;
      const configBind = config ? (parsed?.kind === 'ok' ? (assignment?.string ?? null) : configString(config.content, 'bind')) : null;
      if (env && envBind.length > 0) {
        for (const b of envBind) {
          const text = portOfAddress(b.value);
          if (text !== null && /^\d+$/.test(text)) binds.push({ port: Number(text), range: env.property.getValueRange() ?? env.property.getRange(), origin: '`GUNICORN_CMD_ARGS`' });
        }
      } else if (config && configBind !== null) {
        const text = portOfAddress(configBind);
        if (text !== null && /^\d+$/.test(text)) {
          const inFile = assignment ? { path: config.contextPath, range: { start: { line: assignment.line, character: assignment.start }, end: { line: assignment.line, character: assignment.end } } } : undefined;
          binds.push({ port: Number(text), range: configSourceRange(config), origin: `\`bind\` in \`${config.contextPath}\``, ...(inFile ? { inFile } : {}) });
        }
      }
    }
    for (const bind of binds) {
      if (isExposed(bind.port, exposed)) continue;
      ctx.report({
        range: bind.range,
        message: `${bind.origin} listens on port ${bind.port}, but the image exposes ${describe(exposed)}`,
      });
      if (bind.inFile) {
        ctx.report({ range: bind.inFile.range, file: bind.inFile.path, origin: bind.range, message: `gunicorn listens on port ${bind.port}, but the image built from the Dockerfile exposes ${describe(exposed)}` });
      }
    }
  },
});
