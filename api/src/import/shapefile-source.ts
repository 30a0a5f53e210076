/**
 * Reads an ESRI Shapefile: a `.zip` holding one or more layers, or a `.shp` with its sibling `.dbf`,
 * `.prj` and `.cpg` on disk. The coordinate system comes from the `.prj` (OGC or ESRI WKT) unless
 * `srid` is given; DBF text is decoded as the `.cpg` says, else as given, else detected.
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import * as shapefile from 'shapefile';
import { ApiError } from '../errors.js';
import { isKnownSrid, sridFromPrj } from './crs.js';
import { decode, detectEncoding, parseEncoding, textDecoderLabel } from './encoding.js';
import type { ImportSource, SourceRecord, TextEncoding } from './types.js';

interface Layer {
  name: string;
  shp: Uint8Array | string;
  dbf?: Uint8Array | string;
  prj?: string;
  cpg?: string;
}

function layersInZip(file: string): Layer[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(fs.readFileSync(file)));
  } catch (err) {
    throw ApiError.badRequest(`The .zip cannot be opened: ${(err as Error).message}`, [
      { field: 'file', message: 'not a valid zip archive' },
    ]);
  }
  const byLower = new Map(Object.keys(entries).map((k) => [k.toLowerCase(), k]));
  const sibling = (base: string, ext: string) => {
    const k = byLower.get(`${base.toLowerCase()}.${ext}`);
    return k ? entries[k] : undefined;
  };
  return Object.keys(entries)
    .filter((k) => k.toLowerCase().endsWith('.shp') && !k.startsWith('__MACOSX/'))
    .map((k) => {
      const base = k.slice(0, -4);
      const prj = sibling(base, 'prj');
      const cpg = sibling(base, 'cpg');
      return {
        name: path.posix.basename(base),
        shp: entries[k] as Uint8Array,
        dbf: sibling(base, 'dbf'),
        prj: prj ? decode(prj, 'utf-8') : undefined,
        cpg: cpg ? decode(cpg, 'utf-8') : undefined,
      };
    });
}

function layerOnDisk(file: string): Layer {
  const dir = path.dirname(file);
  const base = path.basename(file).slice(0, -4);
  const names = fs.readdirSync(dir);
  const find = (ext: string) => {
    const n = names.find((x) => x.toLowerCase() === `${base.toLowerCase()}.${ext}`);
    return n ? path.join(dir, n) : undefined;
  };
  const prj = find('prj');
  const cpg = find('cpg');
  return {
    name: base,
    shp: file,
    dbf: find('dbf'),
    prj: prj ? fs.readFileSync(prj, 'utf8') : undefined,
    cpg: cpg ? fs.readFileSync(cpg, 'utf8') : undefined,
  };
}

function dbfSample(dbf: Uint8Array | string): { bytes: Uint8Array; count: number } {
  let head: Uint8Array;
  if (typeof dbf === 'string') {
    const fd = fs.openSync(dbf, 'r');
    try {
      const buf = Buffer.alloc(1024 * 1024);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  } else head = dbf;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const count = head.length >= 8 ? view.getUint32(4, true) : 0;
  const headerLength = head.length >= 10 ? view.getUint16(8, true) : 0;
  return { bytes: head.subarray(headerLength), count };
}

/**
 * Opens a shapefile layer. With several layers in one zip, `choose` picks one by name (it gets the
 * names and returns the chosen one, or throws).
 */
export async function openShapefile(
  file: string,
  opts: { srid?: number; encoding?: TextEncoding; choose?: (names: string[]) => string },
): Promise<ImportSource> {
  const layers = file.toLowerCase().endsWith('.zip') ? layersInZip(file) : [layerOnDisk(file)];
  if (layers.length === 0) {
    throw ApiError.badRequest('The .zip holds no shapefile (.shp)', [
      { field: 'file', message: 'no .shp inside the zip' },
    ]);
  }
  let layer = layers[0] as Layer;
  if (layers.length > 1) {
    const names = layers.map((l) => l.name);
    const chosen = opts.choose ? opts.choose(names) : undefined;
    const found = layers.find((l) => l.name === chosen);
    if (!found) {
      throw ApiError.badRequest(
        `The .zip holds ${layers.length} layers (${names.join(', ')}); import them one at a time`,
        [{ field: 'file', message: 'several layers' }],
      );
    }
    layer = found;
  }
  if (!layer.dbf) {
    throw ApiError.badRequest(`Layer ${layer.name} has no .dbf attribute table`, [
      { field: 'file', message: `${layer.name}.dbf missing` },
    ]);
  }
  const warnings: string[] = [];
  let srid: number | undefined;
  let sridFrom: ImportSource['sridFrom'] = 'prj';
  const prjSrid = layer.prj ? sridFromPrj(layer.prj) : undefined;
  if (opts.srid) {
    srid = opts.srid;
    sridFrom = 'option';
    if (prjSrid && prjSrid !== opts.srid)
      warnings.push(`--srid ${opts.srid} overrides the .prj, which says EPSG:${prjSrid}`);
  } else if (layer.prj) {
    if (!prjSrid) {
      throw ApiError.badRequest(
        `The .prj of ${layer.name} describes a coordinate system the importer does not know; give it with --srid (5186, 5179, 5174, 5181 or 4326)`,
        [{ field: 'srid', message: `unknown .prj: ${layer.prj.slice(0, 120)}` }],
      );
    }
    srid = prjSrid;
  } else {
    throw ApiError.badRequest(
      `Layer ${layer.name} has no .prj: say which coordinate system it is in with --srid (e.g. 5186 for survey deliverables, 5179 for national boundaries)`,
      [{ field: 'srid', message: 'required when the shapefile has no .prj' }],
    );
  }
  if (!isKnownSrid(srid)) {
    throw ApiError.badRequest(
      `EPSG:${srid} is not supported; use 5186, 5185, 5187, 5188, 5179, 5181, 5174, 2097 or 4326`,
      [{ field: 'srid', message: 'unsupported coordinate system' }],
    );
  }
  const sample = dbfSample(layer.dbf);
  let encoding = opts.encoding;
  if (!encoding && layer.cpg) {
    encoding = parseEncoding(layer.cpg);
    if (!encoding) warnings.push(`unknown .cpg "${layer.cpg.trim()}"; detecting the encoding instead`);
  }
  encoding ??= detectEncoding(sample.bytes, typeof layer.dbf === 'string');
  const source = await shapefile.open(layer.shp, layer.dbf, { encoding: textDecoderLabel(encoding) });
  const totalBytes = typeof layer.shp === 'string' ? fs.statSync(layer.shp).size : layer.shp.byteLength;
  const count = sample.count;
  let done = 0;
  const fields = await dbfFieldNames(layer.dbf, encoding);
  async function* records(): AsyncGenerator<SourceRecord> {
    for (;;) {
      const r = await source.read();
      if (r.done) return;
      done++;
      yield { row: done, raw: { ...(r.value.properties ?? {}) }, geometry: r.value.geometry ?? null, errors: [] };
    }
  }
  return {
    format: 'shapefile',
    layer: layer.name,
    srid,
    sridFrom,
    encoding,
    fields,
    totalBytes,
    bytesRead: () => (count ? Math.round((done / count) * totalBytes) : 0),
    records: records(),
    warnings,
  };
}

async function dbfFieldNames(dbf: Uint8Array | string, encoding: TextEncoding): Promise<string[]> {
  const src = await shapefile.openDbf(dbf, { encoding: textDecoderLabel(encoding) });
  const fields = (src as unknown as { _fields?: { name: string }[] })._fields ?? [];
  await src.cancel();
  return fields.map((f) => f.name);
}
