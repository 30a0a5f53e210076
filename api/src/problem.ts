import type { ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
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

/** What is wrong with a value PostgreSQL refused (SQLSTATE class 22), in words of the request, not of SQL. */
function badValueReason(err: unknown): string {
  switch ((err as { code?: string }).code) {
    case '22P05': // untranslatable_character (\u0000 in text or JSON)
    case '22021': // character_not_in_repertoire (a NUL byte, invalid UTF-8)
      return 'it holds a character text cannot contain (such as NUL)';
    case '22001':
      return 'a text is too long';
    case '22003':
      return 'a number is out of range';
    case '22007':
    case '22008':
      return 'a date or time is not valid';
    default:
      return 'a value is not valid';
  }
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
    // the database's own message names its internals (types, functions): not sent
    apiError = ApiError.badRequest(`A value of the request cannot be stored or compared: ${badValueReason(err)}`);
  } else {
    console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path}:`, err);
    apiError = new ApiError(500, 'Unexpected server error; it has been logged');
  }
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json', ...(apiError.headers ?? {}) };
  return new Response(JSON.stringify(apiError.toProblem(c.req.path)), { status: apiError.status, headers });
}

/**
 * The most bytes Node reads of a request line and its headers (Node's default is 16 KB). A search of 100,000
 * Korean characters is ~900 KB percent-encoded: it must reach the API to be refused with a 400 naming `q`.
 */
export const MAX_REQUEST_HEAD_BYTES = 1024 * 1024;

/** Options of the Node HTTP server the API listens with (`serve({ serverOptions })`). */
export const httpServerOptions: ServerOptions = { maxHeaderSize: MAX_REQUEST_HEAD_BYTES };

/** Sockets already answered by answerClientError (Node reports each later chunk of a broken request again). */
const answered = new WeakSet<Duplex>();

/**
 * Node HTTP server `clientError` handler: a request Node cannot parse gets a problem+json answer instead of
 * Node's bare status line — 431 when the request line and headers pass MAX_REQUEST_HEAD_BYTES, 408 when they
 * arrive too slowly, 400 otherwise. The connection is then closed gracefully (FIN, the rest of the request read and
 * dropped) so the client reads the answer instead of a reset; it is destroyed after 5 s at most.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  // Node's own handler answers only while no answer to this connection has started (`_httpMessage` is the
  // response in flight); otherwise the bytes would land inside that answer
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, title, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          `The request line and headers pass ${MAX_REQUEST_HEAD_BYTES / 1024} KiB (is a query parameter that long?)`,
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request did not arrive in time']
        : [400, 'Bad Request', 'The request is not valid HTTP/1.1'];
  const body = JSON.stringify({ type: `https://gimpo-map.example/problems/${status}`, title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 5_000).unref();
}
