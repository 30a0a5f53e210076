// Editing on the map: a draggable handle for moving a point, and the layer of open fault reports.
// Functions take the maplibre Map; each returns a cleanup that removes what it added.
import type {
  GeoJSONSource,
  LayerSpecification,
  MapLayerMouseEvent,
  Map as MapLibreMap,
  MapMouseEvent,
  MapTouchEvent,
  SourceSpecification,
  VectorTileSource,
} from 'maplibre-gl';
import { itemsUrl } from '../lib/api';
import { OPEN_REPORTS_URL } from '../lib/auth';
import { pageFetched } from './dataLayers';

/** The map editing components use, once MapView hands it over with `attachEditing`. */
export const editMap: { map?: MapLibreMap } = {};

const HANDLE_SOURCE = 'edit-handle';
const HANDLE_LAYER = 'edit-handle';
const REPORTS_SOURCE = 'open-reports';
const REPORTS_LAYER = 'open-reports';

function pointData(lng: number, lat: number) {
  return {
    type: 'FeatureCollection' as const,
    features: [
      { type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: [lng, lat] } },
    ],
  };
}

/**
 * Shows a handle at `start` that the user drags (mouse or touch) to a new place. `onMove` follows the
 * drag; `onDrop` gets the final position. Map panning is paused while dragging. Returns the cleanup.
 */
export function dragPoint(
  map: MapLibreMap,
  start: [number, number],
  onDrop: (lngLat: [number, number]) => void,
  onMove: (lngLat: [number, number]) => void = () => {},
): () => void {
  const data = pointData(start[0], start[1]);
  if (map.getSource(HANDLE_SOURCE)) removeHandle(map);
  map.addSource(HANDLE_SOURCE, { type: 'geojson', data });
  map.addLayer({
    id: HANDLE_LAYER,
    type: 'circle',
    source: HANDLE_SOURCE,
    paint: {
      'circle-radius': 11,
      'circle-color': '#f59e0b',
      'circle-stroke-color': '#111827',
      'circle-stroke-width': 3,
    },
  });
  const source = () => map.getSource(HANDLE_SOURCE) as GeoJSONSource | undefined;
  let dragging = false;
  let current: [number, number] = [start[0], start[1]];
  const canvas = map.getCanvasContainer();

  const move = (e: MapMouseEvent | MapTouchEvent) => {
    if (!dragging) return;
    current = [Number(e.lngLat.lng.toFixed(7)), Number(e.lngLat.lat.toFixed(7))];
    source()?.setData(pointData(current[0], current[1]));
    onMove(current);
  };
  const up = () => {
    if (!dragging) return;
    dragging = false;
    canvas.style.cursor = '';
    map.dragPan.enable();
    map.off('mousemove', move);
    map.off('touchmove', move);
    onDrop(current);
  };
  const down = (e: MapLayerMouseEvent | MapTouchEvent) => {
    e.preventDefault();
    dragging = true;
    canvas.style.cursor = 'grabbing';
    map.dragPan.disable();
    map.on('mousemove', move);
    map.on('touchmove', move);
    map.once('mouseup', up);
    map.once('touchend', up);
  };
  const enter = () => {
    if (!dragging) canvas.style.cursor = 'grab';
  };
  const leave = () => {
    if (!dragging) canvas.style.cursor = '';
  };
  map.on('mousedown', HANDLE_LAYER, down);
  map.on('touchstart', HANDLE_LAYER, down);
  map.on('mouseenter', HANDLE_LAYER, enter);
  map.on('mouseleave', HANDLE_LAYER, leave);
  return () => {
    map.off('mousedown', HANDLE_LAYER, down);
    map.off('touchstart', HANDLE_LAYER, down);
    map.off('mouseenter', HANDLE_LAYER, enter);
    map.off('mouseleave', HANDLE_LAYER, leave);
    map.off('mousemove', move);
    map.off('touchmove', move);
    map.dragPan.enable();
    removeHandle(map);
  };
}

/** Moves the drag handle (after a keyboard nudge or a typed coordinate). */
export function setHandle(map: MapLibreMap, lngLat: [number, number]): void {
  (map.getSource(HANDLE_SOURCE) as GeoJSONSource | undefined)?.setData(pointData(lngLat[0], lngLat[1]));
}

function removeHandle(map: MapLibreMap): void {
  if (map.getLayer(HANDLE_LAYER)) map.removeLayer(HANDLE_LAYER);
  if (map.getSource(HANDLE_SOURCE)) map.removeSource(HANDLE_SOURCE);
}

/** The open fault reports layer: warning rings, red when new and amber in progress. */
const REPORTS_LAYER_SPEC: LayerSpecification = {
  id: REPORTS_LAYER,
  type: 'circle',
  source: REPORTS_SOURCE,
  paint: {
    'circle-radius': 9,
    'circle-color': 'rgba(0,0,0,0)',
    'circle-stroke-width': 3,
    'circle-stroke-color': ['match', ['get', 'status'], 'in-progress', '#d97706', '#dc2626'],
  },
};

const REPORTS_SOURCE_SPEC: SourceSpecification = { type: 'geojson', data: pageFetched(OPEN_REPORTS_URL) };

/** The open reports' source and layer, for the initial style (so they load with everything else). */
export function openReportsStyle(): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
  return { sources: { [REPORTS_SOURCE]: REPORTS_SOURCE_SPEC }, layers: [REPORTS_LAYER_SPEC] };
}

/** Draws the open fault reports (`/api/reports/open.geojson`) as warning rings; returns the cleanup. */
export function showOpenReports(map: MapLibreMap): () => void {
  if (!map.getSource(REPORTS_SOURCE)) {
    map.addSource(REPORTS_SOURCE, REPORTS_SOURCE_SPEC);
    map.addLayer(REPORTS_LAYER_SPEC);
  }
  return () => {
    if (map.getLayer(REPORTS_LAYER)) map.removeLayer(REPORTS_LAYER);
    if (map.getSource(REPORTS_SOURCE)) map.removeSource(REPORTS_SOURCE);
  };
}

/** Reloads the open reports layer (after a report is filed or moved on). */
export function refreshOpenReports(): void {
  const src = editMap.map?.getSource(REPORTS_SOURCE) as GeoJSONSource | undefined;
  src?.setData(`${OPEN_REPORTS_URL}?t=${Date.now()}`);
}

/**
 * Reloads a collection's map source after a write: GeoJSON sources fetch their items afresh (bypassing
 * the HTTP cache); vector sources get new tile URLs (the server purged the touched tiles already).
 */
export async function reloadCollection(map: MapLibreMap, collection: string): Promise<void> {
  const src = map.getSource(collection);
  if (!src) return;
  if (src.type === 'geojson') {
    const res = await fetch(itemsUrl(collection), { cache: 'no-store' });
    if (res.ok) (src as GeoJSONSource).setData(await res.json());
  } else if (src.type === 'vector') {
    const v = src as VectorTileSource;
    const stamp = Date.now();
    v.setTiles((v.tiles ?? []).map((u) => `${u.split('?')[0]}?v=${stamp}`));
  }
}

/**
 * Hands the map to the editing components, shows the open reports and reloads a layer whenever an edit
 * announces `gimpo:data-changed`. MapView calls it once the map has loaded; the cleanup undoes it.
 */
export function attachEditing(map: MapLibreMap): () => void {
  editMap.map = map;
  const hideReports = showOpenReports(map);
  const onChange = (e: Event) => {
    const collection = (e as CustomEvent<{ collection?: string }>).detail?.collection;
    if (collection) void reloadCollection(map, collection);
  };
  window.addEventListener('gimpo:data-changed', onChange);
  return () => {
    window.removeEventListener('gimpo:data-changed', onChange);
    hideReports();
    if (editMap.map === map) editMap.map = undefined;
  };
}
