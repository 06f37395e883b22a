import { describe, expect, it } from 'vitest';
import type { Collector, SourceStatus } from '../../src/collectors/types.js';
import { memoryLogger, memorySink } from '../fakes/sink.js';

/**
 * The contract every collector keeps (live ones here; file collectors can join with the same
 * suite): every record arrives exactly once across pages, coverage is reported, a source cut short
 * says complete:false with its reasons, and no secret reaches anything it logs or returns.
 */

interface ContractWorld {
  collector: Collector;
  /** Native ids the source holds and the collector should deliver (after server-side filters). */
  expectedIds: string[];
  idOf(raw: unknown): string;
  /** Strings that must not appear anywhere in logs, status or record origins. */
  secrets: string[];
  close(): Promise<void>;
}

export interface ContractCase {
  /** A healthy source spread over several pages. */
  healthy(): Promise<ContractWorld>;
  /** The same source failing part-way (500s, a looping token…). */
  broken(): Promise<Omit<ContractWorld, 'expectedIds' | 'idOf'>>;
}

async function run(world: Pick<ContractWorld, 'collector'>) {
  const sink = memorySink();
  const log = memoryLogger();
  const status = await world.collector.collect(sink, log);
  return { sink, log, status };
}

function assertNoSecrets(secrets: string[], log: { lines: string[] }, status: SourceStatus, origins: string[]) {
  const haystack = [...log.lines, JSON.stringify(status), ...origins].join('\n');
  for (const s of secrets) expect(haystack.includes(s), `secret ${s.slice(0, 6)}… leaked`).toBe(false);
}

export function collectorContract(name: string, c: ContractCase): void {
  describe(`collector contract: ${name}`, () => {
    it('delivers every record exactly once across pages, and reports coverage', async () => {
      const world = await c.healthy();
      try {
        const { sink, status, log } = await run(world);
        const ids = sink.records.map((r) => world.idOf(r.raw));
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual([...world.expectedIds].sort());
        expect(world.expectedIds.length).toBeGreaterThan(100); // more than one page
        expect(status.records).toBe(ids.length);
        expect(status.complete).toBe(true);
        expect(status.problems).toEqual([]);
        expect(status.source).toBe(world.collector.source);
        expect(status.coverage.length).toBeGreaterThan(0);
        expect(status.coverage.every((e) => e.source === world.collector.source)).toBe(true);
        expect(log.lines.some((l) => l.startsWith('progress '))).toBe(true);
        for (const r of sink.records) expect(r.where.record).toBeGreaterThan(0);
        assertNoSecrets(
          world.secrets,
          log,
          status,
          sink.records.map((r) => r.where.origin),
        );
      } finally {
        await world.close();
      }
    });

    it('says complete:false, with reasons and a coverage gap, when the source is cut short', async () => {
      const world = await c.broken();
      try {
        const { sink, status, log } = await run(world);
        expect(status.complete).toBe(false);
        expect(status.problems.length).toBeGreaterThan(0);
        expect(status.coverage.some((e) => e.status === 'gap')).toBe(true);
        assertNoSecrets(
          world.secrets,
          log,
          status,
          sink.records.map((r) => r.where.origin),
        );
      } finally {
        await world.close();
      }
    });
  });
}
