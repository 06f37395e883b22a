/**
 * The ASFF record (AwsSecurityFinding) as the mapping reads it: the zod schema, and the fast reader
 * that gives exactly what `asffSchema.safeParse(raw).data` holds for the fields the mapping reads,
 * with typeof checks instead of zod. The reader returns undefined when the schema would reject the
 * record (or when it cannot be sure): the schema then runs, so rejection reasons come from zod.
 *
 * Real findings break the ASFF rules (no Severity.Label, no Workflow, no RecordState, no ProductName),
 * so only what a Finding cannot do without is required: Id, AwsAccountId, Title, UpdatedAt, and a
 * non-empty Resources array of {Id, Type}. Optional fields of the wrong type are ignored rather than
 * rejecting the finding.
 */
import * as z from '../vendor/zod.js';
import { GIVE_UP, objectList, optNum, optStr, optStringMap, optStrings } from './read.js';
import { isObj } from './rules.js';

const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const zStr = opt(z.string());
const zNum = opt(z.number());
const strings = opt(z.array(z.unknown()).transform((a) => a.filter((x): x is string => typeof x === 'string')));
const stringMap = opt(
  z.record(z.string(), z.unknown()).transform((m) =>
    Object.fromEntries(
      Object.entries(m)
        .filter((e): e is [string, string] => typeof e[1] === 'string')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  ),
);
const severitySchema = opt(z.looseObject({ Label: zStr, Normalized: zNum, Product: zNum }));

const vulnerabilitySchema = z.looseObject({
  Id: zStr,
  VulnerablePackages: opt(z.array(z.looseObject({ Name: zStr, FixedInVersion: zStr }))),
  Cvss: opt(z.array(z.looseObject({ Version: zStr, BaseScore: z.unknown(), BaseVector: zStr }))),
  RelatedVulnerabilities: strings,
  FixAvailable: zStr,
  ExploitAvailable: zStr,
  LastKnownExploitAt: zStr,
});

export const asffSchema = z.looseObject(
  {
    // A blank Id is no id: two records "  " would be one finding.
    Id: z
      .string()
      .min(1, { error: 'Id is empty' })
      .refine((s) => s.trim() !== '', { error: 'Id is blank (only spaces)' }),
    AwsAccountId: z.string().min(1, { error: 'AwsAccountId is empty' }),
    Title: z.string(),
    UpdatedAt: z.string(),
    CreatedAt: zStr,
    FirstObservedAt: zStr,
    Resources: z
      .array(z.looseObject({ Id: z.string().min(1), Type: z.string().min(1), Region: zStr, Tags: stringMap }), {
        error: (iss) => (iss.input === undefined ? undefined : 'Resources must be a non-empty array'),
      })
      .min(1, { error: 'Resources must be a non-empty array' }),
    ProductArn: zStr,
    ProductName: zStr,
    GeneratorId: zStr,
    Region: zStr,
    Types: strings,
    Severity: severitySchema,
    FindingProviderFields: opt(z.looseObject({ Severity: severitySchema, Types: strings })),
    Workflow: opt(z.looseObject({ Status: zStr })),
    WorkflowState: zStr,
    RecordState: zStr,
    Compliance: opt(z.looseObject({ Status: zStr, SecurityControlId: zStr })),
    ProductFields: stringMap,
    Vulnerabilities: opt(z.array(vulnerabilitySchema)),
  },
  { error: 'record is not an object' },
);
export type Asff = z.infer<typeof asffSchema>;
export type Vulnerability = z.infer<typeof vulnerabilitySchema>;

type Severity = NonNullable<Asff['Severity']>;
type Resource = Asff['Resources'][number];

export function readAsff(raw: unknown): Asff | undefined {
  if (!isObj(raw)) return undefined;
  const r = raw;
  const Id = r.Id;
  const AwsAccountId = r.AwsAccountId;
  const Title = r.Title;
  const UpdatedAt = r.UpdatedAt;
  if (typeof Id !== 'string' || Id.trim() === '') return undefined;
  if (typeof AwsAccountId !== 'string' || AwsAccountId.length < 1) return undefined;
  if (typeof Title !== 'string' || typeof UpdatedAt !== 'string') return undefined;
  const Resources = resourcesOf(r.Resources);
  if (!Resources) return undefined;
  const ProductFields = optStringMap(r.ProductFields);
  if (ProductFields === GIVE_UP) return undefined;
  const Vulnerabilities = vulnerabilitiesOf(r.Vulnerabilities);
  const fpf = r.FindingProviderFields;
  const workflow = r.Workflow;
  const compliance = r.Compliance;
  return {
    Id,
    AwsAccountId,
    Title,
    UpdatedAt,
    CreatedAt: optStr(r.CreatedAt),
    FirstObservedAt: optStr(r.FirstObservedAt),
    Resources,
    ProductArn: optStr(r.ProductArn),
    ProductName: optStr(r.ProductName),
    GeneratorId: optStr(r.GeneratorId),
    Region: optStr(r.Region),
    Types: optStrings(r.Types),
    Severity: readSeverity(r.Severity),
    FindingProviderFields: isObj(fpf) ? { Severity: readSeverity(fpf.Severity), Types: optStrings(fpf.Types) } : undefined,
    Workflow: isObj(workflow) ? { Status: optStr(workflow.Status) } : undefined,
    WorkflowState: optStr(r.WorkflowState),
    RecordState: optStr(r.RecordState),
    Compliance: isObj(compliance) ? { Status: optStr(compliance.Status), SecurityControlId: optStr(compliance.SecurityControlId) } : undefined,
    ProductFields,
    Vulnerabilities,
  };
}

function readSeverity(v: unknown): Severity | undefined {
  if (!isObj(v)) return undefined;
  return { Label: optStr(v.Label), Normalized: optNum(v.Normalized), Product: optNum(v.Product) };
}

/** Required: a non-empty array of objects with non-empty string Id and Type; anything else is zod's to explain. */
function resourcesOf(v: unknown): Resource[] | undefined {
  if (!Array.isArray(v) || v.length < 1) return undefined;
  return objectList(v, (e) => {
    const { Id, Type } = e;
    if (typeof Id !== 'string' || Id.length < 1 || typeof Type !== 'string' || Type.length < 1) return undefined;
    const Tags = optStringMap(e.Tags);
    return Tags === GIVE_UP ? undefined : { Id, Type, Region: optStr(e.Region), Tags };
  });
}

/** `opt(z.array(vulnerabilitySchema))`: one element that is not an object drops the whole array. */
function vulnerabilitiesOf(v: unknown): Vulnerability[] | undefined {
  return objectList(v, (e) => ({
    Id: optStr(e.Id),
    VulnerablePackages: objectList(e.VulnerablePackages, (p) => ({ Name: optStr(p.Name), FixedInVersion: optStr(p.FixedInVersion) })),
    Cvss: cvssOf(e.Cvss),
    RelatedVulnerabilities: optStrings(e.RelatedVulnerabilities),
    FixAvailable: optStr(e.FixAvailable),
    ExploitAvailable: optStr(e.ExploitAvailable),
    LastKnownExploitAt: optStr(e.LastKnownExploitAt),
  }));
}

function cvssOf(v: unknown): Vulnerability['Cvss'] {
  // `BaseScore: z.unknown()` is a required key to zod: present (even as undefined), or the list is dropped.
  return objectList(v, (e) => ('BaseScore' in e ? { Version: optStr(e.Version), BaseScore: e.BaseScore, BaseVector: optStr(e.BaseVector) } : undefined));
}
