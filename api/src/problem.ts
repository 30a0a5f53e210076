import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { ApiError, type FieldError } from './errors.js';

/** The field errors of a failed zod validation, named as the client sent them. */
export function zodFieldErrors(error: ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix || '(body)',
    message: issue.message,
  }));
}

/** Whether an error means the database cannot be reached right now. */
function isDatabaseDown(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'CONNECTION_CLOSED' ||
    code === 'CONNECTION_ENDED' ||
    code === 'CONNECT_TIMEOUT' ||
    code === 'CONNECTION_DESTROYED' ||
    code === 'DATABASE_UNAVAILABLE' || // db/postgres-dialect.ts fails fast while the server is unreachable
    code === 'EPIPE' ||
    code === 'ETIMEDOUT' ||
    code === 'EHOSTUNREACH' ||
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now (starting up, shutting down)
    code === '53300' || // too_many_connections
    (typeof code === 'string' && code.startsWith('08')) // connection_exception class
  );
}

/**
 * Whether an error is PostgreSQL refusing a value the client sent (SQLSTATE class 22, data exception: a NUL
 * character in text, a number out of range, an unparseable date…) — bad input that got past validation, a 400.
 */
function isBadValue(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return (
    typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && (err as { severity?: string }).severity === 'ERROR'
  );
}

/** Renders any thrown error as application/problem+json; unexpected errors are logged, not leaked. */
export function handleError(err: Error, c: Context): Response {
  let apiError: ApiError;
  if (err instanceof ApiError) apiError = err;
  else if (err instanceof HTTPException) {
    apiError = new ApiError(err.status, err.message || 'Request failed');
  } else if (isDatabaseDown(err)) {
    apiError = new ApiError(503, 'The database is unavailable; try again shortly', { headers: { 'Retry-After': '5' } });
  } else if (isBadValue(err)) {
    apiError = ApiError.badRequest(`A value of the request cannot be stored or compared: ${err.message}`);
  } else {
    console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path}:`, err);
    apiError = new ApiError(500, 'Unexpected server error; it has been logged');
  }
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json', ...(apiError.headers ?? {}) };
  return new Response(JSON.stringify(apiError.toProblem(c.req.path)), { status: apiError.status, headers });
}
