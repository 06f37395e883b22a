import type { AwsSecurityFindingFilters, GetFindingsRequest, GetFindingsV2Request, OcsfFindingFilters } from '@aws-sdk/client-securityhub';

/**
 * Server-side filters, so that only what can matter to a risk SLI crosses the wire.
 *
 * - `RecordState = ACTIVE`: archived records are history (the resource is gone or the product
 *   closed them).
 * - `ComplianceStatus != PASSED`: passed control checks are evidence of coverage, not risk, and
 *   are usually most of the control findings. Non-control findings have no compliance status;
 *   Security Hub evaluates NOT_EQUALS as "does not have this value", so they stay in.
 * - Evidence of coverage is asked for separately (`evidenceRequest`), one finding at most,
 *   only for accounts that returned nothing at all.
 * - Sorted by creation time, ascending: it never changes while we page (UpdatedAt does, and would
 *   move findings between pages during a long pull) and new findings land on the last page.
 *
 * Incremental sync (`since`, see src/sync): the changes query drops the RecordState and compliance
 * filters and asks for `UpdatedAt >= since` instead, because what left the full query's result
 * since the last sync (archived, passed) must be learned too; the source adapters' `facts(raw).keep`
 * (src/sources/asff.ts, ocsf.ts) applies the full query's filters on our side when the changes are
 * merged into the stored records.
 */

const PAGE_SIZE = 100;
/** Security Hub accepts up to 20 values per filter field. */
export const MAX_FILTER_VALUES = 20;

export interface QueryOptions {
  /** Only these AWS accounts (at most 20 per query; the caller splits longer lists). */
  accounts?: string[];
  /**
   * Incremental sync: every finding updated at or after this ISO time, whatever its RecordState or
   * compliance status (those filters are applied client-side by the adapters' `facts(raw).keep`).
   */
  since?: string;
}

/** Open-ended date ranges: Security Hub wants both ends. */
const FAR_FUTURE = '9999-12-31T23:59:59Z';

export function asffRequest(q: QueryOptions): GetFindingsRequest {
  const Filters: AwsSecurityFindingFilters = q.since
    ? { UpdatedAt: [{ Start: q.since, End: FAR_FUTURE }] }
    : {
        RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
        ComplianceStatus: [{ Value: 'PASSED', Comparison: 'NOT_EQUALS' }],
      };
  if (q.accounts?.length) Filters.AwsAccountId = q.accounts.map((Value) => ({ Value, Comparison: 'EQUALS' }));
  return { Filters, SortCriteria: [{ Field: 'CreatedAt', SortOrder: 'asc' }], MaxResults: PAGE_SIZE };
}

/** At most one PASSED control result (for one account): proof that the hub evaluates it. */
export function asffEvidenceRequest(account?: string): GetFindingsRequest {
  return {
    Filters: {
      RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
      ComplianceStatus: [{ Value: 'PASSED', Comparison: 'EQUALS' }],
      ...(account ? { AwsAccountId: [{ Value: account, Comparison: 'EQUALS' as const }] } : {}),
    },
    MaxResults: 1,
  };
}

/**
 * The same intent in OCSF terms (GetFindingsV2). OCSF `status` captions are New, In Progress,
 * Suppressed, Resolved, Archived, Deleted, Other; compliance captions Pass, Warning, Fail.
 */
export function ocsfRequest(q: QueryOptions): GetFindingsV2Request {
  const composites: NonNullable<OcsfFindingFilters['CompositeFilters']> = [
    {
      Operator: 'AND',
      ...(q.since
        ? { DateFilters: [{ FieldName: 'finding_info.modified_time_dt', Filter: { Start: q.since, End: FAR_FUTURE } }] }
        : {
            StringFilters: [
              { FieldName: 'status', Filter: { Value: 'Archived', Comparison: 'NOT_EQUALS' } },
              { FieldName: 'status', Filter: { Value: 'Deleted', Comparison: 'NOT_EQUALS' } },
              { FieldName: 'compliance.status', Filter: { Value: 'Pass', Comparison: 'NOT_EQUALS' } },
            ],
          }),
    },
  ];
  if (q.accounts?.length) {
    composites.push({
      Operator: 'OR',
      StringFilters: q.accounts.map((Value) => ({ FieldName: 'cloud.account.uid', Filter: { Value, Comparison: 'EQUALS' } })),
    });
  }
  return {
    Filters: { CompositeFilters: composites, CompositeOperator: 'AND' },
    SortCriteria: [{ Field: 'finding_info.created_time_dt', SortOrder: 'asc' }],
    MaxResults: PAGE_SIZE,
  };
}

export function ocsfEvidenceRequest(account?: string): GetFindingsV2Request {
  return {
    Filters: {
      CompositeFilters: [
        {
          Operator: 'AND',
          StringFilters: [
            { FieldName: 'compliance.status', Filter: { Value: 'Pass', Comparison: 'EQUALS' } },
            ...(account ? [{ FieldName: 'cloud.account.uid' as const, Filter: { Value: account, Comparison: 'EQUALS' as const } }] : []),
          ],
        },
      ],
      CompositeOperator: 'AND',
    },
    MaxResults: 1,
  };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
