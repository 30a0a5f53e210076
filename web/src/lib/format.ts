// Number and value formatting shared by the panels.
import { type Lang, translate, valueLabel } from './i18n';

/** A number with thousands separators and at most `digits` decimals. */
export function formatNumber(n: number, digits = 0, lang: Lang = 'ko'): string {
  return n.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  });
}

/** A length in metres as "850 m" or "1.23 km". */
export function formatLength(m: number, lang: Lang = 'ko'): string {
  return m < 1000 ? `${formatNumber(m, 1, lang)} m` : `${formatNumber(m / 1000, 3, lang)} km`;
}

/** An area in square metres as "1,200 m²" or "2.35 km²". */
export function formatArea(m2: number, lang: Lang = 'ko'): string {
  return m2 < 1_000_000 ? `${formatNumber(m2, 0, lang)} m²` : `${formatNumber(m2 / 1_000_000, 3, lang)} km²`;
}

/** A property value as display text: booleans as yes/no, lists joined, enums translated, empty as a dash. */
export function formatValue(value: unknown, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return translate(lang, value ? 'yes' : 'no');
  if (Array.isArray(value)) return value.length ? value.map((v) => formatValue(v, lang)).join(', ') : '—';
  if (typeof value === 'number') return formatNumber(value, 3, lang);
  if (typeof value === 'object') return JSON.stringify(value);
  return valueLabel(lang, String(value));
}
