// PYD312: a CI job builds this Dockerfile without a remote build cache (`--cache-from`/`--cache-to`).
import type { CiBuild, CiSystem } from '../workspace/ci';
import { defineRule } from './define-rule';
import { keywordRange } from './edit-helpers';
import { lineRange } from './workspace-helpers';

/** How to add a registry cache, per CI system (shown with the finding). */
const SNIPPETS: Readonly<Record<CiSystem, string>> = {
  gitlab: [
    'Keep the layers in the registry between pipelines (GitLab CI):',
    '',
    '```yaml',
    'build-image:',
    '  script:',
    '    - docker buildx create --use',
    '    - docker buildx build',
    '        --cache-from type=registry,ref=$CI_REGISTRY_IMAGE:buildcache',
    '        --cache-to type=registry,ref=$CI_REGISTRY_IMAGE:buildcache,mode=max',
    '        --tag $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG --push .',
    '```',
  ].join('\n'),
  github: [
    'Use the GitHub Actions cache for the layers (GitHub Actions):',
    '',
    '```yaml',
    '- uses: docker/setup-buildx-action@v3',
    '- uses: docker/build-push-action@v6',
    '  with:',
    '    push: true',
    '    tags: ghcr.io/${{ github.repository }}:${{ github.ref_name }}',
    '    cache-from: type=gha',
    '    cache-to: type=gha,mode=max',
    '```',
  ].join('\n'),
  jenkins: [
    'Keep the layers in the registry between builds (Jenkinsfile):',
    '',
    '```groovy',
    "sh '''docker buildx build \\",
    '  --cache-from type=registry,ref=registry.example.com/app:buildcache \\',
    '  --cache-to type=registry,ref=registry.example.com/app:buildcache,mode=max \\',
    "  --tag registry.example.com/app:${BRANCH_NAME} --push .'''",
    '```',
  ].join('\n'),
  bitbucket: [
    'Reuse the last image as cache (Bitbucket Pipelines, inline cache):',
    '',
    '```yaml',
    '- step:',
    '    services: [docker]',
    '    script:',
    '      - docker pull $IMAGE:$BITBUCKET_BRANCH || true',
    '      - DOCKER_BUILDKIT=1 docker build --build-arg BUILDKIT_INLINE_CACHE=1',
    '          --cache-from $IMAGE:$BITBUCKET_BRANCH --tag $IMAGE:$BITBUCKET_BRANCH .',
    '      - docker push $IMAGE:$BITBUCKET_BRANCH',
    '```',
  ].join('\n'),
};

/** Whether every tag of a build is `latest` (written or implied). */
function onlyLatest(build: CiBuild): boolean {
  if (build.tags.length === 0 || build.tags.some((t) => t.includes('$'))) return false;
  return build.tags.every((t) => {
    const name = t.slice(t.lastIndexOf('/') + 1);
    return !name.includes(':') || name.endsWith(':latest');
  });
}

export default defineRule({
  code: 'PYD312',
  name: 'ci-build-without-cache',
  title: 'Give CI image builds a remote layer cache',
  category: 'layers-and-cache',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'Reads the CI configuration of the repository (`.gitlab-ci.yml`, `.github/workflows/*.yml`, `Jenkinsfile`, `bitbucket-pipelines.yml`) and finds the `docker build`, `docker buildx build` and `docker/build-push-action` steps that build this Dockerfile (by `-f`/`file` and the context folder). A step without `--cache-from` or `--cache-to` (`cache-from`/`cache-to` for the action) is reported, both on the Dockerfile and on the CI file; the message also says when the image is tagged only `latest`. The hover shows a cache snippet for that CI system. Builds whose Dockerfile or context is only known at run time (variables) are not matched.',
    whyItMatters:
      'CI runners usually start without a local layer cache, so every pipeline rebuilds every layer, dependency downloads included. In one report, `docker pull` plus `--cache-from` in GitLab CI cut image builds by about 90 %. With BuildKit, an inline cache stores only the final stage (`mode=min`); a registry or GitHub Actions cache with `mode=max` also keeps the builder stages, which is where the slow dependency installs are. Tagging only `latest` also loses track of which commit an image came from; tag by branch or commit.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    exampleFiles: { '.gitlab-ci.yml': 'build:\n  script:\n    - docker build -t registry.example.com/app:latest .\n    - docker push registry.example.com/app:latest\n' },
    useInstead: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    useInsteadFiles: {
      '.gitlab-ci.yml':
        'build:\n  script:\n    - docker buildx build --cache-from type=registry,ref=$CI_REGISTRY_IMAGE:buildcache --cache-to type=registry,ref=$CI_REGISTRY_IMAGE:buildcache,mode=max -t $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG --push .\n',
    },
    references: [
      'https://docs.docker.com/build/cache/backends/',
      'https://docs.docker.com/build/cache/backends/registry/',
      'https://docs.docker.com/build/ci/github-actions/cache/',
      'https://docs.gitlab.com/ci/docker/using_docker_build/#make-docker-in-docker-builds-faster-with-docker-layer-caching',
    ],
  },
  check(ctx) {
    const { model, workspace } = ctx;
    const first = model.instructions.find((i) => i.keyword === 'FROM');
    if (!workspace || !first) return;
    const ours = workspace.repositoryPathOf(ctx.env.dockerfile ?? 'Dockerfile');
    const origin = keywordRange(first);
    for (const ci of workspace.ciFiles()) {
      if (ci.kind !== 'ok') continue;
      const builds = ci.value.builds.filter((b) => b.dockerfile === ours && !b.cache);
      const shown = workspace.contextPathOfRepositoryFile(ci.path);
      for (const build of builds) {
        const latest = onlyLatest(build) ? ', and the image is tagged only `latest`' : '';
        ctx.report({
          range: lineRange(build.line, build.column, build.endColumn),
          file: shown,
          origin,
          message: `\`${build.label}\` builds \`${ours}\` without \`--cache-from\`/\`--cache-to\`, so every run rebuilds all layers${latest}`,
          detail: SNIPPETS[build.system],
        });
      }
      const firstBuild = builds[0];
      if (!firstBuild) continue;
      const latest = builds.some(onlyLatest) ? ', and tags the image only `latest`' : '';
      ctx.report({
        range: origin,
        message: `\`${shown}\` builds this Dockerfile without a remote layer cache (\`--cache-from\`/\`--cache-to\`)${latest}: each CI run rebuilds every layer`,
        detail: SNIPPETS[firstBuild.system],
      });
    }
  },
});
