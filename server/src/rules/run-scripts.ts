// The shell-form RUN instructions whose scripts parsed, with their stage: the loop most RUN rules start with.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { ShellScript } from '../shell/parser';

/** A shell-form RUN whose script parsed, with the stage it belongs to. */
export interface RunScript {
  stage: Stage;
  info: InstructionInfo;
  script: ShellScript;
}

/**
 * The RUNs among `infos` (by default every instruction, in document order) whose shell-form
 * script parsed without error. Exec-form and heredoc RUNs have no script, a script that failed
 * to parse would only invite guesses (false positives), and a RUN before the first FROM belongs
 * to no stage: all are skipped.
 */
export function* parsedRuns(model: DocumentModel, infos: readonly InstructionInfo[] = model.instructions): Generator<RunScript> {
  for (const info of infos) {
    if (info.keyword !== 'RUN' || !info.stage) continue;
    const script = model.shellOf(info);
    if (!script || script.error !== undefined) continue;
    yield { stage: info.stage, info, script };
  }
}
