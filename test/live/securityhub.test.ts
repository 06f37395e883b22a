import { describe, expect, it } from 'vitest';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { createSecurityHubClient } from '../../src/collectors/securityhub/client.js';
import { createSecurityHubLiveCollector } from '../../src/collectors/securityhub/live.js';
import { startSecurityHubEmulator } from '../fakes/securityhub-emulator.js';
import { fakeClock } from '../fakes/clock.js';
import { makeAsff } from '../fakes/seed.js';
import { memoryLogger, memorySink } from '../fakes/sink.js';
import { FAKE, SECRETS, securityHubWorld } from './world.js';

const A = '111122223333';
const B = '444455556666';
const creds = { accessKeyId: FAKE.awsKeyId, secretAccessKey: FAKE.awsSecret };

async function collect(w: { collector: { collect: (...args: never[]) => unknown } }) {
  const sink = memorySink();
  const log = memoryLogger();
  const status = await (w.collector as import('../../src/collectors/types.js').Collector).collect(sink, log);
  const leaked = SECRETS.filter((s) => [...log.lines, JSON.stringify(status)].join('\n').includes(s));
  expect(leaked).toEqual([]);
  return { sink, log, status };
}

describe('Security Hub live collector', () => {
  it('asks only for what matters: ACTIVE, not PASSED, 100 per page, stable sort, the accounts named', async () => {
    const w = await securityHubWorld({ regions: ['eu-west-1'] }, { findings: [makeAsff(1, { account: A })] }, {}, [A]);
    try {
      await collect(w);
      const first = w.emulator.requests[0]!;
      expect(first.path).toBe('/findings');
      expect(first.region).toBe('eu-west-1');
      expect(first.body).toEqual({
        Filters: {
          RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
          ComplianceStatus: [{ Value: 'PASSED', Comparison: 'NOT_EQUALS' }],
          AwsAccountId: [{ Value: A, Comparison: 'EQUALS' }],
        },
        SortCriteria: [{ Field: 'CreatedAt', SortOrder: 'asc' }],
        MaxResults: 100,
      });
    } finally {
      await w.close();
    }
  });

  it('marks a Region that is not subscribed (401) or denied (403) as a gap, not as zero findings', async () => {
    const findings = [makeAsff(1, { region: 'eu-west-1' }), makeAsff(2, { region: 'us-east-1' }), makeAsff(3, { region: 'ap-northeast-1' })];
    const fault = (r: { region: string }) => (r.region === 'us-east-1' ? 'not-subscribed' : r.region === 'ap-northeast-1' ? 'access-denied' : undefined) as never;
    const w = await securityHubWorld({ regions: ['eu-west-1', 'us-east-1', 'ap-northeast-1'] }, { findings, fault });
    try {
      const { status, sink } = await collect(w);
      expect(sink.records).toHaveLength(1);
      expect(status.complete).toBe(true); // a definitive "no" is coverage information, not a broken run
      const byRegion = Object.fromEntries(status.coverage.map((c) => [c.scope.region, c]));
      expect(byRegion['eu-west-1']!.status).toBe('covered');
      expect(byRegion['us-east-1']).toMatchObject({ status: 'gap' });
      expect(byRegion['us-east-1']!.reason).toMatch(/InvalidAccessException \(401\).*not subscribed/);
      expect(byRegion['ap-northeast-1']!.reason).toMatch(/AccessDeniedException \(403\)/);
      // 401/403 are not retried.
      expect(w.emulator.requests.filter((r) => r.region === 'us-east-1')).toHaveLength(1);
    } finally {
      await w.close();
    }
  });

  it('recovers from throttling (429 TooManyRequestsException / LimitExceededException) with backoff', async () => {
    const findings = Array.from({ length: 450 }, (_, i) => makeAsff(i));
    const w = await securityHubWorld(
      { regions: ['eu-west-1'] },
      {
        findings,
        throttle: { ratePerSecond: 40, burst: 1 },
        fault: (r) => (r.seq === 3 ? 'limit-exceeded' : undefined),
      },
      { retries: 8, backoffMs: 20 },
    );
    try {
      const { status, sink, log } = await collect(w);
      expect(status.complete).toBe(true);
      expect(sink.records).toHaveLength(450);
      expect(w.emulator.stats.throttled + w.emulator.stats.faults).toBeGreaterThan(0);
      expect(log.lines.some((l) => /TooManyRequestsException|LimitExceededException/.test(l))).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('gives up after its retries and says the source is incomplete', async () => {
    const w = await securityHubWorld({ regions: ['eu-west-1'] }, { findings: [makeAsff(1)], fault: () => 'throttle' }, { retries: 2, backoffMs: 1 });
    try {
      const { status } = await collect(w);
      expect(status.complete).toBe(false);
      expect(status.problems[0]).toMatch(/TooManyRequestsException \(429\)/);
      expect(status.coverage).toEqual([{ source: 'securityhub', scope: { region: 'eu-west-1' }, status: 'gap', reason: expect.stringMatching(/TooManyRequests/) }]);
      expect(w.emulator.requests).toHaveLength(3);
    } finally {
      await w.close();
    }
  });

  it('stops on a repeating NextToken and marks the source incomplete', async () => {
    const findings = Array.from({ length: 500 }, (_, i) => makeAsff(i));
    const w = await securityHubWorld({ regions: ['eu-west-1'] }, { findings, repeatTokenFromPage: 3 });
    try {
      const { status, sink } = await collect(w);
      expect(status.complete).toBe(false);
      expect(status.problems.join()).toMatch(/NextToken repeated after page 3/);
      expect(sink.records).toHaveLength(300); // pages 1-3, the repeat pushes nothing twice
      expect(w.emulator.requests).toHaveLength(3);
    } finally {
      await w.close();
    }
  });

  it('does not double count in aggregation mode (duplicate Ids across Regions are pushed once)', async () => {
    const findings = [
      makeAsff(1, { region: 'eu-west-1' }),
      makeAsff(2, { region: 'us-east-1' }),
      { ...makeAsff(1, { region: 'eu-west-1' }), Region: 'us-east-1' }, // the same Id reported from a linked Region
    ];
    const w = await securityHubWorld({ aggregationRegion: 'eu-west-1', regions: ['us-east-1'] }, { findings, aggregationHome: 'eu-west-1' });
    try {
      const { sink } = await collect(w);
      expect(sink.records.map((r) => (r.raw as { Id: string }).Id).sort()).toEqual([findings[0]!.Id, findings[1]!.Id].sort());
      expect(new Set(w.emulator.requests.map((r) => r.region))).toEqual(new Set(['eu-west-1']));
    } finally {
      await w.close();
    }
  });

  it('keys by Id across overlapping Regions too', async () => {
    const findings = [makeAsff(1, { region: 'eu-west-1' }), makeAsff(2, { region: 'us-east-1' })];
    const w = await securityHubWorld({ regions: ['eu-west-1', 'us-east-1'] }, { findings, aggregationHome: 'eu-west-1' });
    try {
      const { sink } = await collect(w);
      expect(sink.records).toHaveLength(2);
    } finally {
      await w.close();
    }
  });

  it('asks for evidence when an account returned nothing: a passed control proves coverage, silence is a gap', async () => {
    const C = '777788889999';
    const findings = [makeAsff(1, { account: A }), makeAsff(2, { account: B, compliance: 'PASSED' })];
    const w = await securityHubWorld({ regions: ['eu-west-1'], accounts: [A, B, C] }, { findings });
    try {
      const { status, sink } = await collect(w);
      expect(sink.records).toHaveLength(1); // the PASSED finding is evidence only
      const byAccount = Object.fromEntries(status.coverage.map((c) => [c.scope.account, c]));
      expect(byAccount[A]!.status).toBe('covered');
      expect(byAccount[B]!.status).toBe('covered');
      expect(byAccount[C]).toMatchObject({ status: 'gap', reason: expect.stringMatching(/no findings and no passed control checks for account 777788889999/) });
      const evidence = w.emulator.requests.filter((r) => r.body.MaxResults === 1);
      expect(evidence.map((r) => r.body.Filters.AwsAccountId[0].Value).sort()).toEqual([B, C]);
    } finally {
      await w.close();
    }
  });

  it('with assumeRole, asks each account through its own client and reports coverage per account and Region', async () => {
    const emulator = await startSecurityHubEmulator({
      findings: [makeAsff(1, { account: A }), makeAsff(2, { account: B })],
      fault: (r) => (r.accessKeyId === `ASIA${B}` ? 'access-denied' : undefined),
    });
    try {
      const asked: string[] = [];
      const collector = createSecurityHubLiveCollector({
        regions: ['eu-west-1'],
        accounts: [A, B],
        assumeRole: true,
        clientFor: (region, account) => {
          asked.push(`${account}@${region}`);
          return createSecurityHubClient({
            region,
            endpoint: emulator.url,
            credentials: { accessKeyId: `ASIA${account}`, secretAccessKey: FAKE.awsSecret },
            sdk: { maxAttempts: 1 },
          }).client;
        },
        secrets: SECRETS,
      });
      const { status, sink } = await collect({ collector });
      expect(asked.sort()).toEqual([`${A}@eu-west-1`, `${B}@eu-west-1`]);
      expect(sink.records).toHaveLength(1);
      expect(status.coverage).toEqual([
        { source: 'securityhub', scope: { account: A, region: 'eu-west-1' }, status: 'covered' },
        { source: 'securityhub', scope: { account: B, region: 'eu-west-1' }, status: 'gap', reason: expect.stringMatching(/403/) },
      ]);
    } finally {
      await emulator.close();
    }
  });

  it('rejects MaxResults over 100 like the service (400 InvalidInputException, not retried)', async () => {
    const emulator = await startSecurityHubEmulator({ findings: [makeAsff(1)] });
    try {
      const { client } = createSecurityHubClient({ region: 'eu-west-1', endpoint: emulator.url, credentials: creds, sdk: { maxAttempts: 3 } });
      await expect(client.send(new GetFindingsCommand({ MaxResults: 500 }))).rejects.toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } });
      expect(emulator.requests).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it('the SDK itself honours AWS_ENDPOINT_URL_SECURITYHUB when no endpoint is passed', async () => {
    const emulator = await startSecurityHubEmulator({ findings: [makeAsff(1)] });
    const before = process.env.AWS_ENDPOINT_URL_SECURITYHUB;
    process.env.AWS_ENDPOINT_URL_SECURITYHUB = emulator.url;
    try {
      const { client } = createSecurityHubClient({ region: 'eu-west-1', credentials: creds, sdk: { maxAttempts: 1 } });
      const out = await client.send(new GetFindingsCommand({ MaxResults: 10 }));
      expect(out.Findings).toHaveLength(1);
    } finally {
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL_SECURITYHUB;
      else process.env.AWS_ENDPOINT_URL_SECURITYHUB = before;
      await emulator.close();
    }
  });

  it('puts every HTTP attempt through the token bucket', async () => {
    const emulator = await startSecurityHubEmulator({ findings: [makeAsff(1)] });
    try {
      const clock = fakeClock();
      const limited = createSecurityHubClient({
        region: 'eu-west-1',
        endpoint: emulator.url,
        credentials: creds,
        clock,
        limit: { ratePerSecond: 3, burst: 2 },
        sdk: { maxAttempts: 1 },
      });
      for (let i = 0; i < 5; i++) await limited.client.send(new GetFindingsCommand({ MaxResults: 1 }));
      expect(limited.stats.attempts).toBe(5);
      expect(clock.slept.map(Math.round)).toEqual([333, 333, 333]); // burst of 2, then one every 1/3 s
    } finally {
      await emulator.close();
    }
  });

  it('counts SDK-internal retries against the bucket too, and empties it after a 429', async () => {
    const emulator = await startSecurityHubEmulator({ findings: [makeAsff(1)], fault: (r) => (r.seq === 1 ? 'throttle' : undefined) });
    try {
      const clock = fakeClock();
      const limited = createSecurityHubClient({
        region: 'eu-west-1',
        endpoint: emulator.url,
        credentials: creds,
        clock,
        limit: { ratePerSecond: 3, burst: 6 },
        sdk: { maxAttempts: 2 },
      });
      await limited.client.send(new GetFindingsCommand({ MaxResults: 1 }));
      expect(limited.stats).toEqual({ attempts: 2, throttled: 1 });
      expect(clock.slept).toHaveLength(1); // the retry waited for a fresh token: the bucket was emptied by the 429
    } finally {
      await emulator.close();
    }
  });
});
