import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireEditor } from '../auth/session.js';
import { COLLECTION_IDS, type CollectionId, getCollection } from '../collections.js';
import type { AppDeps, AppEnv } from '../context.js';
import { ApiError } from '../errors.js';
import { parseEncoding } from '../import/encoding.js';
import { type ImportJob, ImportJobs } from '../import/jobs.js';
import { apiRouter } from '../router.js';

const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() })
  .passthrough()
  .openapi('Problem');
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const Job = z
  .object({
    id: z.string(),
    status: z.enum(['previewed', 'running', 'loaded', 'dry-run', 'refused', 'failed']),
    collection: z.string(),
    file: z.string(),
    progress: z.object({ rows: z.number(), bytes: z.number(), totalBytes: z.number(), percent: z.number() }),
    report: z
      .object({})
      .passthrough()
      .optional()
      .openapi({ description: 'Counts, each bad row and field, and in a preview the first rows as GeoJSON' }),
    links: z.array(z.object({ rel: z.string(), href: z.string(), method: z.string().optional() })),
  })
  .passthrough()
  .openapi('ImportJob');

const flag = z.enum(['true', 'false', '1', '0']).optional();
const ImportQuery = z.object({
  collection: z.enum(COLLECTION_IDS).openapi({ description: 'Target collection' }),
  srid: z.coerce
    .number()
    .int()
    .min(1)
    .max(999999)
    .optional()
    .openapi({ description: 'EPSG code when the file has no .prj (5186, 5179, 5174, 5181, 4326)' }),
  encoding: z.enum(['cp949', 'utf-8']).optional().openapi({ description: 'Text encoding; detected when omitted' }),
  filter: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "FIELD=VALUE on the file's own column names, repeatable (e.g. 설치시군구명=김포시)" }),
  replace: flag.openapi({ description: "Replace the collection (update-lines: the layer's facility)" }),
  skipInvalid: flag.openapi({ description: 'Load the valid rows and report the rest' }),
  dryRun: flag.openapi({ description: 'Validate and report without writing' }),
  name: z.string().max(200).optional().openapi({
    description: 'File name (with its extension) when the body is the file itself rather than multipart/form-data',
  }),
  preview: flag.openapi({
    description: 'Validate and return the first rows as GeoJSON; confirm later with POST /imports/{job}/confirm',
  }),
});
const JobParam = z.object({
  job: z
    .string()
    .max(40)
    .openapi({ param: { name: 'job', in: 'path' } }),
});

const postRoute = createRoute({
  method: 'post',
  path: '/imports',
  operationId: 'startImport',
  summary: 'Upload a file to import (staff)',
  description:
    'multipart/form-data with one `file` — or several `file` fields holding one .shp with its .shx/.dbf/.prj/.cpg — or the file itself as the body, streamed to disk, with `name` (what the web client sends for one file): a Wi-Fi standard CSV, a GeoJSON or a zipped shapefile. With `preview=true` the file is validated and its first rows returned (nothing written); otherwise the import starts and is polled at `GET /imports/{job}`.',
  tags: ['Import and export'],
  request: { query: ImportQuery },
  responses: {
    200: {
      description: 'Preview: report and first rows, nothing written',
      content: { 'application/json': { schema: Job } },
    },
    202: { description: 'Import started; poll the Location', content: { 'application/json': { schema: Job } } },
    400: problem('Bad parameters or an unreadable file, named in `errors`'),
    401: problem('Not signed in'),
    403: problem('The role may not edit this collection'),
    413: problem('The upload is too large'),
  },
});
const getRoute = createRoute({
  method: 'get',
  path: '/imports/{job}',
  operationId: 'getImport',
  summary: 'Progress and report of an import (staff)',
  tags: ['Import and export'],
  request: { params: JobParam },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: Job } } },
    404: problem('No such job'),
  },
});
const confirmRoute = createRoute({
  method: 'post',
  path: '/imports/{job}/confirm',
  operationId: 'confirmImport',
  summary: 'Load a previewed upload (staff)',
  tags: ['Import and export'],
  request: { params: JobParam },
  responses: {
    202: { description: 'Import started', content: { 'application/json': { schema: Job } } },
    404: problem('No such job'),
    409: problem('Already started'),
  },
});

const truthy = (v: string | undefined) => v === 'true' || v === '1';

const SIBLING_EXTS = ['.shx', '.dbf', '.prj', '.cpg', '.qix', '.sbn', '.sbx', '.xml'];

/**
 * The file to import among the `file` fields of one upload: the only one, or a `.shp` with its siblings
 * (`.shx .dbf .prj .cpg`, same base name). Anything else is a 400 naming the stray file.
 */
function mainFile(files: File[]): File {
  if (files.length === 1) return files[0] as File;
  const ext = (n: string) => n.slice(n.lastIndexOf('.')).toLowerCase();
  const base = (n: string) => n.slice(0, n.lastIndexOf('.')).toLowerCase();
  const shps = files.filter((f) => ext(f.name) === '.shp');
  if (shps.length !== 1) {
    throw ApiError.badRequest(
      'Several files are accepted only as one .shp with its .shx, .dbf, .prj and .cpg; send other files one at a time',
      [{ field: 'file', message: `${shps.length} .shp files among ${files.length} files` }],
    );
  }
  const shp = shps[0] as File;
  for (const f of files) {
    if (f === shp) continue;
    if (base(f.name) !== base(shp.name) || !SIBLING_EXTS.includes(ext(f.name))) {
      throw ApiError.badRequest(`${f.name} is not a sibling of ${shp.name} (same name, .shx .dbf .prj or .cpg)`, [
        { field: 'file', message: `unexpected file ${f.name}` },
      ]);
    }
  }
  return shp;
}

/** The signed-in staff member allowed to edit `collection` (401 without a session, 403 for another role). */
function staffFor(c: Context<AppEnv>, collection: string) {
  const def = getCollection(collection);
  if (!def) throw ApiError.notFound(`No collection "${collection}"`);
  return requireEditor(c, def);
}

function view(job: ImportJob) {
  const self = `/api/imports/${job.id}`;
  const { userId: _owner, ...rest } = job;
  return {
    ...rest,
    links: [
      { rel: 'self', href: self },
      ...(job.status === 'previewed' ? [{ rel: 'confirm', href: `${self}/confirm`, method: 'POST' }] : []),
      { rel: 'collection', href: `/api/collections/${job.collection}/items` },
    ],
  };
}

/**
 * `POST /api/imports` (upload, preview or start), `GET /api/imports/{job}` (progress and report) and
 * `POST /api/imports/{job}/confirm`, for staff who may edit the target collection.
 */
export function importsRoutes(deps: AppDeps) {
  const app = apiRouter();
  const jobs = new ImportJobs(deps.db.kysely, (report) => {
    // an import can touch anything (a --replace empties the layer first): drop all of the layer's tiles
    deps.tiles?.invalidateAll(report.collection as CollectionId);
  });

  app.openapi(postRoute, async (c) => {
    const q = c.req.valid('query');
    const user = staffFor(c, q.collection);
    const length = Number(c.req.header('Content-Length') ?? 0);
    if (length > deps.config.maxImportBytes) {
      throw new ApiError(413, `The upload is ${length} bytes; the limit is ${deps.config.maxImportBytes}`);
    }
    // multipart/form-data (a browser form) is parsed in memory; any other body is the file itself,
    // named by `name`, and is streamed to disk as it arrives
    let upload: { name: string; data: Uint8Array | ReadableStream<Uint8Array> };
    let siblings: { name: string; data: Uint8Array }[] = [];
    if ((c.req.header('Content-Type') ?? '').startsWith('multipart/form-data')) {
      const body = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>);
      const files = (Array.isArray(body.file) ? body.file : [body.file]).filter((f): f is File => f instanceof File);
      if (files.length === 0) {
        throw ApiError.badRequest('Send the file as multipart/form-data in a field named "file"', [
          { field: 'file', message: 'missing' },
        ]);
      }
      const size = files.reduce((n, f) => n + f.size, 0);
      if (size > deps.config.maxImportBytes)
        throw new ApiError(413, `The upload is ${size} bytes; the limit is ${deps.config.maxImportBytes}`);
      const main = mainFile(files);
      upload = { name: main.name, data: new Uint8Array(await main.arrayBuffer()) };
      siblings = await Promise.all(
        files
          .filter((f) => f !== main)
          .map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })),
      );
    } else {
      if (!q.name || !c.req.raw.body) {
        throw ApiError.badRequest(
          'Send the file as multipart/form-data in a field named "file", or as the body with ?name=<file name>',
          [{ field: q.name ? 'file' : 'name', message: 'missing' }],
        );
      }
      upload = { name: q.name, data: c.req.raw.body };
    }
    const filter: Record<string, string> = {};
    for (const f of c.req.queries('filter') ?? []) {
      const eq = f.indexOf('=');
      if (eq < 1)
        throw ApiError.badRequest('filter takes FIELD=VALUE', [
          { field: 'filter', message: `"${f.slice(0, 60)}" is not FIELD=VALUE` },
        ]);
      filter[f.slice(0, eq)] = f.slice(eq + 1);
    }
    const job = await jobs.create(
      upload.name,
      upload.data,
      {
        collection: q.collection,
        ...(q.srid ? { srid: q.srid } : {}),
        ...(q.encoding ? { encoding: parseEncoding(q.encoding) } : {}),
        ...(Object.keys(filter).length ? { filter } : {}),
        replace: truthy(q.replace),
        skipInvalid: truthy(q.skipInvalid),
        dryRun: truthy(q.dryRun),
        user: { id: user.id, username: user.username },
      },
      deps.config.maxImportBytes,
      siblings,
    );
    if (truthy(q.preview)) return c.json(view(await jobs.preview(job.id)), 200) as never;
    jobs.start(job.id);
    return c.json(view(job), 202, { Location: `/api/imports/${job.id}` }) as never;
  });

  const owned = (c: Context<AppEnv>, id: string) => {
    const job = jobs.get(id);
    const user = staffFor(c, job.collection);
    if (job.userId !== user.id && user.role !== 'admin') throw ApiError.notFound(`No import job "${id.slice(0, 40)}"`);
    return job;
  };

  app.openapi(getRoute, async (c) => c.json(view(owned(c, c.req.valid('param').job)), 200) as never);

  app.openapi(confirmRoute, async (c) => {
    const job = owned(c, c.req.valid('param').job);
    jobs.start(job.id);
    return c.json(view(job), 202, { Location: `/api/imports/${job.id}` }) as never;
  });
  return app;
}
