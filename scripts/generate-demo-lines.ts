/**
 * Generates DEMO surveyed facility lines (collection `update-lines`) inside the spatial-DB update areas:
 *   npx tsx scripts/generate-demo-lines.ts
 * Reads data/update-projects/update-areas.geojson, writes data/update-lines-demo/update-lines.geojson.
 * Deterministic (mulberry32, fixed SEED): the same input gives byte-identical output.
 * Lines are random walks of 3-10 vertices, 50-400 m long, until a share of each area's target_km is
 * reached; three extra lines lie outside the area they are assigned to (a QA signal for the map).
 * This is NOT survey data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Position } from 'geojson';
import { mulberry32 } from './lib/random.js';

const SEED = 20240401;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AREAS = path.join(root, 'data/update-projects/update-areas.geojson');
const CITY = path.resolve(root, '../shared/data/boundaries/gimpo-city-2018.geojson');
const EMD = path.resolve(root, '../shared/data/boundaries/gimpo-emd-2018.geojson');
const OUT = path.join(root, 'data/update-lines-demo/update-lines.geojson');

const rand = mulberry32(SEED);
const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));

type Area = Feature<MultiPolygon, Record<string, unknown>>;
const areas = (JSON.parse(fs.readFileSync(AREAS, 'utf8')) as FeatureCollection<MultiPolygon>).features as Area[];
const city = (JSON.parse(fs.readFileSync(CITY, 'utf8')) as FeatureCollection<MultiPolygon>).features[0]!;
const emd = (JSON.parse(fs.readFileSync(EMD, 'utf8')) as FeatureCollection<MultiPolygon>).features;
const area = (key: string) => {
  const a = areas.find((x) => x.properties.key === key);
  if (!a) throw new Error(`no update area ${key}`);
  return a;
};
const r6 = (c: Position): Position => [Math.round(c[0]! * 1e6) / 1e6, Math.round(c[1]! * 1e6) / 1e6];

/** Uniform random point inside a polygon (rejection sampling in its bbox). */
function randomPointIn(poly: Feature<MultiPolygon>): Position {
  const [x0, y0, x1, y1] = turf.bbox(poly);
  for (;;) {
    const p = [between(x0, x1), between(y0, y1)];
    if (turf.booleanPointInPolygon(p, poly)) return p;
  }
}

/** A random walk of `lengthM` metres with 3-10 vertices wholly inside `poly` (and the city), rounded. */
function walk(poly: Feature<MultiPolygon>, lengthM: number): Position[] {
  for (let attempt = 0; attempt < 200; attempt++) {
    const n = int(3, 10);
    const step = lengthM / (n - 1) / 1000; // km
    let heading = between(-180, 180);
    const pts: Position[] = [r6(randomPointIn(poly))];
    for (let i = 1; i < n; i++) {
      heading += between(-50, 50); // roads and pipes bend, they rarely zig-zag
      pts.push(r6(turf.destination(pts[i - 1]!, step, heading, { units: 'kilometers' }).geometry.coordinates));
    }
    const line = turf.lineString(pts);
    if (turf.booleanWithin(line, poly) && turf.booleanWithin(line, city)) return pts;
  }
  throw new Error('could not place a line inside the area');
}

interface Plan {
  areaKey: string;
  share: number;
  mix: { facility: 'road' | 'water' | 'sewer'; weight: number }[];
  from: string; // surveyed_on range (project period)
  to: string;
}
const PLANS: Plan[] = [
  {
    areaKey: 'update-2024-road-wolgot',
    share: 0.65,
    mix: [{ facility: 'road', weight: 1 }],
    from: '2024-04-01',
    to: '2024-11-30',
  },
  {
    areaKey: 'update-2024-water-tongjin-wolgot-haseong',
    share: 0.55,
    mix: [
      { facility: 'water', weight: 0.85 },
      { facility: 'sewer', weight: 0.15 },
    ],
    from: '2024-04-01',
    to: '2024-11-30',
  },
  // 2023: the plan gives results only; survey dates are assumed within April-November 2023
  {
    areaKey: 'update-2023-road',
    share: 1,
    mix: [{ facility: 'road', weight: 1 }],
    from: '2023-04-01',
    to: '2023-11-30',
  },
  {
    areaKey: 'update-2023-water',
    share: 1,
    mix: [{ facility: 'water', weight: 1 }],
    from: '2023-04-01',
    to: '2023-11-30',
  },
  {
    areaKey: 'update-2023-sewer',
    share: 1,
    mix: [{ facility: 'sewer', weight: 1 }],
    from: '2023-04-01',
    to: '2023-11-30',
  },
];
const LABEL = { road: '도로 구간', water: '상수 관로', sewer: '하수 관로' } as const;
const DAY = 86_400_000;
const randomDate = (from: string, to: string) => {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + int(0, Math.round((b - a) / DAY)) * DAY).toISOString().slice(0, 10);
};
const pick = (mix: Plan['mix']) => {
  let r = rand();
  for (const m of mix) {
    r -= m.weight;
    if (r < 0) return m.facility;
  }
  return mix[mix.length - 1]!.facility;
};

const features: object[] = [];
let seq = 0;
function add(coords: Position[], facility: string, areaKey: string, surveyedOn: string, extraNote?: string) {
  seq++;
  const id = String(seq).padStart(4, '0');
  features.push({
    type: 'Feature',
    geometry: { type: 'MultiLineString', coordinates: [coords] },
    properties: {
      key: `demo-line-${id}`,
      name: `데모 ${LABEL[facility as keyof typeof LABEL]} ${id}`,
      facility,
      area_key: areaKey,
      surveyed_on: surveyedOn,
      source: `DEMO — generated by scripts/generate-demo-lines.ts (seed ${SEED}); not survey data`,
      verified: false,
      data_date: surveyedOn,
      note: extraNote ?? 'Demo line: random walk inside the (approximate) update area; not a real road or pipe.',
      demo: true,
    },
  });
}

const summary: string[] = [];
for (const plan of PLANS) {
  const a = area(plan.areaKey);
  const targetM = Number(a.properties.target_km) * 1000 * plan.share;
  let done = 0;
  let count = 0;
  while (done < targetM - 1) {
    const remaining = targetM - done;
    let len = between(50, 400);
    if (remaining < 450) len = Math.max(50, remaining); // land close to the target
    const coords = walk(a, len);
    done += turf.length(turf.lineString(coords), { units: 'meters' });
    count++;
    add(coords, pick(plan.mix), plan.areaKey, randomDate(plan.from, plan.to));
  }
  summary.push(
    `${plan.areaKey}: ${count} lines, ${(done / 1000).toFixed(3)} km = ${((done / targetM) * plan.share * 100).toFixed(1)} % of ${a.properties.target_km} km`,
  );
}

// Three lines placed OUTSIDE the area they are assigned to (QA: "line outside its project area").
const OUTSIDE: { areaKey: string; facility: 'road' | 'water' | 'sewer'; emd: string }[] = [
  { areaKey: 'update-2024-road-wolgot', facility: 'road', emd: '양촌읍' },
  { areaKey: 'update-2024-water-tongjin-wolgot-haseong', facility: 'water', emd: '고촌읍' },
  { areaKey: 'update-2024-water-tongjin-wolgot-haseong', facility: 'sewer', emd: '대곶면' },
];
for (const o of OUTSIDE) {
  const host = emd.find((f) => f.properties?.name_ko === o.emd) as Feature<MultiPolygon>;
  const assigned = area(o.areaKey);
  let coords: Position[];
  do coords = walk(host, between(100, 400));
  while (turf.booleanIntersects(turf.lineString(coords), assigned));
  add(
    coords,
    o.facility,
    o.areaKey,
    randomDate('2024-04-01', '2024-11-30'),
    `QA SAMPLE: deliberately placed in ${o.emd}, OUTSIDE its assigned area ${o.areaKey} — the map should flag it. Demo data, not a real road or pipe.`,
  );
}
summary.push(`outside-area QA lines: ${OUTSIDE.length}`);

const body = features.map((f) => JSON.stringify(f)).join(',\n');
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
for (const s of summary) console.log(s);
console.log(
  `wrote ${path.relative(root, OUT)}: ${features.length} features, ${(fs.statSync(OUT).size / 1e6).toFixed(2)} MB`,
);
