import { type Kysely, type RawBuilder, sql } from 'kysely';
import { COLLECTIONS } from '../../collections.js';
import type { Database } from '../schema.js';
import { featureJson } from './features.js';

/** `%`, `_` and `\` taken literally inside a LIKE pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Rank of a row for a search: per search column (in the order collections.ts lists them, name first)
 * exact = 0, prefix = 1, contains = 2, plus 3 × the column's position; the best column counts.
 * Read off `search_text` (the columns lower-cased and joined by U+001F): the best column is the first one
 * holding the query, and the query's first place in it tells exact, prefix or contains.
 */
function rank(lowerQ: RawBuilder<string>): RawBuilder<number> {
  const s = sql.ref('t.search_text');
  const at = sql`strpos(${s}, ${lowerQ})`;
  const before = sql`substr(${s}, 1, ${at} - 1)`;
  const column = sql`(length(${before}) - length(replace(${before}, chr(31), '')))`;
  const starts = sql`(${at} = 1 or substr(${s}, ${at} - 1, 1) = chr(31))`;
  const ends = sql`(substr(${s}, ${at} + length(${lowerQ}), 1) in ('', chr(31)))`;
  return sql<number>`(${column} * 3 + case when ${starts} and ${ends} then 0 when ${starts} then 1 else 2 end)`;
}

/**
 * Features of every collection whose search columns (names, addresses…) contain `q` (case-insensitive,
 * partial words, `%`/`_` literal), best first: exact before prefix before contains, name before address.
 * Each Feature carries `properties.collection`.
 */
export async function searchFeatures(db: Kysely<Database>, q: string, limit: number): Promise<string[]> {
  // search_text joins the columns with U+001F: a query holding a control character could match across two
  if ([...q].some((ch) => ch.charCodeAt(0) < 0x20)) return [];
  const escaped = escapeLike(q);
  const lower = sql<string>`lower(${q})`;
  const pattern = sql<string>`lower(${`%${escaped}%`})`;
  const parts = Object.values(COLLECTIONS).map((def, order) => {
    const json = featureJson(def, 't', [['collection', sql`${def.id}::text`]]);
    // the best `limit` ids first, then the JSON of those rows only (not of every match)
    return sql`(select ${json} as json, best.rank, ${sql.lit(order)} as ord, t.id as id
      from (select t.id, ${rank(lower)} as rank from ${sql.table(def.table)} t
        where t.search_text like ${pattern} order by rank, t.id limit ${limit}) best
      join ${sql.table(def.table)} t on t.id = best.id)`;
  });
  const r = await sql<{ json: string }>`select json from (${sql.join(parts, sql` union all `)}) s
    order by rank, ord, id limit ${limit}`.execute(db);
  return r.rows.map((x) => x.json);
}
