/** Feature counts per collection per 읍면동 (a spatial join on admin_areas), and what lies in none. */
import type { Kysely } from 'kysely';
import { COLLECTIONS } from '../collections.js';
import { countsPerEmd, emdList, type OutsideRow } from '../db/queries/stats.js';
import type { Database } from '../db/schema.js';

/** One 읍면동 and how many features of each collection lie in it. */
export interface EmdSummary {
  code: string;
  name_ko: string;
  name_en: string | null;
  counts: Record<string, number>;
  total: number;
}

/** The report of `GET /api/stats/summary`. */
export interface SummaryReport {
  collections: string[];
  areas: EmdSummary[];
  /** Features in no 읍면동 (e.g. the board at 김포공항역, in Seoul): counted, and the first 200 per collection named. */
  outside: { counts: Record<string, number>; total: number; features: OutsideRow[] };
  totals: Record<string, number>;
  method: string;
}

/** Counts every collection (except the 읍면동 themselves) per 읍면동. */
export async function summaryReport(db: Kysely<Database>): Promise<SummaryReport> {
  const collections = Object.values(COLLECTIONS)
    .map((d) => d.id)
    .filter((id) => id !== 'admin-areas');
  const zero = () => Object.fromEntries(collections.map((c) => [c, 0])) as Record<string, number>;
  const [emds, { counts, outside }] = await Promise.all([emdList(db), countsPerEmd(db)]);
  const byCode = new Map<string, EmdSummary>(emds.map((e) => [e.code, { ...e, counts: zero(), total: 0 }]));
  const outsideCounts = zero();
  const totals = zero();
  for (const row of counts) {
    totals[row.collection] = (totals[row.collection] ?? 0) + row.n;
    const target = row.code === null ? undefined : byCode.get(row.code);
    if (target) {
      target.counts[row.collection] = row.n;
      target.total += row.n;
    } else outsideCounts[row.collection] = (outsideCounts[row.collection] ?? 0) + row.n;
  }
  return {
    collections,
    areas: [...byCode.values()],
    outside: {
      counts: outsideCounts,
      total: Object.values(outsideCounts).reduce((s, n) => s + n, 0),
      features: outside,
    },
    totals,
    method:
      'Each feature is counted in the 읍면동 containing its ST_PointOnSurface (PostGIS spatial join on admin_areas).',
  };
}
