// PYD404: the container's command runs several processes (background jobs, daemons) with no init as PID 1.
import type { DocumentModel } from '../model/document-model';
import type { ImageRef } from '../model/image-ref';
import { rootStage } from '../model/stages';
import type { Range, TextEdit } from '../model/text';
import { aptCommand, apkCommand } from '../shell/apt';
import { defineRule } from './define-rule';
import { insertAt, insertLinesAfter } from './edit-helpers';
import { insertLinesAbove } from './env-helpers';
import { execWords, finalEntry, pathBase, stageChain, valuesOf, type EntryCommand, type FinalEntry } from './entrypoint-helpers';
import { runCommands } from './helpers';
import type { Fix } from './types';

/** Process supervisors that reap their children and stop them on SIGTERM themselves. */
const SUPERVISORS = new Set(['supervisord', 's6-svscan', 'runsvdir', 'circusd']);

/** Where Debian's and Alpine's `tini` packages install the binary. */
const TINI: Record<Family, string> = { debian: '/usr/bin/tini', alpine: '/sbin/tini' };

const INSTALL_TINI: Record<Family, string> = {
  debian: 'RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*',
  alpine: 'RUN apk add --no-cache tini',
};

type Family = 'debian' | 'alpine';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Whether a command starts a service that puts itself in the background and returns. */
function daemonizes(command: EntryCommand): boolean {
  const values = valuesOf(command.words);
  const program = pathBase(values[0]);
  const args = values.slice(1);
  if (program === 'service') return args[1] === 'start' || args[1] === 'restart';
  if ((values[0] ?? '').startsWith('/etc/init.d/')) return args[0] === 'start' || args[0] === 'restart';
  if (program === 'cron' || program === 'crond') return !args.some((a) => a === '-f' || a === '-n');
  if (program === 'nginx') return !args.join(' ').includes('daemon off');
  if (program === 'sshd') return !args.some((a) => a === '-D');
  if (program === 'rsyslogd') return !args.some((a) => a === '-n');
  return false;
}

/** What makes the container multi-process: a background job, or a daemon followed by more. */
function multiProcess(entry: FinalEntry): { command: EntryCommand; message: string } | null {
  const background = entry.commands.find((c) => c.background);
  if (background) {
    const name = pathBase(background.words[0]?.value);
    return { command: background, message: `\`${name}\` runs in the background (\`&\`) with no init as PID 1: nothing reaps its zombie processes or passes stop signals on to it` };
  }
  const daemon = entry.commands.find((c) => !c.last && daemonizes(c));
  if (daemon) {
    const name = pathBase(daemon.words[0]?.value) === 'service' ? (daemon.words[1]?.value ?? 'service') : pathBase(daemon.words[0]?.value);
    return { command: daemon, message: `\`${name}\` is started as a daemon next to the main command with no init as PID 1: nothing reaps zombies or stops it cleanly` };
  }
  return null;
}

function anchor(model: DocumentModel, entry: FinalEntry, command: EntryCommand): Range {
  const shell = command.shell;
  if (shell && command.words[0]?.info) return model.text.rangeOf(shell.start, shell.connectorToken?.end ?? shell.end);
  return (entry.entrypoint ?? entry.cmd ?? entry.stage.fromInfo).range;
}

/** The package family of an image we know, or null (no fix then). */
function family(image: ImageRef | null): Family | null {
  if (!image || image.unresolved) return null;
  const tag = (image.tag ?? '').toLowerCase();
  if (/windowsservercore|nanoserver|ltsc/.test(tag)) return null;
  if (image.isPython) return tag.includes('alpine') ? 'alpine' : 'debian';
  if (image.registry !== null && !DOCKER_HUB.has(image.registry)) return null;
  if (image.name === 'debian' || image.name === 'ubuntu') return 'debian';
  return image.name === 'alpine' ? 'alpine' : null;
}

/** Whether a stage chain already installs `tini` with apt or apk. */
function installsTini(model: DocumentModel, entry: FinalEntry): boolean {
  for (const stage of stageChain(entry.stage)) {
    for (const { command } of runCommands(model, stage)) {
      const packages = aptCommand(command)?.packages ?? apkCommand(command)?.packages ?? [];
      if (packages.some((p) => p.value === 'tini' || p.value.startsWith('tini='))) return true;
    }
  }
  return false;
}

/** Whether the stages before the final one leave a non-root (or unknown) user in effect. */
function inheritsNonRootUser(entry: FinalEntry): boolean {
  const users = stageChain(entry.stage)
    .slice(0, -1)
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'USER');
  const last = users[users.length - 1]?.node.getArgumentsContent()?.trim();
  if (last === undefined) return false;
  const name = last.split(':')[0]?.trim() ?? '';
  return name !== 'root' && name !== '0';
}

/**
 * Installs `tini` right after the final `FROM` (unless the image already installs it) and puts
 * it in front: prepended to an exec-form ENTRYPOINT, or as a new ENTRYPOINT above a CMD of the
 * final stage. `-g` sends stop signals to the whole process group, background jobs included.
 */
function tiniFix(model: DocumentModel, entry: FinalEntry): Fix | null {
  const os = family(rootStage(entry.stage).image);
  if (!os || inheritsNonRootUser(entry)) return null;
  const tini = TINI[os];
  const edits: TextEdit[] = [];
  const { entrypoint, cmd } = entry;
  if (entrypoint) {
    const first = execWords(model, entrypoint)?.[0];
    if (!first) return null;
    edits.push(insertAt(model, first.start, `"${tini}", "-g", "--", `));
  } else {
    if (!cmd || cmd.stage !== entry.stage) return null;
    edits.push(insertLinesAbove(model, cmd, [`ENTRYPOINT ["${tini}", "-g", "--"]`]));
  }
  if (!installsTini(model, entry)) {
    const from = entry.stage.fromInfo;
    const indent = /^[ \t]*/.exec(model.text.lineText(from.range.start.line))?.[0] ?? '';
    edits.push(insertLinesAfter(model, from, [indent + INSTALL_TINI[os]]));
  }
  return { title: 'Install `tini` and run the command under it', applicability: 'unsafe', edits };
}

export default defineRule({
  code: 'PYD404',
  name: 'multi-process-without-init',
  title: 'Run an init process when the container command starts several processes',
  category: 'runtime',
  defaultSeverity: 'hint',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes: 'Flags a final image whose `CMD`/`ENTRYPOINT` starts processes next to the main one, with no `tini`, `dumb-init` or `catatonit` in front: a command sent to the background with `&` (in a shell-form command, a `sh -c` string, or an entry script the build context provides), or a service that daemonizes itself (`service … start`, `cron`, `nginx`, `sshd`) before the main command. Process supervisors such as `supervisord` are left alone. The fix installs `tini` from the distribution (Debian/Ubuntu and Alpine based images) and starts everything under `tini -g --`.',
    whyItMatters: 'PID 1 has two jobs a shell does not do: reaping orphaned children, whose zombies otherwise pile up until the container runs out of PIDs, and passing stop signals on. With background jobs under a shell, `docker stop` reaches only the shell, the other processes are SIGKILLed after the 10 s grace period, and exits are never clean. An init such as `tini` (what `docker run --init` injects) reaps every zombie, and with `-g` forwards signals to the whole process group. If you start the container with `--init` or `init: true`, ignore this rule for the file.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD celery -A app worker & gunicorn app:app',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\nCOPY . /app\nENTRYPOINT ["/usr/bin/tini", "-g", "--"]\nCMD celery -A app worker & gunicorn app:app',
    fixSafety: 'Installing a package and adding an ENTRYPOINT change the image: `tini` becomes PID 1 and the command its child, so anything that relied on the command being PID 1 (reading `/proc/1`, or `docker run --entrypoint` overrides) behaves differently, and a package install needs network access at build time. Running one process per container is often the better fix. The fix is therefore never applied automatically.',
    references: [
      'https://github.com/krallin/tini',
      'https://docs.docker.com/reference/cli/docker/container/run/#init',
      'https://docs.docker.com/engine/containers/multi-service_container/',
      'https://github.com/Yelp/dumb-init',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const entry = finalEntry(model, ctx.env);
    if (!entry || entry.init !== null) return;
    if (entry.commands.some((c) => SUPERVISORS.has(pathBase(c.words[0]?.value)))) return;
    const found = multiProcess(entry);
    if (!found) return;
    const fix = tiniFix(model, entry);
    ctx.report({ range: anchor(model, entry, found.command), message: found.message, ...(fix ? { fixes: [fix] } : {}) });
  },
});
