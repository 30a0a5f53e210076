import { describe, expect, it } from 'vitest';
import { anchor, toCsv, toGeoJson } from './export';

const point = {
  type: 'Feature' as const,
  id: 3,
  geometry: { type: 'Point' as const, coordinates: [126.7, 37.6] },
  properties: { name: '본청 "LED", 1층', units: 2, note: '=HYPERLINK("x")' },
};
const line = {
  type: 'Feature' as const,
  id: 9,
  geometry: {
    type: 'LineString' as const,
    coordinates: [
      [126.5, 37.7],
      [126.6, 37.7],
    ],
  },
  properties: { facility: 'road' },
};

describe('export', () => {
  it('writes CSV with a BOM, a union header, quoting and neutralised formulas', () => {
    const csv = toCsv([point, line]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = csv.slice(1).trimEnd().split('\r\n');
    expect(rows[0]).toBe('id,geometry_type,lon,lat,name,units,note,facility');
    expect(rows[1]).toBe(`3,Point,126.7,37.6,"본청 ""LED"", 1층",2,"'=HYPERLINK(""x"")",`);
    expect(rows[2]).toBe('9,LineString,126.5,37.7,,,,road');
  });

  it('writes a GeoJSON FeatureCollection', () => {
    expect(JSON.parse(toGeoJson([point]))).toEqual({ type: 'FeatureCollection', features: [point] });
  });

  it('anchors polygons at their first vertex', () => {
    expect(
      anchor({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [1, 2],
              [3, 4],
              [5, 6],
              [1, 2],
            ],
          ],
        ],
      }),
    ).toEqual([1, 2]);
    expect(anchor(null)).toBeNull();
  });
});
