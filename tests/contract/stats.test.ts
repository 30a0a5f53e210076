/**
 * Statistics on both backends: Turf against PostGIS (ST_Area/ST_Length on geography) within 0.5 % on the
 * real 읍면동 boundaries, and known answers from the seeded data (the 2024 road project, the demo survey
 * generated for ≈65 % coverage, the QA sample lines, the Seoul station outside every 읍면동).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection } from 'geojson';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../api/src/collections.js';
import type { CoverageReport } from '../../api/src/stats/coverage.js';
import { areaKm2, lengthKm } from '../../api/src/stats/measure.js';
import type { SummaryReport } from '../../api/src/stats/summary.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';

const within = (a: number, b: number, tol = 0.005) => Math.abs(a - b) / Math.abs(b) <= tol;

describe.each(BACKENDS)('statistics on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  beforeAll(async () => {
    if (!reason) b = await openBackend(backendName);
  });
  afterAll(async () => {
    await b?.close();
  });
  const get = async <T>(p: string): Promise<T> => {
    const res = await b.request(p);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it.skipIf(reason)('Turf area and length agree with PostGIS geography on the real boundaries', async () => {
    const dir = path.join(b.config.sharedDataDir, 'boundaries');
    const city = JSON.parse(fs.readFileSync(path.join(dir, 'gimpo-city-2018.geojson'), 'utf8')) as FeatureCollection;
    const emd = JSON.parse(fs.readFileSync(path.join(dir, 'gimpo-emd-2018.geojson'), 'utf8')) as FeatureCollection;
    const cityArea = city.features.reduce((s, f) => s + (f.geometry ? areaKm2(f.geometry) : 0), 0);
    expect(within(cityArea, 278.2), `city ${cityArea} km²`).toBe(true);
    for (const f of [...city.features, ...emd.features]) {
      if (!f.geometry) continue;
      const g = JSON.stringify(f.geometry);
      const r = await sql<{ area: number; perimeter: number }>`
        select ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(${g}), 4326)::geography) / 1e6 as area,
          ST_Length(ST_Boundary(ST_SetSRID(ST_GeomFromGeoJSON(${g}), 4326))::geography) / 1000 as perimeter`.execute(
        b.db.kysely,
      );
      const row = r.rows[0] as { area: number; perimeter: number };
      const name = String(f.properties?.name_ko ?? f.properties?.name ?? 'city');
      expect(
        within(areaKm2(f.geometry), row.area),
        `${name}: Turf ${areaKm2(f.geometry)} vs PostGIS ${row.area} km²`,
      ).toBe(true);
      // the outline as lines: Turf length against ST_Length
      const rings =
        f.geometry.type === 'Polygon'
          ? f.geometry.coordinates
          : f.geometry.type === 'MultiPolygon'
            ? f.geometry.coordinates.flat()
            : [];
      const perimeter = lengthKm({ type: 'MultiLineString', coordinates: rings });
      expect(
        within(perimeter, row.perimeter),
        `${name}: perimeter Turf ${perimeter} vs PostGIS ${row.perimeter} km`,
      ).toBe(true);
    }
  });

  it.skipIf(reason)('coverage of the seeded projects: targets, ≈65 % demo survey, QA lines outside', async () => {
    const report = await get<CoverageReport>('/api/stats/coverage');
    const road24 = report.areas.find((a) => a.facility === 'road' && a.year === 2024);
    expect(road24?.target_km).toBe(24.085);
    expect(road24?.coverage_pct).toBeGreaterThan(60);
    expect(road24?.coverage_pct).toBeLessThan(70);
    expect(road24?.area_km2).toBeGreaterThan(45); // 월곶면 ≈ 51.9 km²
    expect(road24?.area_km2).toBeLessThan(58);
    const water24 = report.areas.find((a) => a.facility === 'water' && a.year === 2024);
    expect(water24?.target_km).toBe(39.438);
    expect(water24?.coverage_pct).toBeGreaterThan(50);
    expect(water24?.coverage_pct).toBeLessThan(60);
    // three QA sample lines lie outside their areas
    const qa = await sql<{ area_id: number }>`select area_id from update_lines where note like 'QA SAMPLE%'`.execute(
      b.db.kysely,
    );
    expect(qa.rows.length).toBe(3);
    for (const { area_id } of qa.rows)
      expect(report.areas.find((a) => a.id === area_id)?.outside_km).toBeGreaterThan(0);
    // every area's figure against PostGIS on geography
    for (const a of report.areas) {
      const r = await sql<{ inside: number; n: number }>`
        select coalesce(sum(ST_Length(ST_Intersection(l.geom, a.geom)::geography)), 0) / 1000 as inside, count(l.id)::int as n
        from update_areas a left join update_lines l on l.area_id = a.id where a.id = ${a.id} group by a.id`.execute(
        b.db.kysely,
      );
      expect(a.line_count).toBe(r.rows[0]?.n);
      if (a.surveyed_km > 0) expect(within(a.surveyed_km, r.rows[0]?.inside as number), a.name).toBe(true);
    }
    // totals add up
    for (const t of report.totals.by_facility) {
      const mine = report.areas.filter((a) => a.facility === t.facility);
      expect(t.surveyed_km).toBeCloseTo(
        mine.reduce((s, a) => s + a.surveyed_km, 0),
        2,
      );
      expect(t.area_count).toBe(mine.length);
    }
    expect(report.totals.by_facility_year.find((t) => t.facility === 'road' && t.year === 2024)?.target_km).toBe(
      24.085,
    );
  });

  it.skipIf(reason)('summary counts every feature once, per 읍면동, and names the ones outside', async () => {
    const s = await get<SummaryReport>('/api/stats/summary');
    expect(s.areas.length).toBeGreaterThanOrEqual(13);
    for (const id of s.collections) {
      const r = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(COLLECTIONS[id as 'wifi'].table)}`.execute(b.db.kysely);
      const sum = s.areas.reduce((acc, a) => acc + (a.counts[id] ?? 0), 0) + (s.outside.counts[id] ?? 0);
      expect(sum, id).toBe(r.rows[0]?.n);
      expect(s.totals[id]).toBe(r.rows[0]?.n);
    }
    // the backlit boards at 김포공항역 (in Seoul) are in no 읍면동
    expect(s.outside.features.some((f) => f.collection === 'signage')).toBe(true);
    expect(s.outside.counts.signage).toBeGreaterThanOrEqual(1);
    const boards = await get<{ features: { properties: { emd: string } }[] }>(
      '/api/collections/signage/items?kind=smart-board',
    );
    expect(boards.features.length).toBe(14);
    const sau = s.areas.find((a) => a.name_ko === '사우동');
    expect(sau?.counts.wifi).toBeGreaterThan(0);
  });
  it.skipIf(reason)('coverage follows the data: a line added or deleted shows in the next answer', async () => {
    type Cov = { areas: { name: string; facility: string; year: number; surveyed_km: number; line_count: number }[] };
    const road2024 = (c: Cov) => c.areas.find((a) => a.facility === 'road' && a.year === 2024);
    const before = road2024(await get<Cov>('/api/stats/coverage'));
    expect(before).toBeDefined();
    // a ~1.1 km east-west line in the middle of 월곶면 (inside the 2024 road project)
    const inserted = await sql<{ id: number }>`insert into update_lines (facility, area_id, source, geom)
      select 'road', id, 'stats cache test', ST_Multi(ST_SetSRID(ST_MakeLine(
        ST_MakePoint(126.545, 37.74), ST_MakePoint(126.5575, 37.74)), 4326))
      from update_areas where facility = 'road' and year = 2024 returning id`.execute(b.db.kysely);
    const after = road2024(await get<Cov>('/api/stats/coverage'));
    expect(after?.line_count).toBe((before?.line_count ?? 0) + 1);
    expect(after?.surveyed_km).toBeCloseTo((before?.surveyed_km ?? 0) + 1.1, 1);
    await sql`delete from update_lines where id = ${inserted.rows[0]?.id}`.execute(b.db.kysely);
    expect(road2024(await get<Cov>('/api/stats/coverage'))).toEqual(before);
  });
});
