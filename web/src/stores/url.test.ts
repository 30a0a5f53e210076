import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './url';

describe('URL hash state', () => {
  it('round-trips position, layers, selection and language', () => {
    const s = {
      view: { lng: 126.7156, lat: 37.6153, zoom: 14 },
      layers: ['signage', 'wifi'],
      selected: { collection: 'update-lines', id: '12' },
      lang: 'en' as const,
    };
    const h = formatHash(s);
    expect(h).toBe('#map=14.00/37.61530/126.71560&layers=signage,wifi&sel=update-lines:12&lang=en');
    expect(parseHash(h)).toEqual(s);
  });

  it('keeps Korean (the default) out of the URL and reads an empty layer list', () => {
    expect(formatHash({ lang: 'ko', layers: [] })).toBe('#layers=');
    expect(parseHash('#layers=')).toEqual({ layers: [] });
  });

  it('ignores malformed or out-of-range parts', () => {
    expect(parseHash('#map=abc/1/2&sel=nocolon&lang=fr')).toEqual({});
    expect(parseHash('#map=10/95/126')).toEqual({});
    expect(parseHash('')).toEqual({});
  });
});
