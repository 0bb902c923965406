// Dated facts about base images other than the official python image: distroless python
// runtimes and what the `latest` tag of a few common images resolves to.
// Sources: GoogleContainerTools/distroless README (python3 images), docker-library
// `alpine` and `debian` tag lists; checked on DATA_DATE (python-releases.ts).
import type { ImageRef } from '../model/image-ref';
import { DEFAULT_ALPINE_CODENAME, DEFAULT_CODENAME } from './python-releases';

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
