/**
 * Sessions of signed-in staff: the cookie that carries the opaque token, the middleware that turns it
 * into `c.var.user`, and the guards routes call (`requireUser`, `requireEditor`).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { type CollectionDef, canEdit } from '../collections.js';
import type { AppDeps, AppEnv } from '../context.js';
import { userOfSession } from '../db/queries/users.js';
import { ApiError } from '../errors.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'gimpo_session';

/** The signed-in user as routes see it. */
export type SessionUser = NonNullable<AppEnv['Variables']['user']>;

/**
 * Whether the browser talks to us over https: the URL says so, or a TLS-ending proxy says so in
 * `X-Forwarded-Proto` (trusting it can only add the Secure flag, never remove it).
 */
export function isHttps(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return new URL(c.req.url).protocol === 'https:' || forwarded === 'https';
}

/** `Set-Cookie` value of a session: HttpOnly, SameSite=Strict, Path=/, Secure over https, Max-Age = its lifetime. */
export function sessionCookie(c: Context, token: string, maxAgeSeconds: number): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (isHttps(c)) parts.push('Secure');
  return parts.join('; ');
}

/** `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(c: Context): string {
  return sessionCookie(c, '', 0);
}

/** The session token the request carries, if any (only the shape a token can have). */
export function sessionToken(c: Context): string | undefined {
  const raw = getCookie(c, SESSION_COOKIE);
  return raw && /^[\w-]{20,100}$/.test(raw) ? raw : undefined;
}

/** Middleware: sets `c.var.user` from a live session cookie (not revoked, not expired, account enabled). */
export function sessionMiddleware({ db }: Pick<AppDeps, 'db'>): MiddlewareHandler<AppEnv> {
  return async function session(c, next) {
    const token = sessionToken(c);
    if (token) {
      const user = await userOfSession(db.kysely, token);
      if (user) c.set('user', { id: user.id, username: user.username, role: user.role });
    }
    await next();
  };
}

/** The signed-in user, or a 401. */
export function requireUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user');
  if (!user)
    throw new ApiError(401, 'Sign in first: this needs a staff session', { headers: { 'WWW-Authenticate': 'Cookie' } });
  return user;
}

/** The signed-in user when they may edit the collection; 401 without a session, 403 for another role. */
export function requireEditor(c: Context<AppEnv>, def: CollectionDef): SessionUser {
  const user = requireUser(c);
  if (!canEdit(user.role, def)) {
    throw new ApiError(403, `Role "${user.role}" may not edit "${def.id}" (edited by "${def.editRole}" and "admin")`);
  }
  return user;
}

/** The signed-in user when they are an admin; 401 / 403 otherwise. */
export function requireAdmin(c: Context<AppEnv>): SessionUser {
  const user = requireUser(c);
  if (user.role !== 'admin') throw new ApiError(403, 'Only an admin may see this');
  return user;
}
