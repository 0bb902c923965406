// Dated table of environment variables read by Python, pip, Poetry, uv and Pipenv, for ENV hovers.
// Sources: the Python command-line docs, pip's configuration docs, Poetry's configuration docs,
// uv's environment reference and Pipenv's configuration docs (one URL per entry).

/** When this table was last checked against the sources. */
export const ENV_VARS_DATA_DATE = '2026-11-25';

export type EnvVarTool = 'Python' | 'pip' | 'Poetry' | 'uv' | 'Pipenv';

/** One environment variable: what it does and what an image usually wants. */
export interface EnvVarInfo {
  name: string;
  tool: EnvVarTool;
  /** What the variable does (Markdown, one or two sentences). */
  meaning: string;
  /** The value recommended in container images, when there is one. */
  recommended?: string;
  /** Why that value (or why to leave the variable alone). */
  advice?: string;
  /** First version that reads it, when recent enough to matter. */
  since?: string;
  source: string;
}

const PY = 'https://docs.python.org/3/using/cmdline.html#envvar-';
const PIP_ENV = 'https://pip.pypa.io/en/stable/topics/configuration/#environment-variables';
const POETRY = 'https://python-poetry.org/docs/configuration/';
const UV = 'https://docs.astral.sh/uv/reference/environment/#';

function python(name: string, rest: Omit<EnvVarInfo, 'name' | 'tool' | 'source'>): EnvVarInfo {
  return { name, tool: 'Python', source: PY + name, ...rest };
}

function uv(name: string, rest: Omit<EnvVarInfo, 'name' | 'tool' | 'source'>): EnvVarInfo {
  return { name, tool: 'uv', source: UV + name.toLowerCase(), ...rest };
}

/** Known variables, grouped by tool. Names are exact and upper case. */
export const ENV_VARS: readonly EnvVarInfo[] = [
  python('PYTHONUNBUFFERED', {
    meaning: 'Makes `stdout` and `stderr` unbuffered, like `python -u`.',
    recommended: '1',
    advice: 'Without a terminal Python buffers its output, so log lines reach `docker logs` late and the last ones are lost when the container is killed.',
  }),
  python('PYTHONDONTWRITEBYTECODE', {
    meaning: 'Stops Python from writing `.pyc` files when it imports modules, like `python -B`.',
    advice: 'Rarely useful in an image: pip compiles installed packages anyway, and your own modules are then compiled again on every start. Prefer precompiling with `python -m compileall`.',
  }),
  python('PYTHONFAULTHANDLER', {
    meaning: 'Installs the `faulthandler` handlers at start-up, so a crash in C code (segmentation fault, abort) prints the Python traceback of every thread.',
    recommended: '1',
    advice: 'Without it a crashing C extension makes the container exit with no clue where it happened.',
  }),
  python('PYTHONHASHSEED', {
    meaning: 'Seeds the hash randomization of `str` and `bytes`; `random` (the default) picks a new seed per process, a number fixes it, and `0` turns randomization off.',
    advice: 'Leave it unset for services; fix it only when a tool needs reproducible hashing.',
  }),
  python('PYTHONPATH', {
    meaning: 'Directories added in front of the module search path (`sys.path`).',
    advice: 'Prefer installing the application (or putting it in a virtual environment); a stale `PYTHONPATH` can shadow installed packages.',
  }),
  python('PYTHONHOME', {
    meaning: 'Replaces the location of the standard library and of `site-packages`.',
    advice: 'Do not set it in an image: a wrong value makes the interpreter fail at start-up.',
  }),
  python('PYTHONOPTIMIZE', {
    meaning: 'Like `python -O`: `1` removes `assert` statements and `__debug__` blocks, `2` also drops docstrings.',
    advice: 'Only with code and dependencies that do not rely on `assert` for checks.',
  }),
  python('PYTHONIOENCODING', {
    meaning: 'Encoding (and optional `:errors` handler) of `stdin`, `stdout` and `stderr`.',
    advice: 'Usually unnecessary: the official python images set `LANG=C.UTF-8`.',
  }),
  python('PYTHONUTF8', {
    meaning: '`1` turns on UTF-8 mode: file names, `open()` and the standard streams use UTF-8 whatever the locale says.',
    advice: 'Useful on base images without a UTF-8 locale. PEP 686 makes it the default from Python 3.15.',
    since: '3.7',
  }),
  python('PYTHONWARNINGS', { meaning: 'Warning filters, like `python -W` (for example `ignore::DeprecationWarning`).' }),
  python('PYTHONDEVMODE', {
    meaning: 'Turns on the Python Development Mode: extra runtime checks, debug hooks on memory allocators, warnings shown by default.',
    advice: 'For tests and debugging; it slows a production service down.',
    since: '3.7',
  }),
  python('PYTHONTRACEMALLOC', { meaning: 'Starts `tracemalloc` to trace memory allocations (the number is the traceback depth).', advice: 'Costs memory and speed; for debugging only.' }),
  python('PYTHONPYCACHEPREFIX', {
    meaning: 'Writes `.pyc` files into a separate tree under this directory instead of `__pycache__` next to the sources.',
    advice: 'Lets a read-only or root-owned source tree still get cached bytecode.',
    since: '3.8',
  }),
  python('PYTHONSAFEPATH', {
    meaning: 'Stops Python from putting the script\'s directory (or the current directory) first on `sys.path`, like `python -P`.',
    advice: 'A hardening option: a file in the working directory can no longer shadow a module.',
    since: '3.11',
  }),
  python('PYTHONNOUSERSITE', { meaning: 'Leaves the user `site-packages` directory (`~/.local/lib/pythonX.Y/site-packages`) off `sys.path`.' }),
  python('PYTHONUSERBASE', { meaning: 'Base directory of `pip install --user` (default `~/.local`); scripts go to its `bin/`.' }),
  python('PYTHONMALLOC', { meaning: 'Chooses the memory allocator (`malloc`, `pymalloc`, or a `debug` variant).', advice: '`malloc` helps memory tools such as Valgrind; leave it unset otherwise.' }),
  python('PYTHONBREAKPOINT', { meaning: 'The function `breakpoint()` calls; `0` makes `breakpoint()` do nothing.', recommended: '0', advice: 'A forgotten `breakpoint()` then cannot block a production process.', since: '3.7' }),
  python('PYTHONINTMAXSTRDIGITS', { meaning: 'Limit on the number of digits when converting between `int` and `str` (default 4300, `0` for no limit).', since: '3.11' }),
  python('PYTHONCOERCECLOCALE', { meaning: '`0` stops Python from switching the legacy C locale to a UTF-8 based one at start-up.', since: '3.7' }),
  python('PYTHON_CPU_COUNT', {
    meaning: 'Overrides what `os.cpu_count()` and `os.process_cpu_count()` report.',
    advice: 'Python does not read the container\'s CPU quota, so pools sized from the CPU count (gunicorn formulas, `concurrent.futures`) see every host CPU; set it to the quota.',
    since: '3.13',
  }),
  python('PYTHON_GIL', { meaning: '`0` runs a free-threaded build (`python3.13t`) without the GIL, `1` forces the GIL on.', advice: 'Only meaningful for free-threaded builds, which the default images are not.', since: '3.13' }),
  python('PYTHON_COLORS', { meaning: '`0` turns off colored tracebacks and interpreter output, `1` forces them on.', since: '3.13' }),
  {
    name: 'PYTHON_VERSION',
    tool: 'Python',
    meaning: 'Set by the official python images to the version they were built with; Python itself does not read it.',
    advice: 'Changing it does not change the interpreter: pick the version in the `FROM` tag.',
    source: 'https://github.com/docker-library/python',
  },
  {
    name: 'VIRTUAL_ENV',
    tool: 'Python',
    meaning: 'The active virtual environment. `activate` sets it together with `PATH`; uv, Poetry and pip\'s `--require-virtualenv` read it.',
    advice: 'A RUN cannot keep `activate` in effect: set `ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"` instead.',
    source: 'https://docs.python.org/3/library/venv.html#how-venvs-work',
  },

  {
    name: 'PIP_NO_CACHE_DIR',
    tool: 'pip',
    meaning: 'Disables pip\'s download and wheel cache, like `--no-cache-dir`.',
    recommended: '1',
    advice: 'The cache is dead weight in an image layer. Since pip 19.0 `1`/`true` work; older pip only accepted falsy values, and pip still treats those the same, so any value disables the cache.',
    source: PIP_ENV,
  },
  {
    name: 'PIP_DISABLE_PIP_VERSION_CHECK',
    tool: 'pip',
    meaning: 'Skips the check for a newer pip on every run.',
    recommended: '1',
    advice: 'Saves a network request and a warning in every build log; the image\'s pip is upgraded by rebuilding, not by that hint.',
    source: PIP_ENV,
  },
  {
    name: 'PIP_ROOT_USER_ACTION',
    tool: 'pip',
    meaning: 'What pip does when it runs as root: `warn` (default) or `ignore`.',
    recommended: 'ignore',
    advice: 'Installing as root into an image (or into a virtual environment in it) is expected; `ignore` drops the warning.',
    since: 'pip 22.1',
    source: 'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-root-user-action',
  },
  { name: 'PIP_NO_COMPILE', tool: 'pip', meaning: 'Skips compiling installed packages to `.pyc`, like `--no-compile`.', advice: 'Makes the image slightly smaller but every start compiles the imports again.', source: PIP_ENV },
  {
    name: 'PIP_INDEX_URL',
    tool: 'pip',
    meaning: 'Base URL of the package index (default `https://pypi.org/simple`), like `--index-url`.',
    advice: 'Use `https`; never put a password in it (PYD504): pass credentials with `RUN --mount=type=secret`.',
    source: PIP_ENV,
  },
  {
    name: 'PIP_EXTRA_INDEX_URL',
    tool: 'pip',
    meaning: 'More index URLs (space separated), searched together with the main one, like `--extra-index-url`.',
    advice: 'pip takes the best version from all indexes, so a public package with the name of a private one can win (dependency confusion).',
    source: PIP_ENV,
  },
  { name: 'PIP_TRUSTED_HOST', tool: 'pip', meaning: 'Hosts for which pip accepts plain `http` or invalid TLS certificates, like `--trusted-host`.', advice: 'Turns off transport security for those hosts; fix the mirror\'s certificate instead.', source: PIP_ENV },
  { name: 'PIP_FIND_LINKS', tool: 'pip', meaning: 'Extra places (directories or URLs) to look for archives, like `--find-links`.', source: PIP_ENV },
  { name: 'PIP_DEFAULT_TIMEOUT', tool: 'pip', meaning: 'Socket timeout in seconds (default 15), like `--timeout`/`--default-timeout`.', advice: 'Raise it for slow mirrors instead of retrying whole builds.', source: PIP_ENV },
  { name: 'PIP_RETRIES', tool: 'pip', meaning: 'How many times pip retries a failed connection (default 5).', source: PIP_ENV },
  { name: 'PIP_REQUIRE_VIRTUALENV', tool: 'pip', meaning: 'Makes pip refuse to install outside a virtual environment.', advice: 'A guard against installing into the system interpreter by mistake.', source: PIP_ENV },
  {
    name: 'PIP_BREAK_SYSTEM_PACKAGES',
    tool: 'pip',
    meaning: 'Lets pip install into an interpreter marked "externally managed" (PEP 668), such as Debian\'s own `python3`.',
    advice: 'Not needed with the official python images; on distribution images prefer a virtual environment.',
    since: 'pip 23.0.1',
    source: 'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-break-system-packages',
  },
  { name: 'PIP_ONLY_BINARY', tool: 'pip', meaning: 'Packages that must be installed from wheels (`:all:` for every package), like `--only-binary`.', advice: '`:all:` fails fast instead of compiling from source when a wheel is missing (no compiler needed).', source: PIP_ENV },
  { name: 'PIP_NO_BINARY', tool: 'pip', meaning: 'Packages that must be built from source, like `--no-binary`.', advice: 'Needs compilers and headers in the build stage.', source: PIP_ENV },
  { name: 'PIP_PREFER_BINARY', tool: 'pip', meaning: 'Prefers an older version with a wheel over a newer one that only has a source archive.', source: PIP_ENV },
  { name: 'PIP_PROGRESS_BAR', tool: 'pip', meaning: 'Progress bar style; `off` hides it.', recommended: 'off', advice: 'Keeps CI build logs short.', source: PIP_ENV },
  { name: 'PIP_NO_INPUT', tool: 'pip', meaning: 'Never prompts (for credentials, for example); fails instead.', recommended: '1', advice: 'A build cannot answer a prompt.', source: PIP_ENV },
  { name: 'PIP_CONSTRAINT', tool: 'pip', meaning: 'Constraints files applied to every install, like `--constraint`.', source: PIP_ENV },
  { name: 'PIP_CACHE_DIR', tool: 'pip', meaning: 'Where pip keeps its cache (default `~/.cache/pip`).', advice: 'Point a BuildKit cache mount at it to reuse downloads without storing them in a layer.', source: PIP_ENV },
  { name: 'PIP_USER', tool: 'pip', meaning: 'Installs into the user site (`~/.local`), like `--user`.', advice: 'Packages under `/root/.local` are unreadable for a non-root user; prefer a virtual environment.', source: PIP_ENV },
  { name: 'PIP_CONFIG_FILE', tool: 'pip', meaning: 'Path of a pip configuration file; `os.devnull` ignores every configuration file.', source: 'https://pip.pypa.io/en/stable/topics/configuration/#pip-config-file' },

  {
    name: 'POETRY_VIRTUALENVS_CREATE',
    tool: 'Poetry',
    meaning: '`false` makes Poetry install into the interpreter or virtual environment it runs in instead of creating its own.',
    advice: 'Common in images, but then Poetry\'s own dependencies can clash with the project\'s unless Poetry lives in a separate environment.',
    source: POETRY + '#virtualenvscreate',
  },
  {
    name: 'POETRY_VIRTUALENVS_IN_PROJECT',
    tool: 'Poetry',
    meaning: '`true` creates the virtual environment as `.venv` inside the project directory.',
    recommended: 'true',
    advice: 'Gives a fixed path to copy into the runtime stage.',
    source: POETRY + '#virtualenvsin-project',
  },
  { name: 'POETRY_VIRTUALENVS_PATH', tool: 'Poetry', meaning: 'Directory where Poetry creates virtual environments.', source: POETRY + '#virtualenvspath' },
  { name: 'POETRY_CACHE_DIR', tool: 'Poetry', meaning: 'Poetry\'s cache directory (downloaded packages, virtual environments by default).', advice: 'Remove it in the same RUN or use a BuildKit cache mount so it does not ship.', source: POETRY + '#cache-dir' },
  { name: 'POETRY_INSTALLER_MAX_WORKERS', tool: 'Poetry', meaning: 'Maximum number of parallel installation workers.', source: POETRY + '#installermax-workers' },
  { name: 'POETRY_INSTALLER_PARALLEL', tool: 'Poetry', meaning: '`false` installs packages one at a time.', source: POETRY + '#installerparallel' },
  { name: 'POETRY_HOME', tool: 'Poetry', meaning: 'Where the official installer puts Poetry (its own virtual environment and `bin/poetry`).', source: 'https://python-poetry.org/docs/#installing-with-the-official-installer' },
  { name: 'POETRY_VERSION', tool: 'Poetry', meaning: 'The Poetry version the official installer installs.', advice: 'Pin it so rebuilds get the same Poetry.', source: 'https://python-poetry.org/docs/#installing-with-the-official-installer' },

  uv('UV_COMPILE_BYTECODE', { meaning: 'Compiles installed packages to `.pyc` after installing (uv does not by default).', recommended: '1', advice: 'Faster container start-up at the cost of a slower build and a larger layer.' }),
  uv('UV_LINK_MODE', { meaning: 'How uv puts packages from its cache into the environment: `clone`, `copy`, `hardlink` or `symlink`.', recommended: 'copy', advice: 'With a BuildKit cache mount the cache is on another file system, so hard links fail; `copy` avoids the warning.' }),
  uv('UV_PYTHON_DOWNLOADS', { meaning: 'Whether uv may download a managed Python (`automatic`, `manual`, `never`; `0` means never).', recommended: '0', advice: 'Use the image\'s interpreter instead of downloading another one.' }),
  uv('UV_NO_CACHE', { meaning: 'Disables uv\'s cache, like `--no-cache`.', advice: 'Alternatively use a BuildKit cache mount on `/root/.cache/uv`.' }),
  uv('UV_CACHE_DIR', { meaning: 'Where uv keeps its cache.' }),
  uv('UV_SYSTEM_PYTHON', { meaning: 'Makes `uv pip` install into the system interpreter, like `--system`.' }),
  uv('UV_PROJECT_ENVIRONMENT', { meaning: 'Path of the project environment that `uv sync` and `uv run` use (default `.venv`).', advice: 'Set it to a fixed path (for example `/opt/venv`) to copy into the runtime stage.' }),
  uv('UV_PYTHON', { meaning: 'The interpreter uv uses, like `--python`.' }),
  uv('UV_FROZEN', { meaning: 'Uses `uv.lock` as it is, without checking or updating it, like `--frozen`.' }),
  uv('UV_LOCKED', { meaning: 'Fails when `uv.lock` is out of date, like `--locked`.', advice: 'The safer choice for image builds: a stale lock stops the build.' }),
  uv('UV_INDEX_URL', { meaning: 'Main package index, like `--index-url` (deprecated in favour of `UV_DEFAULT_INDEX`).' }),
  uv('UV_EXTRA_INDEX_URL', { meaning: 'More package indexes, like `--extra-index-url` (deprecated in favour of `UV_INDEX`).' }),
  uv('UV_DEFAULT_INDEX', { meaning: 'The default package index, like `--default-index`.' }),
  uv('UV_INDEX', { meaning: 'Additional package indexes (space separated), like `--index`.' }),
  uv('UV_BREAK_SYSTEM_PACKAGES', { meaning: 'Lets uv install into an externally managed (PEP 668) interpreter, like `--break-system-packages`.' }),
  uv('UV_HTTP_TIMEOUT', { meaning: 'Timeout of HTTP requests in seconds (default 30).' }),
  uv('UV_CONCURRENT_DOWNLOADS', { meaning: 'Maximum number of downloads at the same time.' }),
  uv('UV_TOOL_BIN_DIR', { meaning: 'Where `uv tool install` puts executables.' }),
  uv('UV_PYTHON_INSTALL_DIR', { meaning: 'Where uv installs managed Python versions.' }),
  uv('UV_OFFLINE', { meaning: 'Disables network access, like `--offline`: only cached packages can be installed.' }),

  {
    name: 'PIPENV_VENV_IN_PROJECT',
    tool: 'Pipenv',
    meaning: 'Creates the virtual environment as `.venv` in the project directory.',
    recommended: '1',
    advice: 'Gives a fixed path to copy into the runtime stage.',
    source: 'https://pipenv.pypa.io/en/latest/configuration.html',
  },
];

const BY_NAME = new Map(ENV_VARS.map((v) => [v.name, v]));

/** Credentials that Poetry reads per package source: `POETRY_HTTP_BASIC_<SOURCE>_PASSWORD` and friends. */
const POETRY_CREDENTIALS = /^POETRY_(HTTP_BASIC_[A-Z0-9_]+_(USERNAME|PASSWORD)|PYPI_TOKEN_[A-Z0-9_]+)$/;

/**
 * The entry for a variable name: an exact entry, Poetry's per-source credentials, or the
 * generic forms (`PIP_<OPTION>` mirrors any pip option, `POETRY_<SETTING>` any Poetry setting).
 * Null for names none of the tools read.
 */
export function envVarInfo(name: string): EnvVarInfo | null {
  const exact = BY_NAME.get(name);
  if (exact) return exact;
  if (POETRY_CREDENTIALS.test(name)) {
    return {
      name,
      tool: 'Poetry',
      meaning: 'A credential Poetry uses for one package source (the source name is part of the variable name).',
      advice: 'Never give it a value in the Dockerfile (PYD504): pass it with `RUN --mount=type=secret,env=…`.',
      source: 'https://python-poetry.org/docs/repositories/#configuring-credentials',
    };
  }
  const pip = /^PIP_([A-Z0-9_]+)$/.exec(name);
  if (pip) {
    const option = `--${(pip[1] as string).toLowerCase().replace(/_/g, '-')}`;
    return { name, tool: 'pip', meaning: `Sets pip's \`${option}\` option: pip reads every long option from \`PIP_<NAME>\`.`, source: PIP_ENV };
  }
  const poetry = /^POETRY_([A-Z0-9_]+)$/.exec(name);
  if (poetry) {
    return { name, tool: 'Poetry', meaning: 'A Poetry setting: Poetry reads each configuration key from `POETRY_<KEY>` (dots and dashes become `_`).', source: POETRY + '#using-environment-variables' };
  }
  return null;
}

/** The hover text of a variable: name, tool, meaning, recommended value, advice and source. */
export function describeEnvVar(info: EnvVarInfo): string {
  const lines = [`**${info.name}** (${info.tool}${info.since ? `, since ${info.since}` : ''})`, '', info.meaning];
  const notes: string[] = [];
  if (info.recommended !== undefined) notes.push(`- Recommended in images: \`${info.recommended}\``);
  if (info.advice) notes.push(`- ${info.advice}`);
  notes.push(`- Source: ${info.source}`);
  lines.push('', ...notes, '', `_Data checked ${ENV_VARS_DATA_DATE}._`);
  return lines.join('\n');
}
