import { describe, expect, it } from 'vitest';
import { likelyCause, prjFor, sridFromPrj, transformer } from './crs.js';

// ESRI-style .prj texts as the survey deliverables and the road-name-address maps carry them
const ESRI_5186 =
  'PROJCS["Korea_2000_Korea_Central_Belt_2010",GEOGCS["GCS_Korea_2000",DATUM["D_Korea_2000",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",200000.0],PARAMETER["False_Northing",600000.0],PARAMETER["Central_Meridian",127.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",38.0],UNIT["Meter",1.0]]';
const ESRI_5179 =
  'PROJCS["Korea_2000_Korea_Unified_Coordinate_System",GEOGCS["GCS_Korea_2000",DATUM["D_Korea_2000",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",1000000.0],PARAMETER["False_Northing",2000000.0],PARAMETER["Central_Meridian",127.5],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",38.0],UNIT["Meter",1.0]]';

describe('sridFromPrj', () => {
  it('recognises ESRI WKT by its parameters', () => {
    expect(sridFromPrj(ESRI_5186)).toBe(5186);
    expect(sridFromPrj(ESRI_5179)).toBe(5179);
    expect(sridFromPrj(ESRI_5186.replace('600000.0', '500000.0'))).toBe(5181);
  });
  it('reads an EPSG authority, lon/lat WKT, and the .prj it writes itself', () => {
    expect(sridFromPrj(`${ESRI_5186.slice(0, -1)},AUTHORITY["EPSG","5186"]]`)).toBe(5186);
    expect(sridFromPrj(prjFor(4326))).toBe(4326);
    for (const srid of [5186, 5181, 5179, 5174]) expect(sridFromPrj(prjFor(srid))).toBe(srid);
  });
  it('returns undefined for an unknown system', () => {
    expect(sridFromPrj(ESRI_5186.replace('127.0]', '129.5]'))).toBeUndefined();
    expect(sridFromPrj('')).toBeUndefined();
  });
});

describe('transformer', () => {
  // expected values: GDAL 3 gdaltransform of 김포시청 (126.7156, 37.6153); for 5174 with the same towgs84
  it.each([
    [5186, 174890.4965, 557339.0906],
    [5181, 174890.4965, 457339.0906],
    [5179, 930773.0178, 1957607.3744],
    [5174, 174820.7547, 457034.3711],
  ])('projects lon/lat to EPSG:%i like GDAL', (srid, x, y) => {
    const [px, py] = transformer(4326, srid)([126.7156, 37.6153]) as [number, number];
    expect(px).toBeCloseTo(x, 3);
    expect(py).toBeCloseTo(y, 3);
    const [lon, lat] = transformer(srid, 4326)([px, py]) as [number, number];
    expect(lon).toBeCloseTo(126.7156, 7);
    expect(lat).toBeCloseTo(37.6153, 7);
  });
});

describe('likelyCause', () => {
  it('names the 5181/5186 mix-up both ways', () => {
    expect(likelyCause({ type: 'Point', coordinates: [174890.5, 457339.1] }, 5186)).toMatch(/south.*EPSG:5181/);
    expect(likelyCause({ type: 'Point', coordinates: [174890.5, 557339.1] }, 5181)).toMatch(/north.*EPSG:5186/);
  });
  it('spots projected coordinates read as lon/lat', () => {
    expect(likelyCause({ type: 'Point', coordinates: [930773, 1957607] }, 4326)).toMatch(/EPSG:5179/);
  });
});
