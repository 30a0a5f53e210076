import type { Sql } from 'postgres';

/**
 * A postgres.js pool whose parameterised `unsafe` queries (the way Kysely dialects send SQL) become named
 * prepared statements; postgres.js prepares only tagged-template queries by default. The read paths repeat a
 * handful of SQL texts, so each connection parses and plans them once and then needs one Bind/Execute round
 * trip per query instead of a Parse/Describe round trip before every execution. Connections handed out by
 * `reserve()` behave the same. Meant for the readers: writes and DDL keep the plain pool.
 */
export function withPreparedStatements<T extends Sql>(pool: T): T {
  return new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, args?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, (args ?? []) as never[], { prepare: Boolean(args?.length), ...(options ?? {}) });
      }
      if (prop === 'reserve') return async () => withPreparedStatements(await target.reserve());
      return Reflect.get(target, prop, receiver);
    },
  });
}
