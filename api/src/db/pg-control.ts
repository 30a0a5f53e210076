import fs from 'node:fs';
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
