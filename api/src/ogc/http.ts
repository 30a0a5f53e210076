/** Content negotiation and entity tags of the read API. */
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';

/** The answer format chosen from `f` (wins) or the `Accept` header; 406 when nothing offered fits. */
export function negotiate(f: string | undefined, accept: string | undefined): 'json' | 'csv' {
  if (f === 'csv') return 'csv';
  if (f === 'json' || f === 'geojson') return 'json';
  const a = (accept ?? '').toLowerCase();
  if (a.trim() === '' || /(^|[\s,])(\*\/\*|application\/\*|application\/(geo\+)?json)/.test(a)) return 'json';
  if (/(^|[\s,])(text\/csv|text\/\*)/.test(a)) return 'csv';
  throw new ApiError(
    406,
    `Cannot answer with ${accept}: this resource is application/geo+json or text/csv (or use ?f=json|csv)`,
    {
      errors: [{ field: 'Accept', message: 'offer application/geo+json, application/json or text/csv' }],
    },
  );
}

/** A weak entity tag over the given parts (ids, versions, counts, the request). */
export function weakEtag(...parts: (string | number)[]): string {
  return `W/"${createHash('sha1').update(parts.join('|')).digest('base64url').slice(0, 27)}"`;
}

/** The strong entity tag of one stored feature (changes with every edit). */
export function featureEtag(collectionId: string, id: number, version: number): string {
  return `"${collectionId}-${id}-v${version}"`;
}

/** Whether `If-None-Match` names this tag (weak comparison, `*` matches anything). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}
