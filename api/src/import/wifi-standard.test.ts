import { describe, expect, it } from 'vitest';
import { detectEncoding, encode, parseEncoding } from './encoding.js';
import { isJibunAddress, mapWifiRow, parseInstallMonth, wifiHeaderNames } from './wifi-standard.js';

describe('parseInstallMonth', () => {
  it.each([
    ['2023-06', '2023-06'],
    ['202306', '2023-06'],
    ['2023.6', '2023-06'],
    ['20230615', '2023-06-15'],
  ])('reads %s', (raw, value) => expect(parseInstallMonth(raw)).toEqual({ value }));
  it('refuses impossible months', () => {
    expect(parseInstallMonth('1905-01').error).toMatch(/impossible/);
    expect(parseInstallMonth('2023-13').error).toMatch(/not a valid month/);
    expect(parseInstallMonth('soon').error).toMatch(/not a month/);
  });
});

describe('mapWifiRow', () => {
  const headers = wifiHeaderNames(['설치장소명', '위도', '경도', '설치년월']);
  it('names problems by the file’s own (legacy) headers', () => {
    expect(headers).toMatchObject({ lat: '위도', lon: '경도', installed_on: '설치년월' });
    const swapped = mapWifiRow({ 설치장소명: 'x', 위도: '126.7', 경도: '37.6' }, headers);
    expect(swapped.errors[0]).toMatchObject({ field: '위도,경도', message: expect.stringMatching(/swapped/) });
    const ok = mapWifiRow({ 설치장소명: '김포시청', 위도: '37.6153', 경도: '126.7156', 설치년월: '202306' }, headers);
    expect(ok).toMatchObject({
      errors: [],
      values: { name: '김포시청', installed_on: '2023-06' },
      geometry: { coordinates: [126.7156, 37.6153] },
    });
  });
});

describe('encodings', () => {
  it('detects UTF-8 (with or without BOM) and falls back to CP949', () => {
    expect(detectEncoding(encode('설치장소명,위도', 'utf-8'))).toBe('utf-8');
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf-8');
    expect(detectEncoding(encode('설치장소명,위도', 'cp949'))).toBe('cp949');
    // a sample cut inside a multi-byte character is still UTF-8
    expect(detectEncoding(encode('김포', 'utf-8').subarray(0, 4), true)).toBe('utf-8');
  });
  it('parses .cpg and option names', () => {
    expect(parseEncoding('CP949')).toBe('cp949');
    expect(parseEncoding('EUC-KR')).toBe('cp949');
    expect(parseEncoding('UTF-8\n')).toBe('utf-8');
    expect(parseEncoding('LATIN1')).toBeUndefined();
  });
});

describe('isJibunAddress', () => {
  it('tells a 지번 address from a 도로명 one', () => {
    expect(isJibunAddress('경기도 김포시 사우동 248')).toBe(true);
    expect(isJibunAddress('경기도 김포시 대곶면 대명리 561')).toBe(true);
    expect(isJibunAddress('경기도 김포시 월곶면 고막리 산 12-3')).toBe(true);
    expect(isJibunAddress('경기도 김포시 사우중로 1')).toBe(false);
    expect(isJibunAddress('경기도 김포시 김포한강9로115번길 25')).toBe(false);
    expect(isJibunAddress('경기도 김포시 운양동')).toBe(false);
  });
});
