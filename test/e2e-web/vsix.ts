// Lists the entries of a .vsix (a zip) from its central directory, and says which entries the
// packaged extension must hold, so .vscodeignore mistakes show up as a failing e2e step.
import * as fs from 'node:fs';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
/** Fixed part of the end-of-central-directory record; a comment of up to 64 KiB may follow. */
const EOCD_SIZE = 22;

/**
 * Names of every entry in the zip file `file`. Reads the central directory only (no
 * decompression); zip64 archives are refused, since a .vsix of ours is far below 4 GiB.
 */
export function zipEntryNames(file: string): string[] {
  const data = fs.readFileSync(file);
  const eocd = findEndOfCentralDirectory(data);
  const count = data.readUInt16LE(eocd + 10);
  const directoryOffset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new Error(`${file} is a zip64 archive`);
  const names: string[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (data.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) throw new Error(`${file}: bad central directory entry ${index}`);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    names.push(data.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

function findEndOfCentralDirectory(data: Buffer): number {
  const earliest = Math.max(0, data.length - EOCD_SIZE - 0xffff);
  for (let offset = data.length - EOCD_SIZE; offset >= earliest; offset--) {
    if (data.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new Error('not a zip file: no end-of-central-directory record');
}

/**
 * The entries a .vsix of this extension must contain, and nothing else: vsce's two metadata
 * files, the manifest, README/CHANGELOG/LICENSE (vsce renames them), the icon, both bundles, the
 * two files the server bundle loads lazily (rule docs, the YAML parser: see esbuild.mjs) and the
 * grammar files.
 */
export function expectedVsixEntries(grammarFiles: readonly string[]): string[] {
  return [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/changelog.md',
    'extension/LICENSE.txt',
    'extension/images/icon.png',
    'extension/client/out/extension.js',
    'extension/server/out/server.js',
    'extension/server/out/rule-docs.json',
    'extension/server/out/yaml.js',
    'extension/server/out/optimize.js',
    'extension/server/out/hover-knowledge.js',
    ...grammarFiles.map((file) => `extension/syntaxes/${file}`),
  ].sort();
}
