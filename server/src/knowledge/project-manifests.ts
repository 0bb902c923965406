// What the dependencies-only install of Poetry, uv and Pipenv reads from the build context
// (catalogue §4.4.2–§4.4.4): PYD301's fix and Optimize's two-phase builders copy these first.

/** A project tool whose dependencies can be installed from its manifests, before the sources. */
export type ManifestTool = 'poetry' | 'uv' | 'pipenv';

/** The manifests of one tool, relative to the project directory. */
export interface ProjectManifests {
  /** The project file. */
  project: string;
  /** The lock file. */
  lock: string;
  /** Copied too when the build context has them: they change how or where the install runs. */
  optional: readonly string[];
  /**
   * Why the dependencies-only install would need the sources anyway (a path dependency, a uv
   * workspace), or null. `read` gives a manifest's text, undefined when it cannot be read.
   */
  needsSources(read: (file: string) => string | undefined): string | null;
}

/** The manifests of each tool; the checks are deliberately broad, since a miss breaks the build. */
export const PROJECT_MANIFESTS: Readonly<Record<ManifestTool, ProjectManifests>> = {
  poetry: {
    project: 'pyproject.toml',
    lock: 'poetry.lock',
    optional: ['poetry.toml'],
    // `name = { path = "..." }` in any dependency table.
    needsSources: (read) => (/^\s*[A-Za-z0-9_.-]+\s*=\s*\{[^}\n]*\bpath\s*=/m.test(read('pyproject.toml') ?? '') ? 'a path dependency' : null),
  },
  uv: {
    project: 'pyproject.toml',
    lock: 'uv.lock',
    optional: ['.python-version'],
    needsSources: (read) => {
      const pyproject = read('pyproject.toml') ?? '';
      if (/^\s*\[tool\.uv\.workspace\]/m.test(pyproject)) return 'a uv workspace';
      return /\b(path|editable)\s*=/.test(pyproject) ? 'a path source' : null;
    },
  },
  pipenv: {
    project: 'Pipfile',
    lock: 'Pipfile.lock',
    optional: [],
    needsSources: (read) => (/\bpath\s*=/.test(read('Pipfile') ?? '') || /"path"\s*:/.test(read('Pipfile.lock') ?? '') ? 'a path entry' : null),
  },
};
