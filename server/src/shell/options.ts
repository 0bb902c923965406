// Option/operand splitting shared by the pip and project-tool argument models.
import type { Word } from './lexer';

/** One option of a command line, as pip's optparse, click, cleo and clap read them. */
export interface ParsedOption {
  /** The option name as written, without `=value` (`-r`, `--only`). */
  name: string;
  word: Word;
  /** The value: the next word, or the `=value`/attached part of this word (as text). */
  value: string | null;
  valueWord: Word | null;
}

/**
 * Splits words into options and operands: `--name=value`, `--name value`, `-xVALUE`,
 * `-x VALUE`, clusters of short flags where the first one that takes a value consumes the
 * rest of the word or the next word (`-qr requirements.txt`), and `--`.
 */
export function splitOptions(words: readonly Word[], valueOptions: ReadonlySet<string>): { options: ParsedOption[]; operands: Word[] } {
  const options: ParsedOption[] = [];
  const operands: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as Word;
    const v = w.value;
    if (v === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq >= 0) {
        options.push({ name: v.slice(0, eq), word: w, value: v.slice(eq + 1), valueWord: null });
      } else if (valueOptions.has(v)) {
        const next = words[i + 1] ?? null;
        options.push({ name: v, word: w, value: next ? next.value : null, valueWord: next });
        i++;
      } else {
        options.push({ name: v, word: w, value: null, valueWord: null });
      }
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let k = 1; k < v.length; k++) {
        const name = `-${v[k] as string}`;
        if (!valueOptions.has(name)) {
          options.push({ name, word: w, value: null, valueWord: null });
          continue;
        }
        if (k + 1 < v.length) {
          options.push({ name, word: w, value: v.slice(k + 1).replace(/^=/, ''), valueWord: null });
        } else {
          const next = words[i + 1] ?? null;
          options.push({ name, word: w, value: next ? next.value : null, valueWord: next });
          i++;
        }
        break;
      }
      continue;
    }
    operands.push(w);
  }
  return { options, operands };
}
