/**
 * Makes the embedded database durable: PGlite 0.5 starts PostgreSQL with `-F` (fsync off), and its Node file
 * system (emscripten NODEFS) has no fsync, while emscripten's fdatasync does nothing. A commit then reached the
 * operating system before the query returned (safe against a killed process) but not the disk (lost on a power
 * cut). Here PostgreSQL runs with fsync on and `wal_sync_method=fsync`, and NODEFS gets an fsync that calls the
 * real one, so a commit returns only once its WAL is on disk (about 1 ms per commit on this machine).
 */
import fs from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** PGlite's default start parameters without `-F`, with the WAL synced by fsync. */
export const DURABLE_START_PARAMS: string[] = [
  '--single',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'io_method=sync',
  '-c',
  'max_parallel_maintenance_workers=0',
  '-c',
  'wal_sync_method=fsync',
];

type EmscriptenOpts = Awaited<ReturnType<NodeFS['init']>>['emscriptenOpts'];
type NodeFsModule = { FS: { filesystems: { NODEFS: { stream_ops: Record<string, unknown> } } } };

/** PGlite's Node file system with a working fsync. */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]): Promise<{ emscriptenOpts: EmscriptenOpts }> {
    const r = await super.init(pg, opts);
    const preRun = [
      ...((r.emscriptenOpts.preRun as unknown[] | undefined) ?? []),
      (mod: NodeFsModule) => {
        mod.FS.filesystems.NODEFS.stream_ops.fsync = (stream: { nfd?: number }) => {
          if (stream.nfd !== undefined) fs.fsyncSync(stream.nfd);
          return 0;
        };
      },
    ];
    return { emscriptenOpts: { ...r.emscriptenOpts, preRun } as EmscriptenOpts };
  }
}
