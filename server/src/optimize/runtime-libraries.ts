// Catalogue §4.6: the runtime library a Debian build package stands for, per Debian release.
// Sources: packages.debian.org (bookworm, trixie); Debian 13 renamed libraries with 64-bit
// time_t ABIs with a `t64` suffix. Only names we are sure of are listed: an unknown -dev
// package refuses the move rather than guessing a name that `apt-get` cannot find.

/** Build packages whose work ends with the build: the runtime needs nothing in their place. */
const NOTHING_AT_RUNTIME: ReadonlySet<string> = new Set([
  'gcc', 'g++', 'cc', 'clang', 'make', 'cmake', 'build-essential', 'pkg-config', 'pkgconf', 'python3-dev', 'python-dev',
  'libc6-dev', 'libc-dev', 'linux-libc-dev', 'linux-headers', 'cargo', 'rustc', 'gfortran', 'git', 'ninja-build', 'autoconf',
  'automake', 'libtool', 'swig',
  // CPython itself links these libraries, so every python image already has them.
  'libffi-dev', 'libssl-dev', 'libbz2-dev', 'liblzma-dev', 'libsqlite3-dev', 'libreadline-dev', 'libncurses-dev',
  'libncursesw5-dev', 'uuid-dev', 'libgdbm-dev', 'tk-dev', 'zlib1g-dev', 'libexpat1-dev',
]);

/** -dev package → runtime package, for releases where they have the same name. */
const COMMON: Readonly<Record<string, string>> = {
  'libpq-dev': 'libpq5',
  'default-libmysqlclient-dev': 'libmariadb3',
  'libmariadb-dev': 'libmariadb3',
  'libmariadb-dev-compat': 'libmariadb3',
  'libxslt1-dev': 'libxslt1.1',
  'libxslt-dev': 'libxslt1.1',
  'libxml2-dev': 'libxml2',
  'libjpeg-dev': 'libjpeg62-turbo',
  'libjpeg62-turbo-dev': 'libjpeg62-turbo',
  'libwebp-dev': 'libwebp7',
  'libfreetype6-dev': 'libfreetype6',
  'libfreetype-dev': 'libfreetype6',
  'libyaml-dev': 'libyaml-0-2',
  'libsasl2-dev': 'libsasl2-2',
  'libmagic-dev': 'libmagic1',
};

/** Names that differ per release. */
const PER_RELEASE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  bookworm: { 'libpng-dev': 'libpng16-16', 'libcurl4-openssl-dev': 'libcurl4', 'libldap2-dev': 'libldap-2.5-0', 'libldap-dev': 'libldap-2.5-0' },
  trixie: { 'libpng-dev': 'libpng16-16t64', 'libcurl4-openssl-dev': 'libcurl4t64' },
};

/**
 * The runtime packages a build package needs at run time on a Debian release: `[]` when none
 * (compilers, headers of libraries CPython already links), the runtime library for a known
 * -dev package, or null when unknown (the caller must then not move the package).
 */
export function runtimePackagesFor(buildPackage: string, codename: string): string[] | null {
  if (NOTHING_AT_RUNTIME.has(buildPackage) || /^(gcc|g\+\+|clang|gfortran|cpp)-\d+(\.\d+)?$/.test(buildPackage) || /^python3\.\d+-dev$/.test(buildPackage)) return [];
  const specific = PER_RELEASE[codename]?.[buildPackage];
  if (specific) return [specific];
  const common = COMMON[buildPackage];
  if (common && (codename === 'bookworm' || codename === 'trixie')) return [common];
  return null;
}
