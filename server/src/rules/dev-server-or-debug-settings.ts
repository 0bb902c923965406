// PYD410: the image starts a development server or bakes debug/development settings into its ENV.
import type { DocumentModel } from '../model/document-model';
import type { Range } from '../model/text';
import { defineRule } from './define-rule';
import { removeEnvKeyEdit, type EnvSetting } from './env-helpers';
import { finalEntry, pythonInvocation, serverCmd, valuesOf, type EntryCommand, type EntryWord, type FinalEntry } from './entrypoint-helpers';
import { chainEnv } from './env-helpers';
import type { Fix } from './types';

/** Project runners that start the command after `run` in the project's environment. */
const RUNNERS = new Set(['uv', 'poetry', 'pipenv', 'pdm', 'hatch', 'rye']);

/** Options of `uv run` that take a separate value. */
const UV_RUN_VALUES = new Set([
  '--with', '-w', '--with-editable', '--with-requirements', '--python', '-p', '--package', '--directory', '--project',
  '--env-file', '--extra', '--group', '--only-group', '--no-group', '--index', '--default-index', '--index-url',
  '--extra-index-url', '-f', '--find-links', '--config-file', '--cache-dir',
]);

/** Servers whose `--reload` watches the source tree and restarts on changes. */
const RELOADERS = new Set(['gunicorn', 'uvicorn', 'hypercorn', 'granian']);

/** Flask options before the subcommand that take a value. */
const FLASK_GLOBAL_VALUES = new Set(['--app', '-A', '--env-file', '-e']);

const TRUTHY = /^(1|true|yes|on)$/i;

/** The command after `uv run`, `poetry run`, `pipenv run` and the like (the words themselves). */
function afterRunner(words: EntryWord[]): EntryWord[] {
  const runner = words[0]?.value.slice((words[0]?.value.lastIndexOf('/') ?? -1) + 1) ?? '';
  if (!RUNNERS.has(runner)) return words;
  const run = words.findIndex((w, i) => i > 0 && w.value === 'run');
  if (run < 0) return words;
  let i = run + 1;
  while (i < words.length && (words[i] as EntryWord).value.startsWith('-')) {
    const v = (words[i] as EntryWord).value;
    if (v === '--') {
      i++;
      break;
    }
    i += runner === 'uv' && UV_RUN_VALUES.has(v) ? 2 : 1;
  }
  return words.slice(i);
}

/** The first word that is not an option (or an option's value) from `from` on. */
function subcommand(words: EntryWord[], from: number, valueOptions: ReadonlySet<string>): EntryWord | undefined {
  for (let i = from; i < words.length; i++) {
    const v = (words[i] as EntryWord).value;
    if (valueOptions.has(v)) i++;
    else if (!v.startsWith('-')) return words[i];
  }
  return undefined;
}

/** The index after a program or `python -m <module>` whose base name is `name`, or -1. */
function after(values: string[], names: readonly string[]): number {
  const program = values[0] ?? '';
  if (names.includes(program.slice(program.lastIndexOf('/') + 1))) return 1;
  const py = pythonInvocation(values);
  if (py?.module && names.includes(py.module.name)) return py.module.index + 1;
  if (py?.script && names.includes(py.script.path.slice(py.script.path.lastIndexOf('/') + 1))) return py.script.index + 1;
  return -1;
}

/** A development server started by a command: the word to point at and what it is. */
function devServer(words: EntryWord[]): { word: EntryWord; what: string } | null {
  const argv = afterRunner(words);
  const values = valuesOf(argv);
  const server = serverCmd(values);
  if (server?.server === 'flask') {
    const sub = subcommand(argv, server.index + 1, FLASK_GLOBAL_VALUES);
    if (sub?.value === 'run') return { word: sub, what: '`flask run` starts Flask\'s development server' };
  }
  if (server && RELOADERS.has(server.server)) {
    const reload = argv.slice(server.index + 1).find((w) => w.value === '--reload' || /^--reload=(1|true|yes|on)$/i.test(w.value));
    if (reload) return { word: reload, what: `\`${server.server} --reload\` watches the sources and restarts the server on every change` };
  }
  // Django: `python manage.py runserver`, `./manage.py runserver`, `django-admin runserver`.
  const django = after(values, ['manage.py', 'django-admin', 'django']);
  const command = django > 0 ? subcommand(argv, django, new Set(['--settings', '--pythonpath'])) : undefined;
  if (command && /^runserver(_plus)?$/.test(command.value)) return { word: command, what: `\`${command.value}\` starts Django's development server` };
  // FastAPI's CLI: `fastapi dev` is `fastapi run` with the reloader on.
  const fastapi = after(values, ['fastapi']);
  const mode = fastapi > 0 ? subcommand(argv, fastapi, new Set()) : undefined;
  if (mode?.value === 'dev') return { word: mode, what: '`fastapi dev` starts the development server with the reloader' };
  return null;
}

/** A debug or development setting among the ENV keys, with the text of the message. */
function debugSetting(setting: EnvSetting): string | null {
  const value = setting.value?.trim() ?? '';
  if (value === '' || value.includes('$')) return null;
  const shown = `\`${setting.name}=${value}\``;
  switch (setting.name) {
    case 'FLASK_DEBUG':
      return TRUTHY.test(value) ? `${shown} turns on Flask's interactive debugger, which runs code sent from the browser` : null;
    case 'FLASK_ENV':
      return /^development$/i.test(value) ? `${shown} puts Flask in development mode with the debugger on` : null;
    case 'DEBUG':
    case 'DJANGO_DEBUG':
      return TRUTHY.test(value) ? `${shown} turns on debug mode, which shows stack traces and settings to any visitor` : null;
    case 'ENV':
    case 'APP_ENV':
    case 'ENVIRONMENT':
      return /^dev/i.test(value) ? `${shown} bakes a development environment into an image that every environment runs` : null;
    default:
      return null;
  }
}

function serverAnchor(model: DocumentModel, entry: FinalEntry, command: EntryCommand, word: EntryWord): Range {
  if (word.info) return model.text.rangeOf(word.start, word.end);
  const first = command.words.find((w) => w.info !== null);
  return (first?.info ?? entry.entrypoint ?? entry.cmd ?? entry.stage.fromInfo).range;
}

export default defineRule({
  code: 'PYD410',
  name: 'dev-server-or-debug-settings',
  title: 'Keep development servers and debug settings out of the image',
  category: 'runtime',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes: 'Flags a final image that starts a development server (`flask run`, `manage.py runserver`, `fastapi dev`, or gunicorn, uvicorn, hypercorn or granian with `--reload`, also behind `uv run`, `poetry run` or `pipenv run`, `tini` or `sh -c`), and ENV keys of the final image that switch debugging or a development environment on: `FLASK_DEBUG` or `DEBUG` or `DJANGO_DEBUG` set to `1`/`true`/`yes`/`on`, `FLASK_ENV=development`, and `ENV`, `APP_ENV` or `ENVIRONMENT` set to `dev…`. Values taken from a build argument (`$VAR`) are left alone, and so are keys a later ENV sets back. For ENV keys, the fix removes the key; a development server has no automatic fix, since the production command depends on your app.',
    whyItMatters: 'Development servers are built for one developer: Flask\'s and Django\'s handle requests with little concurrency and their documentation says not to use them in production, and a reloader watches the whole source tree and restarts the app whenever a file changes. Debug modes show stack traces, settings and, for Flask\'s debugger, an interactive console to whoever triggers an error. Snyk\'s Python container guide lists "use a WSGI server" among its practices. An environment name frozen into the image also ties one immutable artifact to one environment, when the same image should move from staging to production and get its settings there.',
    example: 'FROM python:3.12-slim-bookworm\nENV FLASK_DEBUG=1\nCOPY . /app\nWORKDIR /app\nCMD ["flask", "run", "--host", "0.0.0.0"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]',
    fixSafety: 'Removing an ENV key is unsafe: the app may read it for more than debugging (a `DEBUG` that also picks a database, an `APP_ENV` that selects a settings file), so set it per deployment instead (`docker run -e`, Compose, Kubernetes) before you remove it from the image.',
    references: [
      'https://flask.palletsprojects.com/en/stable/deploying/',
      'https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver',
      'https://www.uvicorn.org/deployment/',
      'https://snyk.io/blog/best-practices-containerizing-python-docker/',
      'https://12factor.net/config',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const entry = finalEntry(model, ctx.env);
    for (const command of entry?.commands ?? []) {
      const found = devServer(command.words);
      if (!found || !entry) continue;
      ctx.report({ range: serverAnchor(model, entry, command, found.word), message: `${found.what}, not meant for production` });
    }
    const final = model.finalStage;
    if (!final) return;
    const { settings, last } = chainEnv(final);
    for (const setting of settings) {
      // A later ENV of the same key decides what the image holds.
      if (last.get(setting.name) !== setting) continue;
      const message = debugSetting(setting);
      if (!message) continue;
      const edit = removeEnvKeyEdit(model, setting);
      const fixes: Fix[] = edit ? [{ title: `Remove \`${setting.name}\` from the image`, applicability: 'unsafe', edits: [edit] }] : [];
      ctx.report({ range: setting.property.getRange(), message, fixes });
    }
  },
});
