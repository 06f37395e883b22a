import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Rejected } from '../../src/model/finding.js';
import type { RecordOrigin, RecordSink } from '../../src/collectors/types.js';
import { readJsonRecords, type ReadEvent, type ReadOptions } from '../../src/collectors/read/records.js';

const fixtures = new URL('../fixtures/', import.meta.url);

export function fixturePath(rel: string): string {
  return new URL(rel, fixtures).pathname;
}

export function loadFixture<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(new URL(rel, fixtures), 'utf8')) as T;
}

/** A deep copy of a fixture record, optionally changed: `variant(base, (r) => { delete r.Workflow })`. */
export function variant<T>(base: T, change: (copy: any) => void = () => {}): T {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

/** A temp folder per test file, removed afterwards; `write` returns the file's path. */
export function tempFiles(prefix = 'secsli-collectors-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return {
    dir,
    write(name: string, content: string | Buffer): string {
      const path = join(dir, `${n++}-${name}`);
      writeFileSync(path, content);
      return path;
    },
  };
}

export async function readAll(path: string, opts?: ReadOptions): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  for await (const ev of readJsonRecords(path, opts)) out.push(ev);
  return out;
}

export const recordsOf = (evs: ReadEvent[]) => evs.filter((e) => e.kind === 'record');
export const errorsOf = (evs: ReadEvent[]) => evs.filter((e) => e.kind === 'error');
export const endOf = (evs: ReadEvent[]) => {
  const end = evs.at(-1);
  if (end?.kind !== 'end') throw new Error('no end event last');
  return end;
};

export function memorySink() {
  const records: { raw: unknown; where: RecordOrigin }[] = [];
  const rejects: Omit<Rejected, 'source'>[] = [];
  const sink: RecordSink = {
    record: (raw, where) => records.push({ raw, where }),
    reject: (r) => rejects.push(r),
  };
  return { sink, records, rejects };
}
