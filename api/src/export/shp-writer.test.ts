import * as shapefile from 'shapefile';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../collections.js';
import { validateValues } from '../import/validate.js';
import { inferFields, type OverlongText, writeDbf, writeShp } from './shp-writer.js';

describe('shapefile writer', () => {
  it('writes polylines and a CP949 DBF the shapefile reader decodes back', async () => {
    const geoms = [
      {
        type: 'LineString' as const,
        coordinates: [
          [170000, 560000],
          [170100.5, 560050.25],
        ],
      },
      {
        type: 'MultiLineString' as const,
        coordinates: [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
            [9, 10],
          ],
        ],
      },
    ];
    const rows = [
      { name: '상수관로 1', FTR_IDN: 100000, PIP_LEN: 326.5, verified: true, data_date: '2024-12-31' },
      { name: '하수관로', FTR_IDN: 200000, PIP_LEN: 12, verified: false, data_date: null },
    ];
    const fields = inferFields(
      ['name', 'FTR_IDN', 'PIP_LEN', 'verified', 'data_date'],
      rows,
      'cp949',
      new Set(['data_date']),
    );
    expect(fields.map((f) => f.type)).toEqual(['C', 'N', 'N', 'L', 'D']);
    const { shp } = writeShp(geoms);
    const dbf = writeDbf(fields, rows, 'cp949');
    const fc = await shapefile.read(shp, dbf, { encoding: 'euc-kr' });
    expect(fc.features).toHaveLength(2);
    expect(fc.features[0]?.geometry).toEqual(geoms[0]);
    expect(fc.features[1]?.geometry).toEqual(geoms[1]);
    expect(fc.features[0]?.properties).toMatchObject({
      name: '상수관로 1',
      FTR_IDN: 100000,
      PIP_LEN: 326.5,
      verified: true,
    });
    expect(fc.features[1]?.properties).toMatchObject({ name: '하수관로', PIP_LEN: 12, verified: false });
  });

  it('a blank DBF date (read as 1899-11-30) imports as no date', async () => {
    const rows = [{ data_date: '2024-12-31' }, { data_date: null }];
    const fields = inferFields(['data_date'], rows, 'utf-8', new Set(['data_date']));
    const fc = await shapefile.read(writeShp([null, null]).shp, writeDbf(fields, rows, 'utf-8'));
    const dates = fc.features.map(
      (f) => validateValues(COLLECTIONS.wifi, { name: 'x', source: 's', ...f.properties }).values.data_date,
    );
    expect(dates).toEqual(['2024-12-31', undefined]);
  });

  it('orients polygon rings the shapefile way (outer clockwise) so they read back as polygons', async () => {
    const ccw = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ];
    const { shp } = writeShp([{ type: 'Polygon', coordinates: [ccw] }]);
    const fc = await shapefile.read(shp);
    expect(fc.features[0]?.geometry.type).toBe('Polygon');
  });

  it('lists every text longer than a DBF column holds (254 bytes), which the file then holds cut', async () => {
    const long = '가'.repeat(100); // 300 bytes in UTF-8, 200 in CP949
    const rows = [{ note: 'short' }, { note: long }, { note: `${long}${long}` }];
    const overlong: OverlongText[] = [];
    const [field] = inferFields(['note'], rows, 'utf-8', new Set(), overlong);
    expect(field).toMatchObject({ type: 'C', length: 254 });
    expect(overlong).toEqual([
      { field: 'note', index: 1, bytes: 300 },
      { field: 'note', index: 2, bytes: 600 },
    ]);
    const cp: OverlongText[] = [];
    inferFields(['note'], rows, 'cp949', new Set(), cp);
    expect(cp).toEqual([{ field: 'note', index: 2, bytes: 400 }]);
    const fc = await shapefile.read(writeShp([null, null, null]).shp, writeDbf([field as never], rows, 'utf-8'), {
      encoding: 'utf-8',
    });
    expect(String(fc.features[1]?.properties?.note)).toBe('가'.repeat(84)); // 252 bytes: whole characters only
  });
});
