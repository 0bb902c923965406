// PYD106: a base image other than python used without a tag or with `:latest`.
import { isTrustedImage } from '../config/trusted-registries';
import { latestTagOf } from '../knowledge/base-images';
import { imageSite, withTag } from '../model/image-ref';
import { defineRule } from './define-rule';
import { imageReferenceFix } from './edit-helpers';
import type { Fix } from './types';

export default defineRule({
  code: 'PYD106',
  name: 'floating-base-image-tag',
  title: 'Give non-python base images an explicit tag',
  category: 'base-image',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3006', 'DL3007'],
  docs: {
    whatItDoes:
      'Flags a `FROM` whose image is not the official python image (PYD102 covers that one) and has no tag or the `latest` tag, for example `FROM alpine:latest` or `FROM composer AS builder`. `FROM scratch`, references to earlier stages, images pinned by digest and images from the registries listed in the `trusted-registries` setting (an internal registry with its own pinning policy) are not flagged. Images set through `ARG`s are judged by their defaults. For `alpine` and `debian` the fix pins the release that `latest` resolves to today; for other images no tag can be known offline, so no fix is offered.',
    whyItMatters:
      '`latest` is just the default tag name, not a promise of stability: it moves to every new release of the image, so an unchanged Dockerfile can build on a different distribution or toolchain tomorrow (a new Alpine release changes musl, OpenSSL and package versions; a new Debian release renames libraries). Builds stop being reproducible and a failure cannot be traced to a change in the repository. An explicit tag such as `alpine:3.24` (or a digest, PYD107) keeps rebuilds predictable while still receiving patch updates of that release.',
    example: 'FROM alpine:latest AS certs\nRUN apk add --no-cache ca-certificates\n\nFROM python:3.12-slim-bookworm\nCOPY --from=certs /etc/ssl/certs /etc/ssl/certs',
    useInstead: 'FROM alpine:3.24 AS certs\nRUN apk add --no-cache ca-certificates\n\nFROM python:3.12-slim-bookworm\nCOPY --from=certs /etc/ssl/certs /etc/ssl/certs',
    fixSafety:
      'The fix pins the release that `latest` resolves to on the date of the data tables, so the image stays what it is today, but later rebuilds no longer move to new releases on their own: you upgrade on purpose. If the data is older than your last pull, the pinned release may be older than the image you built with. Check the tag against the registry before committing.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#from',
      'https://docs.docker.com/reference/dockerfile/#from',
      'https://github.com/hadolint/hadolint/wiki/DL3006',
      'https://github.com/hadolint/hadolint/wiki/DL3007',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      const image = stage.image;
      // Stage references have no image; python is PYD102's; a digest pins whatever the tag says.
      if (!image || image.isPython || image.unresolved || image.digest !== null) continue;
      if (image.name === 'scratch') continue;
      if (image.tag !== null && image.tag !== 'latest') continue;
      if (isTrustedImage(image, ctx.config.trustedRegistries)) continue;
      const site = imageSite(model.text, stage.from, model.escapeChar);
      if (!site) continue;
      const range = site.tag ?? { start: site.start, end: site.end };
      const fixes: Fix[] = [];
      const pinned = latestTagOf(image);
      const fix = pinned !== undefined ? imageReferenceFix(model, site, image.raw, withTag(image.raw, pinned), (w) => `Pin to \`${w}\` (what \`latest\` resolves to today)`) : null;
      if (fix) fixes.push(fix);
      ctx.report({
        range: model.text.rangeOf(range.start, range.end),
        message:
          image.tag === null
            ? `\`${image.raw}\` has no tag, so it means \`latest\`: every rebuild can pull a different release`
            : `\`${image.raw}\` moves to every new release of the image, so rebuilds are not reproducible`,
        fixes,
      });
    }
  },
});
