// Shared state of the web app (Svelte 5 runes): language, layers, selection, view and map overlays.
import type { FeatureCollection } from 'geojson';
import { LAYERS } from '../layers';
import type { ApiFeature, ClientConfig } from '../lib/api';
import { type Lang, type StringKey, translate } from '../lib/i18n';

/** A feature drawn in the map's view, as the text twin lists it. */
export interface ViewItem {
  key: string;
  collection: string;
  id: string | number;
  title: string;
  feature: ApiFeature;
}

/** Names of the overlays MapView draws from `app.overlays`. */
export type OverlayName =
  | 'wifi-origin'
  | 'wifi-circles'
  | 'measure'
  | 'ledger-lines'
  | 'ledger-outside'
  | 'focus'
  | 'import-preview';

/** A reference to a feature: its collection and id. */
export interface FeatureRef {
  collection: string;
  id: string | number;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The application state. Panels read and write it; MapView turns it into map layers. */
export const app = $state({
  lang: 'ko' as Lang,
  config: undefined as ClientConfig | undefined,
  counts: {} as Record<string, number | undefined>,
  /** Per collection, how many of its features are demo or sample data (`demo = true`). */
  demoCounts: {} as Record<string, number | undefined>,
  visible: Object.fromEntries(LAYERS.map((l) => [l.id, true])) as Record<string, boolean>,
  /** Camera: centre lon/lat and zoom. */
  view: { lng: 126.66, lat: 37.68, zoom: 10.3 },
  selected: undefined as FeatureRef | undefined,
  selectedFeature: undefined as ApiFeature | undefined,
  /** Key (`collection:id`) of the feature highlighted while focused in a list. */
  focusKey: undefined as string | undefined,
  inView: [] as ViewItem[],
  inViewTotal: 0,
  basemap: 'loading' as 'loading' | 'online' | 'offline',
  /** Message for the polite live region. */
  announcement: '',
  overlays: Object.fromEntries(
    (
      [
        'wifi-origin',
        'wifi-circles',
        'measure',
        'ledger-lines',
        'ledger-outside',
        'focus',
        'import-preview',
      ] as OverlayName[]
    ).map((n) => [n, EMPTY]),
  ) as Record<OverlayName, FeatureCollection>,
});

/** The interface string for `key` in the current language. */
export function t(key: StringKey, vars?: Record<string, string | number>): string {
  return translate(app.lang, key, vars);
}

/** The key used for a feature in lists and the URL. */
export function featureKey(collection: string, id: string | number): string {
  return `${collection}:${id}`;
}

/** The display name of a collection in the current language. */
export function collectionName(id: string): string {
  const c = app.config?.collections.find((x) => x.id === id);
  const l = LAYERS.find((x) => x.id === id);
  return (app.lang === 'ko' ? (c?.ko ?? l?.ko) : (c?.en ?? l?.en)) ?? id;
}

/** A feature's title: its collection's title column, else name, else `#id`. */
export function featureTitle(
  collection: string,
  f: { id?: string | number; properties: Record<string, unknown> | null },
): string {
  const col = app.config?.collections.find((x) => x.id === collection)?.titleColumn ?? 'name';
  const p = f.properties ?? {};
  const v = p[col] ?? p.name ?? p.name_ko;
  return v === null || v === undefined || v === '' ? `${collectionName(collection)} #${f.id ?? ''}` : String(v);
}

/** Replaces an overlay's features. */
export function setOverlay(name: OverlayName, fc: FeatureCollection | undefined): void {
  app.overlays[name] = fc ?? EMPTY;
}

/** Announces a message to screen readers through the polite live region. */
export function announce(message: string): void {
  app.announcement = '';
  queueMicrotask(() => {
    app.announcement = message;
  });
}
