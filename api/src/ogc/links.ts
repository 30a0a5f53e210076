/** OGC API link objects and the next/prev links of a page of items. */

/** One OGC API link. */
export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** The URL of the request with some query parameters replaced (every other one kept as sent). */
export function withParams(requestUrl: string, set: Record<string, string | number | undefined>): string {
  const u = new URL(requestUrl);
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) u.searchParams.delete(k);
    else u.searchParams.set(k, String(v));
  }
  return u.toString();
}

/** Absolute URL of an API path, on the origin the client used. */
export function apiUrl(requestUrl: string, path: string): string {
  return new URL(path, requestUrl).toString();
}

/** `self`, `alternate`, `collection`, `next` and `prev` links of one page of items. */
export function pageLinks(
  requestUrl: string,
  page: {
    limit: number;
    offset: number;
    returned: number;
    matched: number;
    collectionPath: string;
    format: 'json' | 'csv';
  },
): Link[] {
  const { limit, offset, returned, matched } = page;
  const geojson = 'application/geo+json';
  // next and prev keep the request's own format (its `f`, or the Accept header a client sends again)
  const pageType = page.format === 'csv' ? 'text/csv' : geojson;
  const links: Link[] = [
    { href: requestUrl, rel: 'self', type: page.format === 'csv' ? 'text/csv' : geojson, title: 'This page' },
    page.format === 'csv'
      ? { href: withParams(requestUrl, { f: 'json' }), rel: 'alternate', type: geojson, title: 'This page as GeoJSON' }
      : { href: withParams(requestUrl, { f: 'csv' }), rel: 'alternate', type: 'text/csv', title: 'This page as CSV' },
    {
      href: apiUrl(requestUrl, page.collectionPath),
      rel: 'collection',
      type: 'application/json',
      title: 'The collection',
    },
  ];
  if (offset + returned < matched) {
    links.push({
      href: withParams(requestUrl, { offset: offset + limit, limit }),
      rel: 'next',
      type: pageType,
      title: 'Next page',
    });
  }
  if (offset > 0) {
    const prev = Math.max(0, Math.min(offset - limit, matched - limit));
    links.push({
      href: withParams(requestUrl, { offset: prev, limit }),
      rel: 'prev',
      type: pageType,
      title: 'Previous page',
    });
  }
  return links;
}

/**
 * An RFC 8288 `Link` header value of some links (`<href>; rel="next"; type="text/csv"`), for answers whose body
 * cannot carry them (CSV).
 */
export function linkHeader(links: readonly Link[]): string {
  const quoted = (v: string) => `"${v.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
  return links.map((l) => `<${l.href}>; rel=${quoted(l.rel)}${l.type ? `; type=${quoted(l.type)}` : ''}`).join(', ');
}
