/**
 * Coverage fixtures (`fixtures/in/*.geojson` → `fixtures/out/*.json`, regenerate with REGEN=1) on both
 * backends: PostGIS clips, Turf measures. Each fixture also carries hand-computed expectations (haversine
 * lengths), and every figure is held against PostGIS's own ST_Length/ST_Area on geography within 0.5 %.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../../../tests/support/backends.js';
import { coverageReport } from './coverage.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const NAMES = fs
  .readdirSync(path.join(DIR, 'in'))
  .filter((f) => f.endsWith('.geojson'))
  .map((f) => f.replace(/\.geojson$/, ''));
const REGEN = process.env.REGEN === '1';

/** Relative difference within `tol` (absolute 1 m for zero lengths). */
function close(actual: number, expected: number, tol = 0.005): boolean {
  if (expected === 0) return Math.abs(actual) < 0.001;
  return Math.abs(actual - expected) / Math.abs(expected) <= tol;
}

async function loadFixture(b: TestBackend, fc: FeatureCollection): Promise<Map<number, Feature>> {
  const db = b.db.kysely;
  await sql`delete from update_lines`.execute(db);
  await sql`delete from update_areas`.execute(db);
  const ids = new Map<string, number>();
  const areas = new Map<number, Feature>();
  for (const f of fc.features.filter((x) => x.properties?.role === 'area')) {
    const p = f.properties as Record<string, unknown>;
    const r = await sql<{ id: number }>`insert into update_areas (name, facility, year, target_km, status, source, geom)
      values (${p.name as string}, ${p.facility as string}, ${p.year as number}, ${(p.target_km as number | null) ?? null}, 'planned', 'fixture',
        ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326))) returning id`.execute(db);
    const id = r.rows[0]?.id as number;
    ids.set(p.name as string, id);
    areas.set(id, f);
  }
  for (const f of fc.features.filter((x) => x.properties?.role === 'line')) {
    const p = f.properties as Record<string, unknown>;
    await sql`insert into update_lines (facility, area_id, source, demo, geom)
      values (${p.facility as string}, ${ids.get(p.area as string) ?? null}, 'fixture', true,
        ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry as Geometry)}), 4326)))`.execute(db);
  }
  return areas;
}

describe.each(BACKENDS)('coverage fixtures on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  beforeAll(async () => {
    if (!reason) b = await openBackend(backendName);
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason).each(NAMES)('%s', async (name) => {
    const fc = JSON.parse(fs.readFileSync(path.join(DIR, 'in', `${name}.geojson`), 'utf8')) as FeatureCollection;
    const areas = await loadFixture(b, fc);
    const report = await coverageReport(b.db.kysely);
    // ids depend on the database; the fixture names its areas
    const portable = {
      areas: report.areas.map(({ id: _id, ...rest }) => rest),
      totals: report.totals,
    };
    const outFile = path.join(DIR, 'out', `${name}.json`);
    if (REGEN && backendName === 'pglite') fs.writeFileSync(outFile, `${JSON.stringify(portable, null, 2)}\n`);
    expect(fs.existsSync(outFile), `${outFile} missing: run with REGEN=1`).toBe(true);
    expect(portable).toEqual(JSON.parse(fs.readFileSync(outFile, 'utf8')));

    for (const a of report.areas) {
      const props = areas.get(a.id)?.properties as {
        expect: { surveyed_km: number; outside_km: number; line_count: number };
      };
      const expectation = props.expect;
      expect(a.line_count, a.name).toBe(expectation.line_count);
      expect(
        close(a.surveyed_km, expectation.surveyed_km),
        `${a.name} surveyed ${a.surveyed_km} vs ${expectation.surveyed_km}`,
      ).toBe(true);
      expect(
        close(a.outside_km, expectation.outside_km),
        `${a.name} outside ${a.outside_km} vs ${expectation.outside_km}`,
      ).toBe(true);
      const pg = await sql<{ inside: number; outside: number; area: number }>`
        select coalesce(sum(ST_Length(ST_Intersection(l.geom, a.geom)::geography)), 0) / 1000 as inside,
          coalesce(sum(ST_Length(ST_Difference(l.geom, a.geom)::geography)), 0) / 1000 as outside,
          (select ST_Area(geom::geography) / 1e6 from update_areas where id = ${a.id}) as area
        from update_areas a left join update_lines l on l.area_id = a.id where a.id = ${a.id}`.execute(b.db.kysely);
      const row = pg.rows[0] as { inside: number; outside: number; area: number };
      expect(close(a.surveyed_km, row.inside), `${a.name} Turf ${a.surveyed_km} vs PostGIS ${row.inside}`).toBe(true);
      expect(close(a.outside_km, row.outside), `${a.name} Turf ${a.outside_km} vs PostGIS ${row.outside}`).toBe(true);
      expect(close(a.area_km2, row.area), `${a.name} Turf ${a.area_km2} km² vs PostGIS ${row.area}`).toBe(true);
      if (a.target_km) expect(a.coverage_pct).toBeCloseTo((a.surveyed_km / a.target_km) * 100, 0);
      else expect(a.coverage_pct).toBeNull();
    }
  });
});
