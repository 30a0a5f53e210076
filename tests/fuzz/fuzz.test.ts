/**
 * Fuzz: ≥ 10,000 seeded malformed requests over every route of the OpenAPI document (path parameters, query
 * parameters, bodies, headers, uploaded files), anonymous and as a signed-in admin, through `app.request()`.
 * No answer may be a 5xx, every /api error is problem+json, and every collection is unchanged afterwards
 * (row count and md5 of all rows). FUZZ_COUNT and FUZZ_SEED override the count and the seed.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_IDS, COLLECTIONS } from '../../api/src/collections.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { type Staff, staff } from '../support/staff.js';
import { type FuzzRequest, fuzzRequests, routesOf } from './generate.js';

const SEED = Number(process.env.FUZZ_SEED || 20261124);
const COUNT: Record<string, number> = {
  pglite: Number(process.env.FUZZ_COUNT || 10_000),
  postgres: Number(process.env.FUZZ_COUNT || 2_500),
};

/** Row count and md5 of every row (as JSON, in id order) of each collection. */
async function fingerprint(b: TestBackend): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of COLLECTION_IDS) {
    const table = sql.table(COLLECTIONS[id].table);
    const r = await sql<{ n: number; md5: string | null }>`select count(*)::int as n,
      md5(coalesce(string_agg(to_jsonb(t)::text, '|' order by t.id), '')) as md5 from ${table} t`.execute(b.db.kysely);
    out[id] = `${r.rows[0]?.n} rows, md5 ${r.rows[0]?.md5}`;
  }
  return out;
}

function describeRequest(q: FuzzRequest): string {
  return `${q.method} ${q.path.slice(0, 160)}${q.signedIn ? ' (signed in)' : ''} — ${q.what}`;
}

describe.each(BACKENDS)('fuzz on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  let admin: Staff;

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    admin = await staff(b, 'fuzzadmin', 'admin');
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)(
    `answers ${COUNT[backendName]} malformed requests without a 5xx and changes no collection${reason ? ` (skipped: ${reason})` : ''}`,
    async () => {
      const before = await fingerprint(b);
      const doc = await (await b.request('/api/openapi.json')).json();
      const routes = routesOf(doc);
      expect(routes.length).toBeGreaterThan(20);
      const serverErrors: string[] = [];
      const notProblem: string[] = [];
      const statuses = new Map<number, number>();
      const jobs = new Set<string>();
      // signed-in requests the session check let through: without them the admin half would test nothing
      let signedInPastAuth = 0;
      let signedInTotal = 0;
      let n = 0;
      for (const q of fuzzRequests(routes, COUNT[backendName] as number, SEED)) {
        n++;
        const init: RequestInit = { method: q.method, headers: q.headers, body: q.body as BodyInit | undefined };
        let res: Response;
        try {
          res = await (q.signedIn ? admin.request(q.path, init) : b.request(q.path, init));
        } catch (err) {
          serverErrors.push(`${describeRequest(q)}: threw ${(err as Error).message}`);
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (q.signedIn && !q.path.startsWith('/api/auth/')) {
          signedInTotal++;
          if (res.status !== 401) signedInPastAuth++;
        }
        const type = res.headers.get('content-type') ?? '';
        const text = q.method === 'HEAD' ? '' : await res.text();
        if (res.status >= 500) serverErrors.push(`${describeRequest(q)}: ${res.status} ${text.slice(0, 300)}`);
        else if (
          res.status >= 400 &&
          q.path.startsWith('/api') &&
          q.method !== 'HEAD' &&
          !type.includes('application/problem+json')
        )
          notProblem.push(`${describeRequest(q)}: ${res.status} ${type}`);
        if (res.status === 202) {
          const id = (JSON.parse(text) as { id?: string }).id;
          if (id) jobs.add(id);
        }
      }
      // an accepted import runs in the background: wait for it to end before comparing
      for (const id of jobs) {
        for (let i = 0; i < 100; i++) {
          const job = (await (await admin.request(`/api/imports/${id}`)).json()) as { status: string };
          if (job.status !== 'running') break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const after = await fingerprint(b);
      const summary = [...statuses.entries()]
        .sort(([a], [c]) => a - c)
        .map(([s, k]) => `${s}×${k}`)
        .join(' ');
      console.log(`fuzz on ${backendName}: ${n} requests over ${routes.length} routes (seed ${SEED}): ${summary}`);
      expect(n).toBe(COUNT[backendName]);
      expect(
        signedInPastAuth,
        `${signedInPastAuth} of ${signedInTotal} signed-in requests past the session check`,
      ).toBeGreaterThan(signedInTotal * 0.9);
      expect(serverErrors.slice(0, 15), `${serverErrors.length} answers ≥ 500`).toEqual([]);
      expect(notProblem.slice(0, 15), `${notProblem.length} /api errors not problem+json`).toEqual([]);
      expect(after).toEqual(before);
    },
    900_000,
  );
});
