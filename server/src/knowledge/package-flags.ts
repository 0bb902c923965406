// Dated table of pip, apt-get and apk options seen in RUN instructions, for hovers on those flags.
// Sources: pip's CLI reference, Debian's apt-get(8) manual page and the Alpine Package Keeper docs.

/** When this table was last checked against the sources. */
export const PACKAGE_FLAGS_DATA_DATE = '2026-11-25';

export type PackageTool = 'pip' | 'apt-get' | 'apk';

/** One option of a package manager: what it does and why it matters in an image. */
export interface PackageFlagInfo {
  tool: PackageTool;
  /** Every spelling: short and long forms (`-r`, `--requirement`). */
  names: readonly string[];
  meaning: string;
  /** Why it matters for image size, reproducibility, security or the build itself. */
  why?: string;
  source: string;
}

const PIP_INSTALL = 'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-';
const PIP_GENERAL = 'https://pip.pypa.io/en/stable/cli/pip/#cmdoption-';
const APT_GET = 'https://manpages.debian.org/bookworm/apt/apt-get.8.en.html';
const APK = 'https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper';

function pip(names: string[], anchor: string, general: boolean, meaning: string, why?: string): PackageFlagInfo {
  return { tool: 'pip', names, meaning, ...(why ? { why } : {}), source: (general ? PIP_GENERAL : PIP_INSTALL) + anchor };
}

function apt(names: string[], meaning: string, why?: string): PackageFlagInfo {
  return { tool: 'apt-get', names, meaning, ...(why ? { why } : {}), source: APT_GET };
}

function apk(names: string[], meaning: string, why?: string): PackageFlagInfo {
  return { tool: 'apk', names, meaning, ...(why ? { why } : {}), source: APK };
}

export const PACKAGE_FLAGS: readonly PackageFlagInfo[] = [
  pip(['--no-cache-dir'], 'no-cache-dir', true, 'Does not read or write pip\'s cache of downloads and built wheels.', 'Keeps `~/.cache/pip` out of the image layer; images with package-manager cache smells were 48 MB larger on average (PYD201).'),
  pip(['-r', '--requirement'], 'r', false, 'Installs everything listed in a requirements file.', 'Copy that file (and files it includes) before the rest of the sources so the install layer stays cached (PYD301).'),
  pip(['-c', '--constraint'], 'c', false, 'Limits versions with a constraints file without installing what it lists.', 'A way to pin transitive dependencies and tools installed outside requirements.txt.'),
  pip(['-e', '--editable'], 'e', false, 'Installs a project in editable (development) mode: only a link to the source tree is installed.', 'Copying the environment to another stage without the sources breaks imports (PYD204).'),
  pip(['-U', '--upgrade'], 'U', false, 'Upgrades the named packages to the newest allowed version.', 'Without pins, each rebuild may pick different versions.'),
  pip(['--upgrade-strategy'], 'upgrade-strategy', false, 'Whether `--upgrade` also upgrades dependencies (`eager`) or only when needed (`only-if-needed`, the default).'),
  pip(['--user'], 'user', false, 'Installs into the user site (`~/.local`) instead of the interpreter\'s `site-packages`.', 'As root that is `/root/.local`, unreadable for a non-root runtime user; prefer a virtual environment (PYD205).'),
  pip(['-t', '--target'], 't', false, 'Installs packages into the given directory.', 'Console scripts and `.pth` files are not set up as in a real environment.'),
  pip(['--prefix'], 'prefix', false, 'Installs under another prefix (`<prefix>/lib/pythonX.Y/site-packages`, `<prefix>/bin`).'),
  pip(['--root'], 'root', false, 'Installs everything relative to another root directory.'),
  pip(['--no-deps'], 'no-deps', false, 'Does not install dependencies.', 'Right when a complete lock file lists every package; otherwise imports fail at run time.'),
  pip(['--require-hashes'], 'require-hashes', false, 'Requires a hash for every requirement and checks downloads against it.', 'Protects against tampered or swapped packages; needs fully pinned requirements.'),
  pip(['--only-binary'], 'only-binary', false, 'Uses only wheels for the given packages (`:all:` for all).', 'Fails fast instead of compiling when a wheel is missing, so no compiler is needed.'),
  pip(['--no-binary'], 'no-binary', false, 'Builds the given packages from source (`:all:` for all).', 'Needs compilers and headers in the build stage.'),
  pip(['--prefer-binary'], 'prefer-binary', false, 'Prefers an older version with a wheel over a newer source-only one.'),
  pip(['-i', '--index-url', '--index'], 'i', false, 'Base URL of the package index (default `https://pypi.org/simple`).', 'Use `https` and no password in the URL (PYD504, PYD216).'),
  pip(['--extra-index-url'], 'extra-index-url', false, 'Additional package indexes, searched together with the main one.', 'The best version from any index wins, which allows dependency confusion with private package names.'),
  pip(['--trusted-host'], 'trusted-host', true, 'Accepts plain `http` or an invalid certificate for a host.', 'Turns off transport security for that host (PYD216).'),
  pip(['--no-index'], 'no-index', false, 'Ignores package indexes and only uses `--find-links` locations.', 'Useful to install wheels built in an earlier stage without network access.'),
  pip(['-f', '--find-links'], 'f', false, 'A directory or URL to look for archives in.'),
  pip(['--break-system-packages'], 'break-system-packages', false, 'Allows installing into an externally managed (PEP 668) interpreter.', 'Not needed with the official python images; on distribution images prefer a virtual environment.'),
  pip(['--root-user-action'], 'root-user-action', false, 'What to do when running as root: `warn` (default) or `ignore`.'),
  pip(['--disable-pip-version-check'], 'disable-pip-version-check', true, 'Skips the check for a newer pip.', 'One network request and warning less per build.'),
  pip(['--no-compile'], 'no-compile', false, 'Does not compile installed packages to `.pyc`.', 'Smaller layer, slower first imports at every start.'),
  pip(['--compile'], 'compile', false, 'Compiles installed packages to `.pyc` (the default).'),
  pip(['--no-build-isolation'], 'no-build-isolation', false, 'Builds packages with the build tools already installed instead of a fresh isolated environment.', 'The build dependencies must then be installed first.'),
  pip(['--force-reinstall'], 'force-reinstall', false, 'Reinstalls packages even when they are up to date.'),
  pip(['-I', '--ignore-installed'], 'I', false, 'Ignores installed packages and overwrites them.', 'Can leave files of the old version behind.'),
  pip(['--no-warn-script-location'], 'no-warn-script-location', false, 'Does not warn when console scripts land outside `PATH`.'),
  pip(['--pre'], 'pre', false, 'Also considers pre-release and development versions.'),
  pip(['-q', '--quiet'], 'q', true, 'Prints less (repeat for even less).'),
  pip(['-v', '--verbose'], 'v', true, 'Prints more (repeat for even more).'),
  pip(['--progress-bar'], 'progress-bar', false, 'Progress bar style; `off` hides it.', 'Keeps CI build logs short.'),
  pip(['--no-input'], 'no-input', true, 'Never prompts; fails instead.', 'A build cannot answer a prompt.'),
  pip(['--timeout', '--default-timeout'], 'timeout', true, 'Socket timeout in seconds (default 15).'),
  pip(['--retries'], 'retries', true, 'How often a failed connection is retried (default 5).'),
  pip(['--isolated'], 'isolated', true, 'Ignores environment variables and user configuration.', 'Then `ENV PIP_…` settings have no effect.'),
  pip(['--require-virtualenv'], 'require-virtualenv', true, 'Refuses to run outside a virtual environment.'),
  pip(['--cache-dir'], 'cache-dir', true, 'Where pip keeps its cache.', 'Point a BuildKit cache mount at it to reuse downloads across builds without storing them in a layer.'),
  pip(['--dry-run'], 'dry-run', false, 'Resolves and reports what would be installed without installing.'),
  pip(['--report'], 'report', false, 'Writes a JSON report of what was (or would be) installed.'),

  apt(['-y', '--yes', '--assume-yes'], 'Answers "yes" to every prompt.', 'A build cannot answer the confirmation prompt: without it the install aborts (PYD305).'),
  apt(['--no-install-recommends'], 'Installs only the packages needed (`Depends`), not the ones merely recommended.', 'Recommended packages (documentation tools, extra helpers) are rarely needed in a container and only make the image bigger (PYD304).'),
  apt(['--no-install-suggests'], 'Does not install suggested packages (already the default).'),
  apt(['-q', '--quiet'], 'Quieter output, for logs; `-qq` is quieter still.'),
  apt(['-f', '--fix-broken'], 'Tries to repair broken dependencies.'),
  apt(['-m', '--fix-missing', '--ignore-missing'], 'Carries on when some packages cannot be downloaded.', 'The image may then silently miss packages.'),
  apt(['--no-upgrade'], 'Does not upgrade packages that are already installed.'),
  apt(['--only-upgrade'], 'Only upgrades installed packages, never installs new ones.'),
  apt(['--allow-unauthenticated'], 'Installs packages whose signatures cannot be verified.', 'Turns off the protection against tampered packages.'),
  apt(['--allow-downgrades'], 'Allows installing older versions than the ones installed.'),
  apt(['--allow-remove-essential'], 'Allows removing essential packages.', 'Can leave the image without basic tools.'),
  apt(['--allow-change-held-packages'], 'Allows changing packages that are on hold.'),
  apt(['--force-yes'], 'Deprecated: answers "yes" even to dangerous actions.', 'Replaced by the specific `--allow-…` options.'),
  apt(['--purge'], 'Removes configuration files too when removing packages.'),
  apt(['--auto-remove', '--autoremove'], 'Also removes dependencies that are no longer needed.', 'With `purge` this drops build-only packages and their dependencies in the same layer.'),
  apt(['-o', '--option'], 'Sets an APT configuration item, such as `APT::Install-Recommends=false`.'),
  apt(['-t', '--target-release', '--default-release'], 'Installs from the given release (for example `bookworm-backports`).'),
  apt(['-s', '--simulate', '--just-print', '--dry-run', '--recon', '--no-act'], 'Only shows what would happen.'),
  apt(['-d', '--download-only'], 'Only downloads packages into the cache.'),
  apt(['--reinstall'], 'Reinstalls packages that are already installed.'),
  apt(['-V', '--verbose-versions'], 'Shows full versions of upgraded and installed packages.'),

  apk(['--no-cache'], 'Uses a temporary package index and does not keep the cache.', 'Leaves nothing in `/var/cache/apk`, so no separate `apk update` or cleanup is needed (PYD306).'),
  apk(['-U', '--update-cache', '--update'], 'Updates the package index before acting (`--update` works as an abbreviation).', 'With `--no-cache` it is unnecessary.'),
  apk(['-t', '--virtual'], 'Adds a virtual package that depends on the packages installed, so `apk del <name>` removes them all.', 'The usual way to remove build dependencies in the same RUN.'),
  apk(['-X', '--repository'], 'Uses an additional repository.'),
  apk(['--allow-untrusted'], 'Installs packages whose signatures cannot be verified.', 'Turns off the protection against tampered packages.'),
  apk(['-u', '--upgrade'], 'Upgrades the named packages (with `add`) when already installed.'),
  apk(['--purge'], 'Also removes configuration files (with `del`).'),
  apk(['-q', '--quiet'], 'Prints less.'),
  apk(['--no-progress'], 'Hides the progress bar.', 'Keeps build logs short.'),
  apk(['-v', '--verbose'], 'Prints more.'),
];

/** The entry of a flag for a tool, or null when the table does not know it. */
export function packageFlagInfo(tool: PackageTool, flag: string): PackageFlagInfo | null {
  return PACKAGE_FLAGS.find((f) => f.tool === tool && f.names.includes(flag)) ?? null;
}

/** The hover text of a flag: spellings, tool, meaning, why it matters and the source. */
export function describePackageFlag(info: PackageFlagInfo): string {
  const lines = [`**${info.names.map((n) => `\`${n}\``).join(', ')}** (${info.tool})`, '', info.meaning];
  lines.push('');
  if (info.why) lines.push(`- ${info.why}`);
  lines.push(`- Source: ${info.source}`, '', `_Data checked ${PACKAGE_FLAGS_DATA_DATE}._`);
  return lines.join('\n');
}
