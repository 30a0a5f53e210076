/**
 * Imports started over HTTP run as jobs in this process: the upload is kept in a private temp folder,
 * the import runs in the background, and clients poll `GET /api/imports/{job}` for progress and the
 * report. A previewed upload waits (30 minutes) for its confirmation.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { runImport } from './run.js';
import type { ImportOptions, ImportProgress, ImportReport } from './types.js';

/** States of an import job. */
export type JobStatus = 'previewed' | 'running' | 'loaded' | 'dry-run' | 'refused' | 'failed';

/** One import job as the API shows it. */
export interface ImportJob {
  id: string;
  status: JobStatus;
  collection: string;
  file: string;
  userId: number | null;
  createdAt: string;
  progress: ImportProgress & { percent: number };
  report?: ImportReport;
  /** problem+json of a file that could not be read at all. */
  problem?: Record<string, unknown>;
}

interface Entry {
  job: ImportJob;
  options: Omit<ImportOptions, 'onProgress'>;
  dir: string;
  expires: number;
}

const KEEP_MS = 30 * 60 * 1000;

/** The in-process registry of import jobs. */
export class ImportJobs {
  private readonly entries = new Map<string, Entry>();
  private readonly root = path.join(os.tmpdir(), 'gimpo-imports');

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onLoaded: (report: ImportReport) => void = () => {},
  ) {}

  /**
   * Stores an upload in a fresh job folder — bytes, or a body stream written to disk as it arrives (memory
   * stays flat; more than `maxBytes` is refused with 413), with a .shp's sibling files beside it — and
   * returns the job (`previewed` until started).
   */
  async create(
    fileName: string,
    upload: Uint8Array | ReadableStream<Uint8Array>,
    options: Omit<ImportOptions, 'file' | 'onProgress'>,
    maxBytes = Number.POSITIVE_INFINITY,
    siblings: { name: string; data: Uint8Array }[] = [],
  ): Promise<ImportJob> {
    this.sweep();
    const id = randomBytes(9).toString('base64url');
    const dir = path.join(this.root, id);
    await fs.promises.mkdir(dir, { recursive: true });
    const safeName = (n: string) => path.basename(n).replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'upload';
    const safe = safeName(fileName);
    const file = path.join(dir, safe);
    let size = 0;
    try {
      // a .shp's .shx/.dbf/.prj/.cpg, kept beside it under the same (cleaned) base name
      for (const s of siblings) {
        size += s.data.length;
        await fs.promises.writeFile(path.join(dir, safeName(s.name)), s.data);
      }
      if (upload instanceof Uint8Array) {
        size += upload.length;
        await fs.promises.writeFile(file, upload);
      } else {
        const out = fs.createWriteStream(file);
        try {
          for await (const chunk of upload as unknown as AsyncIterable<Uint8Array>) {
            size += chunk.length;
            if (size > maxBytes) throw new ApiError(413, `The upload is larger than the limit of ${maxBytes} bytes`);
            if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
          }
        } finally {
          await new Promise<void>((resolve) => out.end(resolve));
        }
      }
    } catch (err) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw err;
    }
    const job: ImportJob = {
      id,
      status: 'previewed',
      collection: options.collection,
      file: safe,
      userId: options.user?.id ?? null,
      createdAt: new Date().toISOString(),
      progress: { rows: 0, bytes: 0, totalBytes: size, percent: 0 },
    };
    this.entries.set(id, { job, options: { ...options, file, fileName: safe }, dir, expires: Date.now() + KEEP_MS });
    return job;
  }

  /** Validates the stored upload without writing (first rows as GeoJSON in the report). */
  async preview(id: string, rows = 100): Promise<ImportJob> {
    const e = this.entry(id);
    let report: ImportReport;
    try {
      report = await runImport(this.db, { ...e.options, dryRun: true, previewRows: rows });
    } catch (err) {
      // an unreadable upload is not kept for a confirmation
      this.entries.delete(id);
      await fs.promises.rm(e.dir, { recursive: true, force: true });
      throw err;
    }
    e.job.report = report;
    e.job.progress = {
      rows: report.read,
      bytes: e.job.progress.totalBytes,
      totalBytes: e.job.progress.totalBytes,
      percent: 100,
    };
    return e.job;
  }

  /** Starts the import of a stored upload in the background. */
  start(id: string): ImportJob {
    const e = this.entry(id);
    if (e.job.status !== 'previewed')
      throw new ApiError(409, `Import ${id} has already been started (${e.job.status})`);
    e.job.status = 'running';
    e.job.report = undefined;
    const run = async () => {
      try {
        const report = await runImport(this.db, {
          ...e.options,
          onProgress: (p) => {
            e.job.progress = {
              ...p,
              percent: p.totalBytes ? Math.min(99, Math.round((p.bytes / p.totalBytes) * 100)) : 0,
            };
          },
        });
        e.job.report = report;
        e.job.status = report.status;
        e.job.progress = { ...e.job.progress, rows: report.read, bytes: e.job.progress.totalBytes, percent: 100 };
        if (report.status === 'loaded') this.onLoaded(report);
      } catch (err) {
        e.job.status = 'failed';
        e.job.problem =
          err instanceof ApiError
            ? err.toProblem()
            : new ApiError(500, 'The import failed unexpectedly; it has been logged').toProblem();
        if (!(err instanceof ApiError)) console.error(`[${new Date().toISOString()}] import ${id}:`, err);
      } finally {
        e.expires = Date.now() + KEEP_MS;
        await fs.promises.rm(e.dir, { recursive: true, force: true }).catch(() => {});
      }
    };
    void run();
    return e.job;
  }

  /** A job by id, or a 404. */
  get(id: string): ImportJob {
    return this.entry(id).job;
  }

  private entry(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw ApiError.notFound(`No import job "${id.slice(0, 40)}" (jobs are kept for 30 minutes)`);
    return e;
  }

  /** Forgets expired jobs and deletes their uploads. */
  private sweep(): void {
    const now = Date.now();
    for (const [id, e] of this.entries) {
      if (e.expires < now && e.job.status !== 'running') {
        this.entries.delete(id);
        fs.rmSync(e.dir, { recursive: true, force: true });
      }
    }
  }
}
