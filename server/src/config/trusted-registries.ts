// Trusted registries: images from them are not judged by the base-image pinning rules.
import type { ImageRef } from '../model/image-ref';

/** Docker Hub answers to several host names; configuration and images may use any of them. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * Normalizes one `trusted-registries` entry: lower case, no `https://`, no trailing `/`, Docker
 * Hub aliases folded into `docker.io`. Undefined for an entry that cannot name a registry
 * (empty, with spaces, a tag or a digest).
 */
export function normalizeRegistryEntry(entry: string): string | undefined {
  const bare = entry.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  if (bare === '' || /[\s@]/.test(bare)) return undefined;
  // The host may carry a port (`registry:5000`); a colon further on would be a tag.
  const [host, ...path] = bare.split('/');
  if (host === undefined || host === '' || path.some((segment) => segment === '' || segment.includes(':'))) return undefined;
  return [DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host, ...path].join('/');
}

/**
 * True when the image is served by a trusted registry: the entry equals the image's registry
 * host (`registry.example.com`) or is a prefix of its `host/path` at a `/` boundary
 * (`ghcr.io/acme` trusts `ghcr.io/acme/base` but not `ghcr.io/acme-other/base`). Images
 * without a registry are Docker Hub images (`docker.io/<name>`).
 */
export function isTrustedImage(image: Pick<ImageRef, 'registry' | 'name'>, trusted: readonly string[]): boolean {
  if (trusted.length === 0) return false;
  const host = (image.registry ?? 'docker.io').toLowerCase();
  const full = `${DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host}/${image.name.toLowerCase()}`;
  return trusted.some((entry) => full === entry || full.startsWith(`${entry}/`));
}
