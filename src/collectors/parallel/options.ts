import { availableParallelism } from 'node:os';

/** Whether and how a file collector reads with parse workers (src/collectors/parallel). */
export interface ParallelRead {
  /** Parse workers; 0 reads in the main thread. */
  workers: number;
  /** Smaller files are read in the main thread: starting workers costs more than they save there. */
  minBytes: number;
  /** Bytes per job (default 4 MiB; tests use tiny jobs to put boundaries everywhere). */
  jobBytes?: number;
}

const DEFAULT_MIN_BYTES = 16 * 1024 * 1024;

/**
 * From the environment: SECSLI_WORKERS (default: one per core, at most 4; 0 = none) and
 * SECSLI_WORKERS_MIN_BYTES (default 16 MiB), both documented in docs/benchmarks.md.
 */
export function parallelFrom(env: NodeJS.ProcessEnv): ParallelRead {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : undefined);
  return {
    workers: Math.min(int(env.SECSLI_WORKERS) ?? Math.min(availableParallelism(), 4), 16),
    minBytes: int(env.SECSLI_WORKERS_MIN_BYTES) ?? DEFAULT_MIN_BYTES,
  };
}
