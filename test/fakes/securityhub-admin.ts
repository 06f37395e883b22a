import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json } from './http.js';

/**
 * The Security Hub administrator reads discovery makes (restJson1, as @aws-sdk/client-securityhub
 * 3.1108.0 serialises them): `GET /accounts` (DescribeHub → HubArn, SubscribedAt,
 * AutoEnableControls, ControlFindingGenerator) and `GET /members?OnlyAssociated=…&MaxResults=…&NextToken=…`
 * (ListMembers → Members[AccountId, Email, AdministratorId, MemberStatus, InvitedAt, UpdatedAt]).
 * Hub states: enabled; not subscribed (401 InvalidAccessException); a disabled opt-in Region
 * (403 UnrecognizedClientException, "The security token included in the request is invalid");
 * denied (403 AccessDeniedException: the caller may not DescribeHub — no word on whether it is enabled).
 */

type HubState = 'enabled' | 'not-subscribed' | 'opt-in-disabled' | 'denied';

export interface SecurityHubAdminOptions {
  /** Per Region. Default 'enabled'. */
  hub?: (region: string) => HubState;
  /** Member accounts of this administrator; undefined: ListMembers is access denied. */
  members?: Array<{ AccountId: string; MemberStatus: string }>;
}

export function handleAdminRoute(opts: SecurityHubAdminOptions, req: IncomingMessage, res: ServerResponse, region: string): boolean {
  const u = new URL(req.url ?? '/', 'http://x');
  if (req.method !== 'GET' || (u.pathname !== '/accounts' && u.pathname !== '/members')) return false;
  const error = (status: number, type: string, body: Record<string, unknown>) => json(res, status, body, { 'x-amzn-ErrorType': type, 'x-amzn-requestid': randomUUID() });
  const state = opts.hub?.(region) ?? 'enabled';
  if (state === 'opt-in-disabled') {
    error(403, 'UnrecognizedClientException', { message: 'The security token included in the request is invalid' });
    return true;
  }
  if (state === 'denied') {
    error(403, 'AccessDeniedException', { Message: 'User: arn:aws:iam::999900000000:user/x is not authorized to perform: securityhub:DescribeHub' });
    return true;
  }
  if (state === 'not-subscribed') {
    error(401, 'InvalidAccessException', { Code: 'InvalidAccessException', Message: 'Account 999900000000 is not subscribed to AWS Security Hub' });
    return true;
  }
  if (u.pathname === '/accounts') {
    json(
      res,
      200,
      {
        HubArn: `arn:aws:securityhub:${region}:999900000000:hub/default`,
        SubscribedAt: '2025-01-01T00:00:00.000Z',
        AutoEnableControls: true,
        ControlFindingGenerator: 'SECURITY_CONTROL',
      },
      { 'x-amzn-requestid': randomUUID() },
    );
    return true;
  }
  if (!opts.members) {
    error(403, 'AccessDeniedException', { Message: 'User: arn:aws:iam::999900000000:user/x is not authorized to perform: securityhub:ListMembers' });
    return true;
  }
  const max = Number(u.searchParams.get('MaxResults') ?? 50);
  const offset = Number(u.searchParams.get('NextToken') ?? 0);
  const slice = opts.members.slice(offset, offset + max).map((m) => ({
    ...m,
    Email: `aws+${m.AccountId}@example.com`,
    AdministratorId: '999900000000',
    MasterId: '999900000000',
    InvitedAt: '2025-01-01T00:00:00.000Z',
    UpdatedAt: '2025-01-02T00:00:00.000Z',
  }));
  json(res, 200, { Members: slice, ...(offset + max < opts.members.length ? { NextToken: String(offset + max) } : {}) }, { 'x-amzn-requestid': randomUUID() });
  return true;
}
