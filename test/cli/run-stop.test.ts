import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseDuration, startRunStop } from '../../src/cli/deadline.js';
import { stopOf } from '../../src/collectors/stop.js';
import { silentLogger } from '../../src/log.js';

/** The run's stop (src/cli/deadline.ts): a deadline, and signals that always win over it. */

describe('startRunStop', () => {
  it('a SIGTERM after the deadline abandons the run all the same (it was logged as abandoning, and the run was published)', async () => {
    const signals = new EventEmitter();
    const stop = startRunStop({ timeoutMs: 5, timeoutText: '5ms', signals: signals as never, log: silentLogger, tempDirs: [] });
    await new Promise((r) => setTimeout(r, 30));
    expect([stop.signal.aborted, stopOf(stop.signal).kind]).toEqual([true, 'timeout']);
    signals.emit('SIGTERM');
    expect([stopOf(stop.signal).kind, stopOf(stop.signal).message, stop.cancelledBy(), stop.cancelExitCode()]).toEqual(['cancelled', 'cancelled by SIGTERM', 'SIGTERM', 143]);
    stop.end();
  });

  it('a SIGINT before any deadline cancels, and a second signal changes nothing', () => {
    const signals = new EventEmitter();
    const stop = startRunStop({ timeoutMs: 0, timeoutText: '0', signals: signals as never, log: silentLogger, tempDirs: [] });
    signals.emit('SIGINT');
    signals.emit('SIGTERM');
    expect([stopOf(stop.signal).kind, stop.cancelledBy(), stop.cancelExitCode()]).toEqual(['cancelled', 'SIGINT', 130]);
    stop.end();
  });

  it('--timeout is at most what a timer can wait', () => {
    expect(parseDuration('--timeout', '596h')).toBe(596 * 3_600_000);
    expect(() => parseDuration('--timeout', '597h')).toThrow(/at most 596h/);
  });
});
