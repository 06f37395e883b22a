import * as z from '../vendor/zod.js';

/**
 * The `discovery:` block of assets.yaml: how GitHub custom properties, repository topics and AWS
 * account tags map onto asset attributes (for attribute drift and `secsli init`), and how `init`
 * groups repositories and accounts into assets. Every key is optional; without a mapping for an
 * attribute, its drift is not checked.
 *
 * ```yaml
 * discovery:
 *   criticality: { property: business-criticality, tag: Criticality, values: { tier-1: critical } }
 *   owner: { property: owner-team, tag: Owner }
 *   exposure: { property: exposure }
 *   groupBy: { property: service }        # or { topicPrefix: "service-" }, or { namePrefix: true }
 * ```
 */

const nonEmpty = z.string().min(1, 'must not be empty');

const attributeMappingSchema = z
  .strictObject({
    /** A GitHub custom property name (GET /orgs/{org}/properties/values). */
    property: nonEmpty.optional(),
    /** An AWS account tag key (organizations:ListTagsForResource). */
    tag: nonEmpty.optional(),
    /** Discovered value → the value assets.yaml uses (e.g. `tier-1: critical`); unlisted values are compared as they are. */
    values: z.record(z.string(), nonEmpty).optional(),
  })
  .refine((m) => m.property !== undefined || m.tag !== undefined, 'give a property, a tag, or both');
export type AttributeMapping = z.infer<typeof attributeMappingSchema>;

const groupBySchema = z.strictObject({
  property: nonEmpty.optional(),
  tag: nonEmpty.optional(),
  topicPrefix: nonEmpty.optional(),
  namePrefix: z.boolean().optional(),
});
export type GroupBy = z.infer<typeof groupBySchema>;

export const discoverySchema = z.strictObject({
  criticality: attributeMappingSchema.optional(),
  exposure: attributeMappingSchema.optional(),
  owner: attributeMappingSchema.optional(),
  groupBy: groupBySchema.optional(),
});
export type DiscoveryConfig = z.infer<typeof discoverySchema>;

/** Attributes drift is checked for, in report order. */
export const MAPPED_ATTRIBUTES = ['criticality', 'exposure', 'owner'] as const;
