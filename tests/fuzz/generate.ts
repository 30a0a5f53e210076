import { mulberry32 } from '../../scripts/lib/random.js';
/**
 * A seeded generator of malformed requests over every route of the OpenAPI document (and a few outside it):
 * broken path parameters, query parameters, JSON and GeoJSON bodies, headers and uploaded files. Every request a
 * signed-in editor could make is made invalid in at least one part that the server must refuse, so none of them
 * may change any collection.
 */

/** One generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | FormData;
  /** Send the signed-in staff cookie. */
  signedIn: boolean;
  /** What was broken, for failure messages. */
  what: string;
}

/** The routes of an OpenAPI document: method, path template and the query parameters it names. */
export interface RouteSpec {
  method: string;
  path: string;
  query: string[];
}

/** A seeded pseudo-random generator (mulberry32) with helpers. */
export class Rng {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = mulberry32(seed);
  }
  /** A float in [0, 1). */
  next(): number {
    return this.#random();
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The routes of `/api/openapi.json` (paths prefixed with `/api`). */
export function routesOf(doc: {
  paths?: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
}): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const [p, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const query = (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name);
      routes.push({ method: method.toUpperCase(), path: `/api${p === '/' ? '' : p}`, query });
    }
  }
  return routes;
}

const COLLECTIONS = ['wifi', 'sculptures', 'signage', 'update-areas', 'update-lines', 'admin-areas'];

/** Strings that break parsers: empty, huge, control characters, bad percent-encoding, injection, unicode. */
function garbage(r: Rng): string {
  switch (r.int(16)) {
    case 0:
      return '';
    case 1:
      return 'x'.repeat(r.pick([256, 5000, 70000]));
    case 2:
      return '%00%01%ff';
    case 3:
      return '%ZZ%E0%A4%A';
    case 4:
      return "' or 1=1; drop table wifi; --";
    case 5:
      return '../../../../etc/passwd';
    case 6:
      return '김포시 와이파이 🛜'.repeat(r.int(5) + 1);
    case 7:
      return (
        r.pick(['-1', '0', '-0.5', '1e309', '-1e309', String(2 ** 53 + 1)]) +
        (r.chance(0.3) ? '99999999999999999999' : '')
      );
    case 8:
      return r.pick([
        'NaN',
        'Infinity',
        '-Infinity',
        'null',
        'undefined',
        'true',
        '[]',
        '{}',
        // names every JavaScript object answers to
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
      ]);
    case 9:
      return '1,2,3';
    case 10:
      return r.pick(['1e999,0,0,0', '-181,-91,181,91', '10,10,0,0', 'a,b,c,d', ',,,', '1,2,3,4,5,6']);
    case 11:
      return r.pick(['2024-13-45', '../2024-01-01', '2024-01-01/2023-01-01', '/', '..', '2024-01-01T25:00:00Z/..']);
    case 12:
      return '\u0000\u200b\ud800';
    case 13:
      return '<script>alert(1)</script>';
    case 14:
      return String(r.int(2 ** 31) - 2 ** 30);
    default:
      return Array.from({ length: r.int(40) }, () => String.fromCharCode(r.int(0x3000))).join('');
  }
}

function enc(r: Rng, s: string): string {
  // mostly proper encoding; sometimes raw (malformed percent sequences reach the router as they are)
  const raw = r.chance(0.2);
  try {
    if (!raw) return encodeURIComponent(s);
  } catch {
    // a lone surrogate cannot be percent-encoded: send it as a malformed sequence
    return `${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`;
  }
  return s.replace(/[\s#?/&=]/g, '_');
}

function fillPath(r: Rng, template: string): { path: string; broken: boolean } {
  let broken = false;
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'collectionId') {
      if (r.chance(0.7)) return r.pick(COLLECTIONS);
      broken = true;
      return enc(r, garbage(r));
    }
    if (name === 'featureId' || name === 'reportId') {
      if (r.chance(0.3)) return String(1 + r.int(20));
      broken = true;
      return enc(r, garbage(r));
    }
    if (name === 'z' || name === 'x' || name === 'y') {
      if (r.chance(0.6)) return String(r.int(16));
      broken = true;
      return enc(r, garbage(r));
    }
    broken = true;
    return enc(r, garbage(r));
  });
  return { path, broken };
}

/** A GeoJSON feature broken in one of many ways (never a valid one). */
/** A broken feature as an object, or as JSON text when it cannot be built as one. */
function badFeature(r: Rng): unknown {
  const point = { type: 'Point', coordinates: [126.7, 37.65] };
  const good = {
    type: 'Feature',
    geometry: point,
    properties: { name: 'fuzz', source: 'fuzz', kind: 'led', facility: 'road', year: 2025 },
  };
  switch (r.int(14)) {
    case 0:
      return { ...good, type: 'FeatureCollection' };
    case 1:
      return { ...good, geometry: { type: 'Point', coordinates: [Number.NaN, 'a'] } };
    case 2:
      return { ...good, geometry: { type: 'Point', coordinates: [1e308, -1e308] } };
    case 3:
      return {
        ...good,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 1],
              [1, 0],
              [0, 1],
              [0, 0],
            ],
          ],
        },
      };
    case 4:
      return {
        ...good,
        geometry: { type: 'LineString', coordinates: Array.from({ length: 20000 }, (_, i) => [126.6 + i * 1e-6]) },
      };
    case 5:
      return { ...good, geometry: null };
    case 6:
      return { ...good, properties: { ...good.properties, name: 42, source: null, units: -5, year: 'soon' } };
    case 7:
      return { ...good, properties: { ...good.properties, name: 'x'.repeat(100_000) } };
    case 8:
      return { ...good, geometry: { type: 'GeometryCollection', geometries: [point] } };
    case 9:
      // 5,000 nested arrays as text (building the object would overflow the stack of the test itself)
      return `{"type":"Feature","properties":{"name":"deep","source":"fuzz"},"geometry":{"type":"Point","coordinates":${'['.repeat(5000)}1${']'.repeat(5000)}}}`;
    case 10:
      return JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"type":"Feature"}');
    case 11:
      return [good, good];
    case 12:
      return { ...good, geometry: { type: 'Point', coordinates: [200, 100] }, id: -1 };
    default:
      return { ...good, properties: 'not an object' };
  }
}

function asJson(x: unknown): string {
  return typeof x === 'string' ? x : JSON.stringify(x);
}

function badBody(r: Rng): { body: string | Uint8Array; type: string; what: string } {
  switch (r.int(8)) {
    case 0:
      return { body: '{"type":"Feature",', type: 'application/geo+json', what: 'truncated JSON' };
    case 1:
      return {
        body: garbage(r),
        type: r.pick(['application/json', 'text/plain', 'application/xml']),
        what: 'garbage text',
      };
    case 2:
      return {
        body: new Uint8Array(Array.from({ length: 2000 }, () => r.int(256))),
        type: 'application/octet-stream',
        what: 'random bytes',
      };
    case 3:
      return { body: asJson(badFeature(r)), type: 'application/geo+json', what: 'bad feature' };
    case 4:
      return {
        body: asJson(badFeature(r)),
        type: r.pick(['application/merge-patch+json', 'application/json']),
        what: 'bad patch',
      };
    case 5:
      return { body: `{"a":"${'x'.repeat(1_200_000)}"}`, type: 'application/json', what: 'body over the limit' };
    case 6:
      return {
        body: JSON.stringify({ username: garbage(r), password: garbage(r) }),
        type: 'application/json',
        what: 'bad login',
      };
    default:
      return { body: 'null', type: 'application/json', what: 'null body' };
  }
}

function badFile(r: Rng): { form: FormData; what: string } {
  const form = new FormData();
  const name = r.pick(['a.csv', 'a.geojson', 'a.zip', 'a.shp', 'a.txt', '../../x.zip', '', '김포.csv']);
  let bytes: Uint8Array<ArrayBuffer>;
  switch (r.int(6)) {
    case 0:
      bytes = new Uint8Array(Array.from({ length: 1 + r.int(4000) }, () => r.int(256)));
      break;
    case 1:
      bytes = new TextEncoder().encode('PK\u0003\u0004 not really a zip');
      break;
    case 2:
      bytes = new TextEncoder().encode('설치장소명,위도,경도\n"unclosed,37.6,abc\n,,,,,,\n');
      break;
    case 3:
      bytes = new TextEncoder().encode(
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":["x"]}}]}',
      );
      break;
    case 4:
      bytes = new Uint8Array([0, 0, 0x27, 0x0a, ...Array.from({ length: 96 }, () => r.int(256))]); // .shp magic, then noise
      break;
    default:
      bytes = new Uint8Array(0);
  }
  const field = r.chance(0.85) ? 'file' : r.pick(['files', 'upload', '']);
  form.append(field, new Blob([bytes]), name);
  if (r.chance(0.2)) form.append('file', new Blob([bytes]), name);
  return { form, what: `file "${name}" (${bytes.length} bytes) in field "${field}"` };
}

function query(r: Rng, names: string[]): string {
  const all = [...names, 'limit', 'offset', 'bbox', 'datetime', 'f', 'q', 'lon', 'lat', garbage(r).slice(0, 20)];
  const n = r.int(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = r.pick(all);
    parts.push(`${enc(r, name)}=${enc(r, garbage(r))}`);
    if (r.chance(0.1)) parts.push(`${enc(r, name)}=${enc(r, garbage(r))}`); // repeated parameter
  }
  if (r.chance(0.05)) parts.push('&&=&=%');
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Generates `count` malformed requests over `routes`, reproducibly from `seed`. */
export function* fuzzRequests(routes: RouteSpec[], count: number, seed: number): Generator<FuzzRequest> {
  const r = new Rng(seed);
  const extra: RouteSpec[] = [
    { method: 'GET', path: '/', query: [] },
    { method: 'GET', path: '/assets/{x}', query: [] },
    { method: 'GET', path: '/api/{x}', query: [] },
    { method: 'OPTIONS', path: '/api/collections/{collectionId}/items', query: [] },
    { method: 'HEAD', path: '/api/collections/{collectionId}/items', query: [] },
    { method: 'PROPFIND', path: '/api/health', query: [] },
  ];
  const all = [...routes, ...extra];
  for (let i = 0; i < count; i++) {
    const route = all[i % all.length] as RouteSpec;
    const { path, broken } = fillPath(r, route.path);
    const headers: Record<string, string> = {};
    const parts: string[] = [];
    if (broken) parts.push('path');
    const q = query(r, route.query);
    if (q) parts.push('query');
    const writes = !['GET', 'HEAD', 'OPTIONS', 'PROPFIND'].includes(route.method);
    // about a third of the writes and a fifth of the reads come from a signed-in admin, so validation past the
    // session check is reached, and the staff-only reads (audit, report queue, history, import jobs) are fuzzed
    const signedIn = !route.path.includes('logout') && r.chance(writes ? 0.35 : 0.2);
    let body: FuzzRequest['body'];
    // (a GET or HEAD request cannot carry a body at all)
    if (writes || (route.method !== 'GET' && route.method !== 'HEAD' && r.chance(0.5))) {
      if (route.path.includes('/imports') && route.method === 'POST' && r.chance(0.7)) {
        const f = badFile(r);
        body = f.form;
        parts.push(f.what);
      } else {
        const b = badBody(r);
        body = b.body;
        headers['content-type'] = r.chance(0.9)
          ? b.type
          : garbage(r)
              .slice(0, 60)
              .replace(/[^\x20-\x7e]/g, '') || 'x/y';
        parts.push(b.what);
      }
    }
    if (route.method === 'PUT' || route.method === 'PATCH' || route.method === 'DELETE') {
      // never a usable If-Match: absent (PUT/PATCH only: a DELETE without one deletes), garbage or stale
      const picked = r.pick([
        '',
        '"garbage"',
        'W/"x"',
        '"wifi-1-v0"',
        garbage(r)
          .slice(0, 40)
          .replace(/[^\x20-\x7e]/g, ''),
      ]);
      const im = route.method === 'DELETE' && (picked.trim() === '' || picked.trim() === '*') ? '"garbage"' : picked;
      if (im) headers['if-match'] = im;
      parts.push(`if-match ${JSON.stringify(im)}`);
    }
    if (r.chance(0.15))
      headers.accept = r.pick([
        'application/xml',
        '*/*;q=abc',
        'text/csv',
        garbage(r)
          .slice(0, 50)
          .replace(/[^\x20-\x7e]/g, ''),
      ]);
    if (r.chance(0.1))
      headers.cookie = `gimpo_session=${garbage(r)
        .slice(0, 80)
        .replace(/[^\x21-\x7e]/g, '')}`;
    if (r.chance(0.1))
      headers['if-none-match'] = garbage(r)
        .slice(0, 80)
        .replace(/[^\x20-\x7e]/g, '');
    if (r.chance(0.05)) headers.origin = 'https://evil.example';
    if (r.chance(0.05)) headers.range = 'bytes=99999999-1';
    yield { method: route.method, path: path + q, headers, body, signedIn, what: parts.join('; ') || 'headers only' };
  }
}
