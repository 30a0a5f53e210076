/** Reads a GeoJSON FeatureCollection (RFC 7946 lon/lat, or an old-style `crs` member naming an EPSG code). */
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection } from 'geojson';
import { ApiError } from '../errors.js';
import type { ImportSource, SourceRecord } from './types.js';

/** Opens a GeoJSON file (read whole: GeoJSON is not a streaming format). */
export async function openGeoJson(file: string, srid: number | undefined): Promise<ImportSource> {
  const text = await fs.promises.readFile(file, 'utf8');
  let doc: FeatureCollection | Feature;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw ApiError.badRequest(`The file is not valid JSON: ${(err as Error).message}`, [
      { field: 'file', message: 'not valid JSON' },
    ]);
  }
  const features: Feature[] = doc?.type === 'FeatureCollection' ? doc.features : doc?.type === 'Feature' ? [doc] : [];
  if (doc?.type !== 'FeatureCollection' && doc?.type !== 'Feature') {
    throw ApiError.badRequest('The GeoJSON file holds neither a FeatureCollection nor a Feature', [
      { field: 'file', message: 'expected "type": "FeatureCollection"' },
    ]);
  }
  const crsName = (doc as { crs?: { properties?: { name?: string } } }).crs?.properties?.name;
  let crsSrid: number | undefined;
  if (crsName) {
    const m = /EPSG:{1,2}(\d+)/i.exec(crsName);
    crsSrid = m ? Number(m[1]) : /CRS84/i.test(crsName) ? 4326 : undefined;
  }
  const fields = [...new Set(features.slice(0, 100).flatMap((f) => Object.keys(f.properties ?? {})))];
  let done = 0;
  async function* records(): AsyncGenerator<SourceRecord> {
    for (const [i, f] of features.entries()) {
      done = i + 1;
      yield { row: i + 1, raw: { ...(f.properties ?? {}) }, geometry: f.geometry ?? null, errors: [] };
    }
  }
  const total = Buffer.byteLength(text);
  return {
    format: 'geojson',
    layer: path.basename(file).replace(/\.[^.]+$/, ''),
    srid: srid ?? crsSrid ?? 4326,
    sridFrom: srid ? 'option' : crsSrid ? 'crs-member' : 'format',
    fields,
    totalBytes: total,
    bytesRead: () => Math.round((done / Math.max(1, features.length)) * total),
    records: records(),
    warnings: [],
  };
}
