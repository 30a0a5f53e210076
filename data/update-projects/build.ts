/**
 * Builds data/update-projects/update-areas.geojson (collection `update-areas`) from the KOSTAT 2018
 * 읍면동 and city boundaries in ../shared/data/boundaries/. Run from the project root:
 *   npx tsx data/update-projects/build.ts
 * Outlines are approximate: the plan names regions (월곶면 일대; 통진·월곶·하성), not survey extents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';

const here = path.dirname(fileURLToPath(import.meta.url));
const BOUNDARIES = path.resolve(here, '../../../shared/data/boundaries');
const OUT = path.join(here, 'update-areas.geojson');
const TOLERANCE = 0.0005; // degrees (~45-55 m)

type Area = Feature<Polygon | MultiPolygon>;
const read = (f: string) =>
  JSON.parse(fs.readFileSync(path.join(BOUNDARIES, f), 'utf8')) as FeatureCollection<MultiPolygon>;
const emd = read('gimpo-emd-2018.geojson');
const city = read('gimpo-city-2018.geojson');

function byName(name: string): Area {
  const f = emd.features.find((x) => x.properties?.name_ko === name);
  if (!f) throw new Error(`no 읍면동 ${name} in gimpo-emd-2018.geojson`);
  return f;
}

const round = (c: Position): Position => [Math.round(c[0]! * 1e6) / 1e6, Math.round(c[1]! * 1e6) / 1e6];

/** Union (if several), simplify, round to 6 decimals, return as a valid MultiPolygon. */
function outline(parts: Area[]): MultiPolygon {
  let g: Area = parts.length === 1 ? parts[0]! : (turf.union(turf.featureCollection(parts)) as Area);
  // union of adjacent polygons can leave slivers along shared edges: drop tiny holes/parts
  g = turf.simplify(g, { tolerance: TOLERANCE, highQuality: true, mutate: false });
  const polys: Position[][][] = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
  const cleaned = polys
    .map((rings) =>
      rings
        .map((ring) => ring.map(round).filter((c, i, a) => i === 0 || c[0] !== a[i - 1]![0] || c[1] !== a[i - 1]![1]))
        .filter((ring, i) => ring.length >= 4 && (i === 0 || turf.area(turf.polygon([ring])) > 10_000)),
    )
    .filter((rings) => rings.length > 0 && rings[0]!.length >= 4 && turf.area(turf.polygon([rings[0]!])) > 10_000);
  const mp = turf.multiPolygon(cleaned);
  if (!turf.booleanValid(mp)) throw new Error('outline is not valid after simplification');
  return mp.geometry;
}

const PLAN = 'Gimpo 2024 work plan (shared/seeds/000_eb6a0c5ef4e587e2.txt), 정보통신담당관';
const ATTR =
  'Outline: Source: Statistics Korea (KOSTAT) 2018 boundaries, simplified (shared/data/boundaries, via southkorea/southkorea-maps).';
const SCHEDULE_2024 =
  "2023-12 사전절차; 2024-03 계약·착수; 2024-11 공공측량 성과심사; 2024-12 준공·플랫폼 로딩 (사업기간 '24.4.~11.)";
const D = '2024-01-01';

const wolgot = outline([byName('월곶면')]);
const tww = outline([byName('통진읍'), byName('월곶면'), byName('하성면')]);
const whole = outline(city.features as Area[]);

const area = (geometry: MultiPolygon, properties: Record<string, unknown>) => ({
  type: 'Feature',
  geometry,
  properties,
});
const wholeNote = (what: string) =>
  `Outline = the whole city (KOSTAT 2018 city outline, simplified ${TOLERANCE}°): the plan gives no region for the 2023 ${what} update, so this is NOT the surveyed extent. verified=false.`;

const features = [
  area(wolgot, {
    key: 'update-2024-road-wolgot',
    name: '2024 도로 시설물 DB 구축 (월곶면 일대)',
    facility: 'road',
    year: 2024,
    region: '월곶면 일대',
    target_km: 24.085,
    budget_krw: 324_000_000,
    status: 'planned',
    schedule: SCHEDULE_2024,
    source: `${PLAN} §6 공간정보 DB 최신성 확보 사업개요 (line 1246: 도로 시설물 DB, 월곶면 일대, 24.085km, 324,000천원) and 추진경과 (lines 1255-1261); budget table line 985 (도로시설물 GIS DB 구축 320,000천원, '24.4.~11.). ${ATTR}`,
    verified: false,
    data_date: D,
    note: `Budget: the project overview says 324,000천원 (used here); the IT office budget table (line 985) says 320,000천원. Outline = the whole 2018 월곶면 polygon simplified with tolerance ${TOLERANCE}° — the plan says only '월곶면 일대' (around 월곶면), so the real survey extent is smaller and may cross into neighbouring 읍면. Approximate; verified=false.`,
    demo: false,
  }),
  area(tww, {
    key: 'update-2024-water-tongjin-wolgot-haseong',
    name: '2024 상하수도 시설물 DB 수정 갱신 (통진·월곶·하성)',
    facility: 'water',
    year: 2024,
    region: '통진읍·월곶면·하성면',
    target_km: 39.438,
    budget_krw: 450_000_000,
    status: 'planned',
    schedule: SCHEDULE_2024,
    source: `${PLAN} §6 사업개요 (line 1247: 상하수도 시설물 DB, 통진, 월곶, 하성, 39.438km, 450,000천원, 국비 30%) and budget table line 986 (상하수도 정보 수정 갱신 450,000천원, '24.4.~11., 상수시설물 39.438km GIS DB 수정 갱신, 국비 30% 포함). ${ATTR}`,
    verified: false,
    data_date: D,
    note: `One project covering water AND sewer (상하수도); stored as facility 'water' because line 986 describes the 39.438 km as 상수시설물 (water facilities). 국비 30% (national funds) included in the 450,000천원. Outline = union of the 2018 통진읍, 월곶면 and 하성면 polygons, simplified ${TOLERANCE}° — the region, not the surveyed network. Approximate; verified=false.`,
    demo: false,
  }),
  area(whole, {
    key: 'update-2023-road',
    name: '2023 도로 시설물 DB 갱신 (실적)',
    facility: 'road',
    year: 2023,
    region: '김포시 (지역 미상)',
    target_km: 25.13,
    status: 'completed',
    source: `${PLAN}, 2023 results (line 1038: 도로 시설물 25.13km 갱신). ${ATTR}`,
    verified: false,
    data_date: D,
    note: `2023 result: 25.13 km of road facilities updated (target_km = the result). Budget and schedule not given. ${wholeNote('road')}`,
    demo: false,
  }),
  area(whole, {
    key: 'update-2023-water',
    name: '2023 상수 지하시설물 DB 갱신 (실적)',
    facility: 'water',
    year: 2023,
    region: '김포시 (지역 미상)',
    target_km: 30.253,
    status: 'completed',
    source: `${PLAN}, 2023 results (line 1039: 상수 지하시설물 30.253km 갱신). ${ATTR}`,
    verified: false,
    data_date: D,
    note: `2023 result: 30.253 km of water mains updated (target_km = the result). Budget and schedule not given. ${wholeNote('water')}`,
    demo: false,
  }),
  area(whole, {
    key: 'update-2023-sewer',
    name: '2023 하수 지하시설물 DB 갱신 (실적)',
    facility: 'sewer',
    year: 2023,
    region: '김포시 (지역 미상)',
    target_km: 27.2,
    status: 'completed',
    source: `${PLAN}, 2023 results (line 1040: 하수 지하시설물 27.2km 갱신). ${ATTR}`,
    verified: false,
    data_date: D,
    note: `2023 result: 27.2 km of sewers updated (target_km = the result). Budget and schedule not given. ${wholeNote('sewer')}`,
    demo: false,
  }),
];

const body = features.map((f) => JSON.stringify(f)).join(',\n');
fs.writeFileSync(OUT, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
for (const f of features) {
  const km2 = turf.area(f as Feature<MultiPolygon>) / 1e6;
  const n = f.geometry.coordinates.flat(2).length;
  console.log(`${f.properties.key}: ${f.geometry.coordinates.length} part(s), ${n} vertices, ${km2.toFixed(1)} km²`);
}
console.log(`wrote ${path.relative(process.cwd(), OUT)} (${fs.statSync(OUT).size} bytes)`);
