// Dated facts about base images other than the official python image: distroless python
// runtimes and what the `latest` tag of a few common images resolves to.
// Sources: GoogleContainerTools/distroless README (python3 images), docker-library
// `alpine` and `debian` tag lists; checked on DATA_DATE (python-releases.ts).
import type { ImageRef } from '../model/image-ref';
import { DEBIAN_RELEASES, DEFAULT_ALPINE_CODENAME, DEFAULT_CODENAME } from './python-releases';

/** A distroless image that ships Debian's own CPython. */
export interface DistrolessPython {
  /** Repository path under gcr.io. */
  name: string;
  /** The CPython minor Debian packages for that release. */
  minor: string;
  /** The Debian release it is built from. */
  codename: string;
}

/** `gcr.io/distroless/python3-debian12` ships Python 3.11, `-debian13` ships Python 3.13. */
export const DISTROLESS_PYTHON: readonly DistrolessPython[] = [
  { name: 'distroless/python3-debian12', minor: '3.11', codename: 'bookworm' },
  { name: 'distroless/python3-debian13', minor: '3.13', codename: 'trixie' },
];

/** The distroless python entry of an image reference, or undefined for any other image. */
export function distrolessPython(ref: ImageRef): DistrolessPython | undefined {
  if (ref.registry?.toLowerCase() !== 'gcr.io' || ref.unresolved) return undefined;
  return DISTROLESS_PYTHON.find((d) => d.name === ref.name);
}

/**
 * The tag that `latest` (or no tag) resolves to for a few official images, on the data date:
 * the current Alpine release and the current Debian stable. Other images have no entry: what
 * their `latest` means cannot be known offline.
 */
export const LATEST_RESOLVES_TO: Readonly<Record<string, string>> = {
  alpine: DEFAULT_ALPINE_CODENAME.replace(/^alpine/, ''),
  debian: DEFAULT_CODENAME,
};

/** What `latest` of an official Docker Hub image resolves to today, or undefined when unknown. */
export function latestTagOf(ref: ImageRef): string | undefined {
  const hub = ref.registry === null || ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(ref.registry.toLowerCase());
  if (!hub || ref.unresolved) return undefined;
  return Object.prototype.hasOwnProperty.call(LATEST_RESOLVES_TO, ref.name) ? LATEST_RESOLVES_TO[ref.name] : undefined;
}

/**
 * Ubuntu releases since 23.04, the first whose `python3` is marked externally managed
 * (PEP 668), by the codename Docker Hub also tags them with. Source: Ubuntu release list
 * (wiki.ubuntu.com/Releases) and the docker-library `ubuntu` tag list.
 */
const UBUNTU_CODENAMES: Readonly<Record<string, string>> = {
  lunar: '23.04',
  mantic: '23.10',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
  questing: '25.10',
  resolute: '26.04',
  stonking: '26.10',
};

/** Debian codenames after `bookworm` that DEBIAN_RELEASES does not list yet (testing). */
const DEBIAN_TESTING_CODENAMES: Readonly<Record<string, number>> = { forky: 14 };

/**
 * Moving Debian suites that only ever point at releases from 12 "bookworm" on (oldstable has
 * been bookworm since trixie's release in August 2025), with how messages name them.
 */
const DEBIAN_SUITES: Readonly<Record<string, string>> = {
  stable: 'Debian stable',
  oldstable: 'Debian oldstable',
  testing: 'Debian testing',
  sid: 'Debian unstable ("sid")',
  unstable: 'Debian unstable ("sid")',
};

/** `bookworm`, `12`, `12.8`, `stable`, each optionally `-backports`, dated (`-20241111`) and `-slim`. */
const DEBIAN_TAG_RE = /^(?<release>[a-z]+|\d+(?:\.\d+)?)(?:-backports)?(?:-\d{8})?(?:-slim)?$/;
/** `noble`, `24.04`, each optionally dated (`noble-20241015`); `latest`, `rolling`, `devel`. */
const UBUNTU_TAG_RE = /^(?<release>[a-z]+|\d{2}\.\d{2}(?:\.\d+)?)(?:-\d{8})?$/;
/** `3.21`, `3.21.2`, `3` (the newest 3.x); `edge`. */
const ALPINE_TAG_RE = /^(?<major>\d+)(?:\.(?<minor>\d+)(?:\.\d+)?)?$/;

/**
 * How messages name an official distribution image whose own Python is marked externally
 * managed (PEP 668: a file `EXTERNALLY-MANAGED` next to its standard library, which makes pip
 * refuse to install into it): Debian 12 "bookworm" and later, Ubuntu 23.04 and later, Alpine
 * 3.19 and later. Undefined for every other image, for tags that cannot be read (a digest
 * without a tag, an unresolved variable, a registry other than Docker Hub) and for older
 * releases.
 */
export function externallyManagedDistribution(ref: ImageRef): string | undefined {
  const hub = ref.registry === null || ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(ref.registry.toLowerCase());
  // Only a tag names a release: a digest alone (`debian@sha256:…`) could be any of them.
  if (!hub || ref.unresolved || (ref.tag === null && ref.digest !== null)) return undefined;
  const latest = ref.tag === null || ref.tag === 'latest' ? latestTagOf(ref) : undefined;
  const tag = latest ?? ref.tag ?? 'latest';
  const label = ref.name === 'debian' ? debianLabel(tag) : ref.name === 'ubuntu' ? ubuntuLabel(tag) : ref.name === 'alpine' ? alpineLabel(tag) : undefined;
  // Say where the release came from: `alpine:latest` is 3.24 only on the data date.
  return label !== undefined && latest !== undefined ? `${label} (\`latest\`)` : label;
}

function debianLabel(tag: string): string | undefined {
  const release = DEBIAN_TAG_RE.exec(tag)?.groups?.['release'];
  if (release === undefined) return undefined;
  const suite = Object.prototype.hasOwnProperty.call(DEBIAN_SUITES, release) ? DEBIAN_SUITES[release] : undefined;
  if (suite !== undefined) return suite;
  const version = /^\d/.test(release) ? Number(release.split('.')[0]) : (DEBIAN_RELEASES.find((r) => r.codename === release)?.version ?? DEBIAN_TESTING_CODENAMES[release]);
  if (version === undefined || version < 12) return undefined;
  const codename = DEBIAN_RELEASES.find((r) => r.version === version)?.codename ?? Object.keys(DEBIAN_TESTING_CODENAMES).find((c) => DEBIAN_TESTING_CODENAMES[c] === version);
  return codename !== undefined ? `Debian ${version} "${codename}"` : `Debian ${version}`;
}

function ubuntuLabel(tag: string): string | undefined {
  // `latest` is the newest LTS (24.04 or later by now), `rolling` the newest release, `devel` the next one.
  if (tag === 'latest' || tag === 'rolling' || tag === 'devel') return `Ubuntu \`${tag}\``;
  const release = UBUNTU_TAG_RE.exec(tag)?.groups?.['release'];
  if (release === undefined) return undefined;
  const version = Object.prototype.hasOwnProperty.call(UBUNTU_CODENAMES, release) ? UBUNTU_CODENAMES[release] : /^\d/.test(release) ? release : undefined;
  const m = version !== undefined ? /^(\d{2})\.(\d{2})/.exec(version) : null;
  if (!m || Number(m[1]) * 100 + Number(m[2]) < 2304) return undefined;
  return `Ubuntu ${version ?? ''}`;
}

function alpineLabel(tag: string): string | undefined {
  if (tag === 'edge') return 'Alpine edge';
  const groups = ALPINE_TAG_RE.exec(tag)?.groups;
  if (!groups) return undefined;
  const major = Number(groups['major']);
  // `alpine:3` follows the newest 3.x release.
  const minor = groups['minor'] !== undefined ? Number(groups['minor']) : major === 3 ? Number(LATEST_RESOLVES_TO['alpine']?.split('.')[1]) : NaN;
  if (major !== 3 || !(minor >= 19)) return undefined;
  return groups['minor'] !== undefined ? `Alpine ${tag}` : `Alpine ${major}.${minor}`;
}
