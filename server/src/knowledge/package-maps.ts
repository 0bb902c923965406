// Alpine (apk) → Debian (apt) package names, for moving a python image from Alpine to Debian slim.
// Source: the catalogue's §4.6 map, checked against packages.debian.org (bookworm, trixie) and
// pkgs.alpinelinux.org. Only names we are sure of are listed: an unknown package means no fix.

/**
 * Debian packages to install for an Alpine package. An empty list means nothing is needed on
 * Debian. `musl-dev` (the C library headers) becomes `libc6-dev`, which `build-essential`
 * already pulls in: see {@link aptPackagesFor}.
 */
export const APK_TO_APT: Readonly<Record<string, readonly string[]>> = {
  'build-base': ['build-essential'],
  'musl-dev': ['libc6-dev'],
  'libc-dev': ['libc6-dev'],
  'linux-headers': ['linux-libc-dev'],
  'postgresql-dev': ['libpq-dev'],
  'libpq-dev': ['libpq-dev'],
  libpq: ['libpq5'],
  'postgresql-libs': ['libpq5'],
  'mariadb-dev': ['default-libmysqlclient-dev'],
  'mariadb-connector-c-dev': ['default-libmysqlclient-dev'],
  'libffi-dev': ['libffi-dev'],
  'openssl-dev': ['libssl-dev'],
  'jpeg-dev': ['libjpeg62-turbo-dev'],
  'zlib-dev': ['zlib1g-dev'],
  'libxml2-dev': ['libxml2-dev'],
  'libxslt-dev': ['libxslt1-dev'],
  cargo: ['cargo'],
  rust: ['rustc'],
  // Same name and purpose in both distributions.
  gcc: ['gcc'],
  'g++': ['g++'],
  make: ['make'],
  cmake: ['cmake'],
  git: ['git'],
  curl: ['curl'],
  wget: ['wget'],
  bash: ['bash'],
  'ca-certificates': ['ca-certificates'],
  tzdata: ['tzdata'],
  tini: ['tini'],
  openssl: ['openssl'],
};

/** Alpine packages that only matter for compiling (toolchains and headers), PYD105's evidence. */
export const APK_BUILD_PACKAGES: ReadonlySet<string> = new Set([
  'build-base', 'gcc', 'g++', 'clang', 'make', 'cmake', 'musl-dev', 'libc-dev', 'linux-headers', 'cargo', 'rust', 'gfortran',
]);

/** True for an Alpine package used only to compile: a toolchain or a `-dev` headers package. */
export function isApkBuildPackage(name: string): boolean {
  return APK_BUILD_PACKAGES.has(name) || /.-dev$/.test(name);
}

/**
 * The Debian packages for a list of Alpine packages, deduplicated in order, or null when one
 * of them is not in the map. `libc6-dev` is left out next to `build-essential`, which
 * depends on it (the map's "musl-dev → in build-essential").
 */
export function aptPackagesFor(apkPackages: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const name of apkPackages) {
    const mapped = Object.prototype.hasOwnProperty.call(APK_TO_APT, name) ? APK_TO_APT[name] : undefined;
    if (mapped === undefined) return null;
    for (const pkg of mapped) if (!out.includes(pkg)) out.push(pkg);
  }
  return out.includes('build-essential') ? out.filter((p) => p !== 'libc6-dev') : out;
}
