import { DescribeOrganizationalUnitCommand, ListAccountsCommand, ListParentsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-organizations';
import { DescribeHubCommand, GetFindingsCommand, ListMembersCommand } from '@aws-sdk/client-securityhub';
import { runLimited } from '../collectors/limit.js';
import { redactAll, type Logger } from '../log.js';
import { textRecord, type AwsDiscovery, type DiscoveredAccount, type HubState } from './types.js';

/**
 * AWS discovery, read-only. Organizations: `ListAccounts` (pages may be empty before the last one:
 * paging follows NextToken, not page size; `State ?? Status`, as `Status` is being retired), then
 * per account `ListParents` up to the root (OU path) and `ListTagsForResource`. Security Hub:
 * `DescribeHub` per Region (a disabled opt-in Region answers UnrecognizedClientException, not
 * access denied), `ListMembers` with `OnlyAssociated=false` (works for the administrator only).
 * Where a call is refused, the fallback is today's evidence probe — one `GetFindings` result for
 * the account — and a note says so. Organizations refused or not in use: the accounts are those
 * the inventory and the findings name, plus the Security Hub members when ListMembers answers.
 */

/** The one method used of each SDK client (the real clients; tests may pass their own). */
export interface SendClient {
  // biome-ignore lint/suspicious/noExplicitAny: each SDK command has its own output type; callers narrow it.
  send(command: unknown): Promise<any>;
}

export interface AwsDiscoveryOptions {
  /** Absent: Organizations is not asked (fallback at once). */
  organizations?: SendClient;
  /** Security Hub client of a Region (the collector's rate-limited client). */
  securityHubFor(region: string): SendClient;
  regions: string[];
  /** Account ids the inventory and findings name: the fallback account list, and always discovered. */
  named: string[];
  /** Which accounts get the evidence probe when ListMembers cannot say. Default: none. */
  probe?: (account: string) => boolean;
  secrets: string[];
  log: Logger;
}

const errName = (e: unknown) => String((e as { name?: string })?.name ?? 'Error');
const errText = (e: unknown, secrets: string[]) => redactAll(`${errName(e)}: ${String((e as Error)?.message ?? e).split('\n')[0]}`.slice(0, 300), secrets);

/** Every page of a NextToken-paged call; throws what the client throws; stops on a repeated token. */
async function pages<T>(call: (token?: string) => Promise<T & { NextToken?: string }>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await call(token);
    out.push(page);
    token = page.NextToken || undefined;
    if (token && seen.has(token)) throw new Error('the NextToken repeated: stopped paging to avoid a loop');
    if (token) seen.add(token);
  } while (token);
  return out;
}

/** The organization's accounts; or, when they cannot be read, whether that is because the account is in no organization. */
async function listOrgAccounts(org: SendClient, o: AwsDiscoveryOptions, notes: string[]): Promise<{ accounts: DiscoveredAccount[] } | { standalone: boolean }> {
  let raw: Array<{ Id?: string; Name?: string; State?: string; Status?: string }>;
  try {
    raw = (await pages((NextToken) => org.send(new ListAccountsCommand({ ...(NextToken ? { NextToken } : {}) })))).flatMap((p: { Accounts?: typeof raw }) => p.Accounts ?? []);
  } catch (e) {
    const name = errName(e);
    const why =
      name === 'AWSOrganizationsNotInUseException'
        ? 'this account is not in an organization'
        : name === 'AccessDeniedException'
          ? 'access denied (organizations:ListAccounts)'
          : errText(e, o.secrets);
    notes.push(`AWS: the organization's accounts are not readable (${why}); accounts are those assets.yaml, the findings and the Security Hub members name`);
    return { standalone: name === 'AWSOrganizationsNotInUseException' };
  }
  const accounts = raw
    .filter((a) => a.Id)
    .map((a): DiscoveredAccount => ({ id: a.Id!, ...(a.Name ? { name: a.Name } : {}), state: a.State ?? a.Status ?? 'UNKNOWN', tags: textRecord() }));
  const ouNames = new Map<string, string>();
  const problems = new Set<string>();
  const parentPath = async (id: string): Promise<string> => {
    const names: string[] = [];
    let child = id;
    for (let depth = 0; depth < 6; depth++) {
      const p = ((await org.send(new ListParentsCommand({ ChildId: child }))) as { Parents?: Array<{ Id?: string; Type?: string }> }).Parents?.[0];
      if (!p?.Id || p.Type === 'ROOT') break;
      if (!ouNames.has(p.Id)) {
        const ou = (await org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: p.Id }))) as { OrganizationalUnit?: { Name?: string } };
        ouNames.set(p.Id, ou.OrganizationalUnit?.Name ?? p.Id);
      }
      names.unshift(ouNames.get(p.Id)!);
      child = p.Id;
    }
    return ['Root', ...names].join('/');
  };
  await runLimited(accounts, 2, async (a) => {
    try {
      a.ouPath = await parentPath(a.id);
    } catch (e) {
      problems.add(`OU paths not readable (${errText(e, o.secrets)})`);
    }
    try {
      const tagPages = await pages((NextToken) => org.send(new ListTagsForResourceCommand({ ResourceId: a.id, ...(NextToken ? { NextToken } : {}) })));
      for (const t of tagPages.flatMap((p: { Tags?: Array<{ Key?: string; Value?: string }> }) => p.Tags ?? [])) if (t.Key) a.tags[t.Key] = t.Value ?? '';
    } catch (e) {
      problems.add(`account tags not readable (${errText(e, o.secrets)}); attribute drift from tags is skipped`);
    }
  });
  for (const p of [...problems].sort()) notes.push(`AWS Organizations: ${p}`);
  return { accounts };
}

async function hubStates(o: AwsDiscoveryOptions): Promise<HubState[]> {
  const out: HubState[] = [];
  for (const region of [...new Set(o.regions)].sort()) {
    try {
      await o.securityHubFor(region).send(new DescribeHubCommand({}));
      out.push({ region, enabled: true });
    } catch (e) {
      const name = errName(e);
      const reason =
        name === 'InvalidAccessException'
          ? 'Security Hub is not enabled in this Region'
          : name === 'UnrecognizedClientException'
            ? 'the Region is not enabled for this account (opt-in Region)'
            : errText(e, o.secrets);
      out.push({ region, enabled: false, reason, answered: name === 'InvalidAccessException' || name === 'UnrecognizedClientException' });
    }
  }
  return out;
}

export async function discoverAws(o: AwsDiscoveryOptions): Promise<AwsDiscovery> {
  const notes: string[] = [];
  const listed = o.organizations ? await listOrgAccounts(o.organizations, o, notes) : undefined;
  const fromOrg = listed && 'accounts' in listed ? listed.accounts : undefined;
  if (!o.organizations) notes.push('AWS: Organizations not asked; accounts are those assets.yaml and the findings name');
  const byId = new Map((fromOrg ?? []).map((a) => [a.id, a]));
  if (!fromOrg) for (const id of o.named) if (!byId.has(id)) byId.set(id, { id, state: 'UNKNOWN', tags: textRecord() });
  const hubs = await hubStates(o);
  const home = hubs.find((h) => h.enabled)?.region;
  let membersRead = false;
  if (home) {
    try {
      const members = (
        await pages((NextToken) => o.securityHubFor(home).send(new ListMembersCommand({ OnlyAssociated: false, MaxResults: 50, ...(NextToken ? { NextToken } : {}) })))
      ).flatMap((p: { Members?: Array<{ AccountId?: string; MemberStatus?: string }> }) => p.Members ?? []);
      membersRead = true;
      for (const m of members) {
        if (!m.AccountId) continue;
        // Without the organization's list, the administrator's members are the other accounts known to exist.
        if (!fromOrg && !byId.has(m.AccountId)) byId.set(m.AccountId, { id: m.AccountId, state: 'UNKNOWN', tags: textRecord() });
        const a = byId.get(m.AccountId);
        if (a && m.MemberStatus) a.memberStatus = m.MemberStatus;
      }
    } catch (e) {
      notes.push(
        `AWS: Security Hub members are not readable (${errText(e, o.secrets)}; ListMembers needs the administrator account); coverage of unclaimed accounts comes from the evidence probe instead`,
      );
    }
    const probe = [...byId.values()].filter((a) => a.memberStatus !== 'Enabled' && (o.probe?.(a.id) ?? false));
    await runLimited(probe, 2, async (a) => {
      try {
        const res = (await o.securityHubFor(home).send(new GetFindingsCommand({ Filters: { AwsAccountId: [{ Value: a.id, Comparison: 'EQUALS' }] }, MaxResults: 1 }))) as {
          Findings?: unknown[];
        };
        a.evidence = (res.Findings?.length ?? 0) > 0;
      } catch (e) {
        notes.push(`AWS: evidence probe for ${a.id} failed (${errText(e, o.secrets)})`);
      }
    });
  } else if (hubs.length) {
    // "Not enabled" only when every Region said so: a refused credential or a network failure is no answer.
    const failed = hubs.find((h) => !h.enabled && !h.answered);
    notes.push(
      failed
        ? `AWS: Security Hub could not be reached (${failed.region}: ${failed.reason}); unclaimed accounts cannot be checked for coverage`
        : 'AWS: Security Hub is enabled in none of the configured Regions; unclaimed accounts cannot be checked for coverage',
    );
  }
  return {
    from: fromOrg ? 'organizations' : 'fallback',
    ...(listed && 'standalone' in listed && listed.standalone ? { standalone: true } : {}),
    accounts: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    hubs,
    membersRead,
    notes: notes.sort(),
  };
}
