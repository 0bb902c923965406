// Entry point the benchmark bundles (with esbuild) to call the engine in-process.
export { lint } from '../../server/src/engine/lint';
export { DocumentModel } from '../../server/src/model/document-model';
export { ALL_RULES } from '../../server/src/rules/index';
