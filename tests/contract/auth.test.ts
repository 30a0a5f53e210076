import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDisabled, setPassword } from '../../api/src/auth/users.js';
import { LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURES_PER_USER } from '../../api/src/routes/auth.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { cookieOf, type Staff, staff, TEST_PASSWORD } from '../support/staff.js';

const json = (body: unknown, extra: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: 'http://localhost', ...extra },
  body: JSON.stringify(body),
});

describe.each(BACKENDS)('auth on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  let pr: Staff;
  /** Accounts and sessions of the freshly migrated and seeded database, before any test made one. */
  let fresh: { users: number; sessions: number };
  const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
  const login = (username: string, password: string, ip: string) =>
    b.app.request('http://localhost/api/auth/login', json({ username, password }), from(ip));

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    const count = async (table: 'users' | 'sessions') =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(b.db.kysely)).rows[0]?.n ??
      -1;
    fresh = { users: await count('users'), sessions: await count('sessions') };
    pr = await staff(b, 'pr-kim', 'pr');
  });

  it.skipIf(reason)('a fresh database has no account, so no default sign-in works', async () => {
    expect(fresh).toEqual({ users: 0, sessions: 0 });
    const defaults: [string, string][] = [
      ['admin', 'admin'],
      ['admin', 'password'],
      ['admin', 'admin1234'],
      ['admin', '1234'],
      ['administrator', 'administrator'],
      ['root', 'root'],
      ['gimpo', 'gimpo'],
      ['postgres', 'postgres'],
    ];
    for (const [i, [username, password]] of defaults.entries()) {
      const res = await login(username, password, `10.9.0.${i + 1}`);
      expect(res.status, `${username}/${password}`).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('sets an HttpOnly, SameSite=Strict, Path=/ session cookie; Secure only over https', async () => {
    const { addUser } = await import('../../api/src/auth/users.js');
    await addUser(b.db.kysely, { username: 'cookie-check', role: 'it', password: TEST_PASSWORD });
    const res = await b.request('/api/auth/login', json({ username: 'cookie-check', password: TEST_PASSWORD }));
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^gimpo_session=[\w-]{43};/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).toContain(`Max-Age=${b.config.sessionHours * 3600}`);
    expect(set).not.toContain('Secure');
    const body = await res.json();
    expect(body.user).toMatchObject({ username: 'cookie-check', role: 'it' });
    expect(JSON.stringify(body)).not.toMatch(/scrypt|password/i);

    const https = await b.request(
      'https://localhost/api/auth/login',
      json({ username: 'cookie-check', password: TEST_PASSWORD }, { origin: 'https://localhost' }),
    );
    expect(https.status).toBe(200);
    expect(https.headers.get('set-cookie')).toContain('Secure');
    const proxied = await b.request(
      '/api/auth/login',
      json({ username: 'cookie-check', password: TEST_PASSWORD }, { 'x-forwarded-proto': 'https' }),
    );
    expect(proxied.headers.get('set-cookie')).toContain('Secure');
  });

  it.skipIf(reason)('stores only a hash of the session token', async () => {
    const token = pr.cookie.split('=')[1] ?? '';
    const rows = await b.db.kysely.selectFrom('sessions').select('id').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.id)).not.toContain(token);
    for (const r of rows) expect(r.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it.skipIf(reason)('GET /api/auth/me names the user, 401 without a session or with a forged one', async () => {
    const me = await pr.request('/api/auth/me');
    expect(me.status).toBe(200);
    expect((await me.json()).user).toMatchObject({ username: 'pr-kim', role: 'pr' });
    const anon = await b.request('/api/auth/me');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toContain('application/problem+json');
    const forged = await b.request('/api/auth/me', {
      headers: { cookie: 'gimpo_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(forged.status).toBe(401);
  });

  it.skipIf(reason)('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await b.request('/api/auth/login', json({ username: 'pr-kim', password: 'not the password' }));
    const unknown = await b.request('/api/auth/login', json({ username: 'nobody-here', password: 'not the password' }));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json()).detail).toBe((await unknown.json()).detail);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it.skipIf(reason)('rotates the session on login: the old token stops working', async () => {
    const second = await b.request(
      '/api/auth/login',
      json({ username: 'pr-kim', password: TEST_PASSWORD }, { cookie: pr.cookie }),
    );
    expect(second.status).toBe(200);
    const fresh = cookieOf(second);
    expect(fresh).not.toBe(pr.cookie);
    expect((await b.request('/api/auth/me', { headers: { cookie: pr.cookie } })).status).toBe(401);
    expect((await b.request('/api/auth/me', { headers: { cookie: fresh } })).status).toBe(200);
    pr = {
      ...pr,
      cookie: fresh,
      request: (p, init = {}) =>
        b.request(p, { ...init, headers: { ...(init.headers as object), cookie: fresh, origin: 'http://localhost' } }),
    };
  });

  it.skipIf(reason)('logout revokes the session', async () => {
    const s = await staff(b, 'it-logout', 'it');
    const out = await s.request('/api/auth/logout', { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/gimpo_session=;.*Max-Age=0/);
    expect((await s.request('/api/auth/me')).status).toBe(401);
  });

  it.skipIf(reason)('passwd and disable revoke every session of the account', async () => {
    const a = await staff(b, 'gis-passwd', 'gis');
    await setPassword(b.db.kysely, 'gis-passwd', 'another passphrase 99');
    expect((await a.request('/api/auth/me')).status).toBe(401);
    const old = await b.request('/api/auth/login', json({ username: 'gis-passwd', password: TEST_PASSWORD }));
    expect(old.status).toBe(401);

    const d = await staff(b, 'it-disabled', 'it');
    await setDisabled(b.db.kysely, 'it-disabled', true);
    expect((await d.request('/api/auth/me')).status).toBe(401);
    const again = await b.request('/api/auth/login', json({ username: 'it-disabled', password: TEST_PASSWORD }));
    expect(again.status).toBe(401);
  });

  it.skipIf(reason)('an expired session is refused', async () => {
    const s = await staff(b, 'pr-expired', 'pr');
    await b.db.kysely
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where(
        'user_id',
        '=',
        (
          await b.db.kysely
            .selectFrom('users')
            .select('id')
            .where('username', '=', 'pr-expired')
            .executeTakeFirstOrThrow()
        ).id,
      )
      .execute();
    expect((await s.request('/api/auth/me')).status).toBe(401);
  });

  it.skipIf(reason)(
    `locks a user name after ${LOGIN_FAILURES_PER_USER} failures with 429, even for the right password`,
    async () => {
      const { addUser } = await import('../../api/src/auth/users.js');
      await addUser(b.db.kysely, { username: 'target', role: 'pr', password: TEST_PASSWORD });
      const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
      for (let i = 0; i < LOGIN_FAILURES_PER_USER; i++) {
        const r = await b.app.request(
          'http://localhost/api/auth/login',
          json({ username: 'target', password: `guess ${i}` }),
          from(`10.0.0.${i}`),
        );
        expect(r.status).toBe(401);
      }
      const locked = await b.app.request(
        'http://localhost/api/auth/login',
        json({ username: 'TARGET', password: 'guess x' }),
        from('10.0.1.1'),
      );
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(locked.headers.get('content-type')).toContain('application/problem+json');
      const right = await b.app.request(
        'http://localhost/api/auth/login',
        json({ username: 'target', password: TEST_PASSWORD }),
        from('10.0.1.2'),
      );
      expect(right.status).toBe(429);
      expect(right.headers.get('set-cookie')).toBeNull();
    },
  );

  it.skipIf(reason)(`limits one address to ${LOGIN_FAILURES_PER_ADDRESS} failures across user names`, async () => {
    const from = { incoming: { socket: { remoteAddress: '192.0.2.77' } } };
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++) {
      const r = await b.app.request(
        'http://localhost/api/auth/login',
        json({ username: `spray-${i}`, password: 'password1234' }),
        from,
      );
      expect(r.status).toBe(401);
    }
    const r = await b.app.request(
      'http://localhost/api/auth/login',
      json({ username: 'pr-kim', password: TEST_PASSWORD }),
      from,
    );
    expect(r.status).toBe(429);
    // another address is not affected
    const other = await b.app.request(
      'http://localhost/api/auth/login',
      json({ username: 'pr-kim', password: TEST_PASSWORD }),
      { incoming: { socket: { remoteAddress: '192.0.2.78' } } },
    );
    expect(other.status).toBe(200);
  });

  it.skipIf(reason)(
    `counts simultaneous guesses before checking them: of 20 at once, ${LOGIN_FAILURES_PER_USER} get 401 and the rest 429`,
    async () => {
      const { addUser } = await import('../../api/src/auth/users.js');
      await addUser(b.db.kysely, { username: 'burst', role: 'it', password: TEST_PASSWORD });
      const guesses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(i % 2 ? 'burst' : 'BURST', `guess number ${i}`, `10.2.0.${i + 1}`)),
      );
      const statuses = guesses.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_FAILURES_PER_USER);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LOGIN_FAILURES_PER_USER);
      for (const r of guesses.filter((g) => g.status === 429)) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }
      // locked: the right password from yet another address is refused, and no session is made
      const right = await login('burst', TEST_PASSWORD, '10.2.1.1');
      expect(right.status).toBe(429);
      expect(right.headers.get('set-cookie')).toBeNull();
      // the counts live in the database as keyed hashes, shared by every API process
      const rows = await sql<{ scope: string; key_hash: string }>`select scope, key_hash from rate_limits`.execute(
        b.db.kysely,
      );
      expect(new Set(rows.rows.map((r) => r.scope))).toEqual(new Set(['login-user', 'login-address']));
      expect(JSON.stringify(rows.rows)).not.toMatch(/burst|10\.2\.|pr-kim|unknown/);

      // once the lock has run out (its 15 minutes passed), a success starts the user's count again
      await sql`update rate_limits set reset_at = now() - interval '1 second' where scope = 'login-user'`.execute(
        b.db.kysely,
      );
      for (let i = 0; i < LOGIN_FAILURES_PER_USER - 1; i++) {
        expect((await login('burst', `again ${i}`, '10.2.2.1')).status).toBe(401);
      }
      expect((await login('burst', TEST_PASSWORD, '10.2.2.1')).status).toBe(200);
      for (let i = 0; i < LOGIN_FAILURES_PER_USER; i++) {
        expect((await login('burst', `after ${i}`, '10.2.2.2')).status, `failure ${i + 1} after the success`).toBe(401);
      }
      expect((await login('burst', TEST_PASSWORD, '10.2.2.3')).status).toBe(429);
    },
  );

  it.skipIf(reason)('refuses a login with a missing field as 400 problem+json', async () => {
    const r = await b.request('/api/auth/login', json({ username: 'pr-kim' }));
    expect(r.status).toBe(400);
    expect((await r.json()).errors[0].field).toBe('password');
  });
});
