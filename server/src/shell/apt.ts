// Argument models of Debian's apt-get/apt and Alpine's apk.
import type { Word } from './lexer';
import type { ShellScript, SimpleCommand } from './parser';
import { memoOf } from './memo';
import { baseName, effectiveWords, programInitial } from './query';

export interface AptCommand {
  command: SimpleCommand;
  tool: 'apt-get' | 'apt' | 'aptitude';
  /** The subcommand (`install`, `update`, …), or null if none was found. */
  sub: string | null;
  subWord: Word | null;
  options: Word[];
  packages: Word[];
  /** `-y`, `--yes`, `--assume-yes`, or a short cluster containing `y`. */
  assumeYes: boolean;
  noInstallRecommends: boolean;
}

const APT_VALUE_OPTIONS = new Set(['-o', '-t', '-c', '--option', '--target-release', '--default-release', '--config-file']);

/** `a`: the initial of apt, apt-get and aptitude. */
const A = 0x61;

/** Whether a command's program word may name apt, apt-get or aptitude ({@link aptCommand}'s programs), by its first character. */
export function mayBeAptTool(word: Word | undefined): boolean {
  return programInitial(word) === A;
}

/**
 * Whether a program name is one {@link aptCommand} reads (apt-get, apt, aptitude): rules that
 * already hold a command's program name use it to skip the memo lookup for every other command.
 */
export function isAptProgram(name: string): name is AptCommand['tool'] {
  return name === 'apt-get' || name === 'apt' || name === 'aptitude';
}

/** Recognises an apt-get/apt/aptitude invocation. */
export function aptCommand(cmd: SimpleCommand): AptCommand | null {
  // Asked by several rules about every command: read each command once.
  const memo = memoOf(cmd);
  const known = memo.aptCommand;
  return known !== undefined ? known : (memo.aptCommand = readAptCommand(cmd));
}

function readAptCommand(cmd: SimpleCommand): AptCommand | null {
  const words = effectiveWords(cmd);
  const tool = baseName(words[0]);
  if (!isAptProgram(tool)) return null;
  const options: Word[] = [];
  const packages: Word[] = [];
  /** Values of `-o`/`--option` configuration items, however they were attached. */
  const configItems: string[] = [];
  let sub: Word | null = null;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as Word;
    const v = w.value;
    if (v.startsWith('-') && v.length > 1) {
      options.push(w);
      if (APT_VALUE_OPTIONS.has(v)) {
        const next = words[i + 1];
        if (next) {
          if (v === '-o' || v === '--option') configItems.push(next.value);
          options.push(next);
        }
        i++;
      } else if (v.startsWith('--option=')) {
        configItems.push(v.slice('--option='.length));
      } else if (/^-o./.test(v)) {
        configItems.push(v.slice(2).replace(/^=/, ''));
      }
      continue;
    }
    if (sub === null) sub = w;
    else packages.push(w);
  }
  const flags = options.map((o) => o.value);
  const configTrue = (key: RegExp): boolean => configItems.some((item) => key.test(item));
  const assumeYes =
    flags.some((f) => f === '--yes' || f === '--assume-yes' || /^-[a-z]*y[a-z]*$/.test(f)) ||
    configTrue(/^APT::Get::Assume-Yes=(true|1|yes)$/i);
  const noInstallRecommends = flags.includes('--no-install-recommends') || configTrue(/^APT::Install-Recommends=(false|0|no)$/i);
  return { command: cmd, tool, sub: sub ? sub.value : null, subWord: sub, options, packages, assumeYes, noInstallRecommends };
}

/** Subcommands that neither read nor refresh the package index. */
const INDEX_FREE_SUBCOMMANDS = new Set([
  'update', 'clean', 'autoclean', 'auto-clean', 'remove', 'purge', 'autoremove', 'auto-remove', 'autopurge', 'help',
]);

/** `apt-get update`, `apt update` or `aptitude update`. */
export function isAptUpdate(cmd: SimpleCommand): boolean {
  return aptCommand(cmd)?.sub === 'update';
}

/**
 * Whether a command reads the package index that `apt-get update` downloads: installs,
 * upgrades, `build-dep`, `source`, `download`, searches, and every `apt-cache` query.
 */
export function usesAptIndex(cmd: SimpleCommand): boolean {
  const apt = aptCommand(cmd);
  if (apt) return apt.sub !== null && !INDEX_FREE_SUBCOMMANDS.has(apt.sub);
  const program = baseName(effectiveWords(cmd)[0]);
  return program === 'apt-cache' || program === 'install_packages';
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox', 'eval', 'source', '.']);
/** An apt tool named as a command inside an argument; paths such as `/etc/apt/…` do not count. */
const APT_MENTION_RE = /(^|[\s;&|(`'"])(apt|apt-get|apt-cache|aptitude|install_packages)(\s|$|[;&|)`'"])/;

/**
 * Whether a command reads the package index or might: definite users (see `usesAptIndex`),
 * shells and scripts whose content is unknown, and commands that mention apt in an argument
 * (`sh -c "apt-get install …"`).
 */
export function mayUseAptIndex(cmd: SimpleCommand): boolean {
  if (aptCommand(cmd)) return usesAptIndex(cmd);
  if (usesAptIndex(cmd)) return true;
  const words = effectiveWords(cmd);
  const program = words[0]?.value ?? '';
  if (SHELLS.has(baseName(words[0])) || program.startsWith('./') || program.startsWith('../') || program.endsWith('.sh')) return true;
  return words.some((w) => APT_MENTION_RE.test(w.value));
}

/**
 * The first `apt-get update` of a RUN script that has no use of the index in the same script
 * (PYD302): no install, upgrade or query anywhere in it, and nothing after the update that
 * might read the index. Null when the script was not fully understood.
 */
export function loneAptUpdate(script: ShellScript): SimpleCommand | null {
  if (script.error !== undefined || script.opaque.length > 0) return null;
  const update = script.commands.find(isAptUpdate);
  if (!update) return null;
  if (script.commands.some(usesAptIndex)) return null;
  if (script.commands.some((c) => c.index > update.index && mayUseAptIndex(c))) return null;
  return update;
}

export interface ApkCommand {
  command: SimpleCommand;
  sub: string | null;
  subWord: Word | null;
  options: Word[];
  packages: Word[];
  noCache: boolean;
}

const APK_VALUE_OPTIONS = new Set(['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--cache-dir']);

/** Recognises an `apk` invocation. */
export function apkCommand(cmd: SimpleCommand): ApkCommand | null {
  const memo = memoOf(cmd);
  const known = memo.apkCommand;
  return known !== undefined ? known : (memo.apkCommand = readApkCommand(cmd));
}

function readApkCommand(cmd: SimpleCommand): ApkCommand | null {
  const words = effectiveWords(cmd);
  if (baseName(words[0]) !== 'apk') return null;
  const options: Word[] = [];
  const packages: Word[] = [];
  let sub: Word | null = null;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as Word;
    if (w.value.startsWith('-') && w.value.length > 1) {
      options.push(w);
      if (APK_VALUE_OPTIONS.has(w.value)) {
        const next = words[i + 1];
        if (next) options.push(next);
        i++;
      }
      continue;
    }
    if (sub === null) sub = w;
    else packages.push(w);
  }
  return { command: cmd, sub: sub ? sub.value : null, subWord: sub, options, packages, noCache: options.some((o) => o.value === '--no-cache') };
}
