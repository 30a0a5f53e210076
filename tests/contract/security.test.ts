import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../api/src/config.js';
import { ensureWebBuilt } from '../browser/harness.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { type Staff, staff } from '../support/staff.js';

const MAX_BODY = 4096;

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

function expectSecurityHeaders(res: Response, what: string): void {
  const csp = directives(res.headers.get('content-security-policy') ?? '');
  expect(csp.get('default-src'), what).toEqual(["'self'"]);
  expect(csp.get('script-src'), what).toEqual(["'self'"]);
  expect(csp.get('style-src'), what).toEqual(["'self'", "'unsafe-inline'"]);
  expect(csp.get('img-src'), what).toEqual(["'self'", 'data:', 'blob:', 'https:']);
  expect(csp.get('worker-src'), what).toContain('blob:');
  expect(csp.get('connect-src'), what).toEqual(["'self'", 'https:']);
  expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(csp.get('object-src'), what).toEqual(["'none'"]);
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), what).toBe('strict-origin-when-cross-origin');
}

/** Built files of the web app under /assets/ (a script and a stylesheet), as the server serves them. */
function builtAssets(): { js: string; css: string } {
  const files = fs.readdirSync(path.join(ROOT_DIR, 'web', 'dist', 'assets'));
  const js = files.find((f) => f.endsWith('.js'));
  const css = files.find((f) => f.endsWith('.css'));
  if (!js || !css) throw new Error(`web/dist/assets has no .js or no .css: ${files.slice(0, 10).join(', ')}`);
  return { js, css };
}

describe.each(BACKENDS)('hardening on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  let it_: Staff;

  beforeAll(async () => {
    if (reason) return;
    ensureWebBuilt(); // the app serves web/dist (and /assets/) only when it is built
    b = await openBackend(backendName, { maxBodyBytes: MAX_BODY });
    it_ = await staff(b, 'it-sec', 'it');
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('sends CSP, nosniff, Referrer-Policy and frame-ancestors on every kind of response', async () => {
    const responses = await Promise.all([
      b.request('/api/health'),
      b.request('/api/collections/wifi/items?limit=1'),
      b.request('/api/collections/wifi/items/99999999'),
      b.request('/api/no-such-route'),
      b.request('/api/auth/me'),
      b.request('/'),
      b.request('/no/such/page.txt'),
      b.request('/api/tiles/wifi/0/0/0.mvt'),
      it_.request('/api/collections/wifi/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    ]);
    for (const res of responses) expectSecurityHeaders(res, res.url);
  });

  it.skipIf(reason)('sends them on static files under /assets/ too (plain and precompressed)', async () => {
    // another build may replace web/dist meanwhile (hashed names change): look again once if a file went away
    let served: Response[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { js, css } = builtAssets();
      served = await Promise.all([
        b.request(`/assets/${js}`),
        b.request(`/assets/${js}`, { headers: { 'accept-encoding': 'br, gzip' } }),
        b.request(`/assets/${css}`, { headers: { 'accept-encoding': 'gzip' } }),
      ]);
      if (served.every((r) => r.status === 200)) break;
    }
    const [script, brotli, style] = served as [Response, Response, Response];
    for (const res of served) expect(res.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(style.headers.get('content-type')).toMatch(/text\/css/);
    expect(script.headers.get('cache-control')).toContain('immutable');
    expectSecurityHeaders(script, 'script');
    expectSecurityHeaders(brotli, 'precompressed script');
    expectSecurityHeaders(style, 'stylesheet');
    expect((await script.text()).length).toBeGreaterThan(0);
  });

  it.skipIf(reason)('refuses cross-site writes (Origin, Sec-Fetch-Site) even with a valid session', async () => {
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from wifi`.execute(b.db.kysely)).rows[0]?.n;
    const before = await count();
    const feature = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [126.7, 37.63] },
      properties: { name: 'csrf', source: 'test' },
    };
    const post = (headers: Record<string, string>) =>
      b.request('/api/collections/wifi/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: it_.cookie, ...headers },
        body: JSON.stringify(feature),
      });
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site', origin: 'http://localhost' })).status).toBe(403);
    expect(await count()).toBe(before);
    // logging in from another site is refused too (login CSRF)
    const login = await b.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ username: 'it-sec', password: 'whatever it is' }),
    });
    expect(login.status).toBe(403);
    // behind a TLS-ending proxy the browser's https origin matches the Host the proxy kept
    expect((await post({ origin: 'https://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await post({ origin: 'https://localhost.evil.example' })).status).toBe(403);
    expect(await count()).toBe((before ?? 0) + 1);
    // same origin and non-browser clients pass
    expect((await post({ origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await post({})).status).toBe(201);
    expect(await count()).toBe((before ?? 0) + 3);
  });

  it.skipIf(reason)(`refuses bodies over maxBodyBytes with 413, declared or streamed`, async () => {
    const big = JSON.stringify({ username: 'x'.repeat(MAX_BODY), password: 'y' });
    const declared = await b.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('content-type')).toContain('application/problem+json');
    const stream = new ReadableStream<Uint8Array>({
      start(ctrl) {
        for (let i = 0; i < 10; i++) ctrl.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        ctrl.close();
      },
    });
    const streamed = await b.request('/api/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // a small body still works after the limit check
    const ok = await b.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'it-sec', password: 'wrong password' }),
    });
    expect(ok.status).toBe(401);
  });

  it.skipIf(reason)('treats SQL in values and filters as data', async () => {
    const payload = "x'); drop table wifi; --";
    const res = await it_.request('/api/collections/wifi/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [126.7, 37.63] },
        properties: { name: payload, ssid: "' or 1=1 --", source: 'test' },
      }),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).properties.name).toBe(payload);
    const admin = await staff(b, 'admin-sec', 'admin');
    const audit = await admin.request(`/api/audit?user=${encodeURIComponent("' or '1'='1")}`);
    expect(audit.status).toBe(200);
    expect((await audit.json()).numberMatched).toBe(0);
    expect((await b.request('/api/collections/wifi/items?limit=1')).status).toBe(200);
  });

  it.skipIf(reason)(
    'builds no SQL from strings where request input flows: routes, auth and the write/audit/report queries',
    () => {
      // the import engine (db/queries/imports.ts) splices column defaults read from pg_attrdef: catalog text, not input
      const files = [
        ...fs.readdirSync(path.join(ROOT_DIR, 'api', 'src', 'routes')).map((f) => path.join('api', 'src', 'routes', f)),
        ...['users', 'writes', 'audit', 'reports', 'features'].map((f) =>
          path.join('api', 'src', 'db', 'queries', `${f}.ts`),
        ),
        ...['session.ts', 'users.ts'].map((f) => path.join('api', 'src', 'auth', f)),
        path.join('api', 'src', 'security.ts'),
      ].filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
      expect(files.length).toBeGreaterThan(15);
      const offenders = files.filter((f) =>
        /sql\.raw\(|\.unsafe\(/.test(fs.readFileSync(path.join(ROOT_DIR, f), 'utf8')),
      );
      expect(offenders).toEqual([]);
    },
  );
});
