// Adds the project's collections and the overlays to the map. A collection's source is GeoJSON, or vector
// tiles (`/api/tiles/{id}.json`, source-layer = collection id) when it holds more features than the threshold.
import type { FeatureCollection } from 'geojson';
import {
  addProtocol,
  type FilterSpecification,
  type GeoJSONSource,
  type LayerSpecification,
  type Map as MlMap,
  type SourceSpecification,
} from 'maplibre-gl';
import { LAYERS, type LayerStyle } from '../layers';
import { getJson, itemsUrl } from '../lib/api';
import type { OverlayName } from '../stores/app.svelte';
import { ADMIN_ATTRIBUTION } from './basemap';

/** Scheme of the GeoJSON URLs the page fetches itself and hands to MapLibre's worker (see `pageFetched`). */
const PAGE_SCHEME = 'page';

/**
 * `url` as a GeoJSON source's data, fetched on the page (by the protocol `registerPageFetch` adds) rather than in
 * MapLibre's worker: the page's fetch uses the response index.html preloaded while the script loaded, the
 * worker's would ask the server again once the map exists.
 */
export function pageFetched(url: string): string {
  return `${PAGE_SCHEME}://${url}`;
}

/** Registers the protocol of `pageFetched` URLs with MapLibre; call once before the map is created. */
export function registerPageFetch(): void {
  addProtocol(PAGE_SCHEME, async (params, abort) => ({
    data: await getJson(params.url.slice(PAGE_SCHEME.length + 3), abort.signal),
  }));
}

/** Map layer ids drawing a collection (the main one first). */
export function layerIdsOf(id: string): string[] {
  const style = LAYERS.find((l) => l.id === id);
  return style?.shape === 'fill' ? [id, `${id}-outline`] : [id];
}

/** Collection id of a map layer id, or undefined for basemap and overlay layers. */
export function collectionOfLayer(layerId: string): string | undefined {
  const base = layerId.replace(/-outline$/, '');
  return LAYERS.some((l) => l.id === base) ? base : undefined;
}

function styleLayers(layer: LayerStyle, source: string, sourceLayer: string | undefined): LayerSpecification[] {
  const common = { source, ...(sourceLayer ? { 'source-layer': sourceLayer } : {}) };
  const c = layer.color;
  switch (layer.shape) {
    case 'outline':
      return [
        {
          id: layer.id,
          type: 'line',
          ...common,
          paint: { 'line-color': c, 'line-width': 1.4, 'line-dasharray': [3, 2] },
        },
      ];
    case 'fill':
      return [
        // no antialiasing edge: the outline layer draws the edge (one shader program fewer to compile)
        {
          id: layer.id,
          type: 'fill',
          ...common,
          paint: { 'fill-color': c, 'fill-opacity': 0.07, 'fill-antialias': false },
        },
        { id: `${layer.id}-outline`, type: 'line', ...common, paint: { 'line-color': c, 'line-width': 2 } },
      ];
    case 'line':
    case 'dashed-line':
      return [{ id: layer.id, type: 'line', ...common, paint: { 'line-color': c, 'line-width': 2.5 } }];
    default:
      return [
        {
          id: layer.id,
          type: 'symbol',
          ...common,
          layout: { 'icon-image': `shape-${layer.id}`, 'icon-allow-overlap': true, 'icon-ignore-placement': true },
        },
      ];
  }
}

/** Sources and layers of every collection, bottom to top; `tiled(id)` says which ones come from vector tiles. */
export function dataStyle(
  tiled: (id: string) => boolean,
  visible: Record<string, boolean>,
): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
  const sources: Record<string, SourceSpecification> = {};
  const layers: LayerSpecification[] = [];
  for (const layer of LAYERS) {
    const vector = tiled(layer.id);
    sources[layer.id] = vector
      ? { type: 'vector', url: `/api/tiles/${layer.id}.json` }
      : {
          type: 'geojson',
          data: pageFetched(itemsUrl(layer.id)),
          ...(layer.id === 'admin-areas' ? { attribution: ADMIN_ATTRIBUTION } : {}),
        };
    for (const spec of styleLayers(layer, layer.id, vector ? layer.id : undefined)) {
      layers.push({
        ...spec,
        layout: { ...spec.layout, visibility: visible[layer.id] === false ? 'none' : 'visible' },
      } as LayerSpecification);
    }
  }
  return { sources, layers };
}

const isPoint: FilterSpecification = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];
const isLine: FilterSpecification = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false];
const isPolygon: FilterSpecification = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];

/** A layer specification without its source (each member of the union keeps its own fields). */
type SourcelessLayer = LayerSpecification extends infer L
  ? L extends LayerSpecification
    ? Omit<L, 'source'>
    : never
  : never;

/** Overlay layers per overlay source (`ov-<name>`): Wi-Fi circles, measure sketch, ledger highlight, focus. */
const OVERLAY_LAYERS: Record<OverlayName | 'selected', SourcelessLayer[]> = {
  'import-preview': [
    {
      id: 'ov-import-preview-fill',
      type: 'fill',
      filter: isPolygon,
      paint: { 'fill-color': '#0891b2', 'fill-opacity': 0.2 },
    },
    {
      id: 'ov-import-preview-line',
      type: 'line',
      paint: { 'line-color': '#0891b2', 'line-width': 3, 'line-dasharray': [2, 1] },
    },
    {
      id: 'ov-import-preview-point',
      type: 'circle',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 6, 'circle-color': '#0891b2', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    },
  ],
  'ledger-lines': [
    { id: 'ov-ledger-lines', type: 'line', paint: { 'line-color': '#f59e0b', 'line-width': 5, 'line-opacity': 0.9 } },
  ],
  'ledger-outside': [
    {
      id: 'ov-ledger-outside',
      type: 'line',
      paint: { 'line-color': '#dc2626', 'line-width': 5, 'line-dasharray': [1, 1] },
    },
  ],
  'wifi-circles': [
    { id: 'ov-wifi-circles-fill', type: 'fill', paint: { 'fill-color': '#1d4ed8', 'fill-opacity': 0.12 } },
    {
      id: 'ov-wifi-circles-line',
      type: 'line',
      paint: { 'line-color': '#1d4ed8', 'line-width': 1.5, 'line-dasharray': [2, 1] },
    },
  ],
  'wifi-origin': [
    {
      id: 'ov-wifi-origin',
      type: 'circle',
      paint: { 'circle-radius': 7, 'circle-color': '#111827', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    },
  ],
  measure: [
    {
      id: 'ov-measure-fill',
      type: 'fill',
      filter: isPolygon,
      paint: { 'fill-color': '#0f766e', 'fill-opacity': 0.15 },
    },
    {
      id: 'ov-measure-line',
      type: 'line',
      filter: ['!', isPoint],
      paint: { 'line-color': '#0f766e', 'line-width': 2.5, 'line-dasharray': [2, 1] },
    },
    {
      id: 'ov-measure-vertex',
      type: 'circle',
      filter: isPoint,
      paint: {
        'circle-radius': 4.5,
        'circle-color': '#fff',
        'circle-stroke-color': '#0f766e',
        'circle-stroke-width': 2,
      },
    },
  ],
  selected: [
    {
      id: 'ov-selected-line',
      type: 'line',
      filter: ['!', isPoint],
      paint: { 'line-color': '#111827', 'line-width': 4 },
    },
    {
      id: 'ov-selected-point',
      type: 'circle',
      filter: isPoint,
      paint: { 'circle-radius': 15, 'circle-opacity': 0, 'circle-stroke-color': '#111827', 'circle-stroke-width': 3 },
    },
  ],
  focus: [
    {
      id: 'ov-focus-line',
      type: 'line',
      filter: ['any', isLine, isPolygon],
      paint: { 'line-color': '#facc15', 'line-width': 7, 'line-opacity': 0.85 },
    },
    {
      id: 'ov-focus-point',
      type: 'circle',
      filter: isPoint,
      paint: { 'circle-radius': 17, 'circle-opacity': 0, 'circle-stroke-color': '#facc15', 'circle-stroke-width': 5 },
    },
  ],
};

/** Overlays bottom to top. */
const OVERLAY_ORDER = Object.keys(OVERLAY_LAYERS) as (OverlayName | 'selected')[];

/**
 * Shows `data` in an overlay (`ov-<name>`, drawn above the collections). An overlay's source and layers
 * are added the first time it has something to show, so the first view loads none of the empty ones.
 */
export function setOverlay(map: MlMap, name: OverlayName | 'selected', data: FeatureCollection): void {
  const id = `ov-${name}`;
  const source = map.getSource(id) as GeoJSONSource | undefined;
  if (source) {
    source.setData(data);
    return;
  }
  if (data.features.length === 0) return;
  map.addSource(id, { type: 'geojson', data });
  // keep the fixed order: below the first later overlay that is already on the map
  const later = OVERLAY_ORDER.slice(OVERLAY_ORDER.indexOf(name) + 1)
    .map((n) => OVERLAY_LAYERS[n][0]?.id)
    .find((layerId) => layerId !== undefined && map.getLayer(layerId));
  for (const l of OVERLAY_LAYERS[name]) map.addLayer({ ...l, source: id } as LayerSpecification, later);
}
