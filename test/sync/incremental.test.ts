import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { stateFile } from '../../src/sync/state.js';
import { alertsFor, makeAsff } from '../fakes/seed.js';
import { A, asffSeed, B, dbChange, ocsfChange, ocsfSeed, pull, REGION, shChange, sorted, syncWorld, tmp, type SyncWorld } from './world.js';

/**
 * Incremental sync on the emulators: a full pull, data changed the way the services change it
 * (created, updated, resolved, archived / dismissed, fixed, reopened), an incremental pull, and a
 * full pull on a fresh state must agree record for record — and the incremental one must cost
 * about (changed / 100) requests plus a constant.
 */

const worlds: SyncWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});
const keep = (w: SyncWorld) => {
  worlds.push(w);
  return w;
};

const C = '777788889999';
const repos = [
  { owner: 'acme', name: 'payments-api' },
  { owner: 'acme', name: 'web' },
  { owner: 'acme', name: 'batch' },
];
const claimed = ['acme/payments-api', 'acme/web', 'acme/batch'];

describe('incremental sync (1 % of the data changed, as in a daily run)', () => {
  it('asks for (changed / 100) + a constant requests, and merges to exactly what a full pull returns', async () => {
    // Sizes keep the emulator quick (it filters and sorts everything on every page); 1 % as in a daily run.
    const findings = [...asffSeed(5_000), ...asffSeed(1, [C])];
    const alerts = { 'acme/payments-api': alertsFor('acme', 'payments-api', 300), 'acme/web': alertsFor('acme', 'web', 200), 'acme/batch': alertsFor('acme', 'batch', 100) };
    const w = keep(await syncWorld({ findings, alerts, repos, claimed, sources: { securityhub: { regions: [REGION] }, dependabot: { org: 'acme' } }, accounts: [A, B, C] }));
    const dir = await tmp();

    const fullSh = await pull(w, 'securityhub', { dir });
    const fullDb = await pull(w, 'dependabot', { dir });
    expect(fullSh.status.complete && fullDb.status.complete).toBe(true);
    expect(fullSh.log.join('\n')).toMatch(/full pull \(no sync state yet\)/);

    // 1 % of Security Hub: 50 changes. C's only finding is archived: C must turn into a coverage gap.
    const sh = w.shOpts.findings!;
    for (let k = 0; k < 12; k++) shChange.create(sh, 20_000 + k, k % 2 ? A : B);
    for (let k = 0; k < 12; k++) shChange.update(sh[k * 13]!);
    for (let k = 0; k < 7; k++) shChange.resolve(sh[3000 + k * 17]!);
    for (let k = 0; k < 6; k++) shChange.pass(sh[4000 + k * 19]!); // leaves the full query (PASSED)
    for (let k = 0; k < 12; k++) shChange.archive(sh[2000 + k * 11]!); // leaves the full query (ARCHIVED)
    shChange.archive(sh.find((f) => f.AwsAccountId === C)!);
    const shChanged = 50;
    // 1 % of Dependabot: 6 changes.
    const db = w.ghOpts.alerts!;
    for (let k = 0; k < 2; k++) dbChange.create(db['acme/web']!, 'acme', 'web', 5000 + k);
    for (let k = 0; k < 2; k++) dbChange.dismiss(db['acme/payments-api']![k * 3]!);
    dbChange.fix(db['acme/batch']![7]!);
    dbChange.reopen(db['acme/payments-api']![4]!); // alertsFor: every 5th is fixed
    const dbChanged = 6;

    const incSh = await pull(w, 'securityhub', { dir });
    const incDb = await pull(w, 'dependabot', { dir });
    expect(incSh.log.join('\n')).toMatch(/incremental sync since/);
    expect(incDb.log.join('\n')).toMatch(/incremental sync since/);

    // Ground truth: a full pull of the same data with no state at all.
    const truthSh = await pull(w, 'securityhub');
    const truthDb = await pull(w, 'dependabot');
    expect(sorted(incSh.raw)).toEqual(sorted(truthSh.raw));
    expect(sorted(incSh.findings)).toEqual(sorted(truthSh.findings));
    expect(incSh.status.coverage).toEqual(truthSh.status.coverage);
    expect(incSh.status.coverage).toContainEqual(expect.objectContaining({ scope: { account: C, region: REGION }, status: 'gap' }));
    expect(sorted(incDb.raw)).toEqual(sorted(truthDb.raw));
    expect(sorted(incDb.findings)).toEqual(sorted(truthDb.findings));
    expect(incDb.status.coverage).toEqual(truthDb.status.coverage);
    expect(incSh.status.records).toBe(truthSh.raw.size);

    // The request budget: (changed / 100) + a small constant.
    //  Security Hub: the changed pages, plus the evidence check for C (it has nothing left).
    //  Dependabot: the org repository list, the changed pages of the org alert list, one probe per claimed repository.
    const shBudget = Math.ceil(shChanged / 100) + 2;
    const dbBudget = Math.ceil(dbChanged / 100) + 2 + claimed.length;
    console.log(
      `[sync] Security Hub: full pull ${fullSh.requests} requests (${fullSh.raw.size} findings); incremental with ${shChanged} changed: ${incSh.requests} requests (budget ${shBudget})\n` +
        `[sync] Dependabot:   full pull ${fullDb.requests} requests (${fullDb.raw.size} alerts); incremental with ${dbChanged} changed: ${incDb.requests} requests (budget ${dbBudget})`,
    );
    expect(incSh.requests).toBeLessThanOrEqual(shBudget);
    expect(incDb.requests).toBeLessThanOrEqual(dbBudget);
    expect(fullSh.requests).toBeGreaterThanOrEqual(50);

    // Nothing changed since: the constant alone.
    const idleSh = await pull(w, 'securityhub', { dir });
    const idleDb = await pull(w, 'dependabot', { dir });
    console.log(`[sync] no changes: Security Hub ${idleSh.requests} request(s), Dependabot ${idleDb.requests}`);
    expect(idleSh.requests).toBeLessThanOrEqual(2);
    expect(idleDb.requests).toBeLessThanOrEqual(2 + claimed.length);
    expect(sorted(idleSh.raw)).toEqual(sorted(truthSh.raw));
    expect(sorted(idleDb.raw)).toEqual(sorted(truthDb.raw));
  });

  it('GetFindingsV2 (OCSF): the same merge, by finding_info.uid and modified_time_dt', async () => {
    const ocsf = ocsfSeed(300);
    const w = keep(await syncWorld({ ocsf, alerts: {}, repos: [], claimed: [], sources: { securityhub: { regions: [REGION], api: 'ocsf' } } }));
    const dir = await tmp();
    await pull(w, 'securityhub', { dir });
    for (let k = 0; k < 3; k++) ocsfChange.create(ocsf, 9000 + k);
    for (let k = 0; k < 3; k++) ocsfChange.update(ocsf[k * 10]!);
    for (let k = 0; k < 3; k++) ocsfChange.resolve(ocsf[100 + k]!);
    for (let k = 0; k < 3; k++) ocsfChange.archive(ocsf[200 + k]!);
    const inc = await pull(w, 'securityhub', { dir });
    const truth = await pull(w, 'securityhub');
    expect(inc.requests).toBe(1);
    expect(sorted(inc.raw)).toEqual(sorted(truth.raw));
    expect(sorted(inc.findings)).toEqual(sorted(truth.findings));
    expect(inc.raw.size).toBe(300 + 3 - 3);
  });

  it('Dependabot enterprise: a repository the enterprise list cannot see is probed, and listed again only when it changed', async () => {
    // The token may not read org "other" through the enterprise list: its claimed repository is filled in by the probe.
    const alerts = { 'acme/web': alertsFor('acme', 'web', 150), 'other/tool': alertsFor('other', 'tool', 130) };
    const w = keep(
      await syncWorld({
        alerts,
        repos: [
          { owner: 'acme', name: 'web' },
          { owner: 'other', name: 'tool' },
        ],
        claimed: ['acme/web', 'other/tool'],
        sources: { dependabot: { enterprise: 'ent' } },
        gh: { enterprises: { ent: ['acme', 'other'] }, orgs: { other: { alertsAccess: 'forbidden' } } },
      }),
    );
    const dir = await tmp();
    const full = await pull(w, 'dependabot', { dir });
    expect(full.raw.size).toBe(280);
    const idle = await pull(w, 'dependabot', { dir });
    // two repository lists, one enterprise page, two probes — no listing of other/tool: nothing changed there
    expect(idle.requests).toBe(5);
    dbChange.dismiss(alerts['other/tool']![0]!);
    dbChange.create(alerts['acme/web']!, 'acme', 'web', 7000);
    const inc = await pull(w, 'dependabot', { dir });
    expect(inc.requests).toBe(6); // … plus one page of other/tool's changes
    const truth = await pull(w, 'dependabot');
    expect(sorted(inc.raw)).toEqual(sorted(truth.raw));
    expect(inc.status.coverage).toEqual(truth.status.coverage);
  });

  it('Dependabot by repository list: one page of changes per repository', async () => {
    const alerts = { 'acme/web': alertsFor('acme', 'web', 150), 'acme/api': alertsFor('acme', 'api', 120) };
    const w = keep(
      await syncWorld({
        alerts,
        repos: [
          { owner: 'acme', name: 'web' },
          { owner: 'acme', name: 'api' },
        ],
        claimed: ['acme/web'],
        sources: { dependabot: { repos: ['acme/*'] } },
      }),
    );
    const dir = await tmp();
    await pull(w, 'dependabot', { dir });
    dbChange.fix(alerts['acme/api']![1]!);
    const inc = await pull(w, 'dependabot', { dir });
    expect(inc.requests).toBe(3); // the repository list, one page per repository
    expect(sorted(inc.raw)).toEqual(sorted((await pull(w, 'dependabot')).raw));
  });

  it('Dependabot: a full pull with alerts refused (403) on a repository saves the gap; once it answers, a full pull brings its alerts back', async () => {
    const alerts = { 'acme/web': alertsFor('acme', 'web', 30), 'acme/api': alertsFor('acme', 'api', 20) };
    const repos = [
      { owner: 'acme', name: 'web' },
      { owner: 'acme', name: 'api' },
    ];
    const w = keep(await syncWorld({ alerts, repos, claimed: ['acme/web', 'acme/api'], sources: { dependabot: { repos: ['acme/*'] } } }));
    const dir = await tmp();
    w.ghOpts.fault = (r) => (r.path.includes('/repos/acme/api/dependabot/alerts') ? { status: 403, body: { message: 'Resource not accessible by integration' } } : undefined);
    const refused = await pull(w, 'dependabot', { dir, full: true });
    expect(refused.raw.size).toBe(30);
    delete w.ghOpts.fault;
    const back = await pull(w, 'dependabot', { dir });
    expect(back.log.join('\n')).toMatch(/full pull \(acme\/api answered again after a gap in the last sync\)/);
    expect(back.raw.size).toBe(50);
  });
});

describe('sync state', () => {
  const small = async () => {
    const findings = asffSeed(120);
    return { findings, w: keep(await syncWorld({ findings, alerts: {}, repos: [], claimed: [], sources: { securityhub: { regions: [REGION] } } })) };
  };

  it('is versioned NDJSON: a header, one line per record keyed by id with updatedAt, an end marker', async () => {
    const { w } = await small();
    const dir = await tmp();
    await pull(w, 'securityhub', { dir });
    const lines = (await readFile(stateFile(dir, 'securityhub'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ secsliSyncState: 2, source: 'securityhub', lastSync: expect.any(String), lastFull: lines[0].lastSync });
    expect(lines.at(-1)).toEqual({ end: true, records: 120 });
    expect(Object.keys(lines[1])).toEqual(['id', 'updatedAt', 'account', 'region', 'raw']);
    expect(lines[1].id).toBe(lines[1].raw.Id);
  });

  it('a corrupt or cut-off state file: a warning and a full pull, then a fresh state', async () => {
    const { w } = await small();
    const dir = await tmp();
    await pull(w, 'securityhub', { dir });
    const file = stateFile(dir, 'securityhub');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    const again = await pull(w, 'securityhub', { dir });
    expect(again.log.find((l) => l.startsWith('warn'))).toMatch(/full pull \(sync state .* is unusable \(cut off/);
    expect(again.requests).toBe(2);
    expect(again.raw.size).toBe(120);
    expect((await pull(w, 'securityhub', { dir })).log.join('\n')).toMatch(/incremental sync since/);
    await writeFile(file, 'not json at all\n');
    expect((await pull(w, 'securityhub', { dir })).log.join('\n')).toMatch(/warn .*unusable/);
  });

  it('--full, a changed scope, and an old full pull each force a full pull', async () => {
    const { w } = await small();
    const dir = await tmp();
    await pull(w, 'securityhub', { dir });
    expect((await pull(w, 'securityhub', { dir, full: true })).log.join('\n')).toMatch(/full pull \(--full\)/);
    const later = () => new Date(Date.now() + 8 * 86_400_000);
    expect((await pull(w, 'securityhub', { dir, now: later })).log.join('\n')).toMatch(/full pull \(the last full pull .* is older than 7 day/);
    const other = keep(await syncWorld({ findings: asffSeed(5), alerts: {}, repos: [], claimed: [], sources: { securityhub: { regions: [REGION, 'us-east-1'] } } }));
    expect((await pull(other, 'securityhub', { dir })).log.join('\n')).toMatch(/full pull \(the source configuration changed/);
  });

  it('an incomplete run keeps the old state, and the next run asks again from the same point', async () => {
    const { w, findings } = await small();
    const dir = await tmp();
    await pull(w, 'securityhub', { dir });
    const file = stateFile(dir, 'securityhub');
    const before = await readFile(file, 'utf8');
    shChange.update(findings[0]!);
    w.shOpts.fault = () => 'internal';
    const broken = await pull(w, 'securityhub', { dir });
    expect(broken.status.complete).toBe(false);
    expect(broken.log.join('\n')).toMatch(/incomplete, so the sync state is not updated/);
    expect(broken.raw.size).toBe(120); // the stored records still reach the report (marked PARTIAL by the pipeline)
    expect(await readFile(file, 'utf8')).toBe(before);
    delete w.shOpts.fault;
    const since = (p: { log: string[] }) => /incremental sync since (\S+)/.exec(p.log.join('\n'))?.[1];
    const healed = await pull(w, 'securityhub', { dir });
    expect(since(healed)).toBe(since(broken));
    expect(JSON.parse(healed.raw.get(findings[0]!.Id)!).Title).toMatch(/\(updated\)$/);
    expect(await readFile(file, 'utf8')).not.toBe(before);
  });

  it('a scope that did not answer is recorded; when it answers again the next run pulls in full, so nothing it missed stays missing', async () => {
    // Two Regions; us-east-1 holds 10 findings. A sync that us-east-1 refuses must not become the
    // truth about it: neither a full pull (its records absent) nor an incremental one (lastSync moved on).
    const EAST = 'us-east-1';
    const findings = [...asffSeed(20), ...Array.from({ length: 10 }, (_, i) => makeAsff(100 + i, { account: A, region: EAST }))];
    const w = keep(await syncWorld({ findings, alerts: {}, repos: [], claimed: [], sources: { securityhub: { regions: [REGION, EAST] } } }));
    const dir = await tmp();
    const file = stateFile(dir, 'securityhub');
    const denyEast = () => (w.shOpts.fault = (r) => (r.region === EAST ? 'access-denied' : undefined));
    const gapsOf = async () => JSON.parse((await readFile(file, 'utf8')).trimEnd().split('\n').at(-1)!).gaps;

    // 1. A full pull with us-east-1 refused: saved (eu-west-1 answered), with the gap in its trailer.
    denyEast();
    const refused = await pull(w, 'securityhub', { dir });
    expect(refused.status.coverage.filter((c) => c.status === 'gap').map((c) => c.scope.region)).toContain(EAST);
    expect(refused.raw.size).toBe(20);
    expect(await gapsOf()).toEqual(expect.arrayContaining([expect.objectContaining({ region: EAST })]));
    // 2. us-east-1 answers again: a full pull, and all 30 findings are back (an incremental run read 20).
    delete w.shOpts.fault;
    const back = await pull(w, 'securityhub', { dir });
    expect(back.log.join('\n')).toMatch(/full pull \(.*us-east-1 answered again after a gap in the last sync\)/);
    expect(back.raw.size).toBe(30);
    expect(await gapsOf()).toBeUndefined();

    // 3. An incremental run with us-east-1 refused moves lastSync on; a finding made there meanwhile
    //    would be older than the next "since": the recorded gap makes that next run a full pull.
    denyEast();
    expect((await pull(w, 'securityhub', { dir })).log.join('\n')).toMatch(/incremental sync since/);
    findings.push(Object.assign(makeAsff(200, { account: A, region: EAST }), { UpdatedAt: new Date(Date.now() - 30 * 86_400_000).toISOString() }));
    delete w.shOpts.fault;
    const healed = await pull(w, 'securityhub', { dir });
    expect(healed.log.join('\n')).toMatch(/full pull \(.*answered again/);
    expect(healed.raw.size).toBe(31);
    expect((await pull(w, 'securityhub', { dir })).log.join('\n')).toMatch(/incremental sync since/);
  });

  it('a version 1 state (no gaps recorded) is used for one full pull, without a warning', async () => {
    const { w } = await small();
    const dir = await tmp();
    await pull(w, 'securityhub', { dir });
    const file = stateFile(dir, 'securityhub');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"secsliSyncState":2', '"secsliSyncState":1'));
    const again = await pull(w, 'securityhub', { dir });
    expect(again.log.join('\n')).toMatch(/info .*full pull \(the sync state was written by an earlier secsli/);
    expect(again.log.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('known limit: a workflow change that leaves UpdatedAt alone (BatchUpdateFindings) is seen only by a full pull', async () => {
    const { w, findings } = await small();
    const dir = await tmp();
    await pull(w, 'securityhub', { dir });
    findings[0]!.Workflow = { Status: 'SUPPRESSED' }; // as BatchUpdateFindings does it: UpdatedAt unchanged
    const inc = await pull(w, 'securityhub', { dir });
    expect(JSON.parse(inc.raw.get(findings[0]!.Id)!).Workflow.Status).toBe('NEW');
    const full = await pull(w, 'securityhub', { dir, full: true });
    expect(JSON.parse(full.raw.get(findings[0]!.Id)!).Workflow.Status).toBe('SUPPRESSED');
  });
});
