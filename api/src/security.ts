/**
 * Hardening applied to every response and request: security headers (CSP and friends), a CSRF check of
 * unsafe methods beyond SameSite cookies, a request body size limit, and the client address helper the
 * rate limiters key on.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/**
 * The Content-Security-Policy of the app: scripts only from the app itself; inline styles allowed
 * (Svelte transitions and MapLibre set style attributes); images from the app, data:/blob: URLs and
 * https basemaps; MapLibre's workers are blob: URLs; fetches to the app and https basemap/tile hosts;
 * never framed, no plugins, forms only to the app.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "connect-src 'self' https:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers set on every response (unless a route already set its own value). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), payment=(), geolocation=(self)',
};

/** Middleware: adds the security headers to every response, error pages and static files included. */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The host (`name[:port]`) a request was addressed to: its Host header, else its URL. A reverse proxy that
 * ends TLS keeps the Host but not the scheme, so origins are compared by host.
 */
function requestHost(c: Context): string {
  return (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase();
}

/** The host of an Origin header, or undefined when it is not a URL (`null`, garbage). */
function originHost(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Middleware: refuses (403) an unsafe request that a browser says comes from another site. Browsers send
 * `Origin` on every POST/PUT/PATCH/DELETE and `Sec-Fetch-Site`; a cross-site one is refused even when the
 * cookie would not travel (defence beyond SameSite=Strict). Non-browser clients (curl, QGIS) send
 * neither and are let through — they carry no ambient cookie.
 */
export function csrfGuard(): MiddlewareHandler {
  return async function csrfGuard(c, next) {
    if (!SAFE_METHODS.has(c.req.method)) {
      const site = c.req.header('sec-fetch-site');
      if (site && site !== 'same-origin' && site !== 'none') {
        throw new ApiError(403, `Cross-site request refused (Sec-Fetch-Site: ${site})`);
      }
      const origin = c.req.header('origin');
      if (origin !== undefined && originHost(origin) !== requestHost(c)) {
        throw new ApiError(403, `Cross-origin request refused (Origin ${origin} is not this site, ${requestHost(c)})`);
      }
    }
    await next();
  };
}

/**
 * Middleware: refuses (413) a request body over `maxBytes`, by its Content-Length and, when streamed,
 * by counting the bytes read. `skip` exempts routes with their own limit (imports).
 */
export function bodyLimit(maxBytes: number, skip: (path: string) => boolean = () => false): MiddlewareHandler {
  return async function bodyLimit(c, next) {
    if (SAFE_METHODS.has(c.req.method) || !c.req.raw.body || skip(c.req.path)) return next();
    const tooLarge = () => new ApiError(413, `Request body exceeds ${maxBytes} bytes`);
    const declared = c.req.header('content-length');
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared)) throw ApiError.badRequest('Invalid Content-Length');
      if (Number(declared) > maxBytes) throw tooLarge();
      return next();
    }
    // no length given (chunked): read it whole, counting, and hand the buffered body on
    const reader = c.req.raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let at = 0;
    for (const ch of chunks) {
      body.set(ch, at);
      at += ch.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body, duplex: 'half' } as RequestInit);
    await next();
  };
}

/**
 * The address of the client: the socket's remote address under @hono/node-server; `unknown` when the app
 * is called without a socket. Forwarded headers are not trusted (they are free to forge).
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
