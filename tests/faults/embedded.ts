/**
 * Helpers of the embedded-server fault tests: a private copy of the seeded PGlite test database with a staff
 * account in it, and a signed-in client of a server child process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addUser } from '../../api/src/auth/users.js';
import { loadConfig } from '../../api/src/config.js';
import { openDb } from '../../api/src/db/client.js';
import { PGLITE_TEMPLATE_DIR } from '../support/env.js';
import { TEST_PASSWORD } from '../support/staff.js';

/** A copy of the seeded PGlite template in a new temp folder, with an `admin` account `faults`. */
export async function embeddedDataDir(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-faults-'));
  fs.cpSync(PGLITE_TEMPLATE_DIR, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'server.lock'), { force: true });
  const db = await openDb({ ...loadConfig({}), dataDir: dir });
  try {
    await addUser(db.kysely, { username: 'faults', role: 'admin', password: TEST_PASSWORD });
  } finally {
    await db.close();
  }
  return dir;
}

/** Signs `faults` in on the server at `base`; returns a fetch that sends the cookie like a same-origin page. */
export async function signIn(base: string): Promise<(p: string, init?: RequestInit) => Promise<Response>> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username: 'faults', password: TEST_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return (p, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', cookie);
    headers.set('origin', base);
    return fetch(base + p, { ...init, headers });
  };
}

/** A new Wi-Fi access point inside Gimpo, numbered `n`. */
export function wifiFeature(n: number, tag: string): Record<string, unknown> {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [126.6 + (n % 100) * 0.001, 37.62 + Math.floor(n / 100) * 0.001] },
    properties: { name: `${tag} ${n}`, source: 'fault test', verified: false, installed_on: '2025-01' },
  };
}
