import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAlert, makeAsff } from '../fakes/seed.js';
import { cli, exampleScoreArgs, tmp } from './run.js';

/**
 * `--fail-on worse` end to end, through the previous run's snapshot under the same --out: red on
 * news (a status got worse, or an asset starts BREACHED), not forever.
 */

const A = '111122223333';
const INVENTORY = `version: 1
owners:
  team-a: { contact: "#a-oncall" }
  team-b: { contact: "b@example.com" }
assets:
  - id: svc-a
    owner: team-a
    criticality: critical
    exposure: internet
    aws: { accounts: ["${A}"], tags: { Service: a } }
  - id: svc-b
    owner: team-b
    criticality: low
    exposure: isolated
    aws: { accounts: ["${A}"] }
`;

type Obj = Record<string, any>;
/** A young control finding on svc-b (OK), and optionally Log4Shell (CISA KEV) on svc-a (BREACHED). */
function findings(exploited: boolean): Obj[] {
  const control = makeAsff(1, { account: A });
  const out = [control];
  if (exploited) {
    const f = makeAsff(2, { account: A, kind: 'inspector' });
    for (const r of f.Resources as Obj[]) r.Tags = { Service: 'a' };
    out.push(f);
  }
  for (const f of out) f.FirstObservedAt = f.CreatedAt = f.UpdatedAt = '2026-11-20T00:00:00.000Z';
  return out;
}

async function setup() {
  const dir = await tmp('secsli-worse-');
  await writeFile(join(dir, 'assets.yaml'), INVENTORY);
  return dir;
}

async function run(dir: string, asOf: string, exploited: boolean, ...extra: string[]) {
  const file = join(dir, `sh-${asOf.slice(0, 10)}.json`);
  await writeFile(file, JSON.stringify({ Findings: findings(exploited) }));
  const r = await cli([
    'score',
    '--config',
    join(dir, 'assets.yaml'),
    '--from',
    `securityhub=${file}`,
    '--as-of',
    asOf,
    '--out',
    join(dir, 'reports'),
    '--fail-on',
    'worse',
    ...extra,
  ]);
  const summary = r.stdout ? (JSON.parse(await readFile(join(r.stdout.trim(), 'summary.json'), 'utf8')) as Obj) : undefined;
  return { ...r, summary };
}

describe('--fail-on worse', () => {
  it('trips on a status that got worse or an asset that starts BREACHED, not on one that stays red', async () => {
    const dir = await setup();
    const first = await run(dir, '2026-11-21T00:00:00Z', false);
    expect(first.stderr).not.toMatch(/error/);
    expect(first.summary?.byStatus).toEqual({ BREACHED: 0, UNKNOWN: 0, 'AT RISK': 0, OK: 2 });
    expect([first.code, first.summary?.exitReason, first.summary?.changes]).toEqual([0, 'ok', []]);

    const second = await run(dir, '2026-11-22T00:00:00Z', true);
    expect(second.code).toBe(1);
    expect(second.summary?.exitCode).toBe(1);
    expect(second.summary?.exitReason).toBe('worse');
    expect(second.summary?.message).toBe('status got worse: svc-a (OK → BREACHED)');
    expect(second.summary?.previousRun).toBe('2026-11-21T000000Z');
    expect(second.summary?.changes).toEqual([expect.objectContaining({ asset: 'svc-a', owner: 'team-a', contact: '#a-oncall', from: 'OK', to: 'BREACHED', worse: true })]);
    expect(second.summary?.nextActions.basis).toBe('fixes');
    expect(second.summary?.nextActions.items[0]).toMatchObject({ assets: [{ asset: 'svc-a', owner: 'team-a' }] });
    expect(second.summary?.nextActions.items[0]?.why.join(' ')).toMatch(/known exploited/);

    // Still BREACHED the day after: no news, no alert (--fail-on breached would stay red).
    const third = await run(dir, '2026-11-23T00:00:00Z', true);
    expect([third.code, third.summary?.exitReason, third.summary?.changes]).toEqual([0, 'ok', []]);
    const stillRed = await run(dir, '2026-11-23T01:00:00Z', true, '--fail-on', 'breached');
    expect([stillRed.code, stillRed.summary?.exitReason]).toEqual([1, 'fail-on']);

    // Fixed: a change for the better is listed, and is not an alert.
    const fourth = await run(dir, '2026-11-24T00:00:00Z', false);
    expect(fourth.code).toBe(0);
    expect(fourth.summary?.changes).toEqual([expect.objectContaining({ asset: 'svc-a', from: 'BREACHED', to: 'OK', worse: false })]);
  });

  it('judges news against the last run that measured everything: a breach first seen in a run that exited 3 still alerts at the next complete one, and only once', async () => {
    const dir = await setup();
    // svc-b also claims a repository: a run without the Dependabot export cannot measure it (exit 3).
    await writeFile(join(dir, 'assets.yaml'), INVENTORY.replace('    aws: { accounts: ["' + A + '"] }\n', `    aws: { accounts: ["${A}"] }\n    github: { repos: ["acme/b"] }\n`));
    const alerts = join(dir, 'alerts.json');
    await writeFile(alerts, JSON.stringify([makeAlert('acme', 'b', 1, 'fixed')]));
    const withAlerts = ['--from', `dependabot=${alerts}`];
    const complete = await run(dir, '2026-11-21T00:00:00Z', false, ...withAlerts);
    expect([complete.code, complete.summary?.baselineRun]).toEqual([0, null]);
    // The blip: svc-a breaks while svc-b cannot be measured; exit 3 says "could not measure" — and,
    // apart, the breach it did measure (one unmeasured asset must not silence the others' news).
    const blip = await run(dir, '2026-11-22T00:00:00Z', true);
    expect([blip.code, blip.summary?.changes.map((c: Obj) => `${c.asset} ${c.from}→${c.to}`)]).toEqual([3, ['svc-a OK→BREACHED', 'svc-b OK→UNKNOWN']]);
    expect([blip.summary?.exitReason, blip.summary?.failOnMeasured]).toEqual(['incomplete', { exitReason: 'worse', message: 'status got worse: svc-a (OK → BREACHED)' }]);
    expect(blip.summary?.message).toBe('could not measure everything (coverage incomplete for 1 asset(s)); and among what was measured, status got worse: svc-a (OK → BREACHED)');
    // Measured again: the breach is news to whoever routes on exit 1 — against 11-21, not the blip.
    const next = await run(dir, '2026-11-23T00:00:00Z', true, ...withAlerts);
    expect([next.code, next.summary?.message]).toEqual([1, 'status got worse: svc-a (OK → BREACHED)']);
    expect([next.summary?.previousRun, next.summary?.baselineRun]).toEqual(['2026-11-22T000000Z', '2026-11-21T000000Z']);
    // And not again the day after.
    const after = await run(dir, '2026-11-24T00:00:00Z', true, ...withAlerts);
    expect([after.code, after.summary?.baselineRun, after.summary?.changes]).toEqual([0, '2026-11-23T000000Z', []]);
  });

  it('a gap that starts after a complete run: the first exit-3 run says the news it measured, the next ones do not say it again', async () => {
    const dir = await setup();
    await writeFile(join(dir, 'assets.yaml'), INVENTORY.replace('    aws: { accounts: ["' + A + '"] }\n', `    aws: { accounts: ["${A}"] }\n    github: { repos: ["acme/b"] }\n`));
    const alerts = join(dir, 'alerts.json');
    await writeFile(alerts, JSON.stringify([makeAlert('acme', 'b', 1, 'fixed')]));
    expect((await run(dir, '2026-11-21T00:00:00Z', false, '--from', `dependabot=${alerts}`)).code).toBe(0);
    // Dependabot's export stops coming; svc-a breaks on the first day of the gap and stays broken.
    const said: unknown[] = [];
    for (const day of ['22', '23', '24', '25']) {
      const r = await run(dir, `2026-11-${day}T00:00:00Z`, true);
      expect(r.code).toBe(3);
      said.push(r.summary?.failOnMeasured);
    }
    expect(said).toEqual([{ exitReason: 'worse', message: 'status got worse: svc-a (OK → BREACHED)' }, null, null, null]);
  });

  it('with a gap that stays (every run exits 3), changes still list news only: each asset against the last run that measured it', async () => {
    const dir = await setup();
    await writeFile(join(dir, 'assets.yaml'), INVENTORY.replace('    aws: { accounts: ["' + A + '"] }\n', `    aws: { accounts: ["${A}"] }\n    github: { repos: ["acme/b"] }\n`));
    // No Dependabot export in any run: svc-b is never measured, svc-a always is.
    const first = await run(dir, '2026-11-21T00:00:00Z', true);
    expect([first.code, first.summary?.changes.map((c: Obj) => c.asset)]).toEqual([3, ['svc-a']]);
    expect(first.summary?.failOnMeasured).toEqual({ exitReason: 'worse', message: 'status got worse: svc-a (new → BREACHED)' });
    // News once, not forever: still BREACHED the day after is nothing --fail-on worse reports.
    const second = await run(dir, '2026-11-22T00:00:00Z', true);
    expect([second.code, second.summary?.baselineRun, second.summary?.changes, second.summary?.failOnMeasured]).toEqual([3, null, [], null]);
    const fixed = await run(dir, '2026-11-23T00:00:00Z', false);
    expect(fixed.summary?.changes.map((c: Obj) => `${c.asset} ${c.from}→${c.to}`)).toEqual(['svc-a BREACHED→OK']);
  });

  it('on the first run, trips on the assets that start BREACHED and names their owners', async () => {
    const dir = await setup();
    const r = await run(dir, '2026-11-22T00:00:00Z', true, '--log-format', 'json');
    expect(r.code).toBe(1);
    expect(r.summary?.changes).toEqual([expect.objectContaining({ asset: 'svc-a', from: null, to: 'BREACHED', worse: true, contact: '#a-oncall' })]);
    // The last JSON log line carries the same facts as summary.json.
    const last = JSON.parse(r.stderr.trim().split('\n').pop()!) as Obj;
    const { time: _t, level: _l, msg: _m, event, ...facts } = last;
    expect(event).toBe('summary');
    expect(facts).toEqual(r.summary);
  });
});

describe('--fail-on worse, a rerun with the same --as-of', () => {
  it('compares with the run it repeats: the same BREACHED assets are no news the second (and third) time', async () => {
    const out = await tmp('secsli-rerun-');
    const first = await cli(exampleScoreArgs(out, '--fail-on', 'worse'));
    expect(first.code).toBe(1);
    for (const [n, previous] of [
      ['2026-11-27T000000Z-2', '2026-11-27T000000Z'],
      ['2026-11-27T000000Z-3', '2026-11-27T000000Z-2'],
    ]) {
      const again = await cli(exampleScoreArgs(out, '--fail-on', 'worse'));
      expect(again.stdout.trim()).toBe(join(out, n!));
      const summary = JSON.parse(await readFile(join(out, n!, 'summary.json'), 'utf8'));
      expect([again.code, summary.exitReason, summary.previousRun, summary.baselineRun, summary.changes]).toEqual([0, 'ok', previous, previous, []]);
    }
  });
});
