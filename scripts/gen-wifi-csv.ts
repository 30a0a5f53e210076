/**
 * `npx tsx scripts/gen-wifi-csv.ts <file> [rows=100000] [seed=7]`: writes a synthetic national free Wi-Fi
 * standard CSV (current columns, CP949) of Gimpo rows for import benchmarks. Seeded: the same arguments
 * give the same bytes. Every row is valid and has a unique 관리번호.
 */

import { once } from 'node:events';
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { encode } from '../api/src/import/encoding.js';
import { WIFI_CURRENT_COLUMNS } from '../api/src/import/wifi-standard.js';
import { mulberry32 } from './lib/random.js';

const PLACE_TYPES = ['서민·복지시설', '관공서', '교통시설', '기타', '관광', '지역문화시설', '편의시설', '교육시설'];
const PLACES = ['행정복지센터', '버스정류장', '공원', '도서관', '체육관', '경로당', '시장', '역 대합실'];
const EMD = [
  '통진읍',
  '고촌읍',
  '양촌읍',
  '대곶면',
  '월곶면',
  '하성면',
  '김포본동',
  '장기본동',
  '사우동',
  '풍무동',
  '장기동',
  '구래동',
  '마산동',
  '운양동',
];

/** Writes `rows` synthetic Gimpo Wi-Fi rows to `file`; resolves with the file size in bytes. */
export async function generateWifiCsv(file: string, rows = 100_000, seed = 7): Promise<number> {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(encode(text, 'cp949'))) await once(out, 'drain');
  };
  await write(stringify([[...WIFI_CURRENT_COLUMNS]]));
  const CHUNK = 1000;
  for (let start = 0; start < rows; start += CHUNK) {
    const chunk: string[][] = [];
    for (let i = start; i < Math.min(rows, start + CHUNK); i++) {
      const emd = pick(EMD);
      const year = 2015 + Math.floor(rnd() * 10);
      const month = String(1 + Math.floor(rnd() * 12)).padStart(2, '0');
      chunk.push([
        '4150000',
        `GP-BENCH-${String(i + 1).padStart(7, '0')}`,
        `${emd} ${pick(PLACES)} ${i + 1}`,
        rnd() < 0.5 ? '1층 로비' : '',
        '경기도',
        '김포시',
        pick(PLACE_TYPES),
        pick(['KT', 'SKT', 'LGU+', '김포시']),
        rnd() < 0.7 ? 'Public WiFi Free' : '',
        `${year}-${month}`,
        `경기도 김포시 ${emd} 벤치로 ${1 + Math.floor(rnd() * 300)}`,
        '',
        '김포시 정보통신담당관',
        '031-980-2300',
        (37.6 + rnd() * 0.17).toFixed(7),
        (126.55 + rnd() * 0.23).toFixed(7),
        '2024-12-31',
      ]);
    }
    await write(stringify(chunk));
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}

if (process.argv[1]?.endsWith('gen-wifi-csv.ts')) {
  const [file, rows, seed] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx scripts/gen-wifi-csv.ts <file> [rows=100000] [seed=7]');
    process.exit(2);
  }
  generateWifiCsv(file, Number(rows ?? 100_000), Number(seed ?? 7)).then((size) =>
    console.error(`wrote ${file} (${size.toLocaleString('en')} bytes)`),
  );
}
