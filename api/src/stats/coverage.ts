/**
 * Survey coverage of the spatial-DB update projects. Clipping is done by PostGIS (ST_Intersection /
 * ST_Difference of each assigned line with its area's outline, see db/queries/stats.ts); every length and
 * area is measured here with Turf.
 */
import type { Kysely } from 'kysely';
import { type AreaRow, type ClippedLineRow, clippedLines, updateAreas } from '../db/queries/stats.js';
import type { Database } from '../db/schema.js';
import { areaKm2, lengthKm, round } from './measure.js';

/** Coverage of one update area. */
export interface AreaCoverage {
  id: number;
  name: string;
  facility: string;
  year: number;
  target_km: number | null;
  /** Turf length of the area's lines inside its outline. */
  surveyed_km: number;
  /** Turf length of the area's lines falling outside its outline (a QA signal). */
  outside_km: number;
  /** surveyed_km / target_km × 100 (null without a target). */
  coverage_pct: number | null;
  /** Turf area of the outline. */
  area_km2: number;
  line_count: number;
}

/** Sums over a group of areas. */
export interface CoverageTotal {
  facility: string;
  year?: number;
  area_count: number;
  target_km: number;
  surveyed_km: number;
  outside_km: number;
  coverage_pct: number | null;
  line_count: number;
}

/** The whole coverage report of `GET /api/stats/coverage`. */
export interface CoverageReport {
  areas: AreaCoverage[];
  totals: { by_facility: CoverageTotal[]; by_facility_year: CoverageTotal[] };
  method: string;
}

const pct = (part: number, whole: number | null) => (whole && whole > 0 ? round((part / whole) * 100, 1) : null);

function total(
  rows: { a: AreaCoverage; surveyed: number; outside: number }[],
  facility: string,
  year?: number,
): CoverageTotal {
  const target = rows.reduce((s, r) => s + (r.a.target_km ?? 0), 0);
  const surveyed = rows.reduce((s, r) => s + r.surveyed, 0);
  return {
    facility,
    ...(year !== undefined ? { year } : {}),
    area_count: rows.length,
    target_km: round(target, 3),
    surveyed_km: round(surveyed, 3),
    outside_km: round(
      rows.reduce((s, r) => s + r.outside, 0),
      3,
    ),
    coverage_pct: pct(surveyed, target),
    line_count: rows.reduce((s, r) => s + r.a.line_count, 0),
  };
}

/** Computes the report from areas and their PostGIS-clipped lines (pure: the fixtures test this). */
export function computeCoverage(areas: AreaRow[], lines: ClippedLineRow[]): CoverageReport {
  const perArea = new Map<number, { surveyed: number; outside: number; count: number }>();
  for (const l of lines) {
    const acc = perArea.get(l.area_id) ?? { surveyed: 0, outside: 0, count: 0 };
    acc.surveyed += lengthKm(l.inside);
    acc.outside += lengthKm(l.outside);
    acc.count += 1;
    perArea.set(l.area_id, acc);
  }
  const rows = areas.map((a) => {
    const acc = perArea.get(a.id) ?? { surveyed: 0, outside: 0, count: 0 };
    const coverage: AreaCoverage = {
      id: a.id,
      name: a.name,
      facility: a.facility,
      year: a.year,
      target_km: a.target_km,
      surveyed_km: round(acc.surveyed, 3),
      outside_km: round(acc.outside, 3),
      coverage_pct: pct(acc.surveyed, a.target_km),
      area_km2: round(areaKm2(a.outline), 3),
      line_count: acc.count,
    };
    return { a: coverage, surveyed: acc.surveyed, outside: acc.outside };
  });
  const facilities = [...new Set(rows.map((r) => r.a.facility))].sort();
  const byFacility = facilities.map((f) =>
    total(
      rows.filter((r) => r.a.facility === f),
      f,
    ),
  );
  const keys = [...new Set(rows.map((r) => `${r.a.facility}|${r.a.year}`))].sort();
  const byYear = keys.map((k) => {
    const [f, y] = k.split('|') as [string, string];
    return total(
      rows.filter((r) => r.a.facility === f && r.a.year === Number(y)),
      f,
      Number(y),
    );
  });
  return {
    areas: rows.map((r) => r.a),
    totals: { by_facility: byFacility, by_facility_year: byYear },
    method:
      'Lines are clipped to their area outline by PostGIS (ST_Intersection / ST_Difference); lengths (km) and areas (km²) are measured with Turf (@turf/turf length and area).',
  };
}

/** `GET /api/stats/coverage` from the database. */
export async function coverageReport(db: Kysely<Database>): Promise<CoverageReport> {
  const [areas, lines] = await Promise.all([updateAreas(db), clippedLines(db)]);
  return computeCoverage(areas, lines);
}
