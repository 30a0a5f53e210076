import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** CRC-32C (Castagnoli), the checksum PostgreSQL stores in `global/pg_control`. */
const TABLE = Uint32Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c >>> 0;
});

function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Whether a data folder's `global/pg_control` passes PostgreSQL's own check: the CRC-32C of the control data
 * equals the checksum stored right after it. The struct's size differs between versions, so the checksum is
 * looked for at every aligned offset of the first kilobyte (a damaged file matches at none). Lets start-up
 * refuse a damaged embedded database at once instead of after loading PostgreSQL (seconds on a slow machine).
 * A folder without the file is left to PostgreSQL.
 */
export function pgControlIntact(pgDir: string): boolean {
  const file = path.join(pgDir, 'global', 'pg_control');
  if (!fs.existsSync(file)) return true;
  const data = fs.readFileSync(file);
  for (let off = 4; off + 4 <= Math.min(data.length, 1024); off += 4) {
    if (crc32c(data.subarray(0, off)) === data.readUInt32LE(off)) return true;
  }
  return false;
}

/** Where PGlite's WebAssembly build of PostgreSQL lies (its version string is read from it). */
function pgliteWasmFile(): string | undefined {
  try {
    // the package's main entry lies in dist/, beside pglite.wasm
    return path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.wasm');
  } catch {
    return undefined;
  }
}

let pgliteMajor: string | null | undefined;

/**
 * The major version of PostgreSQL in the PGlite this project pins (@electric-sql/pglite 0.5.8). A folder of that
 * version passes at once; any other is checked against `pgliteMajorVersion()`, so an upgraded PGlite is never
 * refused its own folders because of this constant.
 */
const PGLITE_MAJOR_SEEN = '18';

/**
 * The major version of the PostgreSQL that PGlite runs, read from the version string in its WebAssembly file
 * (10 MB: a few hundred milliseconds on a busy machine, hence PGLITE_MAJOR_SEEN first). `null` when it cannot be
 * read: the version check is then left to PostgreSQL.
 */
export function pgliteMajorVersion(): string | null {
  if (pgliteMajor !== undefined) return pgliteMajor;
  pgliteMajor = null;
  const file = pgliteWasmFile();
  if (!file || !fs.existsSync(file)) return pgliteMajor;
  const wasm = fs.readFileSync(file);
  for (let at = wasm.indexOf('PostgreSQL '); at >= 0; at = wasm.indexOf('PostgreSQL ', at + 1)) {
    const m = /^PostgreSQL (\d+)\.\d+/.exec(wasm.subarray(at, at + 20).toString('latin1'));
    if (m) {
      pgliteMajor = m[1] as string;
      break;
    }
  }
  return pgliteMajor;
}

/** Why an embedded database folder cannot be opened, and what to do about it. */
export interface DataFolderProblem {
  cause: string;
  advice: string;
}

const MOVE_ASIDE = 'move that folder aside to start afresh (the sample data reloads)';
const DAMAGED = `it is corrupt: ${MOVE_ASIDE}, or restore it from a backup`;

/**
 * Cheap checks of a PostgreSQL data folder made earlier, before PGlite loads PostgreSQL (which takes seconds to
 * find the same damage, and may write to the folder while it tries): the files every cluster has are there and
 * its version is the one PGlite runs. Reads only. `undefined` when nothing is wrong, or for a new (absent or
 * empty) folder, which PGlite creates.
 */
export function dataFolderProblem(pgDir: string): DataFolderProblem | undefined {
  if (!fs.existsSync(pgDir) || fs.readdirSync(pgDir).length === 0) return undefined;
  const file = (...parts: string[]) => path.join(pgDir, ...parts);
  const entries = (dir: string) => (fs.existsSync(file(dir)) ? fs.readdirSync(file(dir)) : []);
  if (!fs.existsSync(file('PG_VERSION'))) return { cause: 'PG_VERSION is missing', advice: DAMAGED };
  const version = fs.readFileSync(file('PG_VERSION'), 'utf8').trim();
  if (!/^\d+$/.test(version)) return { cause: 'PG_VERSION is damaged', advice: DAMAGED };
  const major = version === PGLITE_MAJOR_SEEN ? version : pgliteMajorVersion();
  if (major && version !== major) {
    return {
      cause: `it was made by PostgreSQL ${version}, and this server runs PostgreSQL ${major}`,
      advice: `${MOVE_ASIDE}, or restore a backup made with PostgreSQL ${major} (to keep its data, dump it with PostgreSQL ${version} first)`,
    };
  }
  if (!fs.existsSync(file('global', 'pg_control'))) return { cause: 'global/pg_control is missing', advice: DAMAGED };
  if (!pgControlIntact(pgDir)) return { cause: 'global/pg_control fails its checksum', advice: DAMAGED };
  if (!entries('pg_wal').some((f) => /^[0-9A-F]{24}$/.test(f))) {
    return { cause: 'pg_wal holds no WAL segment', advice: DAMAGED };
  }
  if (entries('pg_xact').length === 0) return { cause: 'pg_xact, the commit log, is empty', advice: DAMAGED };
  return undefined;
}
