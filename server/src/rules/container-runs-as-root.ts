// PYD501: the final image runs as root (no USER, or the last USER is root).
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { ImageRef } from '../model/image-ref';
import { rootStage, stageChainInstructions, type Stage } from '../model/stages';
import { copyOperands, isWithin, joinPath, workdirBefore } from './copy-paths';
import { chainUsers, createsAccounts } from './account-helpers';
import { defineRule } from './define-rule';
import { insertLinesAfter } from './edit-helpers';
import { insertLinesAbove } from './env-helpers';
import { isRootUser } from './python-env-helpers';
import { finalEntry, pathBase, valuesOf } from './entrypoint-helpers';
import type { LintEnvironment } from './types';
import type { Fix } from './types';

/**
 * Official Docker Hub images whose default user is root. A short list on purpose: some
 * official images (haproxy, memcached, solr, …) switch to a service user themselves, and a
 * bare name may also be a locally built image we know nothing about.
 */
const ROOT_BY_DEFAULT = new Set([
  'python', 'pypy', 'debian', 'ubuntu', 'alpine', 'busybox', 'buildpack-deps', 'scratch',
  'fedora', 'centos', 'rockylinux', 'almalinux', 'oraclelinux', 'amazonlinux', 'archlinux',
  'node', 'golang', 'rust', 'ruby', 'perl', 'php', 'gcc', 'openjdk', 'eclipse-temurin', 'amazoncorretto',
]);

/** Images (without an Alpine tag) that are Debian or Ubuntu based and ship `groupadd`/`useradd`. */
const DEBIAN_BASED = new Set(['python', 'pypy', 'debian', 'ubuntu', 'buildpack-deps', 'node', 'golang', 'rust', 'ruby', 'perl', 'php', 'gcc']);

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Instructions that usually close a Dockerfile; the user switch goes right above them. */
const TRAILING = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'STOPSIGNAL', 'VOLUME']);

/** The `RUN` that creates the `app` system user and group with a fixed UID/GID (the `uid` setting). */
function createUser(family: 'debian' | 'alpine', uid: number): string {
  return family === 'debian'
    ? `RUN groupadd --system --gid ${uid} app && useradd --system --uid ${uid} --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app`
    : `RUN addgroup -S -g ${uid} app && adduser -S -D -H -u ${uid} -G app -s /sbin/nologin app`;
}

type Family = 'debian' | 'alpine' | 'other';

/** The OS family of an image known to run as root, or null when the rule should not judge it. */
function rootImageFamily(image: ImageRef | null): Family | null {
  if (!image || image.unresolved) return null;
  const official = image.isPython || ((image.registry === null || DOCKER_HUB.has(image.registry)) && ROOT_BY_DEFAULT.has(image.name));
  if (!official) return null;
  const tag = (image.tag ?? '').toLowerCase();
  // Tags built to run unprivileged, and Windows images (no root user at all).
  if (/nonroot|rootless|windowsservercore|nanoserver|ltsc/.test(tag)) return null;
  const name = image.isPython ? 'python' : image.name;
  if (name === 'alpine' || tag.includes('alpine') || image.python?.libc === 'musl') return 'alpine';
  return DEBIAN_BASED.has(name) ? 'debian' : 'other';
}

/** Inserts lines before the trailing CMD/EXPOSE/… block of the final stage (or at its end). */
function switchUserFix(model: DocumentModel, final: Stage, lines: string[], title: string): Fix {
  const instructions = final.instructions;
  let k = instructions.length;
  while (k > 0 && TRAILING.has((instructions[k - 1] as InstructionInfo).keyword)) k--;
  const before = instructions[k];
  const edit = before ? insertLinesAbove(model, before, lines) : insertLinesAfter(model, instructions[instructions.length - 1] ?? final.fromInfo, lines);
  return { title, applicability: 'unsafe', edits: [edit] };
}

/**
 * Whether the final image copies files into root's home (`COPY … /root/.cache/…`): that
 * directory is mode 700 in these images, so an unprivileged user could no longer read them
 * (tool binaries, caches, credentials the app looks up under `~`).
 */
function copiesIntoRootHome(model: DocumentModel, final: Stage): boolean {
  for (const info of stageChainInstructions(final)) {
    if (info.keyword !== 'COPY' && info.keyword !== 'ADD') continue;
    const op = copyOperands(model, info);
    if (!op) continue;
    const dest = joinPath(workdirBefore(model, info)?.dir ?? '/', op.dest);
    if (isWithin(dest, '/root')) return true;
  }
  return false;
}

/** Django commands that write into the image's files (STATIC_ROOT, `.mo` files next to the sources). */
const WRITING_COMMANDS = new Set(['collectstatic', 'compilemessages']);

/**
 * A command the container runs at start (CMD/ENTRYPOINT, or an entry script we can read) that
 * writes into the image, such as `manage.py collectstatic`, or null. Files stay root-owned, so
 * a new unprivileged user would make that command fail and the container would not start.
 */
function startUpWriter(model: DocumentModel, env: LintEnvironment): string | null {
  for (const command of finalEntry(model, env)?.commands ?? []) {
    const values = valuesOf(command.words);
    const tool = values.findIndex((v) => pathBase(v) === 'manage.py' || pathBase(v) === 'django-admin');
    const sub = tool < 0 ? undefined : values.slice(tool + 1).find((v) => !v.startsWith('-'));
    if (sub !== undefined && WRITING_COMMANDS.has(sub)) return `${pathBase(values[tool])} ${sub}`;
  }
  return null;
}

/**
 * An earlier unprivileged `USER` is the account to go back to; otherwise a new `app` user,
 * unless the Dockerfile creates accounts of its own (we cannot tell which one is meant): then
 * null, no fix.
 */
function fixesFor(model: DocumentModel, final: Stage, family: Family, users: InstructionInfo[], uid: number, writer: string | null): Fix[] | null {
  const previous = users
    .map((u) => u.node.getArgumentsContent()?.trim() ?? '')
    .filter((v) => v !== '' && !v.includes('$') && !isRootUser(v))
    .pop();
  if (previous !== undefined) return [switchUserFix(model, final, [`USER ${previous}`], `Switch back to \`USER ${previous}\``)];
  // The Dockerfile already creates accounts: we cannot guess which one to use.
  if (createsAccounts(model, final)) return null;
  // Files the image keeps in root's home would be unreadable for the new user.
  if (copiesIntoRootHome(model, final)) return null;
  // A start-up command that writes into the image would fail as the new user.
  if (writer !== null) return null;
  const lines = family === 'other' ? [] : [createUser(family, uid)];
  lines.push(`USER ${uid}:${uid}`);
  const title = family === 'other' ? `Add \`USER ${uid}:${uid}\`` : `Create user \`app\` (UID ${uid}) and add \`USER ${uid}:${uid}\``;
  return [switchUserFix(model, final, lines, title)];
}

export default defineRule({
  code: 'PYD501',
  name: 'container-runs-as-root',
  title: 'Run the final image as a non-root user',
  category: 'security',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3002'],
  docs: {
    whatItDoes: 'Flags a final image that runs as root: its stage chain (the final stage and the stages it is built `FROM`) has no `USER`, or the last `USER` is `root`, `0` or `root:<group>`. Only images known to start as root are judged: official images such as `python`, `debian`, `ubuntu` or `alpine`, and stages built on them. Third-party and unknown images, `nonroot`/`rootless` tags and builder stages are left alone. The fix adds `USER 10001:10001` before the closing `CMD`/`ENTRYPOINT`/`EXPOSE` block, after creating that system user on Debian/Ubuntu (`groupadd`/`useradd`) and Alpine (`addgroup`/`adduser`) bases; when an earlier `USER` already switched to an unprivileged account, it switches back to that one instead. The UID and GID come from the `uid` setting (default 10001).',
    whyItMatters: 'A process running as root in a container is root on the shared kernel: any code-execution bug in the app or one of its dependencies can write anywhere in the image, read mounted secrets, and is one kernel or runtime flaw away from the host. Running as an unprivileged user is the first hardening step of the "0 to production-ready" checklist and practice #4 of Snyk\'s 10 Docker image security best practices; Kubernetes `runAsNonRoot` additionally needs a numeric UID, hence `10001:10001` (the UID Docker\'s own Python template uses). hadolint (DL3002) only catches an explicit `USER root`; a missing `USER` is the common case.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "myapp"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app\nWORKDIR /app\nCOPY . .\nUSER 10001:10001\nCMD ["python", "-m", "myapp"]',
    fixSafety: 'Switching users changes what the app may do at run time. Files copied with `COPY` stay owned by root and are read-only for the new user: anything the app writes (uploads, caches, SQLite files, `__pycache__` next to the sources) must be created with `COPY --chown=10001:10001` or `chown`ed, and volumes need matching permissions. Packages installed with `pip install --user` under `/root` become unreadable. The fix is therefore never applied automatically, and it is not offered when the Dockerfile already creates its own account, since only you know which one the app should use, nor when the final image copies files into `/root`, which the new user cannot read, nor when the command the container starts with (its entry script included, when the build context can be read) runs Django\'s `collectstatic` or `compilemessages`, which write into the image\'s root-owned files and would stop the container from starting.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#user',
      'https://docs.docker.com/build/building/best-practices/#user',
      'https://snyk.io/blog/10-docker-image-security-best-practices/',
      'https://github.com/hadolint/hadolint/wiki/DL3002',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const family = rootImageFamily(rootStage(final).image);
    if (family === null) return;
    const users = chainUsers(model, final);
    const last = users[users.length - 1];
    let target: InstructionInfo;
    let message: string;
    if (last) {
      const value = last.node.getArgumentsContent()?.trim() ?? '';
      // `USER $APP_USER` and friends: unknown until build time, so say nothing.
      if (value === '' || value.includes('$') || !isRootUser(value)) return;
      target = last;
      message = `The last \`USER\` is \`${value}\`, so the container runs with root privileges`;
    } else {
      target = final.fromInfo;
      message = 'The final image runs as `root`: no `USER` switches to an unprivileged account';
    }
    let fixes = fixesFor(model, final, family, users, ctx.config.uid, null);
    // Read only when a fix is possible: following the entry may read the entry script.
    const writer = fixes ? startUpWriter(model, ctx.env) : null;
    if (writer !== null) {
      fixes = fixesFor(model, final, family, users, ctx.config.uid, writer);
      if (!fixes) message += `; no fix is offered: \`${writer}\` runs when the container starts and writes into files that a new user could not write`;
    }
    // Literals rather than a spread of a fresh object: most typical files get this finding.
    ctx.report(fixes ? { range: target.range, message, fixes } : { range: target.range, message });
  },
});
