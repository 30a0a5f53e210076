/**
 * The national free Wi-Fi standard data (전국무료와이파이표준데이터) in its two column generations, matched
 * by header name: the current LOCALDATA file (관리번호 … WGS84위도/WGS84경도, 설치연월) and the older
 * data.go.kr file (위도/경도, 설치년월, 설치시설구분, 제공기관코드/명).
 */
import type { Point } from 'geojson';
import type { FieldError } from '../errors.js';
import { inCity } from './crs.js';

/** Header names of the current standard file, in order; the export writes these, then `WIFI_EXTRA_COLUMNS`. */
export const WIFI_CURRENT_COLUMNS = [
  '개방자치단체코드',
  '관리번호',
  '설치장소명',
  '설치장소상세',
  '설치시도명',
  '설치시군구명',
  '설치시설구분명',
  '서비스제공사명',
  '와이파이SSID',
  '설치연월',
  '소재지도로명주소',
  '소재지지번주소',
  '관리기관명',
  '관리기관전화번호',
  'WGS84위도',
  'WGS84경도',
  '데이터기준일자',
] as const;

/** Which headers (current first, then older) feed which wifi property. */
const FIELDS: [prop: string, headers: string[]][] = [
  ['mgmt_no', ['관리번호']],
  ['name', ['설치장소명']],
  ['detail', ['설치장소상세']],
  ['place_type', ['설치시설구분명', '설치시설구분']],
  ['provider', ['서비스제공사명']],
  ['ssid', ['와이파이SSID', '와이파이 SSID']],
  ['installed_on', ['설치연월', '설치년월']],
  ['address', ['소재지도로명주소']],
  ['address_jibun', ['소재지지번주소']],
  ['manager', ['관리기관명']],
  ['phone', ['관리기관전화번호']],
  ['lat', ['WGS84위도', '위도']],
  ['lon', ['WGS84경도', '경도']],
  ['data_date', ['데이터기준일자']],
];

/** Whether a CSV header looks like the Wi-Fi standard data (has a name and a latitude column). */
export function isWifiStandardHeader(headers: readonly string[]): boolean {
  return headers.includes('설치장소명') && (headers.includes('WGS84위도') || headers.includes('위도'));
}

/** The columns of the Wi-Fi standard the header lacks (name, latitude, longitude are required). */
export function missingWifiColumns(headers: readonly string[]): string[] {
  const need: [string, string[]][] = [
    ['설치장소명', ['설치장소명']],
    ['WGS84위도', ['WGS84위도', '위도']],
    ['WGS84경도', ['WGS84경도', '경도']],
  ];
  return need.filter(([, alts]) => !alts.some((h) => headers.includes(h))).map(([n]) => n);
}

/** Maps wifi properties to the header name the file uses for them (for error messages). */
export function wifiHeaderNames(headers: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [prop, alts] of FIELDS) out[prop] = alts.find((h) => headers.includes(h)) ?? alts[0] ?? prop;
  out.installed_on ??= '설치연월';
  return out;
}

const text = (v: unknown): string | undefined => {
  const s = v === undefined || v === null ? '' : String(v).trim();
  return s === '' ? undefined : s;
};

/** Earliest plausible installation year of a public Wi-Fi access point. */
export const WIFI_EARLIEST_YEAR = 1990;

/** `설치연월` as `YYYY-MM` (or `YYYY-MM-DD`): accepts 2023-06, 202306, 2023.06, 2023/06, 20230615. */
export function parseInstallMonth(raw: string): { value?: string; error?: string } {
  const s = raw.trim();
  let m = /^(\d{4})[-./]?(\d{1,2})$/.exec(s);
  let y: number;
  let mo: number;
  let d: number | undefined;
  if (m) {
    y = Number(m[1]);
    mo = Number(m[2]);
  } else {
    m = /^(\d{4})[-./]?(\d{2})[-./]?(\d{2})$/.exec(s);
    if (!m) return { error: `"${raw}" is not a month (expected YYYY-MM)` };
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  }
  if (mo < 1 || mo > 12 || (d !== undefined && (d < 1 || d > 31))) return { error: `"${raw}" is not a valid month` };
  const maxYear = new Date().getFullYear() + 1;
  if (y < WIFI_EARLIEST_YEAR || y > maxYear) {
    return { error: `impossible install month "${raw}": the year must lie in ${WIFI_EARLIEST_YEAR}–${maxYear}` };
  }
  const mm = String(mo).padStart(2, '0');
  return { value: d === undefined ? `${y}-${mm}` : `${y}-${mm}-${String(d).padStart(2, '0')}` };
}

/** `데이터기준일자` as `YYYY-MM-DD` (accepts 20241231 and 2024.12.31). */
export function parseDate(raw: string): { value?: string; error?: string } {
  const m = /^(\d{4})[-./]?(\d{2})[-./]?(\d{2})$/.exec(raw.trim());
  if (!m) return { error: `"${raw}" is not a date (expected YYYY-MM-DD)` };
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const t = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso)
    return { error: `"${raw}" is not a valid date` };
  return { value: iso };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One row of the standard file as wifi column values and a WGS84 point, with every problem named by
 * the file's own header (e.g. `WGS84위도`).
 */
export function mapWifiRow(
  raw: Record<string, unknown>,
  headers: Record<string, string>,
): { values: Record<string, unknown>; geometry: Point | null; errors: FieldError[] } {
  const get = (prop: string) => {
    for (const [p, alts] of FIELDS) if (p === prop) for (const h of alts) if (raw[h] !== undefined) return text(raw[h]);
    return undefined;
  };
  const errors: FieldError[] = [];
  const err = (prop: string, message: string) => errors.push({ field: headers[prop] ?? prop, message });
  const values: Record<string, unknown> = {};
  for (const p of ['mgmt_no', 'name', 'detail', 'place_type', 'provider', 'ssid', 'manager', 'phone']) {
    const v = get(p);
    if (v !== undefined) values[p] = v;
  }
  values.address = get('address') ?? get('address_jibun');
  if (values.address === undefined) delete values.address;
  const month = get('installed_on');
  if (month !== undefined) {
    const r = parseInstallMonth(month);
    if (r.error) err('installed_on', r.error);
    else values.installed_on = r.value;
  }
  const dataDate = get('data_date');
  if (dataDate !== undefined) {
    const r = parseDate(dataDate);
    if (r.error) err('data_date', r.error);
    else values.data_date = r.value;
  }
  const latRaw = get('lat');
  const lonRaw = get('lon');
  let geometry: Point | null = null;
  const latField = headers.lat ?? 'WGS84위도';
  const lonField = headers.lon ?? 'WGS84경도';
  if (latRaw === undefined || lonRaw === undefined) {
    if (latRaw === undefined) err('lat', 'latitude is empty: every access point needs coordinates');
    if (lonRaw === undefined) err('lon', 'longitude is empty: every access point needs coordinates');
  } else if (!NUMBER.test(latRaw) || !NUMBER.test(lonRaw)) {
    if (!NUMBER.test(latRaw)) err('lat', `"${latRaw}" is not a number`);
    if (!NUMBER.test(lonRaw)) err('lon', `"${lonRaw}" is not a number`);
  } else {
    const lat = Number(latRaw);
    const lon = Number(lonRaw);
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      if (inCity([lat, lon])) {
        errors.push({
          field: `${latField},${lonField}`,
          message: `latitude ${latRaw} and longitude ${lonRaw} are swapped (${latField} must hold the latitude, about 37.6 in Gimpo)`,
        });
      } else if (Math.abs(lat) > 90) err('lat', `latitude ${latRaw} is out of range (−90…90)`);
      else err('lon', `longitude ${lonRaw} is out of range (−180…180)`);
    } else if (!inCity([lon, lat])) {
      errors.push({
        field: `${latField},${lonField}`,
        message: inCity([lat, lon])
          ? `latitude ${latRaw} and longitude ${lonRaw} are swapped`
          : `(${latRaw}, ${lonRaw}) lies outside Gimpo; filter the national file with --filter 설치시군구명=김포시`,
      });
    } else {
      geometry = { type: 'Point', coordinates: [lon, lat] };
    }
  }
  return { values, geometry, errors };
}

/**
 * The project's own wifi properties that the standard has no column for, written by the export after the
 * standard columns under these names (the importer matches columns by header name, so a re-import
 * restores them and tools that read the standard columns ignore them).
 */
export const WIFI_EXTRA_COLUMNS = ['plan_year', 'emd', 'verified', 'demo', 'note', 'source'] as const;

/** 개방자치단체코드 (LOCALDATA code of the local government that publishes the file) of 김포시. */
export const GIMPO_LOCALDATA_CODE = '4150000';

/** Whether an address is a 지번 (parcel) address — `… 사우동 248`, `… 대명리 산 12-3` — rather than a 도로명 one. */
export function isJibunAddress(address: string): boolean {
  const s = address.trim();
  return !/(로|길)\s*\d/.test(s) && /[동리가]\s*(산\s*)?\d+(-\d+)?(번지)?$/.test(s);
}

/**
 * One wifi feature's properties and point as a row of the current standard file followed by
 * `WIFI_EXTRA_COLUMNS`. The address goes to 소재지지번주소 when it is a 지번 address (the importer takes
 * 도로명 first, else 지번, into the one `address` column), else to 소재지도로명주소.
 */
export function wifiStandardRow(props: Record<string, unknown>, lon: number, lat: number): string[] {
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const address = s(props.address);
  const jibun = address !== '' && isJibunAddress(address);
  const byColumn: Record<(typeof WIFI_CURRENT_COLUMNS)[number], string> = {
    개방자치단체코드: GIMPO_LOCALDATA_CODE,
    관리번호: s(props.mgmt_no),
    설치장소명: s(props.name),
    설치장소상세: s(props.detail),
    설치시도명: '경기도',
    설치시군구명: '김포시',
    설치시설구분명: s(props.place_type),
    서비스제공사명: s(props.provider),
    와이파이SSID: s(props.ssid),
    설치연월: s(props.installed_on),
    소재지도로명주소: jibun ? '' : address,
    소재지지번주소: jibun ? address : '',
    관리기관명: s(props.manager),
    관리기관전화번호: s(props.phone),
    WGS84위도: lat.toFixed(7),
    WGS84경도: lon.toFixed(7),
    데이터기준일자: s(props.data_date),
  };
  return [...WIFI_CURRENT_COLUMNS.map((c) => byColumn[c]), ...WIFI_EXTRA_COLUMNS.map((c) => s(props[c]))];
}
