import type { GetFindingsCommand, GetFindingsRequest, GetFindingsV2Command, GetFindingsV2Request } from '@aws-sdk/client-securityhub';
import type { Logger } from '../../log.js';
import type { Collector, CoverageEntry, RecordSink, SourceStatus } from '../types.js';
import { runLimited } from '../limit.js';
import { NETWORK_RETRY_DELAYS_MS } from '../net-errors.js';
import { classifyAwsError, describeAwsError } from './classify.js';
import { asffEvidenceRequest, asffRequest, chunk, MAX_FILTER_VALUES, ocsfEvidenceRequest, ocsfRequest } from './filters.js';
import { realClock, type Clock } from './limiter.js';

/** What the collector needs from a client: `send` (a real SecurityHubClient, rate limited by client.ts). */
export interface FindingsClient {
  send(command: GetFindingsCommand | GetFindingsV2Command): Promise<{ Findings?: unknown[]; NextToken?: string }>;
}

export interface SecurityHubLiveOptions {
  /** Regions to ask; in aggregation mode the single aggregation Region (its answer includes linked Regions). */
  regions: string[];
  aggregation?: boolean;
  /** `asff` → GetFindings (default), `ocsf` → GetFindingsV2. */
  api?: 'asff' | 'ocsf';
  /** Accounts to report coverage for (and filter on). Empty: whatever the credentials see, coverage per Region. */
  accounts: string[];
  /** When true, one scope per (account, Region) with `clientFor(region, account)` assuming into that account. */
  assumeRole?: boolean;
  /** Built by the caller (src/collectors/live.ts); cached per (Region, account) there. */
  clientFor(region: string, account?: string): FindingsClient | Promise<FindingsClient>;
  /** Strings that must never appear in what the collector returns or logs. */
  secrets?: string[];
  clock?: Clock;
  /** Extra tries after the SDK gave up on throttling or a 5xx. Default 4 (backoff 2 s, 4 s, 8 s, 16 s). */
  retries?: number;
  /** Backoff base in ms. Default 2000. */
  backoffMs?: number;
  /** Scopes pulled at once (each Region has its own token bucket). Default 4. */
  concurrency?: number;
  /**
   * Incremental sync (src/sync): ask only for findings updated at or after this ISO time, in any
   * RecordState or compliance status, so that what was archived or passed since is learned too.
   */
  since?: string;
  /**
   * Incremental sync: does the merged set (stored findings plus the changes pushed so far) hold a
   * finding for this account (undefined: any) in this Region (undefined: any, aggregation)? With
   * `since`, this replaces "the query returned nothing" when choosing which accounts get the
   * evidence check, so coverage comes out as a full pull would report it.
   */
  known?: (account: string | undefined, region: string | undefined) => boolean;
}

interface Scope {
  region: string;
  /** Account whose role we assume, if any. */
  assumed?: string;
  /** Accounts this scope reports coverage for (empty: the Region as a whole). */
  accounts: string[];
}

type Outcome = { ok: true } | { ok: false; kind: 'no-access' | 'failed'; reason: string };

export function createSecurityHubLiveCollector(o: SecurityHubLiveOptions): Collector {
  const api = o.api ?? 'asff';
  const clock = o.clock ?? realClock;
  const secrets = o.secrets ?? [];
  const retries = o.retries ?? 4;
  const backoffMs = o.backoffMs ?? 2000;
  const regions = o.aggregation ? o.regions.slice(0, 1) : o.regions;
  const describe = `Security Hub API ${api.toUpperCase()} (${o.aggregation ? 'aggregation ' : ''}${regions.join(', ')})`;

  const accounts = [...new Set(o.accounts)].sort();
  const scopes: Scope[] = o.assumeRole
    ? accounts.flatMap((account) => regions.map((region) => ({ region, assumed: account, accounts: [account] })))
    : regions.map((region) => ({ region, accounts }));

  return {
    source: 'securityhub',
    describe,
    async collect(sink: RecordSink, log: Logger): Promise<SourceStatus> {
      const status: SourceStatus = { source: 'securityhub', origins: [], complete: true, problems: [], coverage: [], records: 0 };
      const seen = new Set<string>();
      let duplicates = 0;
      // The SDK (~200 ms to import) is loaded when a live collection starts, not at start-up.
      const { GetFindingsCommand, GetFindingsV2Command } = await import('@aws-sdk/client-securityhub');

      const send = async (client: FindingsClient, input: GetFindingsRequest | GetFindingsV2Request) => {
        for (let attempt = 0; ; attempt++) {
          try {
            const cmd = api === 'ocsf' ? new GetFindingsV2Command(input as GetFindingsV2Request) : new GetFindingsCommand(input as GetFindingsRequest);
            return await client.send(cmd);
          } catch (err) {
            const kind = classifyAwsError(err);
            if (kind === 'network' && attempt < NETWORK_RETRY_DELAYS_MS.length) {
              await clock.sleep(NETWORK_RETRY_DELAYS_MS[attempt]!);
              continue;
            }
            if ((kind === 'throttle' || kind === 'transient') && attempt < retries) {
              const wait = Math.min(30_000, backoffMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
              log.warn(`Security Hub: ${describeAwsError(err, secrets)}; retrying in ${Math.round(wait)} ms`);
              await clock.sleep(wait);
              continue;
            }
            throw err;
          }
        }
      };

      const collectScope = async (scope: Scope): Promise<void> => {
        const label = `securityhub ${scope.region}${scope.assumed ? ` ${scope.assumed}` : ''}`;
        status.origins.push(label);
        const origin = `api:${label}`;
        const perAccount = new Map<string, number>();
        let scopeRecords = 0;
        /** Gaps found in this scope, by account ('' = the Region as a whole). */
        const gaps = new Map<string, string>();
        /** Accounts whose gap is an answer: Security Hub was asked and has nothing (no findings, no passed control). */
        const answered = new Set<string>();
        const gap = (reason: string, accounts: string[], wasAnswered = false) => {
          for (const a of accounts.length ? accounts : ['']) {
            gaps.set(a, reason);
            if (wasAnswered) answered.add(a);
            else answered.delete(a);
          }
        };

        const run = async (): Promise<Outcome> => {
          let client: FindingsClient;
          try {
            client = await o.clientFor(scope.region, scope.assumed);
          } catch (err) {
            return { ok: false, kind: 'failed', reason: describeAwsError(err, secrets) };
          }
          const chunks = scope.accounts.length ? chunk(scope.accounts, MAX_FILTER_VALUES) : [undefined];
          for (const accounts of chunks) {
            const q = { ...(accounts ? { accounts } : {}), ...(o.since ? { since: o.since } : {}) };
            const base = api === 'ocsf' ? ocsfRequest(q) : asffRequest(q);
            const tokens = new Set<string>();
            let next: string | undefined;
            for (let page = 1; ; page++) {
              let resp: { Findings?: unknown[]; NextToken?: string };
              try {
                resp = await send(client, { ...base, ...(next ? { NextToken: next } : {}) });
              } catch (err) {
                const kind = classifyAwsError(err);
                const reason = describeAwsError(err, secrets);
                if (kind === 'no-access') return { ok: false, kind, reason: `no access: ${reason}` };
                return { ok: false, kind: 'failed', reason: `${page > 1 ? `cut short after page ${page - 1}: ` : ''}${reason}` };
              }
              for (const raw of resp.Findings ?? []) {
                const account = accountOf(raw);
                if (account) perAccount.set(account, (perAccount.get(account) ?? 0) + 1);
                const id = idOf(raw);
                if (id !== undefined) {
                  if (seen.has(id)) {
                    duplicates++;
                    continue;
                  }
                  seen.add(id);
                }
                scopeRecords++;
                status.records++;
                sink.record(raw, { origin, record: scopeRecords });
              }
              log.progress(`Security Hub ${scope.region}${scope.assumed ? ` (${scope.assumed})` : ''}: page ${page}, ${status.records} findings`);
              const token = resp.NextToken;
              if (!token) break;
              if (tokens.has(token)) {
                return { ok: false, kind: 'failed', reason: `NextToken repeated after page ${page}: stopped paging to avoid a loop` };
              }
              tokens.add(token);
              next = token;
            }
          }
          // Zero findings is only zero risk if somebody looked: ask for one passed control as proof.
          const known = o.since !== undefined && o.known ? o.known : undefined;
          const region = o.aggregation ? undefined : scope.region;
          const has = (account?: string) => (known ? known(account, region) : account ? !!perAccount.get(account) : scopeRecords > 0 || perAccount.size > 0);
          const silent = scope.accounts.length ? scope.accounts.filter((a) => !has(a)) : has() ? [] : [''];
          for (const account of silent) {
            const input = api === 'ocsf' ? ocsfEvidenceRequest(account || undefined) : asffEvidenceRequest(account || undefined);
            try {
              const resp = await send(client, input);
              if (!resp.Findings?.length) {
                gap(
                  `no findings and no passed control checks${account ? ` for account ${account}` : ''}: is it a Security Hub member with a standard or integration enabled?`,
                  account ? [account] : [],
                  true,
                );
              }
            } catch (err) {
              gap(`evidence check failed: ${describeAwsError(err, secrets)}`, account ? [account] : []);
            }
          }
          return { ok: true };
        };

        const outcome = await run();
        if (!outcome.ok) {
          gap(outcome.reason, scope.accounts);
          if (outcome.kind === 'failed') {
            status.complete = false;
            status.problems.push(`${label}: ${outcome.reason}`);
          }
          log.warn(`Security Hub ${scope.region}${scope.assumed ? ` (${scope.assumed})` : ''}: ${outcome.reason}`);
        }
        for (const a of scope.accounts.length ? scope.accounts : ['']) {
          const where = a ? { account: a, region: scope.region } : { region: scope.region };
          const reason = gaps.get(a);
          status.coverage.push(
            reason === undefined
              ? { source: 'securityhub', scope: where, status: 'covered' }
              : { source: 'securityhub', scope: where, status: 'gap', reason, ...(answered.has(a) ? { answered: true as const } : {}) },
          );
        }
      };

      await runLimited(scopes, o.concurrency ?? 4, collectScope);
      if (duplicates) log.debug(`Security Hub: skipped ${duplicates} duplicate finding id(s) (aggregated or overlapping scopes)`);
      status.origins.sort();
      status.coverage.sort((a, b) => coverageKey(a).localeCompare(coverageKey(b)));
      status.problems.sort();
      return status;
    },
  };
}

function idOf(raw: unknown): string | undefined {
  const r = raw as { Id?: unknown; finding_info?: { uid?: unknown }; metadata?: { uid?: unknown } } | null;
  const id = r?.Id ?? r?.finding_info?.uid ?? r?.metadata?.uid;
  return typeof id === 'string' && id ? id : undefined;
}

function accountOf(raw: unknown): string | undefined {
  const r = raw as { AwsAccountId?: unknown; cloud?: { account?: { uid?: unknown } } } | null;
  const a = r?.AwsAccountId ?? r?.cloud?.account?.uid;
  return typeof a === 'string' ? a : undefined;
}

const coverageKey = (c: CoverageEntry) => `${c.scope.account ?? ''}|${c.scope.region ?? ''}|${c.status}|${c.reason ?? ''}`;
