import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { asff } from '../../src/sources/asff.js';
import { consoleUrl } from '../../src/sources/asff-rules.js';
import { normalizeWith } from '../../src/sources/index.js';
import { loadFixture, variant } from '../collectors/helpers.js';

const normalizeAsff = (raw: unknown) => normalizeWith(asff, raw);

type Raw = Record<string, any>;
const fsbp = loadFixture<Raw>('securityhub/asff-sample-control-finding-fsbp.aws-docs.json');
const config = loadFixture<Raw>('securityhub/asff-typical-config-finding.aws-docs.json');
const modelExample = loadFixture<Raw[]>('securityhub/getfindings-examples.from-model.json')[0]!.output.Findings[0] as Raw;
const inspector = loadFixture<Raw>('securityhub/getfindings-response-inspector-ecr.cloud-custodian-placebo.json').data.Findings[0] as Raw;

function ok(raw: unknown): Finding {
  const r = normalizeAsff(raw);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  return r.finding;
}

describe('normalizeAsff: the reference samples', () => {
  it('FSBP control finding (docs sample)', () => {
    const f = ok(fsbp);
    expect(f).toEqual({
      id: `securityhub:${fsbp.Id}`,
      source: 'securityhub',
      nativeId: fsbp.Id,
      kind: 'misconfiguration',
      title: 'CloudTrail.2 CloudTrail should have encryption at-rest enabled',
      severity: 'medium',
      knownExploited: false,
      exploitAvailable: false,
      cves: [],
      controlId: 'CloudTrail.2',
      packages: [],
      status: 'open',
      compliance: 'failed',
      firstSeen: '2020-08-06T02:18:23.076Z',
      updatedAt: '2021-09-28T16:10:00.093Z',
      product: 'Security Hub',
      aws: {
        accountId: '123456789012',
        region: 'us-east-2',
        resources: [{ id: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/AWSMacieTrail-DO-NOT-EDIT', type: 'AwsCloudTrailTrail', region: 'us-east-2', tags: {} }],
      },
      url: consoleUrl(fsbp.Id, 'us-east-2', 'aws'),
    } satisfies Finding);
  });

  it('AWS Config finding: no control id, misconfiguration from Compliance', () => {
    const f = ok(config);
    expect(f).toMatchObject({ kind: 'misconfiguration', severity: 'medium', status: 'open', compliance: 'failed', product: 'Config', firstSeen: '2022-04-15T05:00:37.181Z' });
    expect(f.controlId).toBeUndefined();
    expect(f.aws?.resources).toEqual([{ id: 'arn:aws:s3:::config-integration-demo-bucket', type: 'AwsS3Bucket', region: 'eu-central-1', tags: {} }]);
  });

  it('the API model example: consolidated control finding', () => {
    expect(ok(modelExample)).toMatchObject({ kind: 'misconfiguration', controlId: 'CloudTrail.2', severity: 'medium', status: 'open', product: 'Security Hub' });
  });

  it('Inspector ECR finding (placebo recording)', () => {
    const f = ok(inspector);
    expect(f).toMatchObject({
      id: 'securityhub:arn:aws:inspector2:us-east-1:644160558196:finding/3371dd4acbb7041a1feb7a7f82c1d20e',
      kind: 'vulnerability',
      severity: 'critical',
      cvss: { score: 10, version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' },
      cves: ['CVE-2021-44228'],
      packages: ['org.apache.logging.log4j:log4j-api', 'org.apache.logging.log4j:log4j-core'],
      knownExploited: false,
      exploitAvailable: false,
      status: 'open',
      product: 'Inspector',
      aws: { accountId: '644160558196', region: 'us-east-1' },
    });
    expect(f.epss).toBeUndefined();
    expect(f.fixAvailable).toBeUndefined();
    expect(f.compliance).toBeUndefined();
    expect(f.url).toBe(
      'https://console.aws.amazon.com/securityhub/home?region=us-east-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Ainspector2%253Aus-east-1%253A644160558196%253Afinding%252F3371dd4acbb7041a1feb7a7f82c1d20e',
    );
  });
});

describe('normalizeAsff: severity', () => {
  it.each<[string, (r: Raw) => void, Finding['severity']]>([
    ['Label wins', (r) => (r.Severity = { Label: 'HIGH', Normalized: 10 }), 'high'],
    ['Label is case-insensitive', (r) => (r.Severity = { Label: 'informational' }), 'info'],
    ['Normalized 0 → info', (r) => (r.Severity = { Normalized: 0 }), 'info'],
    ['Normalized 1 → low', (r) => (r.Severity = { Normalized: 1 }), 'low'],
    ['Normalized 39 → low', (r) => (r.Severity = { Normalized: 39 }), 'low'],
    ['Normalized 40 → medium', (r) => (r.Severity = { Normalized: 40 }), 'medium'],
    ['Normalized 70 → high', (r) => (r.Severity = { Normalized: 70 }), 'high'],
    ['Normalized 90 → critical', (r) => (r.Severity = { Normalized: 90 }), 'critical'],
    [
      'provider label when no top-level Severity',
      (r) => {
        delete r.Severity;
        r.FindingProviderFields = { Severity: { Label: 'CRITICAL' } };
      },
      'critical',
    ],
    [
      'Product on 0–10 is scaled ×10',
      (r) => {
        r.Severity = { Product: 7.5 };
        delete r.FindingProviderFields;
      },
      'high',
    ],
    [
      'Product above 10 is read on 0–100',
      (r) => {
        r.Severity = { Product: 95 };
        delete r.FindingProviderFields;
      },
      'critical',
    ],
    ['an unknown label falls through', (r) => (r.Severity = { Label: 'SEVERE', Normalized: 95 }), 'critical'],
  ])('%s', (_name, change, severity) => {
    expect(ok(variant(fsbp, change)).severity).toBe(severity);
  });
});

describe('normalizeAsff: status', () => {
  it.each<[string, (r: Raw) => void, Finding['status'], boolean]>([
    ['ACTIVE + NEW', () => {}, 'open', false],
    ['NOTIFIED', (r) => (r.Workflow.Status = 'NOTIFIED'), 'open', false],
    ['RESOLVED', (r) => (r.Workflow.Status = 'RESOLVED'), 'resolved', true],
    ['SUPPRESSED', (r) => (r.Workflow.Status = 'SUPPRESSED'), 'suppressed', true],
    ['ARCHIVED beats Workflow NEW', (r) => (r.RecordState = 'ARCHIVED'), 'resolved', true],
    ['no RecordState counts as ACTIVE', (r) => delete r.RecordState, 'open', false],
    [
      'no Workflow: WorkflowState IN_PROGRESS',
      (r) => {
        delete r.Workflow;
        r.WorkflowState = 'IN_PROGRESS';
      },
      'open',
      false,
    ],
    [
      'no Workflow: WorkflowState DEFERRED',
      (r) => {
        delete r.Workflow;
        r.WorkflowState = 'DEFERRED';
      },
      'open',
      false,
    ],
    [
      'no Workflow: WorkflowState RESOLVED',
      (r) => {
        delete r.Workflow;
        r.WorkflowState = 'RESOLVED';
      },
      'resolved',
      true,
    ],
    [
      'neither Workflow nor WorkflowState',
      (r) => {
        delete r.Workflow;
        delete r.WorkflowState;
      },
      'open',
      false,
    ],
    ['PASSED control is resolved (coverage, not risk)', (r) => (r.Compliance.Status = 'PASSED'), 'resolved', true],
  ])('%s', (_name, change, status, closed) => {
    const f = ok(variant(fsbp, change));
    expect(f.status).toBe(status);
    expect(f.closedAt).toBe(closed ? '2021-09-28T16:10:00.093Z' : undefined);
  });

  it('marks a PASSED control as compliance passed', () => {
    expect(ok(variant(fsbp, (r) => (r.Compliance.Status = 'PASSED')))).toMatchObject({ compliance: 'passed', status: 'resolved' });
  });
});

describe('normalizeAsff: kind, product and control id', () => {
  const guardDuty = variant(fsbp, (r) => {
    r.Id = 'arn:aws:guardduty:us-east-2:123456789012:detector/d1/finding/f1';
    r.ProductArn = 'arn:aws:securityhub:us-east-2::product/aws/guardduty';
    r.ProductName = 'GuardDuty';
    r.GeneratorId = 'arn:aws:guardduty:us-east-2:123456789012:detector/d1';
    r.Types = ['TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS'];
    r.Title = 'EC2 instance i-0123 is querying a domain name associated with a known Command & Control server.';
    r.Severity = { Label: 'HIGH', Normalized: 70, Product: 8 };
    r.Resources = [{ Type: 'AwsEc2Instance', Id: 'arn:aws:ec2:us-east-2:123456789012:instance/i-0123', Region: 'us-east-2', Tags: { Service: 'payments', Bad: 3 } }];
    delete r.Compliance;
    delete r.ProductFields;
    delete r.FindingProviderFields;
  });

  it('GuardDuty → threat, with resource tags', () => {
    const f = ok(guardDuty);
    expect(f).toMatchObject({ kind: 'threat', product: 'GuardDuty', severity: 'high' });
    expect(f.controlId).toBeUndefined();
    expect(f.aws?.resources[0]?.tags).toEqual({ Service: 'payments' });
  });

  it.each<[string, (r: Raw) => void, Finding['kind']]>([
    // Not a control check (no Compliance, no control GeneratorId): the Types decide.
    [
      'Effects namespace',
      (r) => {
        r.Types = ['Effects/Data Exfiltration'];
        delete r.Compliance;
        r.GeneratorId = 'detector-1';
      },
      'threat',
    ],
    [
      'Unusual Behaviors namespace',
      (r) => {
        r.Types = ['Unusual Behaviors/User'];
        delete r.Compliance;
        r.GeneratorId = 'detector-1';
      },
      'threat',
    ],
    [
      'a control check typed Effects stays a misconfiguration',
      (r) => {
        r.Types = ['Effects/Data Exposure'];
      },
      'misconfiguration',
    ],
    [
      'GuardDuty by ProductArn only',
      (r) => {
        delete r.ProductName;
        r.ProductArn = 'arn:aws:securityhub:us-east-2::product/aws/guardduty';
        delete r.ProductFields;
      },
      'threat',
    ],
    [
      'Vulnerabilities type',
      (r) => {
        r.Types = ['Software and Configuration Checks/Vulnerabilities/CVE'];
        delete r.Compliance;
      },
      'vulnerability',
    ],
    [
      'Sensitive data (Macie) → other',
      (r) => {
        r.Types = ['Sensitive Data Identifications/PII'];
        delete r.Compliance;
        r.GeneratorId = 'macie-1';
        r.FindingProviderFields = {};
      },
      'other',
    ],
  ])('%s', (_name, change, kind) => {
    expect(ok(variant(fsbp, change)).kind).toBe(kind);
  });

  it.each<[string, (r: Raw) => void, string]>([
    ['ProductName', () => {}, 'Security Hub'],
    ['ProductFields aws/securityhub/ProductName', (r) => delete r.ProductName, 'Security Hub'],
    [
      'the ProductArn',
      (r) => {
        delete r.ProductName;
        delete r.ProductFields;
        r.ProductArn = 'arn:aws:securityhub:us-east-1::product/aws/inspector';
      },
      'inspector',
    ],
  ])('product from %s', (_name, change, product) => {
    expect(ok(variant(fsbp, change)).product).toBe(product);
  });

  it.each<[string, (r: Raw) => void, string | undefined]>([
    ['Compliance.SecurityControlId', () => {}, 'CloudTrail.2'],
    ['ProductFields.ControlId', (r) => delete r.Compliance.SecurityControlId, 'CloudTrail.2'],
    [
      'a standards GeneratorId',
      (r) => {
        delete r.Compliance.SecurityControlId;
        delete r.ProductFields.ControlId;
      },
      'CloudTrail.2',
    ],
    [
      'a CIS rule GeneratorId',
      (r) => {
        delete r.Compliance.SecurityControlId;
        delete r.ProductFields.ControlId;
        r.GeneratorId = 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.10';
      },
      '1.10',
    ],
    [
      'a security-control GeneratorId',
      (r) => {
        delete r.Compliance.SecurityControlId;
        delete r.ProductFields;
        r.GeneratorId = 'security-control/S3.8';
      },
      'S3.8',
    ],
  ])('control id from %s', (_name, change, controlId) => {
    expect(ok(variant(fsbp, change)).controlId).toBe(controlId);
  });
});

describe('normalizeAsff: vulnerabilities', () => {
  it('finds a CVE in the title when no vulnerability lists one', () => {
    const f = ok(variant(fsbp, (r) => (r.Title = 'cve-2023-4863 and CVE-2021-44228 in libwebp')));
    expect(f.cves).toEqual(['CVE-2021-44228', 'CVE-2023-4863']);
  });

  it('reads EPSS-era Inspector fields: exploit, fix, related CVEs, GHSA', () => {
    const f = ok(
      variant(inspector, (r) => {
        Object.assign(r.Vulnerabilities[0], {
          EpssScore: 0.97,
          ExploitAvailable: 'YES',
          LastKnownExploitAt: '2024-01-02T00:00:00Z',
          FixAvailable: 'PARTIAL',
          RelatedVulnerabilities: ['cve-2021-45046', 'ALAS-2022-1'],
        });
        r.Vulnerabilities.push({ Id: 'GHSA-jfh8-c2jp-5v3q', Cvss: [{ Version: '2.0', BaseScore: 10, BaseVector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' }] });
      }),
    );
    expect(f).toMatchObject({ knownExploited: true, exploitAvailable: true, fixAvailable: true, ghsa: 'GHSA-jfh8-c2jp-5v3q', cves: ['CVE-2021-44228', 'CVE-2021-45046'] });
    expect(f.cvss?.version).toBe('3.1'); // a v2 10.0 does not beat v3.1
    expect(f.epss).toBeUndefined(); // EpssScore has no percentile: see the report on Finding.epss
  });

  it.each<[string, unknown[], Finding['cvss']]>([
    [
      'v4 beats v3.1',
      [
        { Version: '3.1', BaseScore: 9.8, BaseVector: 'CVSS:3.1/AV:N' },
        { Version: '4.0', BaseScore: 8.1, BaseVector: 'CVSS:4.0/AV:N' },
      ],
      { score: 8.1, version: '4.0', vector: 'CVSS:4.0/AV:N' },
    ],
    [
      'score 0 without vector is not scored',
      [
        { Version: '3.1', BaseScore: 0 },
        { Version: '2.0', BaseScore: 5, BaseVector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' },
      ],
      { score: 5, version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' },
    ],
    ['only a zero → absent', [{ Version: '3.1', BaseScore: 0 }], undefined],
    ['version from the vector', [{ BaseScore: 7.5, BaseVector: 'CVSS:3.0/AV:N' }], { score: 7.5, version: '3.0', vector: 'CVSS:3.0/AV:N' }],
  ])('CVSS: %s', (_name, cvss, expected) => {
    expect(ok(variant(inspector, (r) => (r.Vulnerabilities[0].Cvss = cvss))).cvss).toEqual(expected);
  });

  it('FixAvailable NO → false', () => {
    expect(ok(variant(inspector, (r) => (r.Vulnerabilities[0].FixAvailable = 'NO'))).fixAvailable).toBe(false);
  });
});

describe('normalizeAsff: rejects', () => {
  it.each<[string, unknown, string, string | undefined]>([
    ['no Id', variant(fsbp, (r) => delete r.Id), 'missing Id', undefined],
    ['empty Resources', variant(fsbp, (r) => (r.Resources = [])), 'Resources must be a non-empty array', fsbp.Id],
    ['Resources not an array', variant(fsbp, (r) => (r.Resources = {})), 'Resources must be a non-empty array', fsbp.Id],
    ['no Resources', variant(fsbp, (r) => delete r.Resources), 'missing Resources', fsbp.Id],
    ['a resource without Type', variant(fsbp, (r) => delete r.Resources[0].Type), 'missing Resources[0].Type', fsbp.Id],
    ['no account', variant(fsbp, (r) => delete r.AwsAccountId), 'missing AwsAccountId', fsbp.Id],
    ['a bad UpdatedAt', variant(fsbp, (r) => (r.UpdatedAt = 'yesterday')), 'UpdatedAt is not a timestamp: "yesterday"', fsbp.Id],
    ['an account of 5 digits', variant(fsbp, (r) => (r.AwsAccountId = '12345')), 'AwsAccountId is not an AWS account id (12 digits): "12345"', fsbp.Id],
    ['an account with a newline', variant(fsbp, (r) => (r.AwsAccountId = '111122223333\n')), 'AwsAccountId is not an AWS account id (12 digits): "111122223333\\n"', fsbp.Id],
    [
      'an account of 12 other characters',
      variant(fsbp, (r) => (r.AwsAccountId = '１１１１２２２２３３３３')),
      'AwsAccountId is not an AWS account id (12 digits): "１１１１２２２２３３３３"',
      fsbp.Id,
    ],
    [
      'a long account is quoted in part',
      variant(fsbp, (r) => (r.AwsAccountId = 'x'.repeat(500))),
      `AwsAccountId is not an AWS account id (12 digits): "${'x'.repeat(40)}"…`,
      fsbp.Id,
    ],
    [
      'no CreatedAt nor FirstObservedAt',
      variant(fsbp, (r) => {
        delete r.CreatedAt;
        delete r.FirstObservedAt;
      }),
      'missing CreatedAt',
      fsbp.Id,
    ],
    [
      'a Severity nothing can read (not "informational": unread)',
      variant(fsbp, (r) => {
        r.Severity = { Label: 'BOGUS' };
        delete r.FindingProviderFields;
      }),
      'Severity: expected a Label of INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL (or Normalized 0–100); got {"Label":"BOGUS"}',
      fsbp.Id,
    ],
    ['a blank Id (two of them would be one finding)', variant(fsbp, (r) => (r.Id = '  ')), 'Id is blank (only spaces)', '  '],
    ['not an object', 'text', 'record is not an object', undefined],
    ['null', null, 'record is not an object', undefined],
  ])('%s', (_name, raw, reason, nativeId) => {
    const { claims: _claims, ...r } = normalizeAsff(raw) as { claims?: unknown };
    expect(r).toEqual(nativeId ? { ok: false, reason, nativeId } : { ok: false, reason });
  });

  it('a rejection says what the record is about, as far as it reads: its account and resources', () => {
    const r = normalizeAsff(variant(fsbp, (x) => (x.UpdatedAt = 'yesterday')));
    expect(r).toMatchObject({ ok: false, claims: { account: fsbp.AwsAccountId, resources: fsbp.Resources.map((x: { Id: string }) => x.Id) } });
    expect(normalizeAsff('text')).not.toHaveProperty('claims');
  });

  it('tolerates optional fields of the wrong type', () => {
    const f = ok(
      variant(fsbp, (r) => {
        r.Severity = 'HIGH';
        r.Workflow = 5;
        r.Types = 'x';
        r.ProductFields = null;
      }),
    );
    expect(f).toMatchObject({ severity: 'medium', status: 'open', controlId: 'CloudTrail.2' });
  });

  it('normalizes a mixed batch: good records pass, bad ones get reasons', () => {
    const batch = [fsbp, variant(fsbp, (r) => delete r.Title), inspector, {}, config];
    const results = batch.map(normalizeAsff);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true]);
    expect(results.flatMap((r) => (r.ok ? [] : [r.reason]))).toEqual(['missing Title', 'missing Id; missing AwsAccountId; missing Title (and 2 more)']);
  });
});
