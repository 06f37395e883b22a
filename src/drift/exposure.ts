import type { Finding } from '../model/finding.js';

/**
 * "Exposure contradicted by evidence": finding patterns that show a resource is reachable from the
 * internet. An asset declared `internal` or `isolated` with an open finding of one of these is
 * listed as "declared isolated — evidence says internet". The list, with why each one counts:
 *
 * Security Hub controls (AWS Foundational Security Best Practices ids), when FAILED:
 * - S3.2 / S3.3: a bucket permits public read / public write (policy or ACL);
 * - S3.8: a bucket does not block public access;
 * - S3.19: an S3 access point does not block public access;
 * - EC2.1: an EBS snapshot is publicly restorable;
 * - EC2.9: an instance has a public IPv4 address;
 * - EC2.13 / EC2.14: a security group allows 0.0.0.0/0 (or ::/0) to port 22 / 3389;
 * - EC2.18: a security group allows unrestricted inbound traffic on unauthorised ports;
 * - EC2.19: a security group allows unrestricted access to high-risk ports;
 * - EC2.53 / EC2.54: a security group allows 0.0.0.0/0 / ::/0 to remote administration ports;
 * - RDS.1: an RDS snapshot is public; RDS.2: a DB instance is publicly accessible;
 * - Redshift.1: a cluster is publicly accessible; DMS.1: a replication instance is public;
 * - Lambda.1: a function policy allows public access; SSM.4: an SSM document is public.
 *
 * GuardDuty detections (ASFF `Types` "TTPs/…/Recon:EC2-PortProbeUnprotectedPort", OCSF
 * `finding_info.types`):
 * - Recon:EC2/PortProbeUnprotectedPort, Recon:EC2/PortProbeEMRUnprotectedPort: someone on the
 *   internet reached an unprotected port;
 * - UnauthorizedAccess:EC2/SSHBruteForce, UnauthorizedAccess:EC2/RDPBruteForce: only when the
 *   resource is the target (`ProductFields["aws/guardduty/service/resourceRole"] = TARGET` or
 *   `Network.Direction = IN`); as the actor, the instance attacks others, which says nothing about
 *   its own reachability.
 */

export interface ExposurePattern {
  id: string;
  what: string;
}

export const EXPOSURE_CONTROLS: Record<string, string> = {
  'S3.2': 'S3 bucket permits public read access',
  'S3.3': 'S3 bucket permits public write access',
  'S3.8': 'S3 bucket does not block public access',
  'S3.19': 'S3 access point does not block public access',
  'EC2.1': 'EBS snapshot is publicly restorable',
  'EC2.9': 'EC2 instance has a public IPv4 address',
  'EC2.13': 'security group allows 0.0.0.0/0 to port 22',
  'EC2.14': 'security group allows 0.0.0.0/0 to port 3389',
  'EC2.18': 'security group allows unrestricted inbound traffic on unauthorised ports',
  'EC2.19': 'security group allows unrestricted access to high-risk ports',
  'EC2.53': 'security group allows 0.0.0.0/0 to remote administration ports',
  'EC2.54': 'security group allows ::/0 to remote administration ports',
  'RDS.1': 'RDS snapshot is public',
  'RDS.2': 'RDS DB instance is publicly accessible',
  'Redshift.1': 'Redshift cluster is publicly accessible',
  'DMS.1': 'DMS replication instance is public',
  'Lambda.1': 'Lambda function policy allows public access',
  'SSM.4': 'SSM document is public',
};

const PROBES: Record<string, string> = {
  'Recon:EC2/PortProbeUnprotectedPort': 'GuardDuty: an unprotected port is being probed from the internet',
  'Recon:EC2/PortProbeEMRUnprotectedPort': 'GuardDuty: an unprotected EMR port is being probed from the internet',
};
const BRUTE_FORCE: Record<string, string> = {
  'UnauthorizedAccess:EC2/SSHBruteForce': 'GuardDuty: SSH brute force from outside against the resource',
  'UnauthorizedAccess:EC2/RDPBruteForce': 'GuardDuty: RDP brute force from outside against the resource',
};

// biome-ignore lint/suspicious/noExplicitAny: raw ASFF / OCSF records, read field by field with checks.
type Obj = Record<string, any>;

/** GuardDuty finding types named by a raw ASFF or OCSF record ("Recon:EC2/PortProbeUnprotectedPort"). */
function guardDutyTypes(raw: Obj): string[] {
  const types: unknown[] = [...(Array.isArray(raw.Types) ? raw.Types : []), ...(Array.isArray(raw.finding_info?.types) ? raw.finding_info.types : [])];
  // ASFF spells the type's own "/" as "-" inside its last path segment: "TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort".
  return types
    .filter((t): t is string => typeof t === 'string')
    .map((t) =>
      /^[A-Za-z]+:[A-Za-z0-9]+\//.test(t)
        ? t
        : t
            .split('/')
            .pop()!
            .replace(/^([A-Za-z]+:[A-Za-z0-9]+)-/, '$1/'),
    );
}

function targetOfInbound(raw: Obj): boolean {
  const role = raw.ProductFields?.['aws/guardduty/service/resourceRole'];
  const dir = raw.Network?.Direction;
  return role === 'TARGET' || dir === 'IN';
}

/**
 * The exposure pattern an open finding matches, or undefined. `raw` is the record as the source
 * gave it (the normalized finding does not keep ASFF `Types` or `Network`).
 */
export function exposureEvidence(finding: Finding, raw: unknown): ExposurePattern | undefined {
  if (finding.source !== 'securityhub' || finding.status !== 'open') return undefined;
  if (finding.controlId && finding.compliance !== 'passed') {
    const what = EXPOSURE_CONTROLS[finding.controlId];
    if (what) return { id: finding.controlId, what };
  }
  if (!raw || typeof raw !== 'object') return undefined;
  for (const t of guardDutyTypes(raw as Obj)) {
    if (PROBES[t]) return { id: t, what: PROBES[t] };
    if (BRUTE_FORCE[t] && targetOfInbound(raw as Obj)) return { id: t, what: BRUTE_FORCE[t] };
  }
  return undefined;
}
