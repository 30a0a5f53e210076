/** Streams a CSV file as records keyed by header name: encoding detected, BOM stripped, row numbers kept. */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { decodeStream, detectEncoding } from './encoding.js';
import type { ImportSource, SourceRecord, TextEncoding } from './types.js';

const SAMPLE_BYTES = 64 * 1024;

async function readSample(file: string): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    const size = (await fh.stat()).size;
    return { bytes: buf.subarray(0, bytesRead), truncated: bytesRead < size };
  } finally {
    await fh.close();
  }
}

/** Opens a CSV file (coordinates in `srid`, default WGS84); the first record is the header, the rest are yielded with their line numbers. */
export async function openCsv(file: string, encoding: TextEncoding | undefined, srid?: number): Promise<ImportSource> {
  const sample = await readSample(file);
  const enc = encoding ?? detectEncoding(sample.bytes, sample.truncated);
  const totalBytes = (await fs.promises.stat(file)).size;
  let bytes = 0;
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = input.pipe(decodeStream(enc)).pipe(
    parse({
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      info: true,
      relax_quotes: true,
      trim: false,
    }),
  );
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;
  const first = await iterator.next();
  const fields = first.done ? [] : first.value.record.map((h) => h.trim());
  async function* records(): AsyncGenerator<SourceRecord> {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const { record, info } = next.value;
        if (record.length === 1 && record[0]?.trim() === '') continue;
        const raw: Record<string, unknown> = {};
        fields.forEach((h, i) => {
          if (i < record.length) raw[h] = record[i];
        });
        const errors =
          record.length < fields.length
            ? [
                {
                  field: fields[record.length] ?? '(columns)',
                  message: `the row has ${record.length} columns, the header has ${fields.length}: columns from ${fields[record.length]} on are missing`,
                },
              ]
            : [];
        yield { row: info.lines, raw, geometry: null, errors };
      }
    } finally {
      input.destroy();
    }
  }
  return {
    format: 'csv',
    layer: path.basename(file).replace(/\.[^.]+$/, ''),
    srid: srid ?? 4326,
    sridFrom: srid ? 'option' : 'format',
    encoding: enc,
    fields,
    totalBytes,
    bytesRead: () => bytes,
    records: records(),
    warnings: [],
  };
}
