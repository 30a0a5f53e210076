// Frozen: never edit after release; add a new dated migration instead. Imports no app code.
import { type Kysely, sql } from 'kysely';

/** The channel on which every committed change to a collection table is announced (read by the tile caches). */
const CHANNEL = 'gimpo_tiles';

const TABLES: [collection: string, table: string][] = [
  ['wifi', 'wifi'],
  ['sculptures', 'sculptures'],
  ['signage', 'signage'],
  ['update-areas', 'update_areas'],
  ['update-lines', 'update_lines'],
  ['admin-areas', 'admin_areas'],
];

/**
 * Every insert, update, delete or truncate of a collection table — by the API, an import, a cascade from
 * another table, the CLI or psql — sends one notification per statement on commit:
 * `{"c": collection, "b": [[w,s,e,n] of the old rows, [w,s,e,n] of the new rows]}` (`{"c", "all": true}` for a
 * truncate). Each server process listens and purges the cached tiles those boxes touch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function gimpo_tiles_changed() returns trigger language plpgsql as $fn$
    declare
      boxes jsonb := '[]'::jsonb;
      e box2d;
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify(${sql.lit(CHANNEL)}, jsonb_build_object('c', tg_argv[0], 'all', true)::text);
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        select st_extent(geom) into e from old_rows;
        if e is not null then
          boxes := boxes || jsonb_build_array(jsonb_build_array(st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)));
        end if;
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        select st_extent(geom) into e from new_rows;
        if e is not null then
          boxes := boxes || jsonb_build_array(jsonb_build_array(st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)));
        end if;
      end if;
      if jsonb_array_length(boxes) > 0 then
        perform pg_notify(${sql.lit(CHANNEL)}, jsonb_build_object('c', tg_argv[0], 'b', boxes)::text);
      end if;
      return null;
    end
  $fn$`.execute(db);
  for (const [collection, table] of TABLES) {
    const t = sql.table(table);
    const arg = sql.lit(collection);
    await sql`create trigger tiles_changed_insert after insert on ${t} referencing new table as new_rows
      for each statement execute function gimpo_tiles_changed(${arg})`.execute(db);
    await sql`create trigger tiles_changed_update after update on ${t}
      referencing old table as old_rows new table as new_rows
      for each statement execute function gimpo_tiles_changed(${arg})`.execute(db);
    await sql`create trigger tiles_changed_delete after delete on ${t} referencing old table as old_rows
      for each statement execute function gimpo_tiles_changed(${arg})`.execute(db);
    await sql`create trigger tiles_changed_truncate after truncate on ${t}
      for each statement execute function gimpo_tiles_changed(${arg})`.execute(db);
  }
}

/** Drops the triggers and their function. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [, table] of TABLES) {
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await sql`drop trigger if exists ${sql.raw(`tiles_changed_${op}`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`drop function if exists gimpo_tiles_changed()`.execute(db);
}
