import { randomUUID } from 'node:crypto';
import { json, listen, serverBucket } from './http.js';
import { handleAdminRoute, type SecurityHubAdminOptions } from './securityhub-admin.js';

/**
 * Security Hub emulator: `POST /findings` (GetFindings, ASFF) and `POST /findingsv2`
 * (GetFindingsV2, OCSF), restJson1 as PROTOCOLS.md §1 describes: NextToken paging, the filters
 * secsli sends, MaxResults 1..100, throttling as 429 + x-amzn-ErrorType, and scripted faults.
 * The Region comes from the SigV4 credential scope, as on the real endpoint.
 */

type Obj = Record<string, any>;

type ShFault = 'not-subscribed' | 'access-denied' | 'internal' | 'throttle' | 'limit-exceeded' | { status: number; type: string; body: Obj };

export interface ShRequest {
  seq: number;
  path: string;
  region: string;
  accessKeyId: string;
  body: Obj;
  authorization: string;
}

export interface SecurityHubEmulatorOptions extends SecurityHubAdminOptions {
  /** ASFF findings (GetFindings). A finding is served to its `Region` (or its aggregation home). */
  findings?: Obj[];
  /** OCSF findings (GetFindingsV2); Region from `cloud.region`. */
  ocsfFindings?: Obj[];
  /** Requests per second and burst before answering 429 TooManyRequestsException. */
  throttle?: { ratePerSecond: number; burst: number };
  /** Cross-Region aggregation: asking `home` returns findings of every Region. */
  aggregationHome?: string;
  /** Return a fault to answer a request with an error instead. */
  fault?: (req: ShRequest) => ShFault | undefined;
  /** Never answer this request (the connection stays open until close()): a hung API, for deadlines and signals. */
  stall?: (req: ShRequest) => boolean;
  /** From this page on (1-based), hand back the NextToken the client sent: a paging loop. */
  repeatTokenFromPage?: number;
  /** "Now" for DateRange filters. */
  now?: () => Date;
}

export interface SecurityHubEmulator {
  url: string;
  requests: ShRequest[];
  stats: { requests: number; throttled: number; faults: number; served: number };
  close(): Promise<void>;
}

const ASFF_FIELDS: Record<string, (f: Obj) => unknown> = {
  Id: (f) => f.Id,
  RecordState: (f) => f.RecordState,
  WorkflowStatus: (f) => f.Workflow?.Status,
  ComplianceStatus: (f) => f.Compliance?.Status,
  AwsAccountId: (f) => f.AwsAccountId,
  Region: (f) => f.Region,
  SeverityLabel: (f) => f.Severity?.Label,
  ProductName: (f) => f.ProductName,
  GeneratorId: (f) => f.GeneratorId,
  UpdatedAt: (f) => f.UpdatedAt,
  CreatedAt: (f) => f.CreatedAt,
  ComplianceSecurityControlId: (f) => f.Compliance?.SecurityControlId,
  ResourceType: (f) => (f.Resources ?? []).map((r: Obj) => r.Type),
};

const values = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.flat(Infinity) : [v]);

/** OCSF path → every leaf value, arrays flattened ("resources.uid" → each resource's uid). */
function ocsfPath(obj: unknown, path: string): unknown[] {
  let cur: unknown[] = [obj];
  for (const key of path.split('.')) {
    cur = cur.flatMap((o) => (Array.isArray(o) ? o : [o])).flatMap((o) => (o && typeof o === 'object' ? values((o as Obj)[key]) : []));
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function stringMatch(vals: unknown[], filters: Obj[]): boolean {
  const s = vals.map(String);
  const pos = filters.filter((f) => ['EQUALS', 'PREFIX', 'CONTAINS', 'CONTAINS_WORD'].includes(f.Comparison));
  const neg = filters.filter((f) => !pos.includes(f));
  const one = (f: Obj, v: string) =>
    f.Comparison === 'EQUALS' || f.Comparison === 'NOT_EQUALS'
      ? v === f.Value
      : f.Comparison === 'PREFIX' || f.Comparison === 'PREFIX_NOT_EQUALS'
        ? v.startsWith(f.Value)
        : v.includes(f.Value);
  // Positive comparisons on a field are OR'ed, negative ones AND'ed; a missing value matches only negatives.
  const posOk = pos.length === 0 || pos.some((f) => s.some((v) => one(f, v)));
  const negOk = neg.every((f) => !s.some((v) => one(f, v)));
  return posOk && negOk;
}

function dateMatch(vals: unknown[], f: Obj, now: Date): boolean {
  const start = f.DateRange ? now.getTime() - f.DateRange.Value * 86_400_000 : f.Start ? Date.parse(f.Start) : -Infinity;
  const end = f.DateRange ? now.getTime() : f.End ? Date.parse(f.End) : Infinity;
  return vals.some((v) => {
    const t = Date.parse(String(v));
    return t >= start && t <= end;
  });
}

function numberMatch(vals: unknown[], f: Obj): boolean {
  return vals
    .map(Number)
    .some(
      (n) =>
        (f.Eq === undefined || n === f.Eq) &&
        (f.Gte === undefined || n >= f.Gte) &&
        (f.Lte === undefined || n <= f.Lte) &&
        (f.Gt === undefined || n > f.Gt) &&
        (f.Lt === undefined || n < f.Lt),
    );
}

class BadInput extends Error {}

function asffMatches(f: Obj, filters: Obj, now: Date): boolean {
  return Object.entries(filters ?? {}).every(([field, list]) => {
    const get = ASFF_FIELDS[field];
    if (!get) throw new BadInput(`emulator: unsupported filter field ${field}`);
    const items = list as Obj[];
    if (items.length > 20) throw new BadInput(`too many values for ${field}`);
    const vals = values(get(f));
    if (items.some((i) => 'Start' in i || 'End' in i || 'DateRange' in i)) return items.some((i) => dateMatch(vals, i, now));
    return stringMatch(vals, items);
  });
}

function compositeMatches(f: Obj, c: Obj, now: Date): boolean {
  const results: boolean[] = [];
  for (const s of c.StringFilters ?? []) results.push(stringMatch(ocsfPath(f, s.FieldName), [s.Filter]));
  for (const d of c.DateFilters ?? []) results.push(dateMatch(ocsfPath(f, d.FieldName), d.Filter, now));
  for (const n of c.NumberFilters ?? []) results.push(numberMatch(ocsfPath(f, n.FieldName), n.Filter));
  for (const b of c.BooleanFilters ?? []) results.push(ocsfPath(f, b.FieldName).some((v) => v === b.Filter.Value));
  for (const m of c.MapFilters ?? []) results.push(ocsfPath(f, m.FieldName).some((t: any) => (t?.name ?? t?.Key) === m.Filter.Key && String(t?.value) === m.Filter.Value));
  for (const n of c.NestedCompositeFilters ?? []) results.push(compositeMatches(f, n, now));
  return c.Operator === 'OR' ? results.some(Boolean) : results.every(Boolean);
}

function ocsfMatches(f: Obj, filters: Obj | undefined, now: Date): boolean {
  const list: Obj[] = filters?.CompositeFilters ?? [];
  if (list.length > 10) throw new BadInput('at most 10 composite filters');
  const results = list.map((c) => compositeMatches(f, c, now));
  return filters?.CompositeOperator === 'OR' ? results.some(Boolean) : results.every(Boolean);
}

const FAULTS: Record<string, { status: number; type: string; body: Obj }> = {
  'not-subscribed': {
    status: 401,
    type: 'InvalidAccessException',
    body: { Code: 'InvalidAccessException', Message: 'Account 111122223333 is not subscribed to AWS Security Hub' },
  },
  'access-denied': {
    status: 403,
    type: 'AccessDeniedException',
    body: { Message: 'User: arn:aws:iam::111122223333:user/x is not authorized to perform: securityhub:GetFindings' },
  },
  internal: { status: 500, type: 'InternalException', body: { Code: 'InternalException', Message: 'Internal server error' } },
  throttle: { status: 429, type: 'TooManyRequestsException', body: { message: 'Too Many Requests' } },
  'limit-exceeded': { status: 429, type: 'LimitExceededException', body: { Code: 'LimitExceededException', Message: 'Rate exceeded' } },
};

export async function startSecurityHubEmulator(opts: SecurityHubEmulatorOptions = {}): Promise<SecurityHubEmulator> {
  const requests: ShRequest[] = [];
  const stats = { requests: 0, throttled: 0, faults: 0, served: 0 };
  const allow = opts.throttle ? serverBucket(opts.throttle.ratePerSecond, opts.throttle.burst) : () => true;
  const now = opts.now ?? (() => new Date());

  const started = await listen((req, res, text) => {
    const error = (spec: { status: number; type: string; body: Obj }) => json(res, spec.status, spec.body, { 'x-amzn-ErrorType': spec.type, 'x-amzn-requestid': randomUUID() });
    const path = (req.url ?? '').split('?')[0]!;
    const signedRegion = /Credential=[^/]+\/\d{8}\/([^/]+)\/securityhub\//.exec(String(req.headers.authorization ?? ''))?.[1];
    if (signedRegion && handleAdminRoute(opts, req, res, signedRegion)) return;
    if (req.method !== 'POST' || (path !== '/findings' && path !== '/findingsv2')) {
      return error({ status: 404, type: 'UnknownOperationException', body: { message: `no route ${req.method} ${path}` } });
    }
    const authorization = String(req.headers.authorization ?? '');
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/securityhub\//.exec(authorization);
    if (!scope) return error({ status: 403, type: 'MissingAuthenticationTokenException', body: { message: 'Missing Authentication Token' } });
    const body = text ? (JSON.parse(text) as Obj) : {};
    const request: ShRequest = { seq: ++stats.requests, path, region: scope[2]!, accessKeyId: scope[1]!, body, authorization };
    requests.push(request);

    if (!allow()) {
      stats.throttled++;
      return error(FAULTS.throttle!);
    }
    if (opts.stall?.(request)) return;
    const fault = opts.fault?.(request);
    if (fault) {
      stats.faults++;
      return error(typeof fault === 'string' ? FAULTS[fault]! : fault);
    }
    const v2 = path === '/findingsv2';
    const invalid = (message: string) =>
      error(
        v2
          ? { status: 400, type: 'ValidationException', body: { message } }
          : { status: 400, type: 'InvalidInputException', body: { Code: 'InvalidInputException', Message: message } },
      );
    const max = body.MaxResults ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 100)
      return invalid(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`);

    const inRegion = (r: unknown) => opts.aggregationHome === request.region || r === request.region;
    let list: Obj[];
    try {
      list = v2
        ? (opts.ocsfFindings ?? []).filter((f) => inRegion(f.cloud?.region) && ocsfMatches(f, body.Filters, now()))
        : (opts.findings ?? []).filter((f) => inRegion(f.Region) && asffMatches(f, body.Filters, now()));
    } catch (err) {
      if (err instanceof BadInput) return invalid(err.message);
      throw err;
    }
    const sort = (body.SortCriteria ?? [])[0] as Obj | undefined;
    const key = (f: Obj) => String((v2 ? ocsfPath(f, sort?.Field ?? 'finding_info.uid')[0] : values(ASFF_FIELDS[sort?.Field ?? 'Id']?.(f))[0]) ?? '');
    const idOf = (f: Obj) => String(v2 ? f.finding_info?.uid : f.Id);
    list = [...list].sort((a, b) => key(a).localeCompare(key(b)) * (sort?.SortOrder === 'desc' ? -1 : 1) || idOf(a).localeCompare(idOf(b)));

    let offset = 0;
    if (body.NextToken) {
      try {
        offset = (JSON.parse(Buffer.from(String(body.NextToken), 'base64url').toString('utf8')) as { o: number }).o;
      } catch {
        return invalid('Invalid NextToken');
      }
    }
    const page = Math.floor(offset / max) + 1;
    const slice = list.slice(offset, offset + max);
    let nextToken: string | undefined =
      offset + max < list.length ? Buffer.from(JSON.stringify({ o: offset + max, r: randomUUID().slice(0, 8) })).toString('base64url') : undefined;
    if (opts.repeatTokenFromPage && page >= opts.repeatTokenFromPage && body.NextToken) nextToken = String(body.NextToken);
    stats.served++;
    json(res, 200, { Findings: slice, ...(nextToken ? { NextToken: nextToken } : {}) }, { 'x-amzn-requestid': randomUUID() });
  });
  return { url: started.url, requests, stats, close: started.close };
}
