// Frozen: never edit after release; add a new dated migration instead. Imports no app code.
import { type Kysely, sql } from 'kysely';

const TABLES = ['wifi', 'sculptures', 'signage', 'update_areas', 'update_lines', 'admin_areas'];

/**
 * Stores each geometry in Web Mercator (EPSG:3857) beside the lon/lat one, kept up to date by PostgreSQL
 * (generated column) and indexed, so vector tiles neither transform every row on every request nor
 * need a function index. Latitudes beyond Mercator's ±85.0511° are clipped first (the transform would fail).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) {
    await sql
      .raw(
        `alter table "${t}" add column geom_3857 geometry generated always as (ST_Transform(
  case when ST_YMin(geom) >= -85.0511 and ST_YMax(geom) <= 85.0511 then geom
       else ST_ClipByBox2D(geom, ST_MakeEnvelope(-180, -85.0511, 180, 85.0511, 4326)) end, 3857)) stored`,
      )
      .execute(db);
    await sql.raw(`create index "${t}_geom_3857_idx" on "${t}" using gist (geom_3857)`).execute(db);
  }
}

/** Drops the Web Mercator columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) await sql.raw(`alter table "${t}" drop column if exists geom_3857`).execute(db);
}
