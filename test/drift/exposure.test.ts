import { describe, expect, it } from 'vitest';
import { EXPOSURE_CONTROLS, exposureEvidence } from '../../src/drift/exposure.js';
import { makeFinding } from '../builders.js';

/** The documented list of "evidence says internet" patterns (src/drift/exposure.ts), row by row. */

const guardDuty = (type: string, extra: Record<string, unknown> = {}) => ({ Types: [`TTPs/Discovery/${type.replace('/', '-')}`], ...extra });

describe('exposure contradicted by evidence: the pattern list', () => {
  it.each(Object.keys(EXPOSURE_CONTROLS))('control %s FAILED is evidence of internet reach', (controlId) => {
    const f = makeFinding({ source: 'securityhub', controlId, compliance: 'failed', status: 'open' });
    expect(exposureEvidence(f, {})?.id).toBe(controlId);
  });

  it.each([
    ['S3.2 passed', { controlId: 'S3.2', compliance: 'passed' as const, status: 'open' as const }],
    ['S3.2 resolved', { controlId: 'S3.2', compliance: 'failed' as const, status: 'resolved' as const }],
    ['an unrelated control', { controlId: 'CloudTrail.2', compliance: 'failed' as const, status: 'open' as const }],
  ])('%s is not', (_name, seed) => {
    expect(exposureEvidence(makeFinding({ source: 'securityhub', ...seed }), {})).toBeUndefined();
  });

  it.each([
    ['Recon:EC2/PortProbeUnprotectedPort', {}, true],
    ['Recon:EC2/PortProbeEMRUnprotectedPort', {}, true],
    ['UnauthorizedAccess:EC2/SSHBruteForce', { ProductFields: { 'aws/guardduty/service/resourceRole': 'TARGET' } }, true],
    ['UnauthorizedAccess:EC2/RDPBruteForce', { Network: { Direction: 'IN' } }, true],
    // As the actor the instance attacks others: that says nothing about its own reachability.
    ['UnauthorizedAccess:EC2/SSHBruteForce', { ProductFields: { 'aws/guardduty/service/resourceRole': 'ACTOR' } }, false],
    ['Backdoor:EC2/C&CActivity.B!DNS', {}, false],
  ])('GuardDuty %s %j → %s', (type, extra, expected) => {
    const f = makeFinding({ source: 'securityhub', kind: 'threat', status: 'open', product: 'GuardDuty' });
    expect(exposureEvidence(f, guardDuty(type, extra)) !== undefined).toBe(expected);
  });

  it('reads OCSF finding_info.types as well', () => {
    const f = makeFinding({ source: 'securityhub', kind: 'threat', status: 'open' });
    expect(exposureEvidence(f, { finding_info: { types: ['Recon:EC2/PortProbeUnprotectedPort'] } })?.id).toBe('Recon:EC2/PortProbeUnprotectedPort');
  });

  it('Dependabot alerts are never exposure evidence', () => {
    expect(exposureEvidence(makeFinding({ source: 'dependabot', controlId: 'S3.2', status: 'open' }), {})).toBeUndefined();
  });
});
