import type { Geometry } from 'geojson';
import type { CollectionId } from '../collections.js';
import type { FieldError } from '../errors.js';

/** Formats the importer reads. */
export type ImportFormat = 'csv' | 'geojson' | 'shapefile';

/** Text encodings of CSV files and DBF tables. */
export type TextEncoding = 'utf-8' | 'cp949';

/** What the caller asks for: `npm run import -- <collection> <file> [options]` or the web upload. */
export interface ImportOptions {
  collection: CollectionId;
  /** Path of the file on disk (a .csv, .geojson/.json, .zip or .shp with its siblings). */
  file: string;
  /** Name shown in reports and the audit log (defaults to the file's base name). */
  fileName?: string;
  /** Coordinate system of the file when it has no .prj (or to override it). */
  srid?: number;
  /** Text encoding; detected when not given (valid UTF-8 → utf-8, else cp949). */
  encoding?: TextEncoding;
  /** Keep only records whose source field equals the value, e.g. `{ 설치시군구명: '김포시' }`. */
  filter?: Record<string, string>;
  /**
   * Delete the collection's existing features before loading; for update-lines only those of the layer's
   * facility (WTL_* water …), or for a file without a layer name (our own export) of the facilities it holds.
   */
  replace?: boolean;
  /** Load the valid records and report the rest, instead of refusing the whole file. */
  skipInvalid?: boolean;
  /** Validate and report without writing anything. */
  dryRun?: boolean;
  /** Collect this many loaded features as GeoJSON in the report (a preview). */
  previewRows?: number;
  /** Who imports (for the audit log). */
  user?: { id: number | null; username: string };
  /** Called after each batch with the progress so far. */
  onProgress?: (p: ImportProgress) => void;
}

/** Progress of a running import. */
export interface ImportProgress {
  /** Records read so far. */
  rows: number;
  /** Bytes of the file read so far. */
  bytes: number;
  /** Size of the file in bytes. */
  totalBytes: number;
}

/** One record read from a file, before mapping to a collection. */
export interface SourceRecord {
  /** Row number a person would look for: the CSV line (header = 1) or the 1-based feature index. */
  row: number;
  /** The record's attributes under their original names. */
  raw: Record<string, unknown>;
  geometry: Geometry | null;
  /** Problems found while reading it (e.g. too few columns). */
  errors: FieldError[];
}

/** A file opened for reading: what it is and its records as a stream. */
export interface ImportSource {
  format: ImportFormat;
  /** Layer name (shapefile base name, e.g. WTL_PIPE_LM) or file base name. */
  layer: string;
  /** EPSG code of the coordinates in `records`. */
  srid: number;
  /** How the coordinate system was determined. */
  sridFrom: 'prj' | 'option' | 'format' | 'crs-member';
  encoding?: TextEncoding;
  /** Original field names of the file. */
  fields: string[];
  totalBytes: number;
  bytesRead(): number;
  records: AsyncIterable<SourceRecord>;
  warnings: string[];
}

/** A record mapped to column values of a collection. */
export interface MappedRecord {
  row: number;
  /** Column values by property name (already typed). */
  values: Record<string, unknown>;
  /** WGS84 geometry. */
  geometry: Geometry | null;
  /** Stable identity stored in the `key` column (duplicates are refused). */
  key?: string;
  errors: FieldError[];
}

/** The outcome of an import, for the CLI, the web and the audit log. */
export interface ImportReport {
  collection: CollectionId;
  file: string;
  format: ImportFormat;
  layer: string;
  srid: number;
  sridFrom: ImportSource['sridFrom'];
  encoding?: TextEncoding;
  /** Facility of update-lines, from the layer name. */
  facility?: string;
  /** `loaded` (committed), `dry-run` (validated, nothing written) or `refused` (bad rows, nothing written). */
  status: 'loaded' | 'dry-run' | 'refused';
  /** Records read (after the header). */
  read: number;
  /** Records dropped by `filter`. */
  filtered: number;
  /** Valid records (inserted, or that would be in a dry run). */
  valid: number;
  inserted: number;
  /** Invalid records (skipped with `skipInvalid`). */
  invalid: number;
  /** Existing features deleted by `replace`. */
  deleted: number;
  /** After an update-areas import: update lines without an area that were assigned to one they lie in. */
  linesAssigned?: number;
  /** Each bad row and field (the first 1000; `errorCount` counts all). */
  errors: FieldError[];
  errorCount: number;
  warnings: string[];
  /** A likely cause when the data lands outside the city (e.g. the 5181/5186 mix-up). */
  hint?: string;
  /** The first loaded features as GeoJSON, when asked for. */
  preview?: { type: 'FeatureCollection'; features: unknown[] };
  ms: number;
  /** Time spent in the database (duplicate checks and inserts), and in the duplicate checks alone. */
  dbMs?: number;
  checkMs?: number;
}
