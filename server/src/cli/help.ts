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
  1  problems at or above the severity threshold (check)
  2  usage error, or input that could not be read

Examples:
  pydockerfile check
  pydockerfile check services/ --format json
  pydockerfile optimize Dockerfile --diff
  pydockerfile rules --format json

Docs: https://github.com/pydockerfile/pydockerfile/tree/main/docs/rules
`;

/** Help for `pydockerfile check`. */
export const CHECK_HELP = `Usage: pydockerfile check [paths...] [options]

Lint Dockerfiles. A folder is searched recursively for Dockerfile, *.Dockerfile,
Dockerfile.* and Containerfile (node_modules and .git are skipped); a file named on
the command line is checked whatever its name. With no path, the current folder is
searched. Files next to a Dockerfile (requirements.txt, ...) are read, never written.

Output: one line per problem, "path:line:col: CODE message", then a summary. [*]
marks a problem that "pydockerfile optimize" fixes safely.

Options:
  --format text|json           Output format (default: text). json prints one array of
                               {file, code, name, severity, message, line, column,
                               endLine, endColumn, fix} with 1-based positions
  --select CODES               Run only these rules (comma-separated codes or names)
  --ignore CODES               Skip these rules (comma-separated codes or names)
  --severity-threshold LEVEL   hint|info|warning|error (default: warning). Problems at or
                               above LEVEL make the exit code 1. By default "info"
                               (advice with a trade-off) and "hint" are shown but never
                               fail a CI run; pass --severity-threshold info to fail on them
  --unsafe-fixes               Also show fixes that may change what the image does
                               ([unsafe fix] marker; the json "fix" field includes them)
  -h, --help                   Show this help
  --version                    Show the version

Exit codes: 0 = nothing at or above the threshold, 1 = problems, 2 = usage error or a
file that could not be read (binary or non-UTF-8 files are skipped with a message;
they cause exit code 2 only when nothing else could be checked).

Examples:
  pydockerfile check
  pydockerfile check Dockerfile docker/worker.Dockerfile
  pydockerfile check . --select PYD201,PYD301 --format json
  pydockerfile check --ignore PYD102 --severity-threshold error
`;

/** Help for `pydockerfile optimize`. */
export const OPTIMIZE_HELP = `Usage: pydockerfile optimize <file> [--unsafe] [--diff | --write]

Apply every safe fix, repeatedly until nothing changes, and print the optimized
Dockerfile on stdout exactly (no extra newline). Every change is the fix of a rule
listed by "pydockerfile check". A summary of the applied codes and skipped steps goes
to stderr. Line endings, a byte-order mark, comments and indentation are kept.

Options:
  --unsafe       Also apply unsafe fixes (they may change what the image does: review them)
  --diff         Print a unified diff (--- a/<file>, +++ b/<file>) instead of the text
  --write        Rewrite the file in place, atomically, keeping its permissions
  -h, --help     Show this help
  --version      Show the version

Exit codes: 0 = done (changed or not), 2 = usage error or unreadable file.

Examples:
  pydockerfile optimize Dockerfile > Dockerfile.optimized
  pydockerfile optimize Dockerfile --diff
  pydockerfile optimize Dockerfile --unsafe --diff | less
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
