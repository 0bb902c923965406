// PYD216: package index / mirror misconfiguration: duplicate --index-url, http, --trusted-host, credentials, repetition.
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import type { Word } from '../shell/lexer';
import type { SimpleCommand } from '../shell/parser';
import { pipInstall, type PipInstall, type PipOption } from '../shell/pip';
import { baseName, effectiveWords, programName } from '../shell/query';
import type { Fix, Severity } from './types';
import { defineRule } from './define-rule';
import { definedVariables, runCommands, runMounts, type CommandSite } from './helpers';
import { replaceSpan } from './edit-helpers';
import { insertLinesBelow, isVerbatim, removeWordsEdit } from './python-env-helpers';
import { toolSites } from './tool-helpers';

/** Variables that configure indexes (pip reads `PIP_<OPTION>`, uv its own names). */
const URL_VARIABLES = new Set([
  'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_FIND_LINKS',
  'UV_INDEX_URL', 'UV_EXTRA_INDEX_URL', 'UV_DEFAULT_INDEX', 'UV_INDEX', 'UV_FIND_LINKS',
]);
const TRUST_VARIABLES = new Set(['PIP_TRUSTED_HOST', 'UV_INSECURE_HOST']);

const PIP_PRIMARY = ['-i', '--index-url', '--index'];
/** In uv, `--index` adds an index; the primary one is `--default-index` (or the older `--index-url`). */
const UV_PRIMARY = ['-i', '--index-url', '--default-index'];
const URL_OPTIONS = ['-i', '--index-url', '--index', '--default-index', '--extra-index-url', '-f', '--find-links'];
const TRUST_OPTIONS = ['--trusted-host', '--allow-insecure-host'];

const LOOPBACK_RE = /^(localhost|127(\.\d+){3}|\[::1\])(:\d+)?$/i;
const URL_RE = /^([a-z][a-z0-9+.-]*):\/\/(?:([^/@\s]*)@)?([^/?#\s]*)/i;

interface ParsedUrl {
  scheme: string;
  userinfo: string | null;
  /** `host[:port]` as written. */
  host: string;
}

function parseUrl(text: string): ParsedUrl | null {
  const m = URL_RE.exec(text);
  return m ? { scheme: (m[1] as string).toLowerCase(), userinfo: m[2] ?? null, host: (m[3] as string).toLowerCase() } : null;
}

function hostname(host: string): string {
  return host.replace(/:\d+$/, '');
}

/** Plain HTTP to a host other than the machine itself. */
function isInsecure(url: ParsedUrl): boolean {
  return url.scheme === 'http' && !LOOPBACK_RE.test(url.host);
}

/**
 * Whether the user information of a URL holds a secret that ends up in the image: a literal
 * password, or a `$VARIABLE` that comes from ARG/ENV (build arguments used by RUN are recorded
 * in the image history; ENV values are stored in the image config). A variable provided by a
 * BuildKit secret mount (`env=NAME`) or a command substitution is fine.
 */
function leaksCredentials(url: ParsedUrl, scope: CredentialScope): boolean {
  if (url.userinfo === null || url.userinfo === '') return false;
  if (url.userinfo.includes('$(') || url.userinfo.includes('`')) return false;
  const refs = [...url.userinfo.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
  if (refs.length > 0) return refs.some((name) => scope.defined().has(name) && !scope.secretEnv().has(name));
  const colon = url.userinfo.indexOf(':');
  return colon >= 0 && colon < url.userinfo.length - 1;
}

/**
 * What decides whether a `$VARIABLE` in a URL leaks, computed on first use: most commands
 * carry no URL with credentials, and building these per command was most of this rule's time.
 */
interface CredentialScope {
  /** ENV/ARG variables defined before the instruction. */
  defined(): ReadonlyMap<string, string | null>;
  /** Names a BuildKit secret mount of the RUN exposes. */
  secretEnv(): ReadonlySet<string>;
}

const NO_SECRETS: ReadonlySet<string> = new Set();

/**
 * The scope of `info` in `stage`; secret mounts only count for a RUN's own commands. A class
 * rather than closures: one is made per RUN command, so it should cost one small object.
 */
class LazyScope implements CredentialScope {
  private known: ReadonlyMap<string, string | null> | undefined;
  private secrets: ReadonlySet<string> | undefined;

  constructor(
    private readonly stage: Stage,
    private readonly info: InstructionInfo,
    private readonly withSecrets: boolean,
  ) {}

  defined(): ReadonlyMap<string, string | null> {
    return (this.known ??= definedVariables(this.stage, this.info));
  }

  secretEnv(): ReadonlySet<string> {
    return (this.secrets ??= this.withSecrets ? secretEnvNames(this.info) : NO_SECRETS);
  }
}

/** No findings, shared: most commands have none, and callers only read the list. */
const NO_REPORTS: readonly Report[] = Object.freeze([]);

/** What a finding is about; decides severity (catalogue: error a/d, warning b/c, info e). */
type Kind = 'duplicate' | 'http' | 'trusted' | 'credentials' | 'repeated';
const SEVERITY: Record<Kind, Severity> = { duplicate: 'error', credentials: 'error', http: 'warning', trusted: 'warning', repeated: 'info' };

interface Report {
  kind: Kind;
  start: number;
  end: number;
  message: string;
  fixes: Fix[];
}

/** Replaces `http://` with `https://` inside a word, when the word is written in one piece. */
function httpsEdit(model: DocumentModel, word: Word, url: string): TextEdit | null {
  if (!isVerbatim(model, word)) return null;
  const at = word.raw.indexOf(url);
  if (at < 0 || !/^http:\/\//i.test(url)) return null;
  return replaceSpan(model, word.start + at, word.start + at + 'http'.length, 'https');
}

function httpsFix(edit: TextEdit | null): Fix[] {
  return edit ? [{ title: 'Switch the index to `https://`', applicability: 'unsafe', edits: [edit] }] : [];
}

/** The span of an option and its value (`-i URL`, `--index-url=URL`). */
function optionSpan(option: PipOption): { start: number; end: number } {
  return { start: option.word.start, end: (option.valueWord ?? option.word).end };
}

/** Removes an option and its separate value word. */
function removeOptionEdit(model: DocumentModel, command: SimpleCommand, option: PipOption): TextEdit | null {
  return removeWordsEdit(model, command, option.word, option.valueWord ?? option.word);
}

/** Rewrites `-i X`/`--index-url X`/`--index-url=X` as `--extra-index-url …`. */
function toExtraIndexEdit(model: DocumentModel, option: PipOption): TextEdit | null {
  const { word } = option;
  if (!isVerbatim(model, word)) return null;
  if (option.valueWord && (word.raw === option.name)) return replaceSpan(model, word.start, word.end, '--extra-index-url');
  if (word.raw.startsWith(`${option.name}=`) && option.name.startsWith('--')) return replaceSpan(model, word.start, word.start + option.name.length, '--extra-index-url');
  return null;
}

/** (a) Several primary index options: only the last one counts. */
function duplicateIndexes(model: DocumentModel, pip: PipInstall): Report[] {
  const primary = pip.runner === 'uv' ? UV_PRIMARY : PIP_PRIMARY;
  const options = pip.options.filter((o) => primary.includes(o.name) && o.value !== null);
  const last = options[options.length - 1];
  if (!last || options.every((o) => o.value === last.value)) return [];
  return options.slice(0, -1).filter((o) => o.value !== last.value).map((option) => {
    const fixes: Fix[] = [];
    const extra = toExtraIndexEdit(model, option);
    if (extra) fixes.push({ title: `Make \`${option.value ?? ''}\` an \`--extra-index-url\``, applicability: 'unsafe', edits: [extra] });
    const removal = removeOptionEdit(model, pip.command, option);
    if (removal) fixes.push({ title: `Remove the ignored \`${option.name} ${option.value ?? ''}\``, applicability: 'unsafe', edits: [removal] });
    return {
      kind: 'duplicate' as const,
      ...optionSpan(option),
      message: `\`${option.name}\` is given more than once: pip only uses the last one (\`${last.value ?? ''}\`), so \`${option.value ?? ''}\` is ignored`,
      fixes,
    };
  });
}

/** (b) http indexes and (d) credentials in URL-valued options of a pip command. */
function urlOptions(model: DocumentModel, pip: PipInstall, scope: CredentialScope): Report[] {
  const reports: Report[] = [];
  for (const option of pip.options) {
    if (!URL_OPTIONS.includes(option.name) || option.value === null) continue;
    const url = parseUrl(option.value);
    if (!url) continue;
    const span = optionSpan(option);
    if (leaksCredentials(url, scope)) {
      reports.push({ kind: 'credentials', ...span, message: `The index URL of \`${option.name}\` carries credentials: they stay in the image history (use a BuildKit secret mount)`, fixes: [] });
    }
    if (isInsecure(url)) {
      const word = option.valueWord ?? option.word;
      reports.push({ kind: 'http', ...span, message: `The package index \`${url.scheme}://${url.host}\` is plain HTTP: downloads can be read and tampered with in transit`, fixes: httpsFix(httpsEdit(model, word, option.value)) });
    }
  }
  return reports;
}

/** Adds `more` to `reports` (a loop, not a spread call: most lists are empty). */
function append(reports: Report[], more: readonly Report[]): void {
  for (let i = 0; i < more.length; i++) reports.push(more[i] as Report);
}

/** (c) `--trusted-host`: removal is offered once every index of that host in the command is https. */
function trustedHosts(model: DocumentModel, pip: PipInstall): Report[] {
  const urls = pip.options.filter((o) => URL_OPTIONS.includes(o.name) && o.value !== null).map((o) => parseUrl(o.value as string)).filter((u): u is ParsedUrl => u !== null);
  return pip.options
    .filter((o) => TRUST_OPTIONS.includes(o.name) && o.value !== null)
    .map((option) => {
      const host = (option.value as string).toLowerCase();
      const same = urls.filter((u) => u.host === host || hostname(u.host) === host);
      const fixes: Fix[] = [];
      if (same.length > 0 && same.every((u) => u.scheme === 'https')) {
        const removal = removeOptionEdit(model, pip.command, option);
        if (removal) fixes.push({ title: `Remove \`${option.name} ${option.value ?? ''}\` (the index is https)`, applicability: 'unsafe', edits: [removal] });
      }
      return { kind: 'trusted' as const, ...optionSpan(option), message: `\`${option.name} ${option.value ?? ''}\` accepts plain HTTP and unverified TLS certificates from that host`, fixes };
    });
}

/** (e) The same primary index on several pip commands of a stage. */
function repeatedIndexes(model: DocumentModel, stage: Stage): Report[] {
  const byUrl = new Map<string, { site: CommandSite; pip: PipInstall; option: PipOption }[]>();
  const pips: PipInstall[] = [];
  // `pipInstall` is null for commands that run no Python tool: walk only those that do.
  for (const site of toolSites(model, stage)) {
    const pip = pipInstall(site.command);
    if (!pip) continue;
    pips.push(pip);
    const primary = pip.runner === 'uv' ? UV_PRIMARY : PIP_PRIMARY;
    const option = pip.options.filter((o) => primary.includes(o.name) && o.value !== null).pop();
    if (!option || option.valueWord?.hasExpansion || (option.value as string).includes('$')) continue;
    const url = option.value as string;
    const list = byUrl.get(url) ?? [];
    if (!list.some((x) => x.site.command === site.command)) list.push({ site, pip, option });
    byUrl.set(url, list);
  }
  const reports: Report[] = [];
  for (const [url, uses] of byUrl) {
    if (uses.length < 2) continue;
    const fix = centraliseFix(model, stage, url, uses, pips);
    for (const use of uses.slice(1)) {
      reports.push({
        kind: 'repeated',
        ...optionSpan(use.option),
        message: `The index \`${url}\` is repeated on ${uses.length} pip commands in this stage: configure it once with \`ARG PIP_INDEX_URL\` and \`ENV PIP_INDEX_URL\``,
        fixes: fix ? [fix] : [],
      });
    }
  }
  return reports;
}

/**
 * The CONFIRM centralisation: `ARG PIP_INDEX_URL=<url>` + `ENV PIP_INDEX_URL=${PIP_INDEX_URL}`
 * after the stage's FROM, and the option removed from every command. Offered only when every
 * pip command of the stage uses that index (so none changes its index), with plain pip and a
 * URL without credentials, and no PIP_INDEX_URL defined yet.
 */
function centraliseFix(model: DocumentModel, stage: Stage, url: string, uses: { pip: PipInstall; option: PipOption }[], pips: PipInstall[]): Fix | null {
  if (pips.length !== uses.length || uses.some((u) => u.pip.runner === 'uv')) return null;
  if (!/^https?:\/\/[^\s@"'$\\]+$/i.test(url) || definedVariables(stage, null).has('PIP_INDEX_URL')) return null;
  const edits: TextEdit[] = [insertLinesBelow(model, stage.fromInfo, [`ARG PIP_INDEX_URL=${url}`, 'ENV PIP_INDEX_URL=${PIP_INDEX_URL}'])];
  for (const use of uses) {
    if (use.pip.options.filter((o) => PIP_PRIMARY.includes(o.name)).length !== 1) return null;
    const edit = removeOptionEdit(model, use.pip.command, use.option);
    if (!edit) return null;
    edits.push(edit);
  }
  return { title: 'Configure the index once with `ARG`/`ENV PIP_INDEX_URL` and drop the repeated options', applicability: 'unsafe', edits };
}

/** Findings for ENV/ARG properties that configure indexes. */
function variableReports(model: DocumentModel, info: InstructionInfo): Report[] {
  if ((info.keyword !== 'ENV' && info.keyword !== 'ARG') || !info.stage) return [];
  const reports: Report[] = [];
  const scope = new LazyScope(info.stage, info, false);
  for (const prop of propertiesOf(info)) {
    const name = prop.getName();
    // Most variables are neither: skip them before reading values and ranges.
    if (!TRUST_VARIABLES.has(name) && !URL_VARIABLES.has(name)) continue;
    const value = prop.getValue();
    const range = prop.getValueRange();
    if (value === null || range === null) continue;
    const start = model.text.offsetAt(range.start);
    const end = model.text.offsetAt(range.end);
    if (TRUST_VARIABLES.has(name)) {
      reports.push({ kind: 'trusted', start, end, message: `\`${name}\` accepts plain HTTP and unverified TLS certificates from \`${value}\``, fixes: [] });
      continue;
    }
    if (!URL_VARIABLES.has(name)) continue;
    for (const part of value.split(/\s+/)) {
      const url = parseUrl(part);
      if (!url) continue;
      if (leaksCredentials(url, scope)) {
        reports.push({ kind: 'credentials', start, end, message: `\`${name}\` carries credentials: ${info.keyword === 'ENV' ? 'ENV values are stored in the image configuration' : 'build arguments are recorded in the image history'} (use a BuildKit secret mount)`, fixes: [] });
      }
      if (isInsecure(url)) {
        const text = model.content.slice(start, end);
        const at = text.indexOf(part);
        const edit = at >= 0 && /^http:\/\//i.test(part) ? replaceSpan(model, start + at, start + at + 'http'.length, 'https') : null;
        reports.push({ kind: 'http', start, end, message: `\`${name}\` points at the plain HTTP index \`${url.scheme}://${url.host}\`: downloads can be read and tampered with in transit`, fixes: httpsFix(edit) });
      }
    }
  }
  return reports;
}

const ASSIGNMENT_RE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** No candidates, shared: most commands have no `=` word, and callers only read the list. */
const NO_WORDS: readonly Word[] = Object.freeze([]);

/** The words of a command that may be `NAME=value`: most words have no `=` at all. */
function assignmentCandidates(command: SimpleCommand): readonly Word[] {
  // Indexed loops: asked of every RUN command, too rarely for V8 to optimise for-of iterators away.
  // The list is made on the first candidate only.
  let found: Word[] | undefined;
  for (let i = 0; i < command.assignments.length; i++) if ((command.assignments[i] as Word).value.includes('=')) (found ??= []).push(command.assignments[i] as Word);
  for (let i = 0; i < command.words.length; i++) if ((command.words[i] as Word).value.includes('=')) (found ??= []).push(command.words[i] as Word);
  return found ?? NO_WORDS;
}

/** Findings for `NAME=value` words (inline assignments, `env`, `export`) in RUN commands. */
function assignmentReports(model: DocumentModel, site: CommandSite, scope: CredentialScope): readonly Report[] {
  const candidates = assignmentCandidates(site.command);
  if (candidates.length === 0) return NO_REPORTS;
  const reports: Report[] = [];
  for (const word of candidates) {
    const m = ASSIGNMENT_RE.exec(word.value);
    if (!m) continue;
    const name = m[1] as string;
    const value = m[2] as string;
    if (TRUST_VARIABLES.has(name)) {
      reports.push({ kind: 'trusted', start: word.start, end: word.end, message: `\`${name}\` accepts plain HTTP and unverified TLS certificates from \`${value}\``, fixes: [] });
      continue;
    }
    if (!URL_VARIABLES.has(name)) continue;
    for (const part of value.split(/\s+/)) {
      const url = parseUrl(part);
      if (!url) continue;
      if (leaksCredentials(url, scope)) reports.push({ kind: 'credentials', start: word.start, end: word.end, message: `\`${name}\` carries credentials: they stay in the image history (use a BuildKit secret mount)`, fixes: [] });
      if (isInsecure(url)) {
        reports.push({ kind: 'http', start: word.start, end: word.end, message: `\`${name}\` points at the plain HTTP index \`${url.scheme}://${url.host}\`: downloads can be read and tampered with in transit`, fixes: httpsFix(httpsEdit(model, word, part)) });
      }
    }
  }
  return reports;
}

const PIP_CONFIG_FILE_RE = /(^|\/)pip\.(conf|ini)$/;
const PIP_PROGRAM_RE = /^pip(\d+(\.\d+)?)?$/;

/** `pip config set <key> <value>` (also `python -m pip config …`), as [key, value] words. */
function pipConfigSet(command: SimpleCommand): [Word, Word] | null {
  // Asked of every command: only one with a `config` word can be `pip config set`.
  if (!command.words.some((w) => w.value === 'config')) return null;
  const words = effectiveWords(command);
  const values = words.map((w) => w.value);
  const isPip = PIP_PROGRAM_RE.test(baseName(words[0])) || (/^python(\d+(\.\d+)?)?$/.test(baseName(words[0])) && values.includes('-m') && values[values.indexOf('-m') + 1] === 'pip');
  const config = values.indexOf('config');
  const set = values.indexOf('set', config + 1);
  if (!isPip || config < 0 || set < 0) return null;
  const operands = words.slice(set + 1).filter((w) => !w.value.startsWith('-'));
  return operands[0] && operands[1] ? [operands[0], operands[1]] : null;
}

/**
 * Findings for a pip configuration written by RUN: `pip config set …`, or text redirected or
 * `tee`d into a `pip.conf`/`pip.ini`. Reported without fixes: the file format varies too much.
 */
function configReports(site: CommandSite, scope: CredentialScope): readonly Report[] {
  const { command } = site;
  let words: Word[];
  const set = pipConfigSet(command);
  if (set) {
    words = [set[0], set[1]];
  } else {
    const intoFile = command.redirects.some((r) => (r.op.op === '>' || r.op.op === '>>') && r.target !== null && PIP_CONFIG_FILE_RE.test(r.target.value));
    // `programName` is the memoized base name of the program word: no slice per command.
    const viaTee = programName(command) === 'tee' && command.words.some((w) => PIP_CONFIG_FILE_RE.test(w.value));
    if (!intoFile && !viaTee) return NO_REPORTS;
    words = command.words;
  }
  const text = words.map((w) => w.value).join(' ');
  const reports: Report[] = [];
  const span = { start: command.start, end: command.end };
  if (/trusted-host/.test(text)) reports.push({ kind: 'trusted', ...span, message: 'The pip configuration written here sets `trusted-host`, which accepts plain HTTP and unverified TLS certificates from that host', fixes: [] });
  for (const m of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s"'\\]+/gi)) {
    const url = parseUrl(m[0]);
    if (!url) continue;
    if (leaksCredentials(url, scope)) reports.push({ kind: 'credentials', ...span, message: 'The pip configuration written here stores index credentials in the image (use a BuildKit secret mount)', fixes: [] });
    if (isInsecure(url)) reports.push({ kind: 'http', ...span, message: `The pip configuration written here uses the plain HTTP index \`${url.scheme}://${url.host}\`: downloads can be read and tampered with in transit`, fixes: [] });
  }
  return reports;
}

/** Names exposed to a RUN by `--mount=type=secret,env=NAME`. */
function secretEnvNames(info: InstructionInfo): Set<string> {
  return new Set(runMounts(info).filter((m) => m.get('type') === 'secret' && m.has('env')).map((m) => m.get('env') as string));
}

export default defineRule({
  code: 'PYD216',
  name: 'package-index-misconfiguration',
  title: 'Configure package indexes once, over HTTPS and without credentials',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3064'],
  docs: {
    whatItDoes:
      'Checks where pip (and uv) get packages from: options of `pip install` (`-i`/`--index-url`, `--extra-index-url`, `-f`/`--find-links`, `--trusted-host`), the `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`, `PIP_TRUSTED_HOST` variables and their `UV_*` counterparts (ENV, ARG, inline or `export`), and pip configuration written by RUN (`pip config set`, text redirected into `pip.conf`). It reports: ' +
      '(a, error) the primary index given twice on one command, where only the last one counts; ' +
      '(b, warning) an `http://` index other than localhost; ' +
      '(c, warning) `--trusted-host` or its variables; ' +
      '(d, error) credentials in an index URL — a literal password, or a `$VARIABLE` that comes from ARG/ENV rather than a BuildKit secret mount; ' +
      '(e, info) the same index repeated on several pip commands of a stage instead of being configured once.',
    whyItMatters:
      '(a) pip keeps only the last `--index-url`, so one mirror is silently ignored; `--extra-index-url` was probably meant. ' +
      '(b, c) Plain HTTP and `--trusted-host` turn off TLS verification for that host, so anyone on the network path can swap packages (Parfum repairs `http://` for curl and wget for the same reason). ' +
      '(d) URLs in RUN commands and build arguments are recorded in the image history, and ENV values in the image configuration: anyone who can pull the image can read the credentials. BuildKit secret mounts keep them out. ' +
      '(e) Repeating a mirror on every command is easy to get wrong once it changes; `ARG PIP_INDEX_URL` + `ENV PIP_INDEX_URL=${PIP_INDEX_URL}` configures it once and lets CI override it with `--build-arg`.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -i http://pypi.mirror.example/simple --trusted-host pypi.mirror.example -r requirements.txt',
    useInstead: 'FROM python:3.12-slim-bookworm\nARG PIP_INDEX_URL=https://pypi.mirror.example/simple\nENV PIP_INDEX_URL=${PIP_INDEX_URL}\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    fixSafety:
      'Every fix changes where packages come from, so none is applied without confirmation. ' +
      'Switching to `https://` fails the build if the mirror does not serve TLS; removing `--trusted-host` (offered once the host\'s index is https) fails it if the mirror uses a certificate the image does not trust. ' +
      'For a duplicate `--index-url`, the first choice turns the ignored one into `--extra-index-url` (pip then consults both), the second removes it (the build keeps its current behaviour). ' +
      'Configuring a repeated index once with ARG/ENV also makes it the default for later pip runs in that stage and, through ENV, in containers started from it; it is only offered when every pip command of the stage already uses that index. ' +
      'Credentials are never rewritten: move them to a BuildKit secret (`RUN --mount=type=secret,…`).',
    references: [
      'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-i',
      'https://pip.pypa.io/en/stable/topics/configuration/',
      'https://pip.pypa.io/en/stable/topics/authentication/',
      'https://docs.docker.com/build/building/secrets/',
      'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const reports: Report[] = [];
    for (const info of model.instructions) if (info.keyword === 'ENV' || info.keyword === 'ARG') append(reports, variableReports(model, info));
    for (const stage of model.stages) {
      for (const site of runCommands(model, stage)) {
        const scope = new LazyScope(stage, site.info, true);
        append(reports, assignmentReports(model, site, scope));
        append(reports, configReports(site, scope));
        const pip = pipInstall(site.command);
        if (!pip) continue;
        append(reports, duplicateIndexes(model, pip));
        append(reports, urlOptions(model, pip, scope));
        append(reports, trustedHosts(model, pip));
      }
      append(reports, repeatedIndexes(model, stage));
    }
    for (const r of reports) {
      ctx.report({ range: model.text.rangeOf(r.start, r.end), message: r.message, severity: SEVERITY[r.kind], ...(r.fixes.length > 0 ? { fixes: r.fixes } : {}) });
    }
  },
});
