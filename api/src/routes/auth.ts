import { createRoute, z } from '@hono/zod-openapi';
import { verifyAgainstDummy, verifyPassword } from '../auth/password.js';
import { clearedSessionCookie, requireUser, sessionCookie, sessionToken } from '../auth/session.js';
import type { AppDeps } from '../context.js';
import { createSession, findUser, revokeSession } from '../db/queries/users.js';
import { ApiError } from '../errors.js';
import { DbRateLimiter } from '../ratelimit.js';
import { apiRouter } from '../router.js';
import { clientAddress } from '../security.js';

/** Failed logins allowed per user name in 15 minutes before 429. */
export const LOGIN_FAILURES_PER_USER = 5;
/** Failed logins allowed per client address in 15 minutes before 429. */
export const LOGIN_FAILURES_PER_ADDRESS = 20;
const LOGIN_WINDOW_MS = 15 * 60_000;

const Me = z
  .object({
    id: z.number().int(),
    username: z.string(),
    role: z.enum(['admin', 'gis', 'pr', 'it']),
    displayName: z.string().nullable().optional(),
  })
  .openapi('StaffUser');

const Credentials = z
  .object({
    username: z.string().min(1).max(100),
    password: z.string().min(1).max(1024),
  })
  .openapi('Credentials');

const loginRoute = createRoute({
  method: 'post',
  path: '/auth/login',
  summary: 'Sign in: sets an HttpOnly, SameSite=Strict session cookie',
  tags: ['Staff'],
  request: { body: { required: true, content: { 'application/json': { schema: Credentials } } } },
  responses: {
    200: {
      description: 'Signed in',
      content: { 'application/json': { schema: z.object({ user: Me, expiresAt: z.string() }) } },
    },
    401: { description: 'Wrong user name or password' },
    429: { description: 'Too many failed attempts for this user or address' },
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/auth/logout',
  summary: 'Sign out: revokes the session',
  tags: ['Staff'],
  responses: { 204: { description: 'Signed out' } },
});

const meRoute = createRoute({
  method: 'get',
  path: '/auth/me',
  summary: 'The signed-in staff member',
  tags: ['Staff'],
  responses: {
    200: { description: 'Signed in as', content: { 'application/json': { schema: z.object({ user: Me }) } } },
    401: { description: 'Not signed in' },
  },
});

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`. */
export function authRoutes({ db, config }: AppDeps) {
  const app = apiRouter();
  // counted in the database: shared by every API process, and spent before the password is checked
  const perUser = new DbRateLimiter(db.kysely, {
    scope: 'login-user',
    capacity: LOGIN_FAILURES_PER_USER,
    windowMs: LOGIN_WINDOW_MS,
  });
  const perAddress = new DbRateLimiter(db.kysely, {
    scope: 'login-address',
    capacity: LOGIN_FAILURES_PER_ADDRESS,
    windowMs: LOGIN_WINDOW_MS,
  });
  const tooMany = (retryAfter: number) =>
    new ApiError(429, 'Too many failed sign-in attempts; wait and try again', {
      headers: { 'Retry-After': String(retryAfter) },
    });

  app.openapi(loginRoute, async (c) => {
    const { username, password } = c.req.valid('json');
    const address = clientAddress(c);
    const userKey = username.trim().toLowerCase();
    // Every attempt is counted (atomically, in the database) BEFORE the password is checked, so simultaneous
    // guesses cannot all slip past the limit; a locked name stays locked even for the right password. A
    // success gives its attempt back: the address's is refunded, the user name's count starts again.
    const byAddress = await perAddress.take(address);
    if (!byAddress.ok) throw tooMany(byAddress.retryAfter);
    const byUser = await perUser.take(userKey);
    if (!byUser.ok) {
      // no password was tried: a locked name does not use up the address's attempts
      await perAddress.refund(address);
      throw tooMany(byUser.retryAfter);
    }
    let user: Awaited<ReturnType<typeof findUser>>;
    let ok: boolean;
    try {
      user = await findUser(db.kysely, userKey);
      ok =
        user && !user.disabled ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
    } catch (err) {
      // the attempt was not decided (database down): it does not count
      await Promise.allSettled([perAddress.refund(address), perUser.refund(userKey)]);
      throw err;
    }
    if (!user || !ok || user.disabled) throw new ApiError(401, 'Wrong user name or password');
    await Promise.all([perUser.reset(userKey), perAddress.refund(address)]);
    // rotate: the session the browser had (if any) ends, a new token is issued
    const previous = sessionToken(c);
    if (previous) await revokeSession(db.kysely, previous);
    const { token, expiresAt } = await createSession(db.kysely, user.id, config.sessionHours, {
      ip: address,
      userAgent: c.req.header('user-agent') ?? null,
    });
    c.header('Set-Cookie', sessionCookie(c, token, config.sessionHours * 3600));
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        user: { id: user.id, username: user.username, role: user.role, displayName: user.displayName },
        expiresAt: expiresAt.toISOString(),
      },
      200,
    );
  });

  app.openapi(logoutRoute, async (c) => {
    const token = sessionToken(c);
    if (token) await revokeSession(db.kysely, token);
    c.header('Set-Cookie', clearedSessionCookie(c));
    return c.body(null, 204);
  });

  app.openapi(meRoute, async (c) => {
    const user = requireUser(c);
    c.header('Cache-Control', 'no-store');
    return c.json({ user: { id: user.id, username: user.username, role: user.role } }, 200);
  });
  return app;
}
