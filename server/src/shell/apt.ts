// Argument models of Debian's apt-get/apt and Alpine's apk.
import type { Word } from './lexer';
import type { SimpleCommand } from './parser';
import { baseName, effectiveWords } from './query';

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

/** Recognises an apt-get/apt/aptitude invocation. */
export function aptCommand(cmd: SimpleCommand): AptCommand | null {
  const words = effectiveWords(cmd);
  const tool = baseName(words[0]);
  if (tool !== 'apt-get' && tool !== 'apt' && tool !== 'aptitude') return null;
  const options: Word[] = [];
  const packages: Word[] = [];
  let sub: Word | null = null;
  let optionValues: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as Word;
    if (w.value.startsWith('-') && w.value.length > 1) {
      options.push(w);
      if (APT_VALUE_OPTIONS.has(w.value)) {
        const next = words[i + 1];
        if (next) {
          optionValues.push(next.value);
          options.push(next);
        }
        i++;
      }
      continue;
    }
    if (sub === null) sub = w;
    else packages.push(w);
  }
  const flags = options.map((o) => o.value);
  const assumeYes = flags.some((f) => f === '--yes' || f === '--assume-yes' || /^-[a-z]*y[a-z]*$/.test(f) || f === '-y');
  const noInstallRecommends =
    flags.includes('--no-install-recommends') || optionValues.some((v) => /^APT::Install-Recommends=(false|0|no)$/i.test(v));
  optionValues = [];
  return { command: cmd, tool, sub: sub ? sub.value : null, subWord: sub, options, packages, assumeYes, noInstallRecommends };
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
