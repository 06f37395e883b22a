import { CVE_ID } from '../model/kev.js';
import { parseUtc } from '../model/time.js';
import * as z from '../vendor/zod.js';
import { discoverySchema } from './discovery-schema.js';
import { policySchema } from './policy.js';

/**
 * assets.yaml (DESIGN.md "assets.yaml"). Every object is strict: unknown keys are errors
 * (the loader adds a "did you mean"). Cross-checks that need the whole file live in validate.ts.
 */

export const CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Criticality = (typeof CRITICALITIES)[number];
export const EXPOSURES = ['internet', 'internal', 'isolated'] as const;
export type Exposure = (typeof EXPOSURES)[number];

const nonEmpty = z.string().min(1, 'must not be empty');
/** YAML reads 111122223333 unquoted as a number; accept it and keep the digits. */
const accountId = z.union([z.string(), z.number().int().nonnegative()]).transform((v) => String(v));

export const awsSelectorSchema = z.strictObject({
  /** 12-digit AWS account ids. Alone, an account claims every finding in it (least specific). */
  accounts: z.array(accountId).optional(),
  /** ARN globs: `*` stays within one `:` field or `/` segment, `**` crosses `/` (see src/config/glob.ts). */
  resources: z.array(nonEmpty).optional(),
  /** ASFF resource types, e.g. AwsEcsService (globs allowed). */
  resourceTypes: z.array(nonEmpty).optional(),
  /** Every listed tag must be present on the resource with that value (value globs allowed). */
  tags: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .refine((t) => !Object.hasOwn(t, ''), 'a tag key is never empty: this selector could match nothing')
    .optional(),
});

const githubSelectorSchema = z.strictObject({
  /** "owner/name" globs, e.g. "acme/payments-*". */
  repos: z.array(nonEmpty).min(1, 'list at least one repository'),
});

export const assetSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, ".", "_" or "-" (no spaces)'),
  name: z.string().optional(),
  description: z.string().optional(),
  owner: nonEmpty,
  criticality: z.enum(CRITICALITIES),
  exposure: z.enum(EXPOSURES),
  aws: awsSelectorSchema.optional(),
  github: githubSelectorSchema.optional(),
});
export type Asset = z.infer<typeof assetSchema>;

export const exceptionMatchSchema = z
  .strictObject({
    // An id that cannot be one never matches: say so now, not by an exception that silently accepts nothing.
    cve: z.string().regex(CVE_ID, 'a CVE id such as CVE-2021-44228').optional(),
    ghsa: z
      .string()
      .regex(/^GHSA(-[0-9a-z]{4}){3}$/i, 'a GitHub advisory id such as GHSA-jfh8-c2jp-5v3q')
      .optional(),
    controlId: nonEmpty.optional(),
    /** A finding id as secsli prints it (`securityhub:<Id>` or `dependabot:owner/repo#12`). */
    findingId: nonEmpty.optional(),
    package: nonEmpty.optional(),
    /** Resource ARN or repository glob, to narrow the exception to part of the asset. */
    resource: nonEmpty.optional(),
    repo: nonEmpty.optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), 'give at least one of cve, ghsa, controlId, findingId, package, resource, repo');

/** YAML reads 2027-01-31 as a string with the default schema; a Date if someone uses !!timestamp. */
const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .refine((v) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v) && !Number.isNaN(parseUtc(v)), 'expected a date that exists, like 2027-01-31');

export const exceptionSchema = z.strictObject({
  id: nonEmpty,
  asset: nonEmpty,
  match: exceptionMatchSchema,
  reason: z.string({ error: 'every exception needs a reason' }).min(1, 'every exception needs a reason'),
  approvedBy: nonEmpty.optional(),
  expires: isoDate.optional(),
});
export type RiskException = z.infer<typeof exceptionSchema>;

const securityhubSourceSchema = z.strictObject({
  regions: z.array(nonEmpty).optional(),
  aggregationRegion: nonEmpty.optional(),
  api: z.enum(['asff', 'ocsf']).optional(),
  assumeRole: nonEmpty.optional(),
  accounts: z.array(accountId).optional(),
  file: z.union([nonEmpty, z.array(nonEmpty)]).optional(),
});
const dependabotSourceSchema = z.strictObject({
  org: nonEmpty.optional(),
  /** Several organizations (alerts and discovery of each); `org` is the one-org spelling. */
  orgs: z.array(nonEmpty).min(1, 'list at least one organization').optional(),
  enterprise: nonEmpty.optional(),
  repos: z.array(nonEmpty).optional(),
  apiUrl: z.url().optional(),
  file: z.union([nonEmpty, z.array(nonEmpty)]).optional(),
});
export const sourcesSchema = z.strictObject({
  securityhub: securityhubSourceSchema.optional(),
  dependabot: dependabotSourceSchema.optional(),
});
export type SourcesConfig = z.infer<typeof sourcesSchema>;

const ownerSchema = z.strictObject({
  contact: z.string().optional(),
  name: z.string().optional(),
});

export const inventorySchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }),
  sources: sourcesSchema.optional(),
  policy: policySchema.optional(),
  owners: z
    .record(
      z.string(),
      ownerSchema.nullable().transform((v) => v ?? {}),
    )
    .optional(),
  assets: z.array(assetSchema).min(1, 'declare at least one asset'),
  exceptions: z.array(exceptionSchema).optional(),
  /** Inventory truth: attribute mappings for drift and `init` (src/config/discovery-schema.ts). */
  discovery: discoverySchema.optional(),
});
export type InventoryFile = z.infer<typeof inventorySchema>;
