import { availableParallelism } from 'node:os';

/** Whether and how a file collector reads with parse workers (src/collectors/parallel). */
export interface ParallelRead {
  /** Parse workers; 0 reads in the main thread. */
  workers: number;
  /** Smaller files are read in the main thread: starting workers costs more than they save there. */
  minBytes: number;
  /** Bytes per job (default 1 MiB, parallel/read.ts JOB_BYTES; tests use tiny jobs to put boundaries everywhere). */
  jobBytes?: number;
}

const DEFAULT_MIN_BYTES = 16 * 1024 * 1024;

/**
 * From the environment: SECSLI_WORKERS (default: one per core, at most 4, and none on a single core,
 * where packing for a worker only adds to the one core's work; 0 = none) and
 * SECSLI_WORKERS_MIN_BYTES (default 16 MiB), both documented in docs/benchmarks.md.
 */
export function parallelFrom(env: NodeJS.ProcessEnv): ParallelRead {
  const cores = availableParallelism();
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : undefined);
  return {
    workers: Math.min(int(env.SECSLI_WORKERS) ?? (cores > 1 ? Math.min(cores, 4) : 0), 16),
    minBytes: int(env.SECSLI_WORKERS_MIN_BYTES) ?? DEFAULT_MIN_BYTES,
  };
}
