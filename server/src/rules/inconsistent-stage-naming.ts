// PYD418: stage naming hygiene: `as` cased unlike `FROM`, and `COPY --from=<index>`.
import type { Argument, Flag } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { resolveStageRef, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import { defineRule } from './define-rule';
import { flagsOf } from './helpers';
import { insertAt, replaceSpan } from './edit-helpers';
import type { Fix } from './types';

/** `upper`/`lower` for a keyword written entirely in one case, null for mixed case. */
function casing(word: string): 'upper' | 'lower' | null {
  if (word === word.toUpperCase()) return 'upper';
  if (word === word.toLowerCase()) return 'lower';
  return null;
}

/** The `AS` keyword of `FROM image AS name` (flags are not arguments), or undefined. */
function asKeyword(stage: Stage): Argument | undefined {
  const args = stage.from.getArguments();
  const word = args.length === 3 ? args[1] : undefined;
  return word && word.getValue().toLowerCase() === 'as' ? word : undefined;
}

/** Every name a reference could mean: stage aliases, image names and `--from` values. */
function usedNames(model: DocumentModel): Set<string> {
  const names = new Set<string>();
  for (const stage of model.stages) {
    if (stage.alias) names.add(stage.alias);
    const image = stage.from.getImage();
    if (image) names.add(image.toLowerCase());
  }
  for (const info of model.byKeyword('COPY')) {
    for (const flag of flagsOf(info)) {
      const value = flag.getName().toLowerCase() === 'from' ? flag.getValue() : null;
      if (value) names.add(value.toLowerCase());
    }
  }
  return names;
}

/** `AS <alias>` cased like the stage's `FROM` keyword. */
function aliasClause(stage: Stage, alias: string): string {
  return `${casing(stage.from.getInstruction()) === 'lower' ? 'as' : 'AS'} ${alias}`;
}

/**
 * Replaces `--from=<index>` by the stage's name, naming the stage `stage-<index>` first when
 * it has no alias (the name BuildKit itself shows for unnamed stages in its progress output).
 */
function nameReferenceFix(model: DocumentModel, flag: Flag, target: Stage): Fix | null {
  const valueRange = flag.getValueRange();
  if (!valueRange) return null;
  const edits: TextEdit[] = [];
  let alias = target.from.getBuildStage();
  if (!alias) {
    alias = `stage-${target.index}`;
    const imageRange = target.from.getImageRange();
    // Another stage, image or reference already uses the name: adding it could redirect it.
    if (!imageRange || target.from.getArguments().length !== 1 || usedNames(model).has(alias)) return null;
    edits.push(insertAt(model, model.text.offsetAt(imageRange.end), ` ${aliasClause(target, alias)}`));
  }
  edits.push(replaceSpan(model, model.text.offsetAt(valueRange.start), model.text.offsetAt(valueRange.end), alias));
  return { title: `Refer to the stage by name (\`--from=${alias}\`)`, applicability: 'safe', edits };
}

export default defineRule({
  code: 'PYD418',
  name: 'inconsistent-stage-naming',
  title: 'Name stages consistently and refer to them by name',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags two stage-naming habits: `FROM image as name` where the `as` keyword is cased differently from `FROM` (BuildKit\'s `FromAsCasing` check), and `COPY --from=<number>`, which refers to a stage by its position. ' +
      'The fixes match the keyword\'s casing and replace the number by the stage\'s name, first naming the stage `stage-<number>` when it has no `AS` clause.',
    whyItMatters:
      'A stage index silently points elsewhere as soon as someone inserts a stage above it: `COPY --from=0` then copies from the new first stage, and the build may still succeed with the wrong files. A name survives reordering and says what is being copied. ' +
      'Mixed keyword casing is harmless for Docker but BuildKit warns about it on every build, and consistent casing keeps the stage structure easy to scan.',
    example: 'FROM python:3.12-slim-bookworm as build\nRUN pip wheel --wheel-dir /wheels flask==3.0.3\nFROM python:3.12-slim-bookworm\nCOPY --from=0 /wheels /wheels',
    useInstead: 'FROM python:3.12-slim-bookworm AS build\nRUN pip wheel --wheel-dir /wheels flask==3.0.3\nFROM python:3.12-slim-bookworm\nCOPY --from=build /wheels /wheels',
    references: [
      'https://docs.docker.com/build/building/multi-stage/#name-your-build-stages',
      'https://docs.docker.com/reference/build-checks/from-as-casing/',
      'https://docs.docker.com/reference/dockerfile/#copy---from',
      'https://github.com/hadolint/hadolint/wiki/DL3022',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // The COPYs in document order, from the model's keyword index (most instructions are no
    // COPY): each stage's come together, after those of the stages before it.
    const copies = model.byKeyword('COPY');
    let next = 0;
    // COPYs before the first FROM belong to no stage.
    while (next < copies.length && (copies[next] as InstructionInfo).stage === null) next++;
    for (const stage of model.stages) {
      const as = asKeyword(stage);
      const fromCase = casing(stage.from.getInstruction());
      if (as && fromCase !== null && casing(as.getValue()) !== fromCase) {
        const wanted = fromCase === 'upper' ? 'AS' : 'as';
        ctx.report({
          range: as.getRange(),
          message: `\`${as.getValue()}\` is cased differently from \`${stage.from.getInstruction()}\`; write \`${wanted}\``,
          fixes: [{ title: `Write \`${wanted}\``, applicability: 'safe', edits: [{ range: as.getRange(), newText: wanted }] }],
        });
      }
      for (; next < copies.length && (copies[next] as InstructionInfo).stage === stage; next++) {
        const info = copies[next] as InstructionInfo;
        // `getFromFlag()` misses `--from` when another flag comes first.
        const flag = flagsOf(info).find((f) => f.getName().toLowerCase() === 'from');
        const value = flag?.getValue();
        if (!flag || !value || !/^\d+$/.test(value)) continue;
        // An index that names no earlier stage is an image reference Docker will reject itself.
        const target = resolveStageRef(model.stages, value, stage.index);
        if (!target) continue;
        const fix = nameReferenceFix(model, flag, target);
        const name = target.from.getBuildStage();
        ctx.report({
          range: flag.getRange(),
          message: name
            ? `\`--from=${value}\` refers to a stage by position; use its name \`${name}\``
            : `\`--from=${value}\` refers to a stage by position, which breaks when a stage is added above it`,
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  },
});
