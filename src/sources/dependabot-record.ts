/**
 * The Dependabot alert (repository, organization or enterprise listing) as the mapping reads it: the
 * zod schema, and the fast reader that gives exactly what `alertSchema.safeParse(raw).data` holds
 * for the fields the mapping reads, with typeof checks instead of zod. The reader returns undefined
 * when the schema would reject the alert (or when it cannot be sure): the schema then runs, so
 * rejection reasons come from zod.
 *
 * Old alerts lack `epss`, `cvss_severities`, `relationship` and `classification`; GitHub sends
 * numbers as strings at times ("0.16001e0") and "not scored" as CVSS 0 with no vector.
 */
import * as z from '../vendor/zod.js';
import { objectList, optStrOrNull as str } from './read.js';
import { isObj } from './rules.js';

const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const zStr = opt(z.string().nullable());
const cvssSchema = opt(z.looseObject({ score: z.unknown(), vector_string: zStr }).nullable());
const packageSchema = opt(z.looseObject({ ecosystem: zStr, name: zStr }));

export const alertSchema = z.looseObject(
  {
    number: z.number().int().positive(),
    state: z.string(),
    html_url: zStr,
    url: zStr,
    created_at: z.string(),
    updated_at: z.string(),
    repository: opt(z.looseObject({ full_name: zStr }).nullable()),
    dependency: opt(z.looseObject({ package: packageSchema, manifest_path: zStr, scope: zStr })),
    security_advisory: z.looseObject({
      ghsa_id: zStr,
      cve_id: zStr,
      summary: zStr,
      severity: zStr,
      classification: zStr,
      cvss: cvssSchema,
      cvss_severities: opt(z.looseObject({ cvss_v3: cvssSchema, cvss_v4: cvssSchema }).nullable()),
      epss: opt(z.looseObject({ percentage: z.unknown(), percentile: z.unknown() }).nullable()),
      identifiers: opt(z.array(z.looseObject({ type: zStr, value: zStr }))),
    }),
    security_vulnerability: opt(
      z
        .looseObject({
          package: packageSchema,
          severity: zStr,
          first_patched_version: opt(z.looseObject({ identifier: zStr }).nullable()),
        })
        .nullable(),
    ),
    fixed_at: zStr,
    dismissed_at: zStr,
    auto_dismissed_at: zStr,
    dismissed_reason: zStr,
  },
  { error: 'record is not an object' },
);
export type Alert = z.infer<typeof alertSchema>;

type Advisory = Alert['security_advisory'];
type Package = NonNullable<NonNullable<Alert['dependency']>['package']>;
type AdvisoryCvss = Advisory['cvss'];

export function readAlert(raw: unknown): Alert | undefined {
  if (!isObj(raw)) return undefined;
  const a = raw;
  const number = a.number;
  const state = a.state;
  const created_at = a.created_at;
  const updated_at = a.updated_at;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) return undefined;
  if (typeof state !== 'string' || typeof created_at !== 'string' || typeof updated_at !== 'string') return undefined;
  const adv = a.security_advisory;
  if (!isObj(adv)) return undefined;
  const repository = a.repository;
  const dependency = a.dependency;
  const sv = a.security_vulnerability;
  const fpv = isObj(sv) ? sv.first_patched_version : undefined;
  const severities = adv.cvss_severities;
  const epss = adv.epss;
  return {
    number,
    state,
    html_url: str(a.html_url),
    url: str(a.url),
    created_at,
    updated_at,
    repository: isObj(repository) ? { full_name: str(repository.full_name) } : repository === null ? null : undefined,
    dependency: isObj(dependency) ? { package: packageOf(dependency.package), manifest_path: str(dependency.manifest_path), scope: str(dependency.scope) } : undefined,
    security_advisory: {
      ghsa_id: str(adv.ghsa_id),
      cve_id: str(adv.cve_id),
      summary: str(adv.summary),
      severity: str(adv.severity),
      classification: str(adv.classification),
      cvss: cvssOf(adv.cvss),
      cvss_severities: isObj(severities) ? { cvss_v3: cvssOf(severities.cvss_v3), cvss_v4: cvssOf(severities.cvss_v4) } : severities === null ? null : undefined,
      epss: epssOf(epss),
      identifiers: identifiersOf(adv.identifiers),
    },
    security_vulnerability: isObj(sv)
      ? {
          package: packageOf(sv.package),
          severity: str(sv.severity),
          first_patched_version: isObj(fpv) ? { identifier: str(fpv.identifier) } : fpv === null ? null : undefined,
        }
      : sv === null
        ? null
        : undefined,
    fixed_at: str(a.fixed_at),
    dismissed_at: str(a.dismissed_at),
    auto_dismissed_at: str(a.auto_dismissed_at),
    dismissed_reason: str(a.dismissed_reason),
  };
}

/** `opt(looseObject({ecosystem, name}))`: not nullable, so null reads as undefined. */
function packageOf(v: unknown): Package | undefined {
  return isObj(v) ? { ecosystem: str(v.ecosystem), name: str(v.name) } : undefined;
}

// A `z.unknown()` field is a required key to zod: present (even as undefined), or the object reads as undefined.

function cvssOf(v: unknown): AdvisoryCvss {
  if (v === null) return null;
  return isObj(v) && 'score' in v ? { score: v.score, vector_string: str(v.vector_string) } : undefined;
}

function epssOf(v: unknown): Advisory['epss'] {
  if (v === null) return null;
  return isObj(v) && 'percentage' in v && 'percentile' in v ? { percentage: v.percentage, percentile: v.percentile } : undefined;
}

/** One element that is not an object drops the whole list, as the schema's array does. */
function identifiersOf(v: unknown): Advisory['identifiers'] {
  return objectList(v, (e) => ({ type: str(e.type), value: str(e.value) }));
}
