import { randomUUID } from 'node:crypto';
import { json, listen } from './http.js';

/**
 * AWS Organizations emulator: the awsJson1_1 protocol the SDK speaks — `POST /` with
 * `X-Amz-Target: AWSOrganizationsV20161128.<Operation>` and `content-type: application/x-amz-json-1.1`,
 * errors as HTTP 400 with `x-amzn-ErrorType` and a `{"__type","Message"}` body. Operations:
 * ListAccounts (NextToken paging; can serve empty pages before the last, as the API documents),
 * ListParents, DescribeOrganizationalUnit, ListTagsForResource. Accounts carry `State` and, unless
 * `stateOnly`, the `Status` that is being retired (Account shape of the 2016-11-28 model in
 * @aws-sdk/client-organizations 3.1108.0: Id, Arn, Email, Name, Status, State, Paths, JoinedMethod,
 * JoinedTimestamp as epoch seconds).
 */

type Obj = Record<string, any>;

export interface OrgAccount {
  id: string;
  name: string;
  state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
  /** OU id (absent: directly under the root). */
  ou?: string;
  tags?: Record<string, string>;
}

export type OrgFault = 'access-denied' | 'not-in-use' | 'throttle';

export interface OrganizationsEmulatorOptions {
  accounts: OrgAccount[];
  /** OU id → name and parent OU id (absent parent: the root). */
  ous?: Record<string, { name: string; parent?: string }>;
  /** Accounts per ListAccounts page. Default 20 (the API's maximum). */
  pageSize?: number;
  /** Serve an empty page (with a NextToken) before every full one. */
  emptyPages?: boolean;
  /** Leave out the retiring `Status` field: only `State`. */
  stateOnly?: boolean;
  fault?: (operation: string, body: Obj) => OrgFault | undefined;
}

export interface OrganizationsEmulator {
  url: string;
  /** Every request in arrival order; `at` is performance.now() when it arrived (pacing checks). */
  requests: Array<{ operation: string; body: Obj; at: number }>;
  close(): Promise<void>;
}

const ROOT = 'r-a1b2';
const FAULTS: Record<OrgFault, { status: number; type: string; message: string }> = {
  'access-denied': { status: 400, type: 'AccessDeniedException', message: "You don't have permissions to access this resource." },
  'not-in-use': { status: 400, type: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.' },
  throttle: {
    status: 400,
    type: 'TooManyRequestsException',
    message: "AWS Organizations can't complete your request because another request is already in progress. Try again later.",
  },
};

export async function startOrganizationsEmulator(opts: OrganizationsEmulatorOptions): Promise<OrganizationsEmulator> {
  const requests: OrganizationsEmulator['requests'] = [];
  const accounts = [...opts.accounts].sort((a, b) => (a.id < b.id ? -1 : 1));
  const pageSize = opts.pageSize ?? 20;
  const send = (res: Parameters<typeof json>[0], status: number, body: unknown, extra: Record<string, string> = {}) =>
    json(res, status, body, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), ...extra });

  const started = await listen((req, res, text) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^AWSOrganizationsV20161128\./, '');
    const body = text ? (JSON.parse(text) as Obj) : {};
    requests.push({ operation, body, at: performance.now() });
    const error = (type: string, message: string, status = 400) => send(res, status, { __type: type, Message: message }, { 'x-amzn-ErrorType': type });
    if (req.method !== 'POST' || !target.startsWith('AWSOrganizationsV20161128.')) return error('UnknownOperationException', `no operation ${target}`);
    if (!/AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/us-east-1\/organizations\//.test(String(req.headers.authorization ?? ''))) {
      return error('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    }
    const fault = opts.fault?.(operation, body);
    if (fault) return error(FAULTS[fault].type, FAULTS[fault].message, FAULTS[fault].status);

    if (operation === 'ListAccounts') {
      // Tokens "p<page>" / "e<page>": e = the empty page served before page <page>.
      const token = String(body.NextToken ?? (opts.emptyPages ? 'e0' : 'p0'));
      const m = /^([ep])(\d+)$/.exec(token);
      if (!m) return error('InvalidInputException', 'The provided NextToken is not valid.');
      const page = Number(m[2]);
      if (m[1] === 'e') return send(res, 200, { Accounts: [], NextToken: `p${page}` });
      const slice = accounts.slice(page * pageSize, (page + 1) * pageSize);
      const more = (page + 1) * pageSize < accounts.length;
      return send(res, 200, { Accounts: slice.map((a) => accountJson(a, opts.stateOnly)), ...(more ? { NextToken: `${opts.emptyPages ? 'e' : 'p'}${page + 1}` } : {}) });
    }
    if (operation === 'ListParents') {
      const child = String(body.ChildId ?? '');
      const account = accounts.find((a) => a.id === child);
      const parent = account ? account.ou : opts.ous?.[child] ? opts.ous[child]!.parent : undefined;
      if (!account && !opts.ous?.[child]) return error('ChildNotFoundException', `We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.`);
      return send(res, 200, { Parents: [parent ? { Id: parent, Type: 'ORGANIZATIONAL_UNIT' } : { Id: ROOT, Type: 'ROOT' }] });
    }
    if (operation === 'DescribeOrganizationalUnit') {
      const ou = opts.ous?.[String(body.OrganizationalUnitId)];
      if (!ou) return error('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified.");
      return send(res, 200, {
        OrganizationalUnit: { Id: body.OrganizationalUnitId, Arn: `arn:aws:organizations::000000000000:ou/o-example/${body.OrganizationalUnitId}`, Name: ou.name },
      });
    }
    if (operation === 'ListTagsForResource') {
      const account = accounts.find((a) => a.id === body.ResourceId);
      if (!account) return error('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.");
      return send(res, 200, { Tags: Object.entries(account.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) });
    }
    return error('UnknownOperationException', `operation ${operation} is not emulated`);
  });
  return { url: started.url, requests, close: started.close };
}

function accountJson(a: OrgAccount, stateOnly?: boolean): Obj {
  const state = a.state ?? 'ACTIVE';
  // Status knows no CLOSED / PENDING_ACTIVATION; the API maps what it can.
  const status = state === 'CLOSED' ? 'SUSPENDED' : state;
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::000000000000:account/o-example/${a.id}`,
    Email: `aws+${a.id}@example.com`,
    Name: a.name,
    ...(stateOnly ? {} : { Status: status }),
    State: state,
    JoinedMethod: 'CREATED',
    JoinedTimestamp: 1_700_000_000,
  };
}
