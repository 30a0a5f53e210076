/**
 * Kysely over a postgres.js pool without reserving a connection per query.
 *
 * kysely-postgres-js reserves (`sql.reserve()`) a connection for every query and releases it afterwards; when
 * PostgreSQL restarts, postgres.js 3.4.x puts a dead reserved connection back into its open queue on release, and
 * the next query on it throws from a timer (`socket.write` on null — porsager/postgres#1154, #1208), an exception no
 * caller can catch, which ends the process. Here single queries go to the pool (`sql.unsafe`), which routes them
 * around closed connections and reconnects, and a transaction runs inside postgres.js's own `sql.begin()`, which
 * fails its queries cleanly when its connection closes.
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Sql, TransactionSql } from 'postgres';

const ROLLBACK = Symbol('rollback');

/** Error codes meaning the server cannot be reached (socket errors, postgres.js and SQLSTATE class 08, 57P0x). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** How long after a failed connection queries fail at once instead of queueing for a reconnect. */
const FAIL_FAST_MS = 250;

/** Raised instead of queueing while the server was unreachable moments ago; the API answers 503. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(cause: unknown) {
    super(`the database is unreachable (${(cause as Error)?.message ?? cause})`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Fails queries fast while the server is down: after an unreachable-server error, queries in the next
 * FAIL_FAST_MS fail at once (the first one after it probes the server again), so clients get their 503 in
 * milliseconds rather than waiting in postgres.js's queue for a reconnect.
 */
class Breaker {
  #until = 0;
  #cause: unknown;

  check(): void {
    if (performance.now() < this.#until) throw new DatabaseUnavailableError(this.#cause);
  }

  observe(err: unknown): void {
    if (UNREACHABLE.has((err as { code?: string })?.code ?? '')) {
      this.#until = performance.now() + FAIL_FAST_MS;
      this.#cause = err;
    }
  }
}

/** One logical Kysely connection: the pool, or the transaction it is inside. */
class PoolConnection implements DatabaseConnection {
  readonly #pool: Sql;
  readonly #breaker: Breaker;
  #tx: { sql: TransactionSql; finish(commit: boolean): Promise<void> } | undefined;

  constructor(pool: Sql, breaker: Breaker) {
    this.#pool = pool;
    this.#breaker = breaker;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const runner = this.#tx?.sql ?? this.#pool;
    if (!this.#tx) this.#breaker.check();
    let result: Awaited<ReturnType<Sql['unsafe']>>;
    try {
      result = await runner.unsafe(compiled.sql, compiled.parameters as never[]);
    } catch (err) {
      this.#breaker.observe(err);
      throw err;
    }
    const { command, count } = result;
    return {
      numAffectedRows:
        command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
          ? BigInt(count)
          : undefined,
      rows: Array.from(result.values()) as R[],
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const runner = this.#tx?.sql ?? this.#pool;
    const cursor = runner.unsafe(compiled.sql, compiled.parameters as never[]).cursor(chunkSize);
    for await (const rows of cursor) yield { rows: rows as unknown as R[] };
  }

  /** Opens a transaction on a connection of its own; later queries of this connection run inside it. */
  async begin(settings: TransactionSettings): Promise<void> {
    if (this.#tx) throw new Error('a transaction is already open on this connection');
    this.#breaker.check();
    const options = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ]
      .filter(Boolean)
      .join(' ');
    let decide!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => {
      decide = resolve;
    });
    let opened!: (tx: TransactionSql) => void;
    let failed!: (err: unknown) => void;
    const ready = new Promise<TransactionSql>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    const pending = this.#pool.begin(options, async (tx) => {
      opened(tx);
      if (!(await decided)) throw ROLLBACK;
    });
    pending.catch((err) => {
      this.#breaker.observe(err);
      failed(err); // begin itself failed (no connection); later failures surface in finish()
    });
    const sql = await ready;
    this.#tx = {
      sql,
      finish: async (commit) => {
        decide(commit);
        try {
          await pending;
        } catch (err) {
          if (err !== ROLLBACK) throw err;
        } finally {
          this.#tx = undefined;
        }
      },
    };
  }

  /** Commits (or rolls back) the open transaction. */
  async end(commit: boolean): Promise<void> {
    if (!this.#tx) throw new Error('no transaction is open on this connection');
    await this.#tx.finish(commit);
  }
}

/** Kysely driver over a postgres.js pool (see the file comment). */
class PoolDriver extends PostgresDriver implements Driver {
  readonly #pool: Sql;
  readonly #breaker = new Breaker();

  constructor(pool: Sql) {
    super({} as never);
    this.#pool = pool;
  }

  override async init(): Promise<void> {}

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new PoolConnection(this.#pool, this.#breaker);
  }

  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PoolConnection).begin(settings);
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PoolConnection).end(true);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PoolConnection).end(false);
  }

  override async releaseConnection(): Promise<void> {}

  override async destroy(): Promise<void> {
    await this.#pool.end({ timeout: 5 });
  }
}

/** A Kysely dialect for PostgreSQL through a postgres.js pool, safe across server restarts. */
export class PostgresPoolDialect implements Dialect {
  readonly #pool: Sql;

  constructor(pool: Sql) {
    this.#pool = pool;
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PoolDriver(this.#pool);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
