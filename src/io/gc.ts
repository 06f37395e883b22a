import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, now. For the one moment a run knows better than V8: when scoring
 * ends, its working set is dead, but V8 set its next limit from the heap in the middle of scoring
 * (live + 20 %, src/cli/heap.ts), so the writing that starts then grows the heap to that limit
 * before collecting, on top of everything else that starts (at 1M findings the process peaked at
 * 1,037 MB there, and at 938 MB with this collection, which takes ~0.7 s). `gc` is V8's, exposed for
 * new contexts by the flag (Node's own documentation of v8.setFlagsFromString does the same).
 */
let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
