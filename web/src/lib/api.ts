// The one HTTP client of the web app: typed calls to the API of ../shared/API.md.
import type { Feature, FeatureCollection, Geometry } from 'geojson';

/** A property label served by `/api/client-config`. */
export interface PropertyLabel {
  name: string;
  ko: string;
  en: string;
  type: string;
  enum?: string[];
}

/** A collection's labels served by `/api/client-config`. */
export interface CollectionLabels {
  id: string;
  ko: string;
  en: string;
  geometry: 'Point' | 'Polygon' | 'LineString';
  titleColumn: string;
  properties: PropertyLabel[];
}

/** Settings of the web client (`GET /api/client-config`). */
export interface ClientConfig {
  basemapStyleUrl: string;
  tileThreshold: number;
  collections: CollectionLabels[];
}

/** A feature as the API returns it (numeric id, free-form properties). */
export type ApiFeature = Feature<Geometry, Record<string, unknown>> & { id: number | string };

/** One project row of `/api/stats/coverage`. */
export interface CoverageRow {
  id: number;
  name: string;
  facility: string;
  target_km: number | null;
  /** Length of the project's lines inside its area (km). */
  surveyed_km: number;
  /** Length of the project's lines falling outside its area (km). */
  outside_km: number;
  coverage_pct: number | null;
  area_km2: number | null;
  year: number | null;
  line_count: number | null;
}

/** A coverage total (per facility, or per facility and year). */
export interface CoverageTotal {
  facility: string;
  year: number | null;
  target_km: number;
  surveyed_km: number;
  coverage_pct: number | null;
}

/** `/api/stats/coverage` normalised: projects and totals per facility. */
export interface Coverage {
  areas: CoverageRow[];
  totals: CoverageTotal[];
  /** Totals per facility and year (for the chart). */
  byFacilityYear: CoverageTotal[];
}

/** An HTTP failure with the status and the problem+json detail when there is one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * GETs JSON. No headers of its own: the API answers JSON to fetch's default Accept (any type), and a plain
 * request matches the `<link rel="preload">` of index.html, so configuration, counts and the first view's
 * GeoJSON come from the preloads.
 */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      detail = ((await res.json()) as { detail?: string }).detail ?? detail;
    } catch {
      /* not problem+json */
    }
    throw new HttpError(res.status, `${path}: ${res.status} ${detail}`);
  }
  return (await res.json()) as T;
}

/** Basemap, tile threshold and labels. */
export function fetchClientConfig(): Promise<ClientConfig> {
  return getJson('/api/client-config');
}

/** Number of features in a collection, or of those matching `filter` (queryables), from a one-feature page. */
export async function fetchCount(collection: string, filter: Record<string, string> = {}): Promise<number> {
  const q = new URLSearchParams({ ...filter, limit: '1' });
  const fc = await getJson<{ numberMatched: number }>(`/api/collections/${encodeURIComponent(collection)}/items?${q}`);
  return fc.numberMatched;
}

/** Feature counts of every collection from one `/api/collections` call (`numberMatched` of each). */
export async function fetchCounts(): Promise<Record<string, number>> {
  const body = await getJson<{ collections: { id: string; numberMatched?: number }[] }>('/api/collections');
  return Object.fromEntries(
    body.collections.filter((c) => typeof c.numberMatched === 'number').map((c) => [c.id, c.numberMatched as number]),
  );
}

/** URL of a collection's features as GeoJSON (what a GeoJSON map source loads). */
export function itemsUrl(collection: string, params: Record<string, string | number> = {}): string {
  const q = new URLSearchParams({
    limit: '10000',
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  });
  return `/api/collections/${encodeURIComponent(collection)}/items?${q}`;
}

/** Features of a collection (up to 10,000), optionally within a lon/lat bbox. */
export function fetchItems(
  collection: string,
  bbox?: [number, number, number, number],
): Promise<FeatureCollection<Geometry, Record<string, unknown>>> {
  return getJson(itemsUrl(collection, bbox ? { bbox: bbox.map((n) => n.toFixed(6)).join(',') } : {}));
}

/** One feature by collection and id. */
export function fetchFeature(collection: string, id: string | number, signal?: AbortSignal): Promise<ApiFeature> {
  return getJson(`/api/collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(String(id))}`, signal);
}

/** Features of every collection whose name or address matches `q`. */
export async function search(q: string, limit: number, signal?: AbortSignal): Promise<ApiFeature[]> {
  const fc = await getJson<{ features: ApiFeature[] }>(
    `/api/search?${new URLSearchParams({ q, limit: String(limit) })}`,
    signal,
  );
  return fc.features;
}

/** Nearest Wi-Fi sites to a point, ordered by `properties.distance_m`. */
export async function nearestWifi(lon: number, lat: number, limit: number): Promise<ApiFeature[]> {
  const q = new URLSearchParams({ lon: lon.toFixed(6), lat: lat.toFixed(6), limit: String(limit) });
  const fc = await getJson<{ features: ApiFeature[] }>(`/api/wifi/nearest?${q}`);
  return fc.features;
}

function num(v: unknown): number | null {
  return v === null || v === undefined || v === '' ? null : Number(v);
}

/** Coverage of every update project and totals per facility (and per facility × year). */
export async function fetchCoverage(): Promise<Coverage> {
  const raw = await getJson<Record<string, unknown> | unknown[]>('/api/stats/coverage');
  const obj = Array.isArray(raw) ? { areas: raw } : raw;
  const list = (obj.areas ?? obj.projects ?? obj.items ?? []) as Record<string, unknown>[];
  const areas: CoverageRow[] = list.map((r) => ({
    id: Number(r.id),
    name: String(r.name ?? ''),
    facility: String(r.facility ?? ''),
    target_km: num(r.target_km),
    surveyed_km: num(r.surveyed_km) ?? 0,
    outside_km: num(r.outside_km) ?? 0,
    coverage_pct: num(r.coverage_pct),
    area_km2: num(r.area_km2),
    year: num(r.year),
    line_count: num(r.line_count),
  }));
  const totals = (obj.totals ?? {}) as Record<string, unknown> | unknown[];
  const toTotal = (t: Record<string, unknown>): CoverageTotal => ({
    facility: String(t.facility ?? ''),
    year: num(t.year),
    target_km: num(t.target_km) ?? 0,
    surveyed_km: num(t.surveyed_km) ?? 0,
    coverage_pct: num(t.coverage_pct),
  });
  const byFacility = (Array.isArray(totals) ? totals : ((totals.by_facility ?? []) as unknown[])) as Record<
    string,
    unknown
  >[];
  const byYear = (Array.isArray(totals) ? [] : ((totals.by_facility_year ?? []) as unknown[])) as Record<
    string,
    unknown
  >[];
  return { areas, totals: byFacility.map(toTotal), byFacilityYear: byYear.map(toTotal) };
}
