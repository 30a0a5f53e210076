import { addUser } from '../../api/src/auth/users.js';
import type { Role } from '../../api/src/collections.js';
import type { TestBackend } from './backends.js';

/** The test password of every test account (test databases only; real accounts come from `npm run users`). */
export const TEST_PASSWORD = 'test-only passphrase 7431';

/** A signed-in test account: its cookie header and a request helper sending it like a same-origin browser. */
export interface Staff {
  username: string;
  role: Role;
  cookie: string;
  request(path: string, init?: RequestInit): Promise<Response>;
}

/** The `name=value` part of a response's Set-Cookie. */
export function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0] ?? '';
}

/** Creates an account through the CLI's functions and signs it in. */
export async function staff(b: TestBackend, username: string, role: Role): Promise<Staff> {
  await addUser(b.db.kysely, { username, role, password: TEST_PASSWORD });
  const res = await b.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = cookieOf(res);
  return {
    username,
    role,
    cookie,
    request: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      if (!headers.has('origin')) headers.set('origin', 'http://localhost');
      return b.request(path, { ...init, headers });
    },
  };
}
