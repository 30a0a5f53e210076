import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/src/app.js';
import { openDb } from '../../api/src/db/client.js';
import { decodeTile } from '../../api/src/tiles/decode.js';
import { createTileService, type TileService } from '../../api/src/tiles/index.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { staff } from '../support/staff.js';

/** The XYZ tile holding lon/lat at zoom z. */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [
    Math.floor(((lon + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  ];
}

/** Waits until `done()` holds (notifications arrive a moment after the commit), failing after 5 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Feature {
  id: number;
  geometry: { type: string; coordinates: [number, number] };
  properties: Record<string, unknown>;
}

describe.each(BACKENDS)('vector tiles on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  let tiles: TileService;
  let app: ReturnType<typeof createApp>;
  let wifi: Feature;
  const get = (p: string, init?: RequestInit) => app.request(`http://maps.example:8811${p}`, init);
  const tile = async (id: string, z: number, x: number, y: number) => {
    const res = await get(`/api/tiles/${id}/${z}/${x}/${y}.mvt`);
    expect(res.status).toBe(200);
    return decodeTile(new Uint8Array(await res.arrayBuffer()));
  };

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    tiles = createTileService({ db: b.db, config: b.config });
    await tiles.following;
    app = createApp({ db: b.db, config: b.config, tiles });
    const res = await b.request('/api/collections/wifi/items?limit=1');
    wifi = ((await res.json()) as { features: Feature[] }).features[0] as Feature;
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('gives https tile URLs behind a TLS proxy (X-Forwarded-Proto: https)', async () => {
    const res = await get('/api/tiles/wifi.json', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.status).toBe(200);
    expect((await res.json()).tiles).toEqual(['https://maps.example:8811/api/tiles/wifi/{z}/{x}/{y}.mvt']);
    const links = await (
      await get('/api/collections/wifi/items?limit=2', { headers: { 'x-forwarded-proto': 'https' } })
    ).json();
    expect(links.links.find((l: { rel: string }) => l.rel === 'next').href).toMatch(/^https:\/\/maps\.example:8811\//);
    // a forged header can only upgrade: never downgrade an https request
    const plain = await (await get('/api/tiles/wifi.json', { headers: { 'x-forwarded-proto': 'gopher' } })).json();
    expect(plain.tiles[0]).toMatch(/^http:\/\//);
  });

  it.skipIf(reason)('serves TileJSON 3.0.0 with an absolute tile URL, data bounds and the layer fields', async () => {
    const res = await get('/api/tiles/wifi.json');
    expect(res.status).toBe(200);
    const tj = await res.json();
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles).toEqual(['http://maps.example:8811/api/tiles/wifi/{z}/{x}/{y}.mvt']);
    expect(tj.minzoom).toBe(0);
    expect(tj.maxzoom).toBeGreaterThanOrEqual(16);
    const [w, s, e, n] = tj.bounds as [number, number, number, number];
    expect(w).toBeLessThanOrEqual(wifi.geometry.coordinates[0]);
    expect(e).toBeGreaterThanOrEqual(wifi.geometry.coordinates[0]);
    expect(s).toBeLessThanOrEqual(wifi.geometry.coordinates[1]);
    expect(n).toBeGreaterThanOrEqual(wifi.geometry.coordinates[1]);
    expect(e - w).toBeLessThan(5); // from the data, not the world
    expect(tj.vector_layers).toHaveLength(1);
    expect(tj.vector_layers[0].id).toBe('wifi');
    expect(Object.keys(tj.vector_layers[0].fields)).toEqual(
      expect.arrayContaining(['name', 'emd', 'verified', 'demo', 'point_count']),
    );
    expect(Object.keys(tj.vector_layers[0].fields)).not.toContain('note');
    const lines = await (await get('/api/tiles/update-lines.json')).json();
    expect(Object.keys(lines.vector_layers[0].fields)).toEqual(expect.arrayContaining(['facility', 'area_id']));
    expect(Object.keys(lines.vector_layers[0].fields)).not.toContain('attrs');
  });

  it.skipIf(reason)('serves a feature with its id and display properties, ETag, Cache-Control and 304', async () => {
    const [lon, lat] = wifi.geometry.coordinates;
    const [x, y] = tileOf(lon, lat, 16);
    const res = await get(`/api/tiles/wifi/16/${x}/${y}.mvt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(res.headers.get('cache-control')).toContain('no-cache');
    const decoded = decodeTile(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(decoded)).toEqual(['wifi']);
    const f = decoded.wifi?.features.find((g) => g.id === wifi.id);
    expect(f?.type).toBe('Point');
    expect(f?.properties.name).toBe(wifi.properties.name);
    expect(f?.properties.verified).toBe(wifi.properties.verified);
    expect(f?.properties).not.toHaveProperty('source');
    const again = await get(`/api/tiles/wifi/16/${x}/${y}.mvt`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
  });

  it.skipIf(reason)('answers an empty area with 200, an empty body and an ETag', async () => {
    const [x, y] = tileOf(-30, -40, 14); // South Atlantic
    const res = await get(`/api/tiles/wifi/14/${x}/${y}.mvt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
    expect(res.headers.get('cache-control')).toBeTruthy();
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it.skipIf(reason)('serves every collection at z0 and over the city at z12 without error', async () => {
    for (const id of ['wifi', 'sculptures', 'signage', 'update-areas', 'update-lines', 'admin-areas']) {
      const z0 = await tile(id, 0, 0, 0);
      const [x, y] = tileOf(126.65, 37.68, 12);
      const z12 = await tile(id, 12, x, y);
      const n = (z0[id]?.features.length ?? 0) + (z12[id]?.features.length ?? 0);
      expect(n, id).toBeGreaterThan(0);
    }
  });

  it.skipIf(reason)('rejects bad tile requests with 400/404 problem+json, never 5xx', async () => {
    const cases: [string, number, string?][] = [
      ['/api/tiles/wifi/23/0/0.mvt', 400, 'z'],
      ['/api/tiles/wifi/2/4/0.mvt', 400, 'x'],
      ['/api/tiles/wifi/2/0/4.mvt', 400, 'y'],
      ['/api/tiles/wifi/a/0/0.mvt', 400, 'z'],
      ['/api/tiles/wifi/1/-1/0.mvt', 400, 'x'],
      ['/api/tiles/wifi/1/0/0.5.mvt', 400, 'y'],
      ['/api/tiles/wifi/1/0/0.png', 400, 'y'],
      ['/api/tiles/wifi/99999999999/0/0.mvt', 400, 'z'],
      ['/api/tiles/nope/1/0/0.mvt', 404],
      ['/api/tiles/nope.json', 404],
      // names every JavaScript object answers to are not collections either
      ['/api/tiles/__proto__/1/0/0.mvt', 404],
      ['/api/tiles/toString/1/0/0.mvt', 404],
      ['/api/tiles/constructor.json', 404],
      ['/api/tiles/wifi.xml', 400, 'tileset'],
    ];
    for (const [path, status, field] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
      if (field) expect(JSON.stringify((await res.json()).errors), path).toContain(`"field":"${field}"`);
    }
  });

  it.skipIf(reason)(
    'shows an edit on the next tile request on every zoom, and purges only the touched tiles',
    async () => {
      const [lon, lat] = wifi.geometry.coordinates;
      const zooms = [3, 10, 14, 18];
      const before = new Map<number, string>();
      for (const z of zooms) {
        const [x, y] = tileOf(lon, lat, z);
        const t = await tile('wifi', z, x, y);
        const f = t.wifi?.features.find((g) => g.id === wifi.id);
        if (z >= 14) expect(f?.properties.name).toBe(wifi.properties.name);
        before.set(z, JSON.stringify(t));
        expect(tiles.cache.has('wifi', z, x, y)).toBe(true);
      }
      // a cached tile far from the edit, and the same tile of another collection
      const [fx, fy] = tileOf(-30, -40, 14);
      await tile('wifi', 14, fx, fy);
      const [sx, sy] = tileOf(lon, lat, 14);
      await tile('signage', 14, sx, sy);

      // move the point ~300 m east and rename it, in the database
      const moved: [number, number] = [lon + 0.0035, lat];
      const oldBox = await sql<{
        w: number;
        s: number;
        e: number;
        n: number;
      }>`select ST_XMin(geom) as w, ST_YMin(geom) as s,
      ST_XMax(geom) as e, ST_YMax(geom) as n from wifi where id = ${wifi.id}`.execute(b.db.kysely);
      // an edit straight in SQL (as psql, QGIS or another process would make it): the table's trigger
      // announces it and the cache purges the tiles it touched, on every zoom, and only those
      await sql`update wifi set name = 'tile edit test', geom = ST_SetSRID(ST_MakePoint(${moved[0]}, ${moved[1]}), 4326),
      version = version + 1 where id = ${wifi.id}`.execute(b.db.kysely);
      const o = oldBox.rows[0] as { w: number; s: number; e: number; n: number };
      expect(o.w).toBeCloseTo(lon, 9);
      await until(() => zooms.every((z) => !tiles.cache.has('wifi', z, ...tileOf(lon, lat, z))), 'purge');
      expect(tiles.cache.has('wifi', 14, fx, fy)).toBe(true);
      expect(tiles.cache.has('signage', 14, sx, sy)).toBe(true);

      const [nx, ny] = tileOf(moved[0], moved[1], 18);
      const after18 = await tile('wifi', 18, nx, ny);
      expect(after18.wifi?.features.find((g) => g.id === wifi.id)?.properties.name).toBe('tile edit test');
      const [ox, oy] = tileOf(lon, lat, 18);
      if (ox !== nx)
        expect((await tile('wifi', 18, ox, oy)).wifi?.features.find((g) => g.id === wifi.id)).toBeUndefined();
      const after14 = await tile('wifi', 14, ...tileOf(moved[0], moved[1], 14));
      expect(after14.wifi?.features.find((g) => g.id === wifi.id)?.properties.name).toBe('tile edit test');
    },
  );
  it.skipIf(reason)('shows edits made through the write API on the next tile, on every zoom (cache on)', async () => {
    expect(b.config.tileCacheMb).toBeGreaterThan(0);
    const gis = await staff(b, 'tiles-gis', 'gis');
    const list = await (await b.request('/api/collections/update-lines/items?limit=1')).json();
    const line = list.features[0] as {
      id: number;
      geometry: { coordinates: number[][][] };
      properties: Record<string, unknown>;
    };
    const [lon, lat] = (line.geometry.coordinates[0] ?? [])[0] as [number, number];
    const tileGet = async (z: number, x: number, y: number) => {
      const res = await b.request(`/api/tiles/update-lines/${z}/${x}/${y}.mvt`);
      expect(res.status).toBe(200);
      return decodeTile(new Uint8Array(await res.arrayBuffer()))['update-lines']?.features.find(
        (f) => f.id === line.id,
      );
    };
    const zooms = [12, 14, 17];
    for (const z of zooms) {
      const f = await tileGet(z, ...tileOf(lon, lat, z));
      expect(f?.properties.facility, `z${z}`).toBe(line.properties.facility);
      expect(await tileGet(z, ...tileOf(lon, lat, z))).toEqual(f); // second request: from the cache
    }
    const item = await b.request(`/api/collections/update-lines/items/${line.id}`);
    const facility = line.properties.facility === 'sewer' ? 'water' : 'sewer';
    const moved = [
      [lon + 0.01, lat + 0.01],
      [lon + 0.0105, lat + 0.0104],
    ];
    const patch = await gis.request(`/api/collections/update-lines/items/${line.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'if-match': item.headers.get('etag') ?? '' },
      body: JSON.stringify({ geometry: { type: 'LineString', coordinates: moved }, properties: { facility } }),
    });
    expect(patch.status, await patch.clone().text()).toBe(200);
    for (const z of zooms) {
      const [ox, oy] = tileOf(lon, lat, z);
      const [nx, ny] = tileOf(lon + 0.01, lat + 0.01, z);
      const now = await tileGet(z, nx, ny);
      expect(now?.properties.facility, `z${z} new place`).toBe(facility);
      if (ox !== nx || oy !== ny) expect(await tileGet(z, ox, oy), `z${z} old place`).toBeUndefined();
    }
    const del = await gis.request(`/api/collections/update-lines/items/${line.id}`, {
      method: 'DELETE',
      headers: { 'if-match': patch.headers.get('etag') ?? '' },
    });
    expect(del.status).toBeLessThan(300);
    for (const z of zooms)
      expect(await tileGet(z, ...tileOf(lon + 0.01, lat + 0.01, z)), `z${z} deleted`).toBeUndefined();
  });

  it.skipIf(reason)('purges the lines of a deleted update area, whose area_id the database cleared', async () => {
    const gis = await staff(b, 'tiles-cascade', 'gis');
    const { rows } = await sql<{ id: number; area_id: number; lon: number; lat: number }>`
      select l.id, l.area_id, ST_X(ST_StartPoint(ST_GeometryN(l.geom, 1))) as lon,
        ST_Y(ST_StartPoint(ST_GeometryN(l.geom, 1))) as lat
      from update_lines l where l.area_id is not null order by l.id limit 1`.execute(b.db.kysely);
    const line = rows[0] as { id: number; area_id: number; lon: number; lat: number };
    const [x, y] = tileOf(line.lon, line.lat, 15);
    const lineTile = async () =>
      (await tile('update-lines', 15, x, y))['update-lines']?.features.find((f) => f.id === line.id);
    expect((await lineTile())?.properties.area_id).toBe(line.area_id);
    expect(tiles.cache.has('update-lines', 15, x, y)).toBe(true);
    const area = await b.request(`/api/collections/update-areas/items/${line.area_id}`);
    const del = await gis.request(`/api/collections/update-areas/items/${line.area_id}`, {
      method: 'DELETE',
      headers: { 'if-match': area.headers.get('etag') ?? '' },
    });
    expect(del.status).toBe(204);
    await until(() => !tiles.cache.has('update-lines', 15, x, y), 'the lines purge');
    expect((await lineTile())?.properties.area_id).toBeUndefined();
  });

  it.skipIf(reason || backendName !== 'postgres')(
    'keeps the tile caches of several server processes on one database in step',
    async () => {
      // a second process: its own pool, listener and cache on the same database
      const other = await openDb(b.config);
      try {
        const otherTiles = createTileService({ db: other, config: b.config });
        await otherTiles.following;
        const otherApp = createApp({ db: other, config: b.config, tiles: otherTiles });
        const { rows } = await sql<{ id: number; lon: number; lat: number; name: string }>`
          select id, ST_X(geom) as lon, ST_Y(geom) as lat, name from signage order by id limit 1`.execute(b.db.kysely);
        const sign = rows[0] as { id: number; lon: number; lat: number; name: string };
        const [x, y] = tileOf(sign.lon, sign.lat, 16);
        const viaOther = async () => {
          const res = await otherApp.request(`/api/tiles/signage/16/${x}/${y}.mvt`);
          return decodeTile(new Uint8Array(await res.arrayBuffer())).signage?.features.find((f) => f.id === sign.id);
        };
        expect((await viaOther())?.properties.name).toBe(sign.name);
        expect(otherTiles.cache.has('signage', 16, x, y)).toBe(true);
        // the edit goes through this process's API; the other one never sees the request
        const pr = await staff(b, 'tiles-other-pr', 'pr');
        const item = await b.request(`/api/collections/signage/items/${sign.id}`);
        const patch = await pr.request(`/api/collections/signage/items/${sign.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'if-match': item.headers.get('etag') ?? '' },
          body: JSON.stringify({ properties: { name: '다른 프로세스 편집' } }),
        });
        expect(patch.status).toBe(200);
        await until(() => !otherTiles.cache.has('signage', 16, x, y), "the other process's purge");
        expect((await viaOther())?.properties.name).toBe('다른 프로세스 편집');
      } finally {
        await other.close();
      }
    },
  );
});

describe('tile service', () => {
  const reason = skipReason('pglite');
  it.skipIf(reason)('shares one render among simultaneous requests for a tile, but not across an edit', async () => {
    const b = await openBackend('pglite');
    try {
      const tiles = createTileService({ db: b.db, config: { ...b.config, tileCacheMb: 0 } });
      let queries = 0;
      const executor = b.db.kysely.getExecutor();
      const execute = executor.executeQuery.bind(executor);
      executor.executeQuery = ((...args: Parameters<typeof execute>) => {
        queries++;
        return execute(...args);
      }) as typeof execute;
      const [x, y] = tileOf(126.7156, 37.6153, 12);
      const same = await Promise.all([1, 2, 3, 4].map(() => tiles.getTile('wifi', 12, x, y)));
      expect(queries).toBe(1);
      expect(new Set(same.map((t) => t.etag)).size).toBe(1);
      const first = tiles.getTile('wifi', 12, x, y);
      tiles.invalidate('wifi', [[126.7, 37.6, 126.72, 37.62]]);
      await Promise.all([first, tiles.getTile('wifi', 12, x, y)]);
      expect(queries).toBe(3);

      // reads go to a replica, except just after a write (a lagging replica must not refill the cache)
      let replicaReads = 0;
      const db = {
        ...b.db,
        reader: () => {
          replicaReads++;
          return b.db.kysely;
        },
      };
      const viaReplicas = createTileService({ db, config: { ...b.config, tileCacheMb: 0 } });
      await viaReplicas.getTile('signage', 12, x, y);
      expect(replicaReads).toBe(1);
      viaReplicas.invalidate('signage', [[126.7, 37.6, 126.72, 37.62]]);
      await viaReplicas.getTile('signage', 12, x, y);
      await viaReplicas.getTile('wifi', 12, x, y);
      expect(replicaReads).toBe(2); // signage from the primary, wifi (not written) from a replica
    } finally {
      await b.close();
    }
  });
});
