import { type Kysely, type RawBuilder, sql } from 'kysely';
import { COLLECTIONS, type CollectionDef } from '../../collections.js';
import type { Database } from '../schema.js';
import { featureJson } from './features.js';

/** `%`, `_` and `\` taken literally inside a LIKE pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Rank of a row for a search: per search column (in the order collections.ts lists them, name first)
 * exact = 0, prefix = 1, contains = 2, plus 3 × the column's position; the best column counts.
 */
function rank(def: CollectionDef, q: string): RawBuilder<number> {
  const lower = q.toLowerCase();
  const parts = def.searchColumns.map((name, i) => {
    const col = sql.ref(`t.${name}`);
    return sql`case when lower(${col}) = ${lower} then ${sql.lit(i * 3)}
      when ${col} ilike ${`${escapeLike(q)}%`} then ${sql.lit(i * 3 + 1)}
      when ${col} ilike ${`%${escapeLike(q)}%`} then ${sql.lit(i * 3 + 2)} end`;
  });
  return sql<number>`least(${sql.join(parts)})`;
}

/**
 * Features of every collection whose search columns (names, addresses…) contain `q` (case-insensitive,
 * partial words, `%`/`_` literal), best first: exact before prefix before contains, name before address.
 * Each Feature carries `properties.collection`.
 */
export async function searchFeatures(db: Kysely<Database>, q: string, limit: number): Promise<string[]> {
  const pattern = `%${escapeLike(q)}%`;
  const parts = Object.values(COLLECTIONS).map((def, order) => {
    const match = sql.join(
      def.searchColumns.map((name) => sql`${sql.ref(`t.${name}`)} ilike ${pattern}`),
      sql` or `,
    );
    const json = featureJson(def, 't', [['collection', sql`${def.id}::text`]]);
    return sql`(select ${json} as json, ${rank(def, q)} as rank, ${sql.lit(order)} as ord, t.id as id
      from ${sql.table(def.table)} t where ${match} order by rank, t.id limit ${limit})`;
  });
  const r = await sql<{ json: string }>`select json from (${sql.join(parts, sql` union all `)}) s
    order by rank, ord, id limit ${limit}`.execute(db);
  return r.rows.map((x) => x.json);
}
