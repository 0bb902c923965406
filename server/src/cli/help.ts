// Help texts for the tool and each command, with examples (printed by `--help`).

/** The top-level help. */
export const MAIN_HELP = `pydockerfile - lint and optimize Dockerfiles of Python applications

Usage:
  pydockerfile <command> [options]

Commands:
  check [paths...]    Report problems in Dockerfiles (files or folders; default: .)
  optimize <file>     Apply the safe fixes and print the result, a diff, or rewrite the file
  rules               List every rule with its code, severity and fix

Options:
  -h, --help          Show help (also: pydockerfile <command> --help)
  --version           Show the version

Exit codes:
  0  nothing at or above the severity threshold (or the command succeeded)
  1  problems at or above the severity threshold (check), changes (check --diff)
  2  usage error, a broken config file, or input that could not be read or written

Configuration: [tool.pydockerfile] in the nearest pyproject.toml, or .pydockerfile.toml
(see pydockerfile check --help); command-line flags override it.

Examples:
  pydockerfile check
  pydockerfile check services/ --format json
  pydockerfile check --fix
  pydockerfile check --format sarif > pydockerfile.sarif
  pydockerfile optimize Dockerfile --diff
  pydockerfile rules --format json

Docs: https://github.com/pydockerfile/pydockerfile/tree/main/docs/rules
`;

/** Help for `pydockerfile check`. */
export const CHECK_HELP = `Usage: pydockerfile check [paths...] [options]
       pydockerfile check - [--stdin-filename PATH] [options] < Dockerfile

Lint Dockerfiles. A folder is searched recursively for Dockerfile, *.Dockerfile,
Dockerfile.*, Containerfile and Containerfile.* (node_modules, .git and virtual
environments, the folders with a pyvenv.cfg, are skipped); a file named on the command
line is checked whatever its name; a quoted glob such as
'services/**/Dockerfile*' is expanded (** spans folders). With no path, the current
folder is searched. Files next to a Dockerfile (requirements.txt, ...) are read, and
only --fix writes anything.

Output: one line per problem, "path:line:col: CODE message", then a summary. [*]
marks a problem that --fix fixes safely. Colors are used on a terminal; NO_COLOR
turns them off, FORCE_COLOR on.

Options:
  --format FORMAT              text (default), json, sarif (SARIF 2.1.0, for GitHub code
                               scanning), github (workflow command annotations),
                               codeclimate (GitLab code quality) or checkstyle (XML).
                               json prints one array of {file, code, name, severity,
                               message, line, column, endLine, endColumn, fix} with
                               1-based positions
  --select CODES               Run only these rules (comma-separated codes or names)
  --ignore CODES               Skip these rules (comma-separated codes or names)
  --preview                    Also run preview rules
  --severity-threshold LEVEL   hint|info|warning|error (default: warning). Problems at or
                               above LEVEL make the exit code 1. By default "info"
                               (advice with a trade-off) and "hint" are shown but never
                               fail a CI run; pass --severity-threshold info to fail on
                               them. Alias: --failure-threshold
  --fix                        Apply the safe fixes in place (atomically, keeping line
                               endings and a byte-order mark), then report what is left
  --unsafe-fixes               Also show fixes that may change what the image does
                               ([unsafe fix] marker, json "fix" field); with --fix, apply
                               them too. --no-unsafe-fixes overrides the config file
  --diff                       Print the changes --fix would make as a unified diff and
                               write nothing (exit 1 when there are changes)
  --statistics                 Print how often each rule fired instead of each problem
  --show-source                Print the flagged line under each problem (text format)
  --stdin-filename PATH        With "-": the name standard input is reported under; its
                               folder decides the config file and build context
  --context DIR                The build context the rules read (and fixes write to)
                               when it is not the Dockerfile's folder
  --config FILE                Use this pyproject.toml or .pydockerfile.toml for every
                               Dockerfile instead of the nearest one
  --no-config                  Ignore configuration files
  -h, --help                   Show this help
  --version                    Show the version

Configuration: [tool.pydockerfile] in the nearest pyproject.toml above each Dockerfile,
or .pydockerfile.toml (which wins in the same folder): select, ignore, severity,
preview, failure-threshold, optimize.include-unsafe, optimize.extend-safe-fixes,
optimize.extend-unsafe-fixes, trusted-registries, uid. Command-line flags override it.

Exit codes: 0 = nothing at or above the threshold, 1 = problems (with --diff: changes),
2 = usage error, a broken config file (or one whose select names no known rule), or
a file that could not be read or written (binary or non-UTF-8 files are skipped with
a message; they cause exit code 2 only when nothing else could be checked).

Examples:
  pydockerfile check
  pydockerfile check Dockerfile docker/worker.Dockerfile
  pydockerfile check 'services/**/Dockerfile*' --show-source
  pydockerfile check . --select PYD201,PYD301 --format json
  pydockerfile check --ignore PYD102 --severity-threshold error
  pydockerfile check --fix
  pydockerfile check --diff
  pydockerfile check --statistics
  pydockerfile check --format sarif > pydockerfile.sarif
  pydockerfile check --format codeclimate > gl-code-quality-report.json
  cat Dockerfile | pydockerfile check - --stdin-filename services/api/Dockerfile
`;

/** Help for `pydockerfile optimize`. */
export const OPTIMIZE_HELP = `Usage: pydockerfile optimize <file> [--unsafe | --decisions a,b,c] [--diff | --write] [--explain] [--config FILE | --no-config]

Apply every safe fix, repeatedly until nothing changes, and print the optimized
Dockerfile on stdout exactly (no extra newline). Every change is the fix of a rule
listed by "pydockerfile check". A summary of the applied codes and skipped steps goes
to stderr. Line endings, a byte-order mark, comments and indentation are kept.

Options:
  --unsafe         Also apply unsafe fixes (they may change what the image does: review
                   them); the default comes from optimize.include-unsafe in the config file
  --no-unsafe      Safe fixes only, whatever the config file says
  --decisions IDS  Take exactly these unsafe steps (comma-separated decision ids such as
                   multi-stage,slim-runtime,non-root,fix:PYD304; an empty value takes
                   none); wins over --unsafe, which takes the steps ticked by default.
                   --explain lists the ids a file offers (docs/optimize.md: all of them)
  --explain        Also print to stderr each applied step with its rule code, every
                   decision (ticked or not, and why), the skipped steps with their
                   reasons, and the estimated effect
  --diff           Print a unified diff (--- a/<file>, +++ b/<file>) instead of the text
  --write          Rewrite the file in place, atomically, keeping its permissions; files
                   of the build context a fix creates or edits (.dockerignore, an entry
                   script) are written in the same step. Without --write they are listed,
                   with their diff, on stderr
  --context DIR    The build context the rules read when it is not the file's folder
  --config FILE    Use this pyproject.toml or .pydockerfile.toml instead of the nearest one
  --no-config      Ignore configuration files
  -h, --help       Show this help
  --version        Show the version

Exit codes: 0 = done (changed or not), 2 = usage error, a broken config file or an
unreadable file.

Examples:
  pydockerfile optimize Dockerfile > Dockerfile.optimized
  pydockerfile optimize Dockerfile --diff
  pydockerfile optimize Dockerfile --unsafe --diff | less
  pydockerfile optimize Dockerfile --decisions multi-stage,slim-runtime --explain --diff
  pydockerfile optimize Dockerfile --write
`;

/** Help for `pydockerfile rules`. */
export const RULES_HELP = `Usage: pydockerfile rules [--format text|json]

List every rule: code, name, default severity, category, fix and title.
Fix is one of: none; safe (applied by optimize); unsafe (only with --unsafe); sometimes
safe (offered in some cases, applied automatically only where proven safe).

Options:
  --format text|json   Output format (default: text); json prints one array of
                       {code, name, title, severity, category, fix, status, since,
                       hadolint, url}
  -h, --help           Show this help
  --version            Show the version

Examples:
  pydockerfile rules
  pydockerfile rules --format json
`;
