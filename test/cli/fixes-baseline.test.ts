import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AS_OF, cli, exampleScoreArgs, fixture, offlineScoreArgs, scoreArgs, tmp } from './run.js';

const from = ['--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, '--from', `dependabot=${fixture('dependabot.json')}`, '--as-of', AS_OF];

describe('secsli fixes', () => {
  it('lists the fixes most urgent first, on a terminal, with hostile text made harmless', async () => {
    const r = await cli(['fixes', ...from]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Next actions as of 2026-11-27T00:00:00.000Z \(policy [0-9a-f]{12}\): 5 fixes$/);
    expect(lines.slice(2, 6)).toEqual([
      '1. known exploited past due — risk −57.04; closes 2 on payments-api',
      '   upgrade org.apache.logging.log4j:log4j-core to 2.0 in acme/payments-api/package-lock.json; also reported in arn:aws:ecr:ap-northeast-1:111122223333:repository/payments/api/sha256:abc',
      expect.stringMatching(/^ {3}why now: known exploited/),
      '',
    ]);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u001b]/);
  });

  it('narrows by --owner and --asset; an unknown owner is a usage error naming the owners', async () => {
    const web = await cli(['fixes', ...from, '--owner', 'team-web']);
    expect(web.code).toBe(0);
    expect(web.stdout).toContain(': 1 fixes');
    expect(web.stdout).not.toContain('payments-api');
    const pay = await cli(['fixes', ...from, '--asset', 'payments-api', '--limit', '2']);
    expect(pay.stdout).toContain(': 4 fixes');
    expect(pay.stdout).toContain('…and 2 more');
    const bad = await cli(['fixes', ...from, '--owner', 'team-nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('team-payments, team-web');
    // --limit 0 lists every fix (it listed 20).
    const all = await cli(['fixes', ...from, '--asset', 'payments-api', '--limit', '0']);
    expect(all.stdout.match(/^\d+\. /gm)).toHaveLength(4);
    expect(all.stdout).not.toContain('more (--limit');
    const limit = await cli(['fixes', ...from, '--limit', 'abc']);
    expect([limit.code, limit.stderr]).toEqual([2, expect.stringContaining('--limit: "abc" is not a whole number')]);
  });

  it('a fix that spans assets reads the same under --asset as under --owner and in fixes.csv: the whole change, not the part on one asset', async () => {
    const out = await tmp();
    const score = await cli(exampleScoreArgs(out));
    expect(score.code).toBe(0);
    const [run] = await readdir(out);
    const csv = await readFile(join(out, run!, 'fixes.csv'), 'utf8');
    const lambda2 = csv.split('\n').find((l) => l.includes('fix control Lambda.2'))!;
    // The bundled example's Lambda.2 fix: four functions of three assets, one of them payments-api's.
    expect(lambda2).toMatch(/,batch-reconciliation mobile-backend payments-api,4,0\.9548,/);
    const ex = exampleScoreArgs(out).filter((a, i, all) => a !== 'score' && a !== '--out' && all[i - 1] !== '--out');
    // A fix's block without its rank: the first line, the action, why now.
    const rowOf = (stdout: string) => {
      const lines = stdout.split('\n');
      const at = lines.findIndex((l) => l.includes('fix control Lambda.2'));
      return at < 1 ? undefined : [lines[at - 1]!.replace(/^ *\d+\. /, ''), lines[at], lines[at + 1]].join('\n');
    };
    const asset = await cli(['fixes', ...ex, '--asset', 'payments-api', '--limit', '100']);
    const owner = await cli(['fixes', ...ex, '--owner', 'team-payments', '--limit', '100']);
    expect([asset.code, owner.code]).toEqual([0, 0]);
    expect(rowOf(asset.stdout)).toMatch(/^overdue — risk −0\.95; closes 4 on batch-reconciliation, mobile-backend, payments-api\n.*fix control Lambda\.2 .*on 4 resource\(s\)/);
    expect(rowOf(asset.stdout)).toBe(rowOf(owner.stdout));
    // A mistyped owner or asset is refused before anything is collected, naming what exists.
    const bad = await cli(['fixes', ...ex, '--asset', 'payments-apj']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('unknown asset "payments-apj"')]);
    // An asset and an owner that do not go together select nothing: a usage error naming the asset's owner, not "No fixes".
    const apart = await cli(['fixes', ...ex, '--owner', 'team-payments', '--asset', 'ci-runners']);
    expect([apart.code, apart.stdout]).toEqual([2, '']);
    expect(apart.stderr).toContain('asset "ci-runners" is owned by "team-platform", not "team-payments"');
  });

  it('exits as score does: 3, each gap named, when a source an asset expects is missing', async () => {
    const r = await cli(['fixes', '--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, '--as-of', AS_OF]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not measured: .*dependabot did not answer for it/);
  });

  it("with --owner, another owner's gap is not theirs: web (GitHub only) is fully measured without Security Hub, payments-api is not", async () => {
    const only = ['--config', fixture('assets.yaml'), '--from', `dependabot=${fixture('dependabot.json')}`, '--as-of', AS_OF];
    const web = await cli(['fixes', ...only, '--owner', 'team-web']);
    expect([web.code, web.stderr]).toEqual([0, expect.not.stringContaining('not measured')]);
    const pay = await cli(['fixes', ...only, '--owner', 'team-payments']);
    expect(pay.code).toBe(3);
    expect(pay.stderr).toMatch(/not measured: payments-api: securityhub did not answer for it/);
  });
});

describe('secsli baseline', () => {
  it('prints a policy block as YAML beside the defaults, with the status counts each gives', async () => {
    const r = await cli(['baseline', ...from]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('#   defaults: 1 BREACHED, 0 UNKNOWN, 0 AT RISK, 1 OK');
    expect(r.stdout).toMatch(/# riskBudget\.critical +40 +40 +64 +1/); // the one critical asset: 63.5, rounded up
    const yaml = parse(r.stdout) as { policy: { riskBudget: Record<string, number>; remediationTarget: Record<string, number> } };
    expect(yaml.policy.riskBudget).toEqual({ critical: 64, high: 60, medium: 90, low: 2 });
    // No measured SLI (too few events): the targets stay as they are.
    expect(yaml.policy.remediationTarget).toEqual({ critical: 0.9, high: 0.85, medium: 0.8, low: 0.7 });
  });

  it('learns from the history under --reports, never from the run it is scoring twice', async () => {
    const out = await tmp();
    await cli(scoreArgs(out, '--as-of', '2026-11-20T00:00:00Z'));
    await cli(scoreArgs(out));
    const r = await cli(['baseline', ...from, '--reports', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`from this run and 1 earlier complete run(s) under ${out}`);
  });

  it('learns only from complete runs before this one: not a PARTIAL run, not a later one, not an asset nobody fully looked at', async () => {
    const out = await tmp();
    await cli(scoreArgs(out, '--as-of', '2026-11-20T00:00:00Z'));
    // Dependabot's export cut short: PARTIAL, its assets UNKNOWN at risk 0.
    const cut = join(await tmp(), 'dependabot-cut.json');
    const text = await readFile(fixture('dependabot.json'), 'utf8');
    await writeFile(cut, text.slice(0, Math.floor(text.length / 2)));
    const partial = await cli(offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: fixture('securityhub.json'), dependabot: cut, out, asOf: '2026-11-23T00:00:00Z' }));
    expect(partial.code).toBe(3);
    await cli(scoreArgs(out, '--as-of', '2026-12-01T00:00:00Z'));
    const r = await cli(['baseline', ...from, '--reports', out]);
    expect(r.stdout).toContain(`from this run and 1 earlier complete run(s) under ${out}`);
    // Without Dependabot the asset that expects it is not measured: left out, and said so.
    const gap = await cli(['baseline', '--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, '--as-of', AS_OF]);
    expect(gap.stdout).toMatch(/from this run \(\d+ asset-run\(s\) not fully measured left out\)/);
  });

  it('reads only the summaries of earlier runs: a run without its findings file still counts', async () => {
    const out = await tmp();
    await cli(scoreArgs(out, '--as-of', '2026-11-20T00:00:00Z'));
    const [run] = await readdir(out);
    await rm(join(out, run!, 'snapshot-findings.ndjson'));
    const r = await cli(['baseline', ...from, '--reports', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`from this run and 1 earlier complete run(s) under ${out}`);
    expect(r.stderr).not.toContain('skipping run');
  });
});
