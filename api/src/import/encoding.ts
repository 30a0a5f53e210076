/** Text encodings of Korean files: UTF-8 (with or without BOM) or CP949 (EUC-KR), detected when not given. */
import iconv from 'iconv-lite';
import type { TextEncoding } from './types.js';

/** Whether bytes are valid UTF-8; an incomplete sequence at the very end counts as valid (a cut sample). */
export function isValidUtf8(bytes: Uint8Array, truncated = false): boolean {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return truncated;
      const c = bytes[i + k] as number;
      if ((c & 0xc0) !== 0x80) return false;
    }
    i += need + 1;
  }
  return true;
}

/** The encoding of a sample of a file: valid UTF-8 (BOM or not) → utf-8, else cp949. */
export function detectEncoding(sample: Uint8Array, truncated = false): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  return isValidUtf8(sample, truncated) ? 'utf-8' : 'cp949';
}

/** Parses a user-given or .cpg encoding name; undefined when unknown. */
export function parseEncoding(name: string | undefined): TextEncoding | undefined {
  const n = (name ?? '').trim().toLowerCase().replace(/[_\s]/g, '-');
  if (['utf-8', 'utf8', '65001', 'utf-8-sig'].includes(n)) return 'utf-8';
  if (['cp949', '949', 'ms949', 'euc-kr', 'euckr', 'ks-c-5601-1987', 'ansi-949', 'windows-949', 'uhc'].includes(n))
    return 'cp949';
  return undefined;
}

/** Decodes a whole buffer (BOM stripped). */
export function decode(bytes: Uint8Array, encoding: TextEncoding): string {
  return iconv.decode(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    encoding === 'utf-8' ? 'utf-8' : 'cp949',
  );
}

/** Encodes text for a file in the given encoding (no BOM). */
export function encode(text: string, encoding: TextEncoding): Buffer {
  return iconv.encode(text, encoding === 'utf-8' ? 'utf-8' : 'cp949');
}

/** A streaming decoder (Node transform) for the encoding; strips a UTF-8 BOM. */
export function decodeStream(encoding: TextEncoding): NodeJS.ReadWriteStream {
  return iconv.decodeStream(encoding === 'utf-8' ? 'utf-8' : 'cp949', { stripBOM: true });
}

/** The label a WHATWG TextDecoder (used by the `shapefile` package) knows for the encoding. */
export function textDecoderLabel(encoding: TextEncoding): string {
  return encoding === 'utf-8' ? 'utf-8' : 'euc-kr';
}
