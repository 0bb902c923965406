// Translates the Alpine-only commands of a RUN (apk, BusyBox adduser/addgroup) to Debian ones.
import { aptPackagesFor } from '../knowledge/package-maps';
import { apkCommand, type ApkCommand } from '../shell/apt';
import type { Word } from '../shell/lexer';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords, fullyUnderstood } from '../shell/query';

/** A replacement of document text between two offsets. */
export interface SpanEdit {
  start: number;
  end: number;
  newText: string;
}

/** Commands that exist only on Alpine (or behave differently on Debian), as command names. */
const ALPINE_TOOLS = new Set(['apk', 'adduser', 'addgroup', 'deluser', 'delgroup', 'ash']);

/** An Alpine tool used as a command anywhere in a text (`/sbin/apk add`, `sh -c "apk del x"`, `/bin/ash`). */
const ALPINE_TOOL_RE = /(^|[\s;&|(`'"[,/])(apk|adduser|addgroup|deluser|delgroup|ash)(?=$|[\s;&|)`'",\]])/;

/** True when a text runs one of the Alpine-only tools. `/var/cache/apk/*` does not count. */
export function mentionsAlpineTool(text: string): boolean {
  return ALPINE_TOOL_RE.test(text);
}

/** `apk` options that change nothing once the command runs on Debian. */
const HARMLESS_APK_OPTIONS = new Set(['--no-cache', '-U', '--update', '--update-cache', '-q', '--quiet', '--no-progress']);
/** An Alpine package name without a version constraint. */
const APK_NAME_RE = /^[a-z0-9][a-z0-9+._-]*$/;

/** The Debian commands that install packages the way `apk add --no-cache` does: one layer, no index left behind. */
export function aptInstallChain(packages: readonly string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`;
}

/**
 * Translates the Alpine-only commands of a parsed RUN script. `virtuals` carries the
 * packages behind `apk add --virtual NAME` from earlier RUNs of the stage (and is updated).
 * Returns the edits (none when the script uses no Alpine tool), or null when some use cannot
 * be translated with confidence.
 */
export function translateAlpineScript(script: ShellScript, virtuals: Map<string, string[]>): SpanEdit[] | null {
  if (!fullyUnderstood(script)) return null;
  const edits: SpanEdit[] = [];
  const commands = script.commands;
  for (let i = 0; i < commands.length; i++) {
    const cmd = commands[i] as SimpleCommand;
    const tool = baseName(cmd.words[0]);
    if (!ALPINE_TOOLS.has(tool)) {
      // A wrapper (`sudo apk …`) or a nested script (`sh -c "apk add …"`) is not rewritten.
      if (effectiveWords(cmd).some((w) => mentionsAlpineTool(w.value)) || cmd.words.some((w) => mentionsAlpineTool(w.value))) return null;
      continue;
    }
    if (!plainCommand(cmd, commands[i - 1])) return null;
    let edit: SpanEdit | null = null;
    if (tool === 'apk') {
      const apk = apkCommand(cmd);
      if (!apk) return null;
      const next = commands[i + 1];
      if (apk.sub === 'update' && apk.packages.length === 0 && next && followsDirectly(cmd, next) && baseName(next.words[0]) === 'apk') {
        // `apk update && apk add …` becomes one install chain, which refreshes the index itself.
        const add = apkCommand(next);
        const chain = add && add.sub === 'add' && plainCommand(next, cmd) ? translateApkAdd(add, virtuals) : null;
        if (chain !== null) {
          edits.push({ start: cmd.start, end: next.end, newText: chain });
          i++;
          continue;
        }
      }
      const text = translateApk(apk, virtuals);
      edit = text === null ? null : { start: cmd.start, end: cmd.end, newText: text };
    } else if (tool === 'adduser') {
      const text = translateAddUser(cmd.words.slice(1));
      edit = text === null ? null : { start: cmd.start, end: cmd.end, newText: text };
    } else if (tool === 'addgroup') {
      const text = translateAddGroup(cmd.words.slice(1));
      edit = text === null ? null : { start: cmd.start, end: cmd.end, newText: text };
    }
    if (!edit) return null;
    edits.push(edit);
  }
  // Comment lines inside a rewritten span would be lost.
  const comments = script.comments ?? [];
  if (edits.some((e) => comments.some((c) => c.start < e.end && c.end > e.start))) return null;
  return edits;
}

/**
 * A command we can replace as a whole: no inline variables, redirections, expansions or
 * wrappers, and not part of a pipeline or a background job.
 */
function plainCommand(cmd: SimpleCommand, prev: SimpleCommand | undefined): boolean {
  if (cmd.assignments.length > 0 || cmd.redirects.length > 0 || cmd.negated) return false;
  if (cmd.words.some((w) => w.hasExpansion || w.hasGlob)) return false;
  const piped = (c: SimpleCommand | undefined): boolean => c !== undefined && (c.connector === '|' || c.connector === '|&' || c.connector === '&');
  return !piped(cmd) && !piped(prev);
}

/** `a && b` or `a; b` at the same nesting level. */
function followsDirectly(cmd: SimpleCommand, next: SimpleCommand): boolean {
  return (cmd.connector === '&&' || cmd.connector === ';') && cmd.depth === next.depth;
}

/** `apk update`, `apk add`, `apk del` in Debian terms; null for anything else. */
function translateApk(apk: ApkCommand, virtuals: Map<string, string[]>): string | null {
  if (apk.sub === 'update' && apk.packages.length === 0 && apk.options.every((o) => HARMLESS_APK_OPTIONS.has(o.value))) return 'apt-get update';
  if (apk.sub === 'add') return translateApkAdd(apk, virtuals);
  if (apk.sub === 'del') return translateApkDel(apk, virtuals);
  return null;
}

/** `apk add [--no-cache] [--virtual NAME] pkgs…` → the apt-get install chain; records virtual packages. */
function translateApkAdd(apk: ApkCommand, virtuals: Map<string, string[]>): string | null {
  let virtual: string | null = null;
  for (let i = 0; i < apk.options.length; i++) {
    const option = (apk.options[i] as Word).value;
    if (HARMLESS_APK_OPTIONS.has(option)) continue;
    if ((option === '--virtual' || option === '-t') && apk.options[i + 1]) {
      virtual = (apk.options[i + 1] as Word).value;
      i++;
      continue;
    }
    return null;
  }
  const names = apk.packages.map((w) => w.value);
  if (names.length === 0 || !names.every((n) => APK_NAME_RE.test(n))) return null;
  const packages = aptPackagesFor(names);
  if (packages === null || packages.length === 0) return null;
  if (virtual !== null) virtuals.set(virtual, packages);
  return aptInstallChain(packages);
}

/** `apk del pkgs…` (or a virtual package name) → `apt-get purge -y --auto-remove …`. */
function translateApkDel(apk: ApkCommand, virtuals: Map<string, string[]>): string | null {
  if (!apk.options.every((o) => o.value === '-q' || o.value === '--quiet' || o.value === '--no-progress' || o.value === '--no-cache')) return null;
  const packages: string[] = [];
  for (const word of apk.packages) {
    const mapped = virtuals.get(word.value) ?? (APK_NAME_RE.test(word.value) ? aptPackagesFor([word.value]) : null);
    if (!mapped) return null;
    for (const p of mapped) if (!packages.includes(p)) packages.push(p);
  }
  if (packages.length === 0) return null;
  return `apt-get purge -y --auto-remove ${packages.join(' ')}`;
}

/** Parsed options of a BusyBox applet: values by option letter, plus the operands. */
interface AppletArgs {
  options: Map<string, string | true>;
  operands: string[];
}

/**
 * Parses BusyBox-style arguments: clustered short flags (`-SD`), values attached or separate
 * (`-u1000`, `-u 1000`), long options with `=` or a separate value, options after operands.
 * Null on anything not listed.
 */
function parseApplet(words: readonly Word[], flags: string, valued: string, longs: Readonly<Record<string, string>>): AppletArgs | null {
  const options = new Map<string, string | true>();
  const operands: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const v = (words[i] as Word).value;
    if (v === '--') {
      operands.push(...words.slice(i + 1).map((w) => w.value));
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const letter = longs[eq >= 0 ? v.slice(2, eq) : v.slice(2)];
      if (letter === undefined) return null;
      if (!valued.includes(letter)) {
        if (eq >= 0) return null;
        options.set(letter, true);
        continue;
      }
      const value = eq >= 0 ? v.slice(eq + 1) : words[++i]?.value;
      if (value === undefined) return null;
      options.set(letter, value);
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let j = 1; j < v.length; j++) {
        const letter = v[j] as string;
        if (flags.includes(letter)) {
          options.set(letter, true);
          continue;
        }
        if (!valued.includes(letter)) return null;
        const value = j + 1 < v.length ? v.slice(j + 1) : words[++i]?.value;
        if (value === undefined) return null;
        options.set(letter, value);
        break;
      }
      continue;
    }
    operands.push(v);
  }
  return { options, operands };
}

/** Quotes a value for a POSIX shell when it needs it. */
function quote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

const ADDUSER_LONGS: Readonly<Record<string, string>> = {
  home: 'h', gecos: 'g', shell: 's', ingroup: 'G', 'disabled-password': 'D', 'empty-password': 'D',
  system: 'S', 'no-create-home': 'H', uid: 'u', skel: 'k',
};

/**
 * BusyBox `adduser [-SDH] [-h DIR] [-g GECOS] [-s SHELL] [-G GROUP] [-u UID] [-k SKEL] USER`
 * → Debian `useradd` with the same account: BusyBox creates the home directory unless `-H`,
 * puts system users in `nogroup` with `/bin/false` unless told otherwise, and otherwise
 * creates a group named after the user (as useradd does by default). Null for anything else,
 * including the two-operand form that adds a user to a group.
 */
export function translateAddUser(words: readonly Word[]): string | null {
  const args = parseApplet(words, 'DSH', 'hgsGuk', ADDUSER_LONGS);
  if (!args || args.operands.length !== 1) return null;
  const user = args.operands[0] as string;
  const opt = (letter: string): string | null => {
    const v = args.options.get(letter);
    return typeof v === 'string' ? v : null;
  };
  const system = args.options.has('S');
  // Without -D (or -S) BusyBox asks for a password interactively, which cannot work in a build.
  if (!system && !args.options.has('D')) return null;
  const out = ['useradd'];
  if (system) out.push('--system');
  const uid = opt('u');
  if (uid !== null) out.push('--uid', quote(uid));
  const group = opt('G') ?? (system ? 'nogroup' : null);
  if (group !== null) out.push('--gid', quote(group));
  const home = opt('h');
  if (home !== null) out.push('--home-dir', quote(home));
  const shell = opt('s') ?? (system ? '/bin/false' : null);
  if (shell !== null) out.push('--shell', quote(shell));
  const gecos = opt('g');
  if (gecos !== null) out.push('--comment', quote(gecos));
  const skel = opt('k');
  if (args.options.has('H')) {
    if (skel !== null) return null;
    out.push('--no-create-home');
  } else {
    out.push('--create-home');
    if (skel !== null) out.push('--skel', quote(skel));
  }
  out.push(quote(user));
  return out.join(' ');
}

/**
 * BusyBox `addgroup [-S] [-g GID] GROUP` → `groupadd`; `addgroup USER GROUP` (add an existing
 * user to a group) → `usermod -a -G GROUP USER`. Null for anything else.
 */
export function translateAddGroup(words: readonly Word[]): string | null {
  const args = parseApplet(words, 'S', 'g', { system: 'S', gid: 'g' });
  if (!args) return null;
  if (args.operands.length === 2 && args.options.size === 0) {
    return `usermod -a -G ${quote(args.operands[1] as string)} ${quote(args.operands[0] as string)}`;
  }
  if (args.operands.length !== 1) return null;
  const out = ['groupadd'];
  if (args.options.has('S')) out.push('--system');
  const gid = args.options.get('g');
  if (typeof gid === 'string') out.push('--gid', quote(gid));
  out.push(quote(args.operands[0] as string));
  return out.join(' ');
}
