import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { zodFieldErrors } from './problem.js';

/** A router whose request validation failures become 400 problem+json naming each bad field. */
export function apiRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = zodFieldErrors(result.error);
        throw ApiError.badRequest(
          `Invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
          errors,
        );
      }
    },
  });
}
