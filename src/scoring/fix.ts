import { SEVERITIES, SEVERITY_RANK, type Finding, type Severity } from '../model/finding.js';
import { hoursText } from '../model/time.js';
import type { Fix, FixKind, Incident, Urgency } from './types.js';

/**
 * One planned fix (fixes.ts plans them). A class rather than an object literal so that the ~180k
 * fixes of a million findings cost a few small fields each instead of copies of text their
 * findings already hold (they were 290 MB as literals: a fresh console URL, action and reasons
 * per fix): `url`, `action` and `why` are built on read from the fix's first finding (by id),
 * a few flags, the chosen fixed-in version or the control's resource count, and the incident;
 * `findingIds`/`assetIds` of a fix that closes one finding on one asset are derived from it.
 * `id` is stored: the sort reads it as the last tie-break. toJSON() gives the plain fix, in the
 * key order the snapshot has always written (getters on a prototype are not serialized).
 */

const FIX_KINDS: readonly FixKind[] = ['incident', 'dependency upgrade', 'package upgrade', 'control', 'finding'];
/**
 * Most urgent first. A known-exploited weakness comes before an overdue one even while its own
 * deadline is ahead: it is being exploited somewhere now, and it is what makes an internet-facing
 * asset AT RISK — behind thirty overdue fixes of −0.4 it was rank 42 with −30.
 */
const URGENCIES: readonly Urgency[] = ['incident past response time', 'known exploited past due', 'open incident', 'known exploited', 'overdue', 'when due'];
/** Severity by SEVERITY_RANK. */
const BY_RANK: readonly Severity[] = [...SEVERITIES].sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b]);

// bits: kind 3 | urgency 3 (its rank, most urgent 0) | severity 3 (SEVERITY_RANK) | flags 3
const S_KIND = 0,
  S_URGENCY = 3,
  S_SEVERITY = 6;
export const F_KEV = 1 << 9,
  F_OVERDUE = 1 << 10,
  F_INTERNET = 1 << 11;

export const cmpId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Security Hub's remediation page for a control (the Url its findings' Remediation.Recommendation carries). */
const controlRemediationUrl = (controlId: string) => `https://docs.aws.amazon.com/console/securityhub/${encodeURIComponent(controlId)}/remediation`;

/** What the group's members add up to, for CompactFix.of. */
export interface FixParts {
  id: string;
  kind: FixKind;
  /** The member finding with the lowest id. */
  first: Finding;
  /** F_KEV | F_OVERDUE | F_INTERNET of the members. */
  flags: number;
  /** The highest SEVERITY_RANK among the members. */
  severityRank: number;
  riskRemoved: number;
  /** Sorted, each once. */
  assetIds: readonly string[];
  /** Sorted, each once. */
  findingIds: readonly string[];
  /** Upgrades: the highest fixed-in version among the members, when the sources give one. */
  fixedIn: string | undefined;
  /** Controls: how many resources the members span. */
  resources: number;
  incident: Incident | undefined;
  /** Other places (manifests, resources) where the fix's duplicates are reported, sorted; none for most. */
  also: readonly string[];
}

/** Places named in an action; the rest are counted (fixes.csv's finding_ids has every finding). */
const ALSO_SHOWN = 5;

function urgencyOf(flags: number, i: Incident | undefined): Urgency {
  if (flags & F_KEV && flags & F_OVERDUE) return 'known exploited past due';
  if (!i) return flags & F_KEV ? 'known exploited' : flags & F_OVERDUE ? 'overdue' : 'when due';
  if (i.pastTarget) return 'incident past response time';
  // A low/medium detection someone already answered is being handled: it waits behind the weaknesses.
  const pressing = i.responseHours === null || SEVERITY_RANK[i.row.finding.severity] >= SEVERITY_RANK.high;
  return pressing ? 'open incident' : 'when due';
}

/** `detail`: an upgrade's fixed-in version, a control's resource count. */
function actionOf(kind: FixKind, f: Finding, detail: string | number | undefined, also: readonly string[] | undefined): string {
  const base = baseActionOf(kind, f, detail);
  if (!also?.length) return base;
  const more = also.length > ALSO_SHOWN ? ` and ${also.length - ALSO_SHOWN} more` : '';
  // Another source's report of the same vulnerability elsewhere: closed only when the change is made (or deployed) there too.
  return `${base}; also reported in ${also.slice(0, ALSO_SHOWN).join(', ')}${more}`;
}

function baseActionOf(kind: FixKind, f: Finding, detail: string | number | undefined): string {
  const to = typeof detail === 'string' && detail ? ` to ${detail}` : '';
  switch (kind) {
    case 'incident':
      return `respond to incident: ${f.title}`;
    case 'dependency upgrade':
      // The package as the manifest spells it: Go module paths and NuGet ids are case-sensitive there (`packages` is lower-cased for matching).
      return `upgrade ${f.github!.package ?? f.packages.join(', ')}${to} in ${f.github!.repo}${f.github!.manifestPath ? `/${f.github!.manifestPath}` : ''}`;
    case 'package upgrade':
      return `upgrade ${f.packages.join(', ')}${to} on ${f.aws!.resources[0]!.id}`;
    case 'control':
      return `fix control ${f.controlId} on ${detail ?? 0} resource(s): ${f.title}`;
    case 'finding':
      return `remediate: ${f.title}`;
  }
}

export class CompactFix implements Fix {
  private constructor(
    readonly id: string,
    private readonly first: Finding,
    /** Kind, urgency, severity and flags, see S_* / F_*. */
    private readonly bits: number,
    readonly riskRemoved: number,
    /** The one asset's id, or the ids of several. */
    private readonly assets: string | readonly string[],
    /** The ids when it closes several findings; undefined when it closes only `first`. */
    private readonly findings: readonly string[] | undefined,
    /** Upgrades: the fixed-in version; controls: the resource count. */
    private readonly detail: string | number | undefined,
    private readonly incident: Incident | undefined,
    /** Where its duplicates are reported (FixParts.also), when anywhere else. */
    private readonly also: readonly string[] | undefined,
  ) {}

  static of(p: FixParts): CompactFix {
    const urgency = URGENCIES.indexOf(urgencyOf(p.flags, p.incident));
    const bits = (FIX_KINDS.indexOf(p.kind) << S_KIND) | (urgency << S_URGENCY) | (p.severityRank << S_SEVERITY) | p.flags;
    const assets = p.assetIds.length === 1 ? p.assetIds[0]! : p.assetIds;
    const findings = p.findingIds.length === 1 && p.findingIds[0] === p.first.id ? undefined : p.findingIds;
    const detail = p.kind === 'control' ? p.resources : p.fixedIn;
    return new CompactFix(p.id, p.first, bits, p.riskRemoved, assets, findings, detail, p.incident, p.also.length ? p.also : undefined);
  }

  /** Most urgent first; then risk removed, severity, age (incidents), id. */
  static compare(a: CompactFix, b: CompactFix): number {
    return (
      ((a.bits >> S_URGENCY) & 7) - ((b.bits >> S_URGENCY) & 7) ||
      b.riskRemoved - a.riskRemoved ||
      ((b.bits >> S_SEVERITY) & 7) - ((a.bits >> S_SEVERITY) & 7) ||
      (b.incident?.ageHours ?? 0) - (a.incident?.ageHours ?? 0) ||
      cmpId(a.id, b.id)
    );
  }

  get kind(): FixKind {
    return FIX_KINDS[(this.bits >> S_KIND) & 7]!;
  }
  get urgency(): Urgency {
    return URGENCIES[(this.bits >> S_URGENCY) & 7]!;
  }
  get severity(): Severity {
    return BY_RANK[(this.bits >> S_SEVERITY) & 7]!;
  }
  get assetIds(): readonly string[] {
    return typeof this.assets === 'string' ? [this.assets] : this.assets;
  }
  get findingIds(): readonly string[] {
    return this.findings ?? [this.first.id];
  }
  get ageHours(): number | undefined {
    return this.incident?.ageHours;
  }
  get action(): string {
    return actionOf(this.kind, this.first, this.detail, this.also);
  }
  get why(): string[] {
    const why: string[] = [];
    const i = this.incident;
    if (i) {
      why.push(
        i.responseHours === null
          ? `incident open ${hoursText(i.ageHours)} h ${i.pastTarget ? '>' : '/'} ${i.targetHours} h to respond`
          : `incident open ${hoursText(i.ageHours)} h, answered in ${hoursText(i.responseHours)} h`,
      );
    }
    const kev = (this.bits & F_KEV) !== 0;
    const overdue = (this.bits & F_OVERDUE) !== 0;
    if (kev) why.push(overdue ? 'known exploited, past due' : 'known exploited');
    else if (overdue) why.push('overdue');
    if (this.bits & F_INTERNET) why.push('internet-facing');
    return why;
  }
  get url(): string | undefined {
    const f = this.first;
    return (this.kind === 'control' ? controlRemediationUrl(f.controlId!) : f.url) || undefined;
  }

  /** The plain fix: these keys in this order, `ageHours` (incidents) and `url` only when present. */
  toJSON(): Fix {
    const fix: { -readonly [K in keyof Fix]: Fix[K] } = {
      id: this.id,
      kind: this.kind,
      action: this.action,
      assetIds: this.assetIds,
      findingIds: this.findingIds,
      riskRemoved: this.riskRemoved,
      urgency: this.urgency,
      severity: this.severity,
    } as Fix;
    if (this.incident) fix.ageHours = this.incident.ageHours;
    fix.why = this.why;
    const url = this.url;
    if (url) fix.url = url;
    return fix;
  }
}
