// One-word descriptions of rule metadata shared by `pydockerfile rules` and the docs generator.
import type { RuleMeta } from '../rules/types';

/** How a rule's fix is summarised for users. */
export type FixLabel = 'none' | 'safe' | 'unsafe' | 'sometimes safe';

/**
 * Summarises a rule's fix declaration:
 * - `none`: the rule never offers a fix;
 * - `safe`: every finding has a fix that fix-all and Optimize apply without asking;
 * - `sometimes safe`: a fix is offered in some cases only, and applied automatically only
 *   where it is proven safe (the catalogue's GUARDED class, or a fix that is not always available);
 * - `unsafe`: the fix may change what the image does, so it is only applied on request.
 */
export function fixLabel(rule: Pick<RuleMeta, 'fix'>): FixLabel {
  const { availability, applicability } = rule.fix;
  if (availability === 'none' || applicability === 'none') return 'none';
  if (applicability === 'unsafe') return 'unsafe';
  return availability === 'always' ? 'safe' : 'sometimes safe';
}
