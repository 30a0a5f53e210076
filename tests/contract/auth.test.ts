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

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    pr = await staff(b, 'pr-kim', 'pr');
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

  it.skipIf(reason)('refuses a login with a missing field as 400 problem+json', async () => {
    const r = await b.request('/api/auth/login', json({ username: 'pr-kim' }));
    expect(r.status).toBe(400);
    expect((await r.json()).errors[0].field).toBe('password');
  });
});
