// Shareable URL: camera, visible layers, selected feature and language in the hash.
//   #map=<zoom>/<lat>/<lon>&layers=wifi,signage&sel=wifi:3&lang=en

/** The state kept in the URL hash. */
export interface UrlState {
  view?: { lng: number; lat: number; zoom: number };
  layers?: string[];
  selected?: { collection: string; id: string };
  lang?: 'ko' | 'en';
}

/** Reads the state from a hash string (with or without the leading `#`). */
export function parseHash(hash: string): UrlState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const out: UrlState = {};
  const m = p.get('map')?.split('/').map(Number);
  if (m && m.length === 3 && m.every(Number.isFinite) && Math.abs(m[1]!) <= 90 && Math.abs(m[2]!) <= 180) {
    out.view = { zoom: m[0]!, lat: m[1]!, lng: m[2]! };
  }
  if (p.has('layers')) out.layers = (p.get('layers') ?? '').split(',').filter(Boolean);
  const sel = p.get('sel');
  const i = sel?.lastIndexOf(':') ?? -1;
  if (sel && i > 0) out.selected = { collection: sel.slice(0, i), id: sel.slice(i + 1) };
  const lang = p.get('lang');
  if (lang === 'en' || lang === 'ko') out.lang = lang;
  return out;
}

/** Writes the state as a hash string (with `#`); `:`, `/` and `,` are kept readable. */
export function formatHash(s: UrlState): string {
  const parts: string[] = [];
  if (s.view) parts.push(`map=${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(5)}/${s.view.lng.toFixed(5)}`);
  if (s.layers) parts.push(`layers=${s.layers.map(encodeURIComponent).join(',')}`);
  if (s.selected) parts.push(`sel=${encodeURIComponent(s.selected.collection)}:${encodeURIComponent(s.selected.id)}`);
  if (s.lang && s.lang !== 'ko') parts.push(`lang=${s.lang}`);
  return `#${parts.join('&')}`;
}
