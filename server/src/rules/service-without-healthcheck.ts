// PYD415: the final image runs a network service but declares no HEALTHCHECK.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { ImageRef } from '../model/image-ref';
import { rootStage, type Stage } from '../model/stages';
import { defineRule } from './define-rule';
import { insertLinesAfter } from './edit-helpers';
import { chainCommands } from './entrypoint-helpers';
import { insertLinesAbove } from './env-helpers';
import {
  exposedPorts,
  gunicornEnvArgs,
  listenPorts,
  optionValues,
  portOfAddress,
  resolvePort,
  stageService,
  type EffectiveCommand,
  type ServerInvocation,
} from './service-helpers';
import type { Fix } from './types';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Official base images that define no HEALTHCHECK of their own. */
const NO_HEALTHCHECK_IMAGES = new Set(['debian', 'ubuntu', 'alpine']);

type Base = 'python' | 'distro';

/**
 * `python` for the official python image (which has `python` on PATH for the probe), `distro`
 * for official Debian/Ubuntu/Alpine images, null for anything else: a third-party base may
 * bring its own HEALTHCHECK, and Windows images have no POSIX `python` path to probe with.
 */
function baseKind(image: ImageRef | null): Base | null {
  if (!image || image.unresolved) return null;
  if (image.isPython) {
    if (image.python === null) return null;
    return image.python.variant === 'windowsservercore' || image.python.variant === 'nanoserver' ? null : 'python';
  }
  return (image.registry === null || DOCKER_HUB.has(image.registry)) && NO_HEALTHCHECK_IMAGES.has(image.name) ? 'distro' : null;
}

/**
 * The port to probe: the one the server is told to bind (that is where it really listens),
 * else the first single TCP port of EXPOSE.
 */
function probePort(model: DocumentModel, stage: Stage, command: EffectiveCommand | null, invocation: ServerInvocation | null): number | null {
  const at = command?.instructions[command.instructions.length - 1];
  if (invocation && at) {
    for (const p of listenPorts(invocation)) {
      const port = resolvePort(model, stage, at, p.port, p.word.expands);
      if (port !== null) return port;
    }
  }
  if (invocation?.server === 'gunicorn') {
    const env = gunicornEnvArgs(model, stage);
    const bind = env ? optionValues(env.args, ['-b', '--bind'])[0] : undefined;
    const port = bind ? portOfAddress(bind.value) : null;
    if (port !== null && /^\d+$/.test(port)) return Number(port);
  }
  const tcp = exposedPorts(model, stage)?.find((e) => e.protocol === 'tcp' && e.from === e.to);
  return tcp ? tcp.from : null;
}

/**
 * The probe. `http.client` rather than `urllib.request.urlopen`: urlopen raises on 4xx, so an
 * API whose `/` answers 404 would be reported unhealthy although it serves requests. Any
 * answer below 500 counts as healthy; refused connections and timeouts raise, exiting with 1.
 */
function healthcheckLine(port: number): string {
  const probe = `import http.client, sys; c = http.client.HTTPConnection('127.0.0.1', ${port}, timeout=2); c.request('GET', '/'); sys.exit(c.getresponse().status >= 500)`;
  return `HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["python", "-c", ${JSON.stringify(probe)}]`;
}

/** Inserts the HEALTHCHECK above the closing CMD/ENTRYPOINT block of the stage (or at its end). */
function healthcheckFix(model: DocumentModel, stage: Stage, port: number): Fix {
  const instructions = stage.instructions;
  let k = instructions.length;
  while (k > 0 && ['CMD', 'ENTRYPOINT'].includes((instructions[k - 1] as InstructionInfo).keyword)) k--;
  const before = instructions[k];
  const lines = [healthcheckLine(port)];
  const edit = before ? insertLinesAbove(model, before, lines) : insertLinesAfter(model, instructions[instructions.length - 1] ?? stage.fromInfo, lines);
  return { title: `Add a \`HEALTHCHECK\` that probes \`http://127.0.0.1:${port}/\``, applicability: 'unsafe', edits: [edit] };
}

export default defineRule({
  code: 'PYD415',
  name: 'service-without-healthcheck',
  title: 'Add a `HEALTHCHECK` to images that run a service',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3057'],
  docs: {
    whatItDoes:
      'Flags a final image that serves a port (`EXPOSE`) and has no `HEALTHCHECK` (not even `HEALTHCHECK NONE`) in its stage chain. ' +
      'Images built on the official python image are judged on `EXPOSE` alone; images built on the official Debian, Ubuntu or Alpine images only when they also start a Python web server (gunicorn, uvicorn, hypercorn, daphne, waitress, granian, `flask run`). Other base images may define a health check of their own and are left alone, and so is an image without `EXPOSE` (a server on a unix socket behind a proxy, or on a port chosen at run time, has no port to probe). ' +
      'The fix adds a health check that needs no curl or wget: `python -c` opens `http://127.0.0.1:<port>/` with `http.client`, where the port is the one the server is told to bind (`--bind`, `--port`, `GUNICORN_CMD_ARGS`), or else the first exposed one.',
    whyItMatters:
      'Without a health check Docker only knows whether the process is alive, not whether it answers: a deadlocked worker or an exhausted connection pool looks "running" forever. Docker, Compose (`depends_on: condition: service_healthy`), Swarm and ECS use `HEALTHCHECK` to restart or replace such containers and to hold traffic until the app is ready (practice #5 of Snyk\'s Docker security best practices). ' +
      'Kubernetes ignores `HEALTHCHECK` in favour of its own probes, which is why this is only information (hadolint keeps DL3057 off by default). The `-slim` python images ship neither curl nor wget, so the probe uses Python itself.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nCMD ["gunicorn", "web:app", "--bind", "0.0.0.0:8000"]',
    useInstead:
      'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\n' +
      `${healthcheckLine(8000)}\n` +
      'CMD ["gunicorn", "web:app", "--bind", "0.0.0.0:8000"]',
    fixSafety:
      'The added probe requests `/` and treats any answer below 500 as healthy. If `/` is slow, needs authentication that answers 5xx, or the app serves its health endpoint elsewhere (`/healthz`), adjust the path; if the app needs longer than 10 s to start, raise `--start-period`. A failing check makes Docker report the container unhealthy, and Swarm, ECS or Compose dependencies then restart it or keep traffic away, so the fix is never applied automatically. It is offered only on the official python image, where `python` is on the PATH, and only when the port is known.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#healthcheck',
      'https://docs.docker.com/reference/compose-file/services/#healthcheck',
      'https://docs.python.org/3/library/http.client.html',
      'https://snyk.io/blog/10-docker-image-security-best-practices/',
      'https://github.com/hadolint/hadolint/wiki/DL3057',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const base = baseKind(rootStage(final).image);
    if (base === null) return;
    // The file's HEALTHCHECK and EXPOSE lists rather than every instruction of the chain.
    const { chain } = chainCommands(final);
    const inChain = (info: InstructionInfo): boolean => info.stage !== null && chain.includes(info.stage);
    if (model.byKeyword('HEALTHCHECK').some(inChain)) return;
    // Without EXPOSE the image does not say it serves a port (a unix socket behind a proxy, a
    // port chosen at run time), and there would be no port to probe.
    const expose = model.byKeyword('EXPOSE').find(inChain);
    if (!expose) return;
    const { command, invocation } = stageService(model, final);
    const webServer = invocation !== null && invocation.server !== 'celery';
    // A plain distribution image counts only with a Python server: EXPOSE alone may be anything.
    if (base === 'distro' && !webServer) return;
    const port = probePort(model, final, command, invocation);
    const what = webServer ? `runs \`${invocation.server}\`` : `exposes ${port !== null ? `port ${port}` : 'a port'}`;
    ctx.report({
      range: expose.node.getInstructionRange(),
      message: `The image ${what} but has no \`HEALTHCHECK\`, so Docker cannot tell when the app stops answering`,
      fixes: base === 'python' && port !== null ? [healthcheckFix(model, final, port)] : [],
    });
  },
});
