/**
 * The import pipeline: open the file (CSV, GeoJSON, shapefile), map each record to the collection,
 * reproject to WGS84, validate, and load in batches of ~1000 inside one transaction. A file with bad rows
 * is refused whole (nothing written) unless `skipInvalid`; `dryRun` validates and writes nothing.
 */
import path from 'node:path';
import type { Geometry } from 'geojson';
import type { Kysely } from 'kysely';
import { allProperties, getCollection } from '../collections.js';
import {
  adminAreaShapes,
  assignLinesToAreas,
  auditImport,
  deleteForReplace,
  existingKeys,
  type ImportRow,
  inImportTransaction,
  insertBatch,
  RollbackSignal,
  rememberAreaLinks,
  restoreAreaLinks,
  updateAreaIds,
} from '../db/queries/imports.js';
import type { Database } from '../db/schema.js';
import { ApiError, type FieldError } from '../errors.js';
import { isKnownSrid, mapGeometry, transformer } from './crs.js';
import { openCsv } from './csv-source.js';
import { emdLocator } from './emd.js';
import { openGeoJson } from './geojson-source.js';
import { layerTarget } from './layers.js';
import { keyValue, mapperFor } from './mapping.js';
import { openShapefile } from './shapefile-source.js';
import type { ImportOptions, ImportReport, ImportSource } from './types.js';
import { validateGeometry, validateValues } from './validate.js';

/** Rows per INSERT. */
export const BATCH_SIZE = 1000;
/** Errors kept in a report (all are counted). */
export const MAX_REPORTED_ERRORS = 1000;

/** Opens a file by its extension. */
export async function openSource(o: ImportOptions): Promise<ImportSource> {
  const ext = path.extname(o.fileName ?? o.file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return openCsv(o.file, o.encoding, o.srid);
  if (ext === '.geojson' || ext === '.json') return openGeoJson(o.file, o.srid);
  if (ext === '.zip' || ext === '.shp') {
    return openShapefile(o.file, {
      srid: o.srid,
      encoding: o.encoding,
      choose: (names) => names.find((n) => layerTarget(n)?.collection === o.collection) ?? '',
    });
  }
  throw ApiError.badRequest(
    `Cannot import a "${ext || '(no extension)'}" file: use .csv, .geojson, .zip (shapefile) or .shp`,
    [{ field: 'file', message: 'unsupported file type' }],
  );
}

/** Imports one file into one collection; see ImportOptions. Throws ApiError for a file that cannot be read at all. */
export async function runImport(db: Kysely<Database>, o: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const def = getCollection(o.collection);
  if (!def)
    throw ApiError.badRequest(`No collection "${o.collection}"`, [
      { field: 'collection', message: 'unknown collection' },
    ]);
  const fileName = o.fileName ?? path.basename(o.file);
  const source = await openSource({ ...o, fileName });
  const warnings = [...source.warnings];
  const mapper = mapperFor(def, source, fileName);
  if (mapper.fixedSrid) {
    if (o.srid && o.srid !== mapper.fixedSrid)
      warnings.push(`--srid ${o.srid} ignored: the file's coordinate columns are EPSG:${mapper.fixedSrid}`);
    source.srid = mapper.fixedSrid;
    source.sridFrom = 'format';
  }
  if (!isKnownSrid(source.srid)) {
    throw ApiError.badRequest(
      `EPSG:${source.srid} is not supported; use 5186, 5185, 5187, 5188, 5179, 5181, 5174, 2097 or 4326`,
      [{ field: 'srid', message: 'unsupported coordinate system' }],
    );
  }
  for (const f of Object.keys(o.filter ?? {})) {
    if (!source.fields.includes(f)) {
      throw ApiError.badRequest(
        `Cannot filter on "${f}": the file has no such column (${source.fields.slice(0, 20).join(', ')})`,
        [{ field: 'filter', message: `no column ${f}` }],
      );
    }
  }
  const toWgs = transformer(source.srid, 4326);
  const report: ImportReport = {
    collection: def.id,
    file: fileName,
    format: source.format,
    layer: source.layer,
    srid: source.srid,
    sridFrom: source.sridFrom,
    ...(source.encoding ? { encoding: source.encoding } : {}),
    ...(mapper.facility ? { facility: mapper.facility } : {}),
    status: 'loaded',
    read: 0,
    filtered: 0,
    valid: 0,
    inserted: 0,
    invalid: 0,
    deleted: 0,
    errors: [],
    errorCount: 0,
    warnings,
    ms: 0,
  };
  const preview: unknown[] = [];
  const staleAreas = new Map<number, number>();
  const seen = new Set<string>();
  const outsideCauses = new Map<string, number>();
  const addErrors = (row: number, errors: FieldError[]) => {
    report.invalid++;
    report.errorCount += errors.length;
    for (const e of errors) if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ row, ...e });
  };
  const progress = () =>
    o.onProgress?.({ rows: report.read, bytes: source.bytesRead(), totalBytes: source.totalBytes });

  await guardForeignKeys(() =>
    inImportTransaction(db, async (trx) => {
      // update lines of a file without a standard layer name (our own CSV or GeoJSON export) replace the
      // facilities the file holds, each just before its first row is written; anything else is replaced first
      const replaceByRow = def.id === 'update-lines' && !mapper.facility;
      const replaced = new Set<string>();
      if (o.replace && !o.dryRun && def.id === 'update-areas') await rememberAreaLinks(trx);
      if (o.replace && !o.dryRun && !replaceByRow) report.deleted = await deleteForReplace(trx, def, mapper.facility);
      let batch: (ImportRow & { row: number })[] = [];
      let taken: Set<string> | undefined;
      // points of collections with an 읍면동 property are placed in theirs (unless the file says)
      const locate =
        allProperties(def).some((p) => p.name === 'emd') && def.geometry === 'Point'
          ? emdLocator(await adminAreaShapes(trx))
          : undefined;
      // update lines may name their update area; an id that does not exist is dropped (see below)
      const areaIds = def.id === 'update-lines' ? await updateAreaIds(trx) : undefined;
      const flush = async () => {
        const rows = batch;
        batch = [];
        const t0 = performance.now();
        if (!o.replace) {
          taken ??= await existingKeys(trx, def);
          for (let i = rows.length - 1; i >= 0; i--) {
            const r = rows[i] as ImportRow & { row: number };
            if (r.key && taken.has(r.key)) {
              addErrors(r.row, [
                {
                  field: mapper.label(keyField(def.id, r.key)),
                  message: `duplicate: ${keyValue(r.key)} is already in ${def.id}`,
                },
              ]);
              rows.splice(i, 1);
            }
          }
        }
        const t1 = performance.now();
        report.valid += rows.length;
        for (const r of rows) {
          if (preview.length < (o.previewRows ?? 0))
            preview.push({ type: 'Feature', geometry: r.geometry, properties: { row: r.row, ...r.values } });
        }
        report.checkMs = (report.checkMs ?? 0) + Math.round(t1 - t0);
        report.dbMs = (report.dbMs ?? 0) + Math.round(t1 - t0);
        // the batch before this one has been written (its error, if any, surfaces here)
        await writing;
        if (!o.dryRun && (report.invalid === 0 || o.skipInvalid)) {
          writing = write(rows);
          writing.catch(() => {}); // handled: awaited at the next batch or at the end
        }
        progress();
      };
      // each batch is written while the next is read and checked — on PostgreSQL the database works in its
      // own process, beside the parser — with at most one write in flight, so memory stays flat
      let writing: Promise<void> = Promise.resolve();
      const write = async (rows: ImportRow[]) => {
        const t = performance.now();
        if (o.replace && replaceByRow) {
          for (const f of new Set(rows.map((r) => String(r.values.facility)))) {
            if (replaced.has(f)) continue;
            replaced.add(f);
            report.deleted += await deleteForReplace(trx, def, f);
          }
        }
        report.inserted += (await insertBatch(trx, def, rows)).length;
        report.dbMs = (report.dbMs ?? 0) + Math.round(performance.now() - t);
      };

      for await (const rec of source.records) {
        report.read++;
        // the filter comes first wherever its columns can be read: a malformed row the filter drops (a short
        // row of another city in the national file) does not refuse the file
        if (o.filter) {
          const readable = !rec.errors.length || Object.keys(o.filter).every((f) => f in rec.raw);
          if (readable && Object.entries(o.filter).some(([f, v]) => String(rec.raw[f] ?? '').trim() !== v)) {
            report.filtered++;
            continue;
          }
        }
        if (rec.errors.length) {
          addErrors(rec.row, rec.errors);
          continue;
        }
        const m = mapper.map(rec);
        const typed = validateValues(def, m.values, mapper.label);
        const errors = [...m.errors, ...typed.errors];
        let wgs: Geometry | null = null;
        if (m.geometry) {
          wgs = mapGeometry(m.geometry, toWgs);
          if (!m.errors.some((e) => /WGS84|위도|경도|geometry/.test(e.field))) {
            const gErrors = validateGeometry(def, wgs, m.geometry, source.srid);
            for (const e of gErrors) {
              const cause = /: (.*)$/.exec(e.message)?.[1];
              if (cause && /EPSG/.test(cause)) outsideCauses.set(cause, (outsideCauses.get(cause) ?? 0) + 1);
            }
            errors.push(...gErrors);
          }
        } else if (!m.errors.length) errors.push({ field: 'geometry', message: 'has no geometry' });
        if (m.key) {
          if (seen.has(m.key))
            errors.push({
              field: mapper.label(keyField(def.id, m.key)),
              message: `duplicate within the file: ${keyValue(m.key)} appears on an earlier row`,
            });
          seen.add(m.key);
        }
        if (errors.length || !wgs) {
          addErrors(rec.row, errors);
          continue;
        }
        if (areaIds && typed.values.area_id !== undefined && !areaIds.has(typed.values.area_id as number)) {
          // an export re-imported after its update areas were replaced names ids that no longer exist:
          // the line is assigned by its geometry instead (as a line without area_id is)
          staleAreas.set(typed.values.area_id as number, (staleAreas.get(typed.values.area_id as number) ?? 0) + 1);
          delete typed.values.area_id;
        }
        if (locate && typed.values.emd === undefined && wgs.type === 'Point') {
          const emd = locate(wgs.coordinates);
          if (emd) typed.values.emd = emd;
        }
        batch.push({ row: rec.row, values: typed.values, geometry: wgs, key: m.key });
        if (batch.length >= BATCH_SIZE) await flush();
      }
      await flush();
      await writing;
      if (staleAreas.size) {
        const n = [...staleAreas.values()].reduce((a, b) => a + b, 0);
        const ids = [...staleAreas.keys()].sort((a, b) => a - b);
        warnings.push(
          `${n} line(s) named update area id(s) that do not exist (${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}): each was assigned to the update area it lies in instead`,
        );
      }
      const top = [...outsideCauses].sort((a, b) => b[1] - a[1])[0];
      report.errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      if (top) report.hint = `${top[1]} feature(s) land outside Gimpo: ${top[0]}`;
      if (report.invalid > 0 && !o.skipInvalid) report.status = 'refused';
      else if (o.dryRun) report.status = 'dry-run';
      if (report.status !== 'loaded') {
        report.inserted = 0;
        report.deleted = 0;
        throw new RollbackSignal();
      }
      // new (or replaced) update areas: the lines left without an area — a replace empties area_id through
      // the foreign key — go back to the area of the same facility, name and year if the file has it again,
      // else to the area they fall in, by the rule of line imports
      if (def.id === 'update-areas') {
        const restored = o.replace ? await restoreAreaLinks(trx) : 0;
        report.linesAssigned = restored + (await assignLinesToAreas(trx));
      }
      await auditImport(trx, def, o.user, {
        file: fileName,
        format: report.format,
        layer: report.layer,
        srid: report.srid,
        encoding: report.encoding,
        facility: report.facility,
        read: report.read,
        filtered: report.filtered,
        inserted: report.inserted,
        invalid: report.invalid,
        deleted: report.deleted,
        ...(o.replace ? { replaced: report.deleted } : {}),
        ...(report.linesAssigned !== undefined ? { linesAssigned: report.linesAssigned } : {}),
        replace: !!o.replace,
        skipInvalid: !!o.skipInvalid,
        filter: o.filter,
      });
    }),
  );
  if (o.previewRows) report.preview = { type: 'FeatureCollection', features: preview };
  report.ms = Date.now() - started;
  return report;
}

/**
 * Runs the import's transaction; a foreign-key violation that slips past the checks above (an update area
 * deleted by someone else while the file loads) becomes a 409 naming the cause, never a 500.
 */
async function guardForeignKeys<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { code?: string; detail?: string; constraint?: string; constraint_name?: string };
    if (e?.code === '23503') {
      throw new ApiError(
        409,
        `The file refers to a record that does not exist (${e.detail ?? e.constraint ?? e.constraint_name ?? 'foreign key'}); nothing was written. Import again: ids that no longer exist are then reassigned`,
        { errors: [{ field: 'area_id', message: 'refers to an update area that does not exist' }] },
      );
    }
    throw err;
  }
}

function keyField(id: string, key: string): string {
  if (key.startsWith('wifi-at-')) return 'name';
  return id === 'wifi' ? 'mgmt_no' : id === 'admin-areas' ? 'code' : 'FTR_IDN';
}
