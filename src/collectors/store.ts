import type { Finding } from '../model/finding.js';
import type { FindingUnpacker } from './parallel/packed.js';
import { CompactFinding, Interner } from './read/compact.js';

/**
 * The findings of one run, one per id: the most recently updated copy wins (DESIGN.md, "The same
 * record can arrive twice"). Findings are kept compact and interned (see CompactFinding), so a
 * million of them fit in a few hundred MB; they keep their times as numbers (`firstSeenMs`, `endMs`).
 */
export class FindingStore {
  private readonly byId = new Map<string, CompactFinding>();
  private pool = new Interner();

  add(finding: Finding): void {
    this.addCompact(CompactFinding.of(finding, this.pool));
  }

  /** A finding already compact, its shared values taken from this store's pool (`pool`). */
  addCompact(f: CompactFinding): void {
    const prev = this.byId.get(f.id);
    if (!prev || f.newerThan(prev)) this.byId.set(f.id, f);
  }

  /** The findings of a batch packed by a parse worker, in their order; returns how many. */
  addPacked(bytes: Uint8Array, unpacker: FindingUnpacker): number {
    return unpacker.unpack(bytes, this.pool, (f) => this.addCompact(f));
  }

  /**
   * Every finding, in the order first seen; empties the store: its hash table is as large as the
   * list, and the interner's indexes (a few hundred MB at a million findings) are of no more use —
   * the shared values stay shared through the findings that hold them.
   */
  drain(): Finding[] {
    const findings = [...this.byId.values()];
    this.byId.clear();
    this.pool = new Interner();
    return findings;
  }
}
