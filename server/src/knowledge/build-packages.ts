// System packages needed only to build Python wheels (compilers, headers), per catalogue §2 PYD206 and §4.6.

/**
 * Debian and Alpine package names that only matter while compiling: toolchains, build
 * helpers and the Python headers. Together with the `-dev`/`-devel` suffixes (see
 * {@link isBuildOnlyPackage}) this is the BUILD_ONLY set of the rule catalogue.
 */
export const BUILD_ONLY_PACKAGES: ReadonlySet<string> = new Set([
  'gcc', 'g++', 'cc', 'clang', 'make', 'cmake', 'build-essential', 'build-base', 'musl-dev',
  'libc6-dev', 'linux-headers', 'linux-libc-dev', 'pkg-config', 'pkgconf', 'python3-dev',
  'python-dev', 'cargo', 'rustc', 'gfortran', 'git',
]);

/** Versioned toolchain packages such as Debian's `gcc-12`, `g++-12` or `clang-16`. */
const VERSIONED_TOOLCHAIN_RE = /^(gcc|g\+\+|clang|gfortran|cpp)-\d+(\.\d+)?$/;

/** Header packages: Debian `libpq-dev`, `python3.11-dev`, Alpine `postgresql-dev`, RPM-style `-devel`. */
const HEADERS_RE = /^[a-z0-9][a-z0-9.+]*(-[a-z0-9.+]+)*-(dev|devel)$/;

/**
 * The package name of an apt/apk argument without version, architecture or release
 * qualifiers: `gcc=4:12.2.0-3` → `gcc`, `libpq-dev:amd64` → `libpq-dev`, `gcc~12` → `gcc`,
 * `gcc/bookworm-backports` → `gcc`. Lower-cased, as both package managers compare names.
 */
export function packageName(arg: string): string {
  return (arg.split(/[=~<>:/]/)[0] ?? '').toLowerCase();
}

/** Whether an apt/apk package argument names a BUILD_ONLY package (toolchain or headers). */
export function isBuildOnlyPackage(arg: string): boolean {
  const name = packageName(arg);
  return BUILD_ONLY_PACKAGES.has(name) || VERSIONED_TOOLCHAIN_RE.test(name) || HEADERS_RE.test(name);
}
