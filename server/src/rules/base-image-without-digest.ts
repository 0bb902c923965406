// PYD107: a base image referenced by tag only, without an immutable `@sha256:` digest.
import { isTrustedImage } from '../config/trusted-registries';
import { imageSite } from '../model/image-ref';
import { defineRule } from './define-rule';

export default defineRule({
  code: 'PYD107',
  name: 'base-image-without-digest',
  title: 'Pin base images by digest for reproducible production builds',
  category: 'base-image',
  defaultSeverity: 'hint',
  status: 'preview',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'Flags every `FROM` that names an image (not an earlier stage, not `scratch`) without a digest such as `@sha256:…`. It is a preview rule, off unless previews are enabled, meant for a production profile: most projects are better served by a precise tag (PYD102, PYD106) plus automated updates. Images from the registries listed in the `trusted-registries` setting are not flagged: an internal registry usually has its own promotion and pinning policy. Images set through `ARG`s are judged by their defaults; a reference that stays unknown is not flagged. No fix is offered: the digest has to be looked up in a registry, and the linter works offline.',
    whyItMatters:
      'Tags are mutable: `python:3.12-slim-bookworm` is rebuilt for every patch release and Debian security update, so two builds a week apart start from different bytes. A digest names exactly one image, which makes rebuilds bit-for-bit reproducible and gives an audit trail of what was deployed. The cost is that updates no longer arrive on their own: pair digests with Renovate, Dependabot or Docker Scout so that security fixes are still picked up.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    useInstead:
      'FROM python:3.12-slim-bookworm@sha256:2d7ab1a5e7f0c3b94d8e6f1a0b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    references: [
      'https://docs.docker.com/build/building/best-practices/#pin-base-image-versions',
      'https://docs.docker.com/reference/dockerfile/#from',
      'https://docs.renovatebot.com/docker/#digest-pinning',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      const image = stage.image;
      if (!image || image.unresolved || image.name === 'scratch') continue;
      // Any digest pins the image; a malformed one (`python@`) is a syntax problem for Docker to report.
      if (image.digest !== null) continue;
      if (isTrustedImage(image, ctx.config.trustedRegistries)) continue;
      const site = imageSite(model.text, stage.from, model.escapeChar);
      if (!site) continue;
      ctx.report({
        range: model.text.rangeOf(site.start, site.end),
        message: `\`${image.raw}\` is not pinned by digest: the tag can point to a different image on the next build`,
      });
    }
  },
});
