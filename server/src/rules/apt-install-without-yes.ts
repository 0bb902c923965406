// PYD305: `apt-get install` without `-y`, which aborts at the confirmation prompt of a non-interactive build.
import type { Word } from '../shell/lexer';
import { aptCommand, type AptCommand } from '../shell/apt';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { effectiveWords } from '../shell/query';
import { defineRule } from './define-rule';
import { insertAt } from './edit-helpers';
import { runCommands } from './helpers';
import { aptConfiguredBefore } from './layer-helpers';

/** Options that make apt only pretend, so it never asks. */
const NO_ACT_OPTIONS = new Set(['-s', '--simulate', '--just-print', '--dry-run', '--recon', '--no-act']);
/** An apt configuration that answers the prompt for every command. */
const ASSUME_YES_CONFIG_RE = /APT::Get::Assume-Yes/i;

/**
 * The quiet level of an apt command. apt-get documents that level 2 (`-qq`, `-q=2`,
 * `--quiet=2`) implies `-y`.
 */
function quietLevel(options: readonly Word[]): number {
  let level = 0;
  for (const o of options) {
    const v = o.value;
    const explicit = /^(?:-q|--quiet)=(\d+)$/.exec(v);
    if (explicit) level = Math.max(level, Number(explicit[1]));
    else if (v === '--quiet') level++;
    else if (/^-[a-zA-Z]+$/.test(v)) level += (v.match(/q/g) ?? []).length;
  }
  return level;
}

/** Whether the command reads its answers from a pipe or a redirection (`yes | apt-get …`). */
function stdinProvided(script: ShellScript, cmd: SimpleCommand): boolean {
  const prev = script.commands[cmd.index - 1];
  if (prev && (prev.connector === '|' || prev.connector === '|&')) return true;
  // `< /dev/null` reads end-of-file, which apt takes as "no".
  return cmd.redirects.some((r) => ['<', '<<', '<<-', '<<<', '<>'].includes(r.op.op) && (r.op.fd === undefined || r.op.fd === '0') && r.target?.value !== '/dev/null');
}

/** Whether apt will ask before installing. */
function mayPrompt(apt: AptCommand): boolean {
  if (apt.assumeYes) return false;
  if (apt.options.some((o) => NO_ACT_OPTIONS.has(o.value))) return false;
  return quietLevel(apt.options) < 2;
}

export default defineRule({
  code: 'PYD305',
  name: 'apt-install-without-yes',
  title: 'Pass `-y` to `apt-get install`',
  category: 'layers-and-cache',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'always', applicability: 'safe' },
  hadolint: ['DL3014'],
  docs: {
    whatItDoes:
      'Flags `apt-get install`, `apt install` and `aptitude install` without `-y`, `--yes`, `--assume-yes` or an option cluster containing `y` (`-qy`). ' +
      'It stays silent when the answer comes from elsewhere: quiet level 2 (`-qq`, `-q=2`, which apt-get documents as implying `-y`), `-o APT::Get::Assume-Yes=true`, a simulation (`-s`), input piped or redirected into the command (`yes | apt-get install …`), or an apt configuration written or copied into `/etc/apt` earlier in the stage.',
    whyItMatters:
      'A Docker build has no terminal: whenever apt needs to install more than the packages named (almost always, because of dependencies) it asks "Do you want to continue? [Y/n]", reads end-of-file and aborts. The build fails with "Abort." at that step.',
    example: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
    references: [
      'https://manpages.debian.org/bookworm/apt/apt-get.8.en.html',
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://github.com/hadolint/hadolint/wiki/DL3014',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const { info, script, command } of runCommands(model)) {
      const apt = aptCommand(command);
      if (!apt || apt.sub !== 'install' || !apt.subWord || !mayPrompt(apt)) continue;
      if (stdinProvided(script, command)) continue;
      if (aptConfiguredBefore(model, info, ASSUME_YES_CONFIG_RE)) continue;
      const tool = effectiveWords(command)[0] as Word;
      ctx.report({
        range: model.text.rangeOf(tool.start, apt.subWord.end),
        message: `\`${apt.tool} install\` without \`-y\` aborts at the confirmation prompt, because the build cannot answer it`,
        fixes: [{ title: 'Add `-y`', applicability: 'safe', edits: [insertAt(model, apt.subWord.end, ' -y')] }],
      });
    }
  },
});
