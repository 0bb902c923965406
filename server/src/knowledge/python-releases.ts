// Dated data tables about CPython releases, Debian releases and python image variants.
// Sources: Python devguide release status, Debian LTS wiki, docker-library repo-info (see docs).

/** When these tables were last checked. Shown in hovers so users can judge staleness. */
export const DATA_DATE = '2026-11-24';

export interface PythonRelease {
  minor: string;
  /** End of life (last security release), ISO date. */
  eol: string;
}

/** CPython minors with their end-of-life dates (devguide "Status of Python versions"). */
export const PYTHON_RELEASES: readonly PythonRelease[] = [
  { minor: '2.6', eol: '2013-10-29' },
  { minor: '2.7', eol: '2020-01-01' },
  { minor: '3.0', eol: '2009-06-27' },
  { minor: '3.1', eol: '2012-04-09' },
  { minor: '3.2', eol: '2016-02-20' },
  { minor: '3.3', eol: '2017-09-29' },
  { minor: '3.4', eol: '2019-03-18' },
  { minor: '3.5', eol: '2020-09-30' },
  { minor: '3.6', eol: '2021-12-23' },
  { minor: '3.7', eol: '2023-06-27' },
  { minor: '3.8', eol: '2024-10-07' },
  { minor: '3.9', eol: '2025-10-31' },
  { minor: '3.10', eol: '2026-10-31' },
  { minor: '3.11', eol: '2027-10-31' },
  { minor: '3.12', eol: '2028-10-31' },
  { minor: '3.13', eol: '2029-10-31' },
  { minor: '3.14', eol: '2030-10-31' },
  // Planned dates (PEP 790); official images exist as `3.15-rc` pre-releases.
  { minor: '3.15', eol: '2031-10-31' },
];

/**
 * The newest minor with a stable release and official images on the data date: what
 * `python:3` and `python:latest` resolve to (docker-library/python `generate-stackbrew-library.sh`).
 */
export const NEWEST_STABLE_MINOR = '3.14';

export interface DebianRelease {
  codename: string;
  version: number;
  /** End of (LTS) security support, ISO date. */
  supportEnds: string;
}

export const DEBIAN_RELEASES: readonly DebianRelease[] = [
  { codename: 'wheezy', version: 7, supportEnds: '2018-05-31' },
  { codename: 'jessie', version: 8, supportEnds: '2020-06-30' },
  { codename: 'stretch', version: 9, supportEnds: '2022-06-30' },
  { codename: 'buster', version: 10, supportEnds: '2024-06-30' },
  { codename: 'bullseye', version: 11, supportEnds: '2026-08-31' },
  { codename: 'bookworm', version: 12, supportEnds: '2028-06-30' },
  { codename: 'trixie', version: 13, supportEnds: '2030-06-30' },
];

/** The Debian release that an un-suffixed tag such as `3.12-slim` resolves to on the data date. */
export const DEFAULT_CODENAME = 'trixie';

/** The Alpine release that `3.12-alpine` resolves to on the data date. */
export const DEFAULT_ALPINE_CODENAME = 'alpine3.24';

/** Debian and Alpine releases the official images of one minor are published for, default first. */
export interface ImageCodenames {
  debian: readonly string[];
  alpine: readonly string[];
}

const CURRENT_CODENAMES: ImageCodenames = { debian: [DEFAULT_CODENAME, 'bookworm'], alpine: [DEFAULT_ALPINE_CODENAME, 'alpine3.23'] };

/**
 * Per minor, the releases its official images are (or were last) published for, the default
 * (what a tag without codename resolves to) first. End-of-life minors keep the list they had
 * when docker-library/python stopped building them, so their un-suffixed tags are frozen
 * there; a tag naming another release never existed or is no longer updated. Source:
 * docker-library/python `versions.json` and the commits that removed each minor.
 */
export const IMAGE_CODENAMES: Readonly<Record<string, ImageCodenames>> = {
  '2.7': { debian: ['buster', 'stretch'], alpine: ['alpine3.11', 'alpine3.10'] },
  '3.5': { debian: ['buster', 'stretch'], alpine: ['alpine3.12', 'alpine3.11'] },
  '3.6': { debian: ['bullseye', 'buster'], alpine: ['alpine3.15', 'alpine3.14'] },
  '3.7': { debian: ['bookworm', 'bullseye'], alpine: ['alpine3.18', 'alpine3.17'] },
  '3.8': { debian: ['bookworm', 'bullseye'], alpine: ['alpine3.20', 'alpine3.19'] },
  '3.9': { debian: ['trixie', 'bookworm'], alpine: ['alpine3.22', 'alpine3.21'] },
  '3.10': CURRENT_CODENAMES,
  '3.11': CURRENT_CODENAMES,
  '3.12': CURRENT_CODENAMES,
  '3.13': CURRENT_CODENAMES,
  '3.14': CURRENT_CODENAMES,
  '3.15': CURRENT_CODENAMES,
};

/** Releases the images of NEWEST_STABLE_MINOR are published for; a bump must land on one. */
export const PUBLISHED_CODENAMES: readonly string[] = [...CURRENT_CODENAMES.debian, ...CURRENT_CODENAMES.alpine];

/** The image codename data of a minor, or undefined when no official images are known. */
export function imageCodenames(minor: string): ImageCodenames | undefined {
  return Object.prototype.hasOwnProperty.call(IMAGE_CODENAMES, minor) ? IMAGE_CODENAMES[minor] : undefined;
}

export type PythonVariant = 'full' | 'slim' | 'alpine';

export interface VariantSize {
  variant: PythonVariant;
  /** Approximate compressed (pull) size in MB, linux/amd64. */
  compressedMb: number;
  /** Approximate on-disk size in MB, linux/amd64. */
  diskMb: number;
}

/**
 * Approximate sizes of python:3.12 variants (linux/amd64, Aug 2026, docker-library repo-info).
 * Other minors are within a few MB; hovers label these as estimates.
 */
export const VARIANT_SIZES: readonly VariantSize[] = [
  { variant: 'full', compressedMb: 410.9, diskMb: 1110 },
  { variant: 'slim', compressedMb: 43.2, diskMb: 119 },
  { variant: 'alpine', compressedMb: 17, diskMb: 50 },
];

/** The release data of a minor (`3.12`), or undefined when the tables do not know it. */
export function pythonRelease(minor: string): PythonRelease | undefined {
  return PYTHON_RELEASES.find((r) => r.minor === minor);
}

/** The Debian release data of a codename (`bookworm`), or undefined. */
export function debianRelease(codename: string): DebianRelease | undefined {
  return DEBIAN_RELEASES.find((r) => r.codename === codename);
}

/** Size estimate of a variant; every PythonVariant has an entry. */
export function variantSize(variant: PythonVariant): VariantSize {
  const found = VARIANT_SIZES.find((s) => s.variant === variant);
  if (!found) throw new Error(`no size data for ${variant}`);
  return found;
}

/** Whole months between two ISO dates (b - a), negative when b is before a. */
export function monthsBetween(a: string, b: string): number {
  const [ay, am, ad] = a.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = b.split('-').map(Number) as [number, number, number];
  let months = (by - ay) * 12 + (bm - am);
  if (bd < ad) months -= 1;
  return months;
}
