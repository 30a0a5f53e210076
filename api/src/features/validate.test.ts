import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../collections.js';
import { geometryProblem, propertyProblem, validateFeature } from './validate.js';

const wifi = COLLECTIONS.wifi;
const lines = COLLECTIONS['update-lines'];
const point = { type: 'Point', coordinates: [126.7, 37.63] };

describe('validateFeature', () => {
  it('accepts a complete feature and keeps only writable columns', () => {
    const r = validateFeature(
      lines,
      {
        type: 'Feature',
        geometry: {
          type: 'LineString',
          coordinates: [
            [126.7, 37.6],
            [126.71, 37.61],
          ],
        },
        properties: { facility: 'road', source: 's', length_m: 5, updated_at: 'x' },
      },
      'create',
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.values).toEqual({ facility: 'road', source: 's' });
      expect(r.value.geometry?.type).toBe('LineString');
    }
  });
  it('names every bad field at once', () => {
    const r = validateFeature(
      wifi,
      {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [] },
        properties: { name: 3, colour: 'red', plan_year: 1 },
      },
      'create',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.field).sort()).toEqual(
        ['geometry', 'properties.colour', 'properties.name', 'properties.plan_year', 'properties.source'].sort(),
      );
    }
  });
  it('patch: only sent fields change, null clears, a required one cannot be cleared', () => {
    const ok = validateFeature(wifi, { properties: { note: null, ssid: 'x' } }, 'patch');
    expect(ok).toEqual({ ok: true, value: { values: { note: null, ssid: 'x' }, defaults: [] } });
    const bad = validateFeature(wifi, { properties: { name: null } }, 'patch');
    expect(bad.ok).toBe(false);
  });
  it('replace: a property with a database default not sent is reset to it', () => {
    const r = validateFeature(
      wifi,
      { type: 'Feature', geometry: point, properties: { name: 'n', source: 's' } },
      'replace',
    );
    expect(r.ok && r.value.defaults.sort()).toEqual(['demo', 'verified']);
    expect(r.ok && r.value.values.address).toBeNull();
  });
});

describe('geometryProblem', () => {
  it('checks structure: ranges, ring closure, minimum positions', () => {
    const areas = COLLECTIONS['update-areas'];
    expect(geometryProblem(wifi, point)).toBeUndefined();
    expect(geometryProblem(wifi, { type: 'Point', coordinates: [200, 37] })).toMatch(/range/);
    expect(geometryProblem(lines, { type: 'LineString', coordinates: [[126.7, 37.6]] })).toMatch(/at least 2/);
    expect(
      geometryProblem(areas, {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    ).toMatch(/closed/);
    expect(
      geometryProblem(areas, {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        ],
      }),
    ).toBeUndefined();
    expect(geometryProblem(areas, point)).toMatch(/Polygon or MultiPolygon/);
  });
});

describe('propertyProblem', () => {
  it('knows dates, months, integers and arrays', () => {
    expect(propertyProblem({ name: 'd', type: 'date', ko: '', en: '' }, '2024-02-30')).toBeDefined();
    expect(propertyProblem({ name: 'd', type: 'date', ko: '', en: '' }, '2024-02-29')).toBeUndefined();
    expect(propertyProblem({ name: 'm', type: 'month', ko: '', en: '' }, '2024-07')).toBeUndefined();
    expect(propertyProblem({ name: 'm', type: 'month', ko: '', en: '' }, '2024-7')).toBeDefined();
    expect(propertyProblem({ name: 'i', type: 'integer', ko: '', en: '' }, 1.5)).toBeDefined();
    expect(propertyProblem({ name: 'a', type: 'text[]', ko: '', en: '' }, ['포수', 3])).toBeDefined();
  });
});
