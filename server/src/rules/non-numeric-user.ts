// PYD502: the final image names its user (`USER app`) instead of giving a numeric UID.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import { accountHistory, chainUsers, creationOf, groupId, joinsGroups } from './account-helpers';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import type { Fix } from './types';

interface UserArgument {
  value: string;
  start: number;
  end: number;
}

/** The argument of a USER instruction with its document offsets, or null when it is not one word. */
function userArgument(model: DocumentModel, info: InstructionInfo): UserArgument | null {
  const args = info.node.getArguments();
  const only = args[0];
  if (!only || args.length !== 1) return null;
  const start = model.text.offsetAt(only.getRange().start);
  const end = model.text.offsetAt(only.getRange().end);
  return { value: model.content.slice(start, end), start, end };
}

/**
 * `USER N[:G]` for an account this Dockerfile created with a literal UID. Without a group in
 * the USER line, `N:G` is used only when the primary GID is known and the user has no
 * supplementary groups (an explicit group drops them); otherwise `N` alone, which Docker
 * resolves through `/etc/passwd` to the same account, primary group and supplementary groups.
 */
function numericFix(model: DocumentModel, final: Stage, info: InstructionInfo, arg: UserArgument, user: string, group: string | null): Fix | null {
  const history = accountHistory(model, final, info);
  const creation = creationOf(history, 'user', user);
  if (!creation || creation.account.id === null) return null;
  const uid = creation.account.id;
  let value: string;
  if (group !== null) {
    value = `${uid}:${groupId(history, group) ?? group}`;
  } else {
    const primary = creation.account.primaryGroup;
    const gid = primary !== null && !joinsGroups(history, user) ? groupId(history, primary) : null;
    value = gid === null ? uid : `${uid}:${gid}`;
  }
  const proven = !creation.account.uncertain && !history.uncertain;
  return {
    title: `Replace with \`USER ${value}\``,
    applicability: proven ? 'safe' : 'unsafe',
    edits: [replaceSpan(model, arg.start, arg.end, value)],
  };
}

export default defineRule({
  code: 'PYD502',
  name: 'non-numeric-user',
  title: 'Give the final `USER` as a numeric UID',
  category: 'security',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  hadolint: ['DL3066'],
  docs: {
    whatItDoes:
      'Flags the `USER` that the final image runs as (the last one in the final stage and the stages it is built `FROM`) when it names the user (`USER appuser`, `USER app:app`) instead of giving a numeric UID. `root` is left to PYD501, and users taken from build arguments (`USER $APP_USER`) are not judged. When the same Dockerfile created that user with a literal UID (`useradd --uid 10001 app`, `adduser -u 10001 app`), the fix replaces the name with the UID, and adds the GID when the primary group was given as a number or created with a literal GID (`groupadd --gid 10001 app`) and the user has no supplementary groups.',
    whyItMatters:
      'Kubernetes\' `runAsNonRoot: true` must prove that a container does not run as UID 0 before starting it. It reads the image\'s `USER`: a number can be checked, but a name can only be resolved inside the container\'s `/etc/passwd`, so the kubelet refuses to start the pod ("image has non-numeric user … cannot verify user is non-root") unless every pod spec repeats `runAsUser`. Numeric IDs also work in images without `/etc/passwd` entries: distroless images run as 65532 and rootless guides use UIDs such as 1001 (S003), and Docker\'s own Python template uses 10001.',
    example: 'FROM python:3.12-slim-bookworm\nRUN useradd --create-home appuser\nUSER appuser\nCMD ["python", "-m", "myapp"]',
    useInstead:
      'FROM python:3.12-slim-bookworm\nRUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --create-home app\nUSER 10001:10001\nCMD ["python", "-m", "myapp"]',
    fixSafety:
      'Docker resolves a numeric `USER` through the same `/etc/passwd` entry, so the account, home directory and groups stay the same. The fix is offered only when the user was created in this Dockerfile with a literal UID, and it is applied automatically only when nothing else can have changed the account: no `usermod`/`userdel`/`groupmod`, no `-o`/`--non-unique` or `groupadd -f`, no RUN we could not read that mentions users or groups, and no COPY into `/etc`. Otherwise it is offered as an unsafe fix.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      'https://docs.docker.com/reference/dockerfile/#user',
      'https://docs.docker.com/build/building/best-practices/#user',
      'https://github.com/GoogleContainerTools/distroless#how-do-i-use-distroless-images',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const users = chainUsers(model, final);
    const last = users[users.length - 1];
    if (!last) return;
    const arg = userArgument(model, last);
    if (!arg || arg.value.includes('$') || /["'\\`]/.test(arg.value)) return;
    const colon = arg.value.indexOf(':');
    const user = colon >= 0 ? arg.value.slice(0, colon) : arg.value;
    const group = colon >= 0 ? arg.value.slice(colon + 1) : null;
    // A numeric UID is what we want; root is PYD501's finding.
    if (user === '' || /^\d+$/.test(user) || user === 'root' || group === '') return;
    const fix = numericFix(model, final, last, arg, user, group);
    const range = model.text.rangeOf(arg.start, arg.end);
    const message = `\`USER ${arg.value}\` names the user; Kubernetes \`runAsNonRoot\` can only verify a numeric UID`;
    // Literals rather than a conditional spread: most typical files get this finding.
    ctx.report(fix ? { range, message, fixes: [fix] } : { range, message });
  },
});
