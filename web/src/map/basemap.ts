// Basemap: OpenStreetMap raster, or any MapLibre style URL, over an offline style drawn from our own layers
// (읍면동 as land, the city outline). When the basemap fails (tile error, no network, timeout) its layers are
// hidden and the offline style shows through — never a blank map.
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';

/** Prefix of every basemap source and layer id. */
export const BASEMAP_PREFIX = 'bm-';

/** The OpenStreetMap standard raster tiles and their required attribution. */
const OSM_SOURCE: SourceSpecification = {
  type: 'raster',
  tiles: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'],
  tileSize: 256,
  maxzoom: 19,
  attribution:
    '© <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">OpenStreetMap</a> contributors',
};

/** The admin-areas source's attribution (the offline land is drawn from it). */
export const ADMIN_ATTRIBUTION = '읍면동 경계 (boundaries): 통계청 KOSTAT 2018';

/** Offline layers: sea/outside colour, a city outline (a wide line under the land fill) and the land. */
function offlineLayers(source: string): LayerSpecification[] {
  return [
    { id: 'offline-background', type: 'background', paint: { 'background-color': '#dbe7ef' } },
    {
      id: 'offline-city-outline',
      type: 'line',
      source,
      paint: { 'line-color': '#334155', 'line-width': 5 },
    },
    {
      id: 'offline-land',
      type: 'fill',
      source,
      paint: { 'fill-color': '#f6f3ec', 'fill-antialias': false },
    },
  ];
}

/** Loads the basemap parts for a style setting: 'osm', '' (offline only) or a style URL (3 s timeout). */
async function basemapParts(setting: string): Promise<{
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
  glyphs?: string;
  sprite?: StyleSpecification['sprite'];
}> {
  if (setting === '' || setting === 'offline') return { sources: {}, layers: [] };
  if (setting === 'osm') {
    return {
      sources: { [`${BASEMAP_PREFIX}osm`]: OSM_SOURCE },
      layers: [{ id: `${BASEMAP_PREFIX}osm`, type: 'raster', source: `${BASEMAP_PREFIX}osm` }],
    };
  }
  try {
    const res = await fetch(setting, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(String(res.status));
    const style = (await res.json()) as StyleSpecification;
    const sources = Object.fromEntries(Object.entries(style.sources).map(([k, v]) => [`${BASEMAP_PREFIX}${k}`, v]));
    const layers = style.layers.map(
      (l) =>
        ({
          ...l,
          id: `${BASEMAP_PREFIX}${l.id}`,
          ...('source' in l && l.source ? { source: `${BASEMAP_PREFIX}${l.source}` } : {}),
        }) as LayerSpecification,
    );
    return { sources, layers, glyphs: style.glyphs, sprite: style.sprite };
  } catch {
    return { sources: {}, layers: [] };
  }
}

/** Sources and layers drawn above the basemap (the project's data and overlays). */
export interface StyleParts {
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
}

/**
 * The map style: offline layers, then the basemap (if any) on top of them, then `above`. The offline land is
 * drawn from `admin`: the id of a GeoJSON source in `above` (the admin-areas layer's own, loaded once), or
 * the URL of the admin areas when that layer comes from tiles.
 */
export async function buildStyle(
  setting: string,
  admin: { sourceId: string } | { url: string },
  above: StyleParts,
): Promise<{ style: StyleSpecification; hasBasemap: boolean }> {
  const bm = await basemapParts(setting);
  const offline: Record<string, SourceSpecification> =
    'url' in admin ? { 'offline-admin': { type: 'geojson', data: admin.url, attribution: ADMIN_ATTRIBUTION } } : {};
  return {
    hasBasemap: bm.layers.length > 0,
    style: {
      version: 8,
      ...(bm.glyphs ? { glyphs: bm.glyphs } : {}),
      ...(bm.sprite ? { sprite: bm.sprite } : {}),
      sources: { ...offline, ...bm.sources, ...above.sources },
      layers: [...offlineLayers('url' in admin ? 'offline-admin' : admin.sourceId), ...bm.layers, ...above.layers],
    },
  };
}
