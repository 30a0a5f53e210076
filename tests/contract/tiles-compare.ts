import { expect } from 'vitest';
import type { DecodedFeature, DecodedTile } from '../../api/src/tiles/decode.js';

type Pt = [number, number];

function distToSegment(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Largest distance from a vertex of `a` to the nearest point of `b`'s outline (points: nearest point). */
function maxVertexDistance(a: DecodedFeature, b: DecodedFeature): number {
  let worst = 0;
  for (const ring of a.geometry) {
    for (const p of ring) {
      let best = Number.POSITIVE_INFINITY;
      for (const r of b.geometry) {
        if (r.length === 1 || a.type === 'Point')
          for (const q of r) best = Math.min(best, Math.hypot(p[0] - q[0], p[1] - q[1]));
        for (let i = 1; i < r.length; i++) best = Math.min(best, distToSegment(p, r[i - 1] as Pt, r[i] as Pt));
        if (b.type === 'Polygon' && r.length > 1)
          best = Math.min(best, distToSegment(p, r[r.length - 1] as Pt, r[0] as Pt));
      }
      worst = Math.max(worst, best);
    }
  }
  return worst;
}

/**
 * Asserts two decoded tiles hold the same layers and features: same ids, types and properties, and every
 * vertex of each within `tolerance` tile units of the other's geometry (clipping and snapping may differ by
 * rounding). Returns the number of features compared.
 */
export function expectSameFeatures(a: DecodedTile, b: DecodedTile, label: string, tolerance = 1): number {
  expect(Object.keys(b).sort(), `${label}: layers`).toEqual(Object.keys(a).sort());
  let n = 0;
  for (const [name, la] of Object.entries(a)) {
    const lb = b[name];
    if (!lb) continue;
    expect(lb.extent, `${label}: extent`).toBe(la.extent);
    expect(
      lb.features.map((f) => f.id),
      `${label}: ids`,
    ).toEqual(la.features.map((f) => f.id));
    la.features.forEach((fa, i) => {
      const fb = lb.features[i] as DecodedFeature;
      expect(fb.type, `${label} #${fa.id}: type`).toBe(fa.type);
      expect(fb.properties, `${label} #${fa.id}: properties`).toEqual(fa.properties);
      const d = Math.max(maxVertexDistance(fa, fb), maxVertexDistance(fb, fa));
      expect(d, `${label} #${fa.id}: geometry differs by ${d} units`).toBeLessThanOrEqual(tolerance);
      n++;
    });
  }
  return n;
}
