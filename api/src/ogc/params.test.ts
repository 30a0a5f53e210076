import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { negotiate, notModified, weakEtag } from './http.js';
import { linkHeader, pageLinks } from './links.js';
import { decimalParam, parseBbox, parseDatetime, withoutControls } from './params.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).errors?.[0]?.field;
  }
  throw new Error('expected an ApiError');
};

describe('parseBbox', () => {
  it('accepts four ordered numbers in range', () => {
    expect(parseBbox('126.6, 37.6,126.7,37.7')).toEqual([126.6, 37.6, 126.7, 37.7]);
    expect(parseBbox('+126.6,37.6e0,126.7,.377e2')).toEqual([126.6, 37.6, 126.7, 37.7]);
    expect(parseBbox(undefined)).toBeUndefined();
  });
  it.each([
    '1,2,3',
    '1,2,3,4,5',
    'NaN,1,2,3',
    '1,,2,3',
    'Infinity,0,1,1',
    '2,0,1,1',
    '0,2,1,1',
    '-181,0,0,1',
    '0,0,1,91',
    '0x10,0,20,1',
    '1e1000,0,1,1',
    '0b1,0,1,1',
    ' ,0,1,1',
  ])('rejects %s naming bbox', (raw) => expect(fieldOf(() => parseBbox(raw))).toBe('bbox'));
});

describe('decimalParam and withoutControls', () => {
  const schema = z.object({
    offset: decimalParam((n) => n.int().min(0).default(0)),
    lon: decimalParam((n) => n.min(-180).max(180)),
    name: withoutControls(z.string()).optional(),
  });
  const issues = (q: Record<string, string>) => {
    const r = schema.safeParse(q);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('reads decimal numbers and applies defaults', () => {
    expect(schema.parse({ lon: '126.7' })).toEqual({ offset: 0, lon: 126.7 });
    expect(schema.parse({ offset: '20', lon: '-1e1', name: 'a\tb' })).toEqual({ offset: 20, lon: -10, name: 'a\tb' });
  });
  it.each([
    [{ lon: '' }, 'lon: expected a decimal number'],
    [{ lon: '0x7e' }, 'lon: expected a decimal number'],
    [{ lon: 'Infinity' }, 'lon: expected a decimal number'],
    [{ lon: ' 1' }, 'lon: expected a decimal number'],
    [{}, 'lon: required'],
    [{ lon: '1', offset: '' }, 'offset: expected a decimal number'],
    [{ lon: '1', offset: '0x10' }, 'offset: expected a decimal number'],
    [{ lon: '1', name: 'a\u0000b' }, 'name: control characters (such as NUL) are not allowed'],
    [{ lon: '1', name: '\u001b[31m' }, 'name: control characters (such as NUL) are not allowed'],
  ])('rejects %j', (q, message) => expect(issues(q)).toEqual([message]));
});

describe('parseDatetime', () => {
  it('reads instants as the calendar date written, in their own offset', () => {
    expect(parseDatetime('2024-03-01')).toEqual({ start: '2024-03-01', end: '2024-03-01' });
    // 08:00 in Korea on 1 March is 23:00 UTC on 29 February: the Korean date is the one asked for
    expect(parseDatetime('2024-03-01T08:00:00+09:00')).toEqual({ start: '2024-03-01', end: '2024-03-01' });
    expect(parseDatetime('2023-04-07T08:00:00+09:00')).toEqual({ start: '2023-04-07', end: '2023-04-07' });
    expect(parseDatetime('2024-03-01T23:59:59.5Z')).toEqual({ start: '2024-03-01', end: '2024-03-01' });
    expect(parseDatetime('2024-03-01t22:00:00-05:00')).toEqual({ start: '2024-03-01', end: '2024-03-01' });
    expect(parseDatetime('2016-12-31T23:59:60Z')).toEqual({ start: '2016-12-31', end: '2016-12-31' });
  });
  it('reads interval ends the same way, and orders two date-times as instants', () => {
    expect(parseDatetime('2023-04-07T08:00:00+09:00/2023-04-08T01:00:00+09:00')).toEqual({
      start: '2023-04-07',
      end: '2023-04-08',
    });
    expect(parseDatetime('2023-04-07T00:30:00+09:00/..')).toEqual({ start: '2023-04-07' });
    // 00:30 in Korea comes before 20:00 UTC of the day before: a valid (if empty) interval, not an inverted one
    expect(parseDatetime('2024-03-01T00:30:00+09:00/2024-02-29T20:00:00Z')).toEqual({
      start: '2024-03-01',
      end: '2024-02-29',
    });
  });
  it('reads intervals with open ends', () => {
    expect(parseDatetime('2024-01-01/2024-12-31')).toEqual({ start: '2024-01-01', end: '2024-12-31' });
    expect(parseDatetime('../2024-12-31')).toEqual({ end: '2024-12-31' });
    expect(parseDatetime('2024-01-01/')).toEqual({ start: '2024-01-01' });
    expect(parseDatetime('../..')).toEqual({});
  });
  it.each([
    '2024',
    '2024-02-30',
    '2024-13-01',
    '2024-01-01T25:00:00Z',
    '2024-01-01T10:00:00',
    '2024-01-01T10:00:00+24:00',
    '2024-01-01T10:00:00+09:60',
    '2024-01-01T10:60:00Z',
    '2024-05-01/2024-01-01',
    '2024-01-01T10:00:00Z/2024-01-01T09:00:00Z',
    'a/b/c',
    '',
  ])('rejects %s naming datetime', (raw) => expect(fieldOf(() => parseDatetime(raw))).toBe('datetime'));
});

describe('negotiate and ETags', () => {
  it('lets f win, reads Accept, and refuses what it cannot offer with 406', () => {
    expect(negotiate('csv', 'application/json')).toBe('csv');
    expect(negotiate(undefined, undefined)).toBe('json');
    expect(negotiate(undefined, 'text/html,application/xhtml+xml,*/*;q=0.8')).toBe('json');
    expect(negotiate(undefined, 'text/csv')).toBe('csv');
    expect(() => negotiate(undefined, 'application/xml')).toThrowError(/Cannot answer/);
  });
  it('matches If-None-Match weakly and by list', () => {
    const tag = weakEtag('a', 1);
    expect(tag).toMatch(/^W\/".+"$/);
    expect(weakEtag('a', 1)).toBe(tag);
    expect(weakEtag('a', 2)).not.toBe(tag);
    expect(notModified(`"x", ${tag}`, tag)).toBe(true);
    expect(notModified(tag.slice(2), tag)).toBe(true);
    expect(notModified('"x"', tag)).toBe(false);
    expect(notModified('*', tag)).toBe(true);
    expect(notModified(undefined, tag)).toBe(false);
  });
});

describe('pageLinks', () => {
  const url = 'http://h/api/collections/wifi/items?emd=%EC%82%AC%EC%9A%B0%EB%8F%99&limit=10&offset=10';
  const rels = (links: { rel: string; href: string }[]) =>
    Object.fromEntries(links.map((l) => [l.rel, new URL(l.href)]));
  it('keeps every parameter and moves offset by limit', () => {
    const l = rels(
      pageLinks(url, {
        limit: 10,
        offset: 10,
        returned: 10,
        matched: 35,
        collectionPath: '/api/collections/wifi',
        format: 'json',
      }),
    );
    expect(l.next?.searchParams.get('offset')).toBe('20');
    expect(l.next?.searchParams.get('emd')).toBe('사우동');
    expect(l.prev?.searchParams.get('offset')).toBe('0');
    expect(l.alternate?.searchParams.get('f')).toBe('csv');
  });
  it('has no next on the last page and no prev on the first', () => {
    const last = rels(
      pageLinks(url, { limit: 10, offset: 30, returned: 5, matched: 35, collectionPath: '/c', format: 'json' }),
    );
    expect(last.next).toBeUndefined();
    const first = rels(
      pageLinks(url, { limit: 10, offset: 0, returned: 10, matched: 35, collectionPath: '/c', format: 'json' }),
    );
    expect(first.prev).toBeUndefined();
    const beyond = rels(
      pageLinks(url, { limit: 10, offset: 100, returned: 0, matched: 35, collectionPath: '/c', format: 'json' }),
    );
    expect(beyond.prev?.searchParams.get('offset')).toBe('25');
  });
  it("types a CSV page's next and prev as CSV, and writes them as an RFC 8288 Link header", () => {
    const csv = `${url}&f=csv`;
    const links = pageLinks(csv, {
      limit: 10,
      offset: 10,
      returned: 10,
      matched: 35,
      collectionPath: '/c',
      format: 'csv',
    });
    const next = links.find((l) => l.rel === 'next');
    expect(next?.type).toBe('text/csv');
    expect(new URL(next?.href as string).searchParams.get('f')).toBe('csv');
    const header = linkHeader(links);
    expect(header).toContain(`<${next?.href}>; rel="next"; type="text/csv"`);
    expect(header.split(', <')).toHaveLength(links.length);
    expect(linkHeader([{ href: 'http://h/x', rel: 'a"b' }])).toBe('<http://h/x>; rel="a\\"b"');
  });
});
