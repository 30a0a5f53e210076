import { describe, expect, it } from 'vitest';
import { TileCache } from './cache.js';
import { isValidTile, tileBoundsLonLat } from './grid.js';

const tile = (n: number, etag = 'e') => ({ body: new Uint8Array(n), etag });

/** The XYZ tile holding lon/lat at zoom z. */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [
    Math.floor(((lon + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  ];
}

describe('tile grid', () => {
  it('gives the bounds of a tile, grown by the buffer', () => {
    expect(tileBoundsLonLat(0, 0, 0)).toEqual([-180, expect.closeTo(-85.0511, 4), 180, expect.closeTo(85.0511, 4)]);
    const [w, s, e, n] = tileBoundsLonLat(1, 1, 0);
    expect([w, e]).toEqual([0, 180]);
    expect(s).toBeCloseTo(0, 9);
    expect(n).toBeCloseTo(85.0511, 4);
    const grown = tileBoundsLonLat(14, 13958, 6341, 64 / 4096);
    const plain = tileBoundsLonLat(14, 13958, 6341);
    expect(grown[0]).toBeLessThan(plain[0]);
    expect(grown[2]).toBeGreaterThan(plain[2]);
    expect(grown[2] - plain[2]).toBeCloseTo(((plain[2] - plain[0]) * 64) / 4096, 9);
  });
  it('validates z/x/y', () => {
    expect(isValidTile(0, 0, 0)).toBe(true);
    expect(isValidTile(22, 2 ** 22 - 1, 0)).toBe(true);
    expect(isValidTile(23, 0, 0)).toBe(false);
    expect(isValidTile(2, 4, 0)).toBe(false);
    expect(isValidTile(2, 0, -1)).toBe(false);
    expect(isValidTile(1.5, 0, 0)).toBe(false);
  });
});

describe('TileCache', () => {
  it('evicts the least recently used tiles to stay within its byte budget', () => {
    const c = new TileCache(3 * 1200, 0);
    c.set('wifi', 1, 0, 0, tile(1000), 0);
    c.set('wifi', 1, 1, 0, tile(1000), 0);
    c.set('wifi', 1, 0, 1, tile(1000), 0);
    expect(c.size).toBe(3);
    c.get('wifi', 1, 0, 0); // touch: now 1/1/0 is the oldest
    c.set('wifi', 1, 1, 1, tile(1000), 0);
    expect(c.has('wifi', 1, 1, 0)).toBe(false);
    expect(c.has('wifi', 1, 0, 0)).toBe(true);
    expect(c.usedBytes).toBeLessThanOrEqual(c.maxBytes);
    c.set('wifi', 2, 0, 0, tile(10_000), 0); // bigger than the whole cache: not kept
    expect(c.has('wifi', 2, 0, 0)).toBe(false);
  });

  it('keeps nothing when disabled', () => {
    const c = new TileCache(0, 0);
    c.set('wifi', 0, 0, 0, tile(10), 0);
    expect(c.enabled).toBe(false);
    expect(c.get('wifi', 0, 0, 0)).toBeUndefined();
  });

  it('purges exactly the tiles a changed box touches, on every zoom, in its collection only', () => {
    const c = new TileCache(64 * 1024 * 1024, 64 / 4096);
    const [lon, lat] = [126.7156, 37.6153];
    for (let z = 0; z <= 22; z++) {
      const [x, y] = tileOf(lon, lat, z);
      c.set('wifi', z, x, y, tile(10), 0);
      c.set('wifi', z, x + 2, y, tile(10), 0); // two tiles east: untouched
      c.set('signage', z, x, y, tile(10), 0);
    }
    const purged = c.invalidate('wifi', [[lon, lat, lon, lat]]);
    for (let z = 0; z <= 22; z++) {
      const [x, y] = tileOf(lon, lat, z);
      expect(c.has('wifi', z, x, y), `z${z}`).toBe(false);
      expect(c.has('signage', z, x, y), `signage z${z}`).toBe(true);
      // at low zooms "two tiles east" is still within reach of nothing: Gimpo is far from tile edges
      if (z >= 3) expect(c.has('wifi', z, x + 2, y), `east z${z}`).toBe(true);
    }
    expect(purged).toBeGreaterThanOrEqual(23);
    expect(purged).toBeLessThanOrEqual(23 + 3);
  });

  it('purges a neighbour whose buffer reaches the change', () => {
    const c = new TileCache(1024 * 1024, 64 / 4096);
    const z = 14;
    const [x, y] = [13958, 6341];
    const [w, , e] = tileBoundsLonLat(z, x, y);
    const unit = (e - w) / 4096;
    c.set('wifi', z, x + 1, y, tile(10), 0);
    c.set('wifi', z, x + 2, y, tile(10), 0);
    // a point inside tile x, 10 units from its east edge: inside the 64-unit buffer of tile x+1
    const [, s, , n] = tileBoundsLonLat(z, x, y);
    const p = e - 10 * unit;
    c.invalidate('wifi', [[p, (s + n) / 2, p, (s + n) / 2]]);
    expect(c.has('wifi', z, x + 1, y)).toBe(false);
    expect(c.has('wifi', z, x + 2, y)).toBe(true);
  });

  it('clears one collection wholly', () => {
    const c = new TileCache(1024 * 1024, 0);
    c.set('wifi', 3, 1, 1, tile(10), 0);
    c.set('wifi', 9, 100, 100, tile(10), 0);
    c.set('signage', 3, 1, 1, tile(10), 0);
    c.clear('wifi');
    expect(c.size).toBe(1);
    expect(c.has('signage', 3, 1, 1)).toBe(true);
    expect(c.generation('wifi')).toBe(1);
  });

  it('does not store a tile rendered before an invalidation of its collection', () => {
    const c = new TileCache(1024 * 1024, 0);
    const g = c.generation('wifi');
    c.invalidate('wifi', [[0, 0, 1, 1]]); // a write lands while the tile is being rendered
    c.set('wifi', 3, 1, 1, tile(10), g);
    expect(c.has('wifi', 3, 1, 1)).toBe(false);
    const g2 = c.generation('signage');
    c.set('signage', 3, 1, 1, tile(10), g2);
    expect(c.has('signage', 3, 1, 1)).toBe(true);
  });
});
