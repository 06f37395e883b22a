import { describe, expect, it } from 'vitest';
import { cli, exampleScoreArgs, tmp } from '../cli/run.js';

/**
 * `diff` with a run scored with `score --asset`: that run holds one asset, so every other asset
 * would read as removed from the inventory (or added). Only the asset both runs speak of is compared.
 */
describe('secsli diff of a run narrowed with --asset', () => {
  it('compares that asset alone, with a warning; two runs narrowed to different assets are refused', async () => {
    const out = await tmp('secsli-diff-narrowed-');
    const full = await cli(exampleScoreArgs(out));
    expect(full.code, full.stderr).toBe(0);
    const one = await cli(exampleScoreArgs(out, '--as-of', '2026-12-10T00:00:00Z', '--asset', 'ledger-service'));
    expect(one.code, one.stderr).toBe(0);
    const other = await cli(exampleScoreArgs(out, '--as-of', '2026-12-11T00:00:00Z', '--asset', 'payments-api'));
    expect(other.code, other.stderr).toBe(0);
    const [a, b, c] = [full, one, other].map((r) => r.stdout.trim());

    const d = await cli(['diff', a!, b!]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toContain('2026-12-10T000000Z was scored with --asset ledger-service: only that asset is compared');
    expect(d.stdout).toContain('ledger-service');
    expect(d.stdout).not.toContain('removed from the inventory');
    expect(d.stdout).not.toMatch(/payments-api|identity-service/);

    const both = await cli(['diff', b!, c!]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('was scored for asset ledger-service alone and 2026-12-11T000000Z for payments-api alone: they have no asset in common');
  });
});
