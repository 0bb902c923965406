// PYD304: `apt-get install` without `--no-install-recommends`, which also installs "Recommends" packages.
import type { Word } from '../shell/lexer';
import { aptCommand } from '../shell/apt';
import { effectiveWords } from '../shell/query';
import { defineRule } from './define-rule';
import { insertAt } from './edit-helpers';
import { runCommands } from './helpers';
import { aptConfiguredBefore } from './layer-helpers';

/** An apt configuration that turns recommendations off (or at least mentions the setting). */
const RECOMMENDS_CONFIG_RE = /APT::Install-Recommends/i;

export default defineRule({
  code: 'PYD304',
  name: 'apt-install-with-recommends',
  title: 'Add `--no-install-recommends` to `apt-get install`',
  category: 'layers-and-cache',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'always', applicability: 'unsafe' },
  hadolint: ['DL3015'],
  docs: {
    whatItDoes:
      'Flags `apt-get install` and `apt install` without `--no-install-recommends` (and `aptitude install` without `--without-recommends`/`-R`) when they name packages. ' +
      'It stays silent when `-o APT::Install-Recommends=false` is passed, when recommendations are asked for on purpose (`--install-recommends`), or when an earlier instruction of the stage writes an `Install-Recommends` setting or copies files into `/etc/apt`. ' +
      'In stages that do not ship, the finding is only a hint.',
    whyItMatters:
      'By default apt also installs every package that the requested ones merely recommend: documentation, optional helpers, sometimes whole toolchains. A service rarely needs them, yet every pull and every vulnerability scan pays for them. ' +
      'Durieux et al. found package-manager smells to be the most size-impactful class in Dockerfiles (affected images were on average 48 MB, 4.6 %, larger), and automatic repair tools add `--no-install-recommends` for exactly this reason.',
    example: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
    fixSafety:
      'The fix inserts `--no-install-recommends` right after `install`. It is left out of fix-all and fix on save: a program can depend at run time on a package that is only recommended (for example `ca-certificates`, which `git` and curl\'s library `libcurl4` only recommend, so HTTPS downloads fail without it), and the build would still succeed. Apply it, then check that the image still works, and name such packages explicitly.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://manpages.debian.org/bookworm/apt/apt-get.8.en.html',
      'https://github.com/hadolint/hadolint/wiki/DL3015',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const { info, command } of runCommands(model)) {
      const apt = aptCommand(command);
      if (!apt || apt.sub !== 'install' || !apt.subWord || apt.packages.length === 0) continue;
      const aptitude = apt.tool === 'aptitude';
      const off = aptitude ? apt.options.some((o) => o.value === '--without-recommends' || /^-[a-zA-Z]*R/.test(o.value)) : apt.noInstallRecommends;
      // `--install-recommends` (or `-o APT::Install-Recommends=true`) asks for them on purpose.
      const wanted = apt.options.some((o) => o.value === '--install-recommends' || /APT::Install-Recommends=(true|1|yes)$/i.test(o.value));
      if (off || wanted || aptConfiguredBefore(model, info, RECOMMENDS_CONFIG_RE)) continue;
      const option = aptitude ? '--without-recommends' : '--no-install-recommends';
      const tool = effectiveWords(command)[0] as Word;
      const ships = info.stage?.ships ?? true;
      ctx.report({
        range: model.text.rangeOf(tool.start, apt.subWord.end),
        message: ships
          ? `\`${apt.tool} install\` also installs recommended packages that the image rarely needs`
          : `\`${apt.tool} install\` also installs recommended packages in this builder stage (only copied files ship)`,
        severity: ships ? 'info' : 'hint',
        fixes: [{ title: `Add \`${option}\``, applicability: 'unsafe', edits: [insertAt(model, apt.subWord.end, ` ${option}`)] }],
      });
    }
  },
});
