import length from '@turf/length';
import type { FeatureCollection, Geometry } from 'geojson';
import { describe, expect, it } from 'vitest';
import { checkProjects, lengthsMatch } from './ledger';

type Fc = FeatureCollection<Geometry, Record<string, unknown>>;
const areas: Fc = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 1,
      properties: {},
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [126.5, 37.6],
            [126.6, 37.6],
            [126.6, 37.7],
            [126.5, 37.7],
            [126.5, 37.6],
          ],
        ],
      },
    },
  ],
};
const inside = {
  type: 'Feature' as const,
  id: 10,
  properties: { area_id: 1 },
  geometry: {
    type: 'LineString' as const,
    coordinates: [
      [126.51, 37.61],
      [126.52, 37.61],
    ],
  },
};
const leaving = {
  type: 'Feature' as const,
  id: 11,
  properties: { area_id: 1 },
  geometry: {
    type: 'MultiLineString' as const,
    coordinates: [
      [
        [126.59, 37.65],
        [126.61, 37.65],
      ],
    ],
  },
};
const other = {
  type: 'Feature' as const,
  id: 12,
  properties: { area_id: 2 },
  geometry: {
    type: 'LineString' as const,
    coordinates: [
      [126.51, 37.62],
      [126.52, 37.62],
    ],
  },
};

describe('ledger checks', () => {
  it('sums the Turf length of a project’s lines and flags those leaving its area', () => {
    const c = checkProjects(areas, { type: 'FeatureCollection', features: [inside, leaving, other] }).get(1)!;
    expect(c.lines.map((l) => l.id)).toEqual([10, 11]);
    expect(c.outside.map((l) => l.id)).toEqual([11]);
    expect(c.turfKm).toBeCloseTo(length(inside) + length(leaving), 9);
    expect(c.bbox).toEqual([126.5, 37.6, 126.6, 37.7]);
  });

  it('matches lengths within 0.5 % or 5 m', () => {
    expect(lengthsMatch(24.085, 24.2)).toBe(true);
    expect(lengthsMatch(24.085, 24.3)).toBe(false);
    expect(lengthsMatch(0, 0.004)).toBe(true);
  });
});
