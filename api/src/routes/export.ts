import { createRoute, z } from '@hono/zod-openapi';
import { COLLECTIONS, type CollectionDef } from '../collections.js';
import type { AppDeps } from '../context.js';
import { EXPORT_FORMATS, exportCollection, warningHeader } from '../export/index.js';
import { filterValues, itemsQuerySchema, parseBbox, parseDatetime, rejectUnknownParams } from '../ogc/params.js';
import { apiRouter } from '../router.js';

const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).passthrough();

function exportQuery(def: CollectionDef) {
  return itemsQuerySchema(def)
    .omit({ limit: true, offset: true, f: true })
    .extend({
      format: z
        .enum(EXPORT_FORMATS)
        .default('geojson')
        .openapi({ description: 'geojson, csv (the Wi-Fi standard columns for wifi) or shp (zip)' }),
      srid: z
        .enum(['4326', '5186'])
        .default('4326')
        .openapi({ description: 'Coordinate system of the file: 4326 (WGS84) or 5186 (Korea 2000 Central Belt 2010)' }),
      encoding: z.enum(['cp949', 'utf-8']).optional().openapi({
        description:
          'Text encoding of CSV and DBF (default UTF-8 with BOM for CSV; CP949 for shapefiles, or UTF-8 with a warning when CP949 cannot hold a value). An explicit cp949 that cannot hold a value is a 400',
      }),
    });
}

function exportRoute(def: CollectionDef) {
  return createRoute({
    method: 'get',
    path: `/collections/${def.id}/export`,
    operationId: `export_${def.id.replace(/-/g, '_')}`,
    summary: `Download ${def.en} (${def.ko}) as GeoJSON, CSV or Shapefile`,
    description:
      'The whole collection or the selection the items filters pick, in a file the importer reads back unchanged.',
    tags: ['Import and export'],
    request: { query: exportQuery(def) },
    responses: {
      200: {
        description:
          'The file (Content-Disposition: attachment). `Warning` (299) says what it does not hold exactly: shapefile text cut to 254 bytes, or a shapefile written as UTF-8 because the default CP949 cannot hold some value; `X-Export-Encoding` gives the text encoding',
        headers: z.object({
          Warning: z.string().optional(),
          'X-Export-Encoding': z.string().optional(),
          'X-Feature-Count': z.string(),
        }),
        content: {
          'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection') }).passthrough() },
          'text/csv': { schema: z.string() },
          'application/zip': { schema: z.string().openapi({ format: 'binary' }) },
        },
      },
      400: {
        description:
          'A bad or unknown parameter, named in `errors`; or encoding=cp949 asked for values CP949 cannot hold (each named by field and row)',
        content: { 'application/problem+json': { schema: Problem } },
      },
    },
  });
}

/** `GET /api/collections/{id}/export?format=geojson|csv|shp&srid=4326|5186&encoding=cp949|utf-8` with the items filters. */
export function exportRoutes({ db }: AppDeps) {
  const app = apiRouter();
  for (const def of Object.values(COLLECTIONS)) {
    const allowed = Object.keys(exportQuery(def).shape);
    app.openapi(exportRoute(def), async (c) => {
      rejectUnknownParams(c.req.url, allowed);
      const q = c.req.valid('query') as Record<string, unknown> & {
        format: 'geojson' | 'csv' | 'shp';
        srid: string;
        encoding?: 'cp949' | 'utf-8';
      };
      const bbox = parseBbox(q.bbox as string | undefined);
      const datetime = parseDatetime(q.datetime as string | undefined);
      const file = await exportCollection(db.reader(), def, {
        format: q.format,
        srid: Number(q.srid) as 4326 | 5186,
        ...(q.encoding ? { encoding: q.encoding } : {}),
        query: { ...(bbox ? { bbox } : {}), ...(datetime ? { datetime } : {}), filters: filterValues(def, q) },
      });
      return c.body(file.body as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': file.contentType,
        'Content-Disposition': `attachment; filename="${file.fileName}"`,
        'X-Feature-Count': String(file.count),
        ...(file.encoding ? { 'X-Export-Encoding': file.encoding } : {}),
        // what the file does not hold exactly (text cut to the DBF limit, a UTF-8 fallback), for the caller
        ...(file.warnings.length ? { Warning: warningHeader(file.warnings) } : {}),
      }) as never;
    });
  }
  return app;
}
