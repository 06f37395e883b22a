import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/inventory/did-you-mean.js';
import { compileGlob, globProblems, type GlobKind } from '../../src/config/glob.js';

const ECS = 'arn:aws:ecs:ap-northeast-1:111122223333:service/payments/api';

describe('compileGlob', () => {
  it.each<[GlobKind, string, string, boolean]>([
    ['arn', 'arn:aws:ecs:*:111122223333:service/payments/*', ECS, true],
    ['arn', 'arn:aws:ecs:*:111122223333:service/payments/*', `${ECS}/extra`, false],
    ['arn', 'arn:aws:ecs:*:111122223333:service/payments/**', `${ECS}/extra`, true],
    ['arn', 'arn:aws:ecs:*:111122223333:service/*', ECS, false],
    ['arn', 'arn:aws:ecs:*:*:service/payments/api', ECS, true],
    // `*` is one header field: it cannot swallow the account
    ['arn', 'arn:aws:ecs:*:service/payments/api', ECS, false],
    ['arn', 'arn:aws:ecs:ap-*-1:111122223333:service/payments/a?i', ECS, true],
    ['arn', 'arn:aws:ecs:*:{111122223333,444455556666}:service/payments/*', ECS, true],
    ['arn', 'arn:aws:ecs:*:111122223333:service/payments/[a-c]pi', ECS, true],
    ['arn', 'arn:aws:ecs:*:111122223333:service/payments/[!a]pi', ECS, false],
    ['arn', 'arn:aws:lambda:*:111122223333:function:pay*', 'arn:aws:lambda:us-east-1:111122223333:function:pay-api:live', true],
    ['arn', 'arn:aws:ECS:*:111122223333:service/payments/*', ECS, false], // ARNs are case-sensitive
    ['arn', 'arn:aws:s3:::bucket.with.dots', 'arn:aws:s3:::bucketXwithXdots', false],
    ['arn', 'arn:aws:s3:::logs-\\*', 'arn:aws:s3:::logs-*', true],
    ['arn', 'arn:aws:s3:::logs-\\*', 'arn:aws:s3:::logs-x', false],
    ['repo', 'acme/payments-*', 'acme/payments-api', true],
    ['repo', 'acme/payments-*', 'ACME/Payments-API', true],
    ['repo', 'acme/*', 'acme/a/b', false],
    ['repo', '*/payments', 'other/payments', true],
    ['type', 'AwsEcs*', 'awsecsservice', true],
    ['type', 'AwsEcsService', 'AWSECSSERVICE', true],
    ['tag', 'team-*', 'team-a/b', true],
    ['tag', 'Prod', 'prod', false],
  ])('%s glob %s on %s → %s', (kind, pattern, value, expected) => {
    expect(compileGlob(pattern, kind).test(value)).toBe(expected);
  });

  it('counts literal characters and finds the literal prefix', () => {
    const g = compileGlob('arn:aws:ecs:*:111122223333:service/payments/*', 'arn');
    expect(g).toMatchObject({ literal: false, literalPrefix: 'arn:aws:ecs:', literalChars: 43 });
    expect(compileGlob('acme/api', 'repo')).toMatchObject({ literal: true, literalPrefix: 'acme/api', literalChars: 8 });
  });
});

describe('globProblems', () => {
  it.each<[GlobKind, string, string[]]>([
    ['arn', 'arn:aws:ecs:*:111122223333:service/payments/*', []],
    ['arn', 'arn:aws:s3:::my-bucket/*', []],
    ['arn', 'AWS::::Account:111122223333', []],
    ['arn', 'arn:aws:ecs:*:111122223333:service/[payments', ['unclosed [ (write \\[ for a literal bracket)']],
    ['arn', 'arn:aws:ecs:*:111122223333:service/payments]', ['unmatched ] (write \\] for a literal bracket)']],
    ['arn', 'arn:aws:ecs:*:111122223333:service/{a,b', ['unclosed { (write \\{ for a literal brace)']],
    ['arn', 'arn:aws:ecs:*:111122223333:service/a}', ['unmatched } (write \\} for a literal brace)']],
    ['arn', 'arn:aws:ecs:*:111122223333:service/{a,}', ['empty alternative in {…}']],
    ['arn', 'arn:aws:ecs:*:111122223333:service/[]', ['empty character class []']],
    ['arn', 'arn:aws:s3:::bucket//key', ['has an empty segment (//)']],
    ['arn', 'arn:aws:ecs:*:11112222333:service/x', ['account "11112222333" in the ARN is not 12 digits']],
    ['arn', 'arn:aws:ecs:*', ['an ARN has six parts: arn:partition:service:region:account:resource']],
    ['arn', 'arn::ecs:*:111122223333:x', ['empty partition in the ARN (use aws, or * for any)']],
    ['arn', 'arn:aws::*:111122223333:x', ['empty service in the ARN (e.g. ecs, or * for any)']],
    ['arn', 'arn:aws:ecs:*:111122223333:', ['empty resource part in the ARN']],
    ['arn', ' arn:aws:s3:::b', ['has leading or trailing spaces']],
    ['arn', 'arn:aws:s3:::b\\', ['ends with a lone \\']],
    ['repo', 'acme/payments-*', []],
    ['repo', 'acme/{api,web}', []],
    ['repo', 'acme', ['a repository is written owner/name (e.g. acme/payments-*)']],
    ['repo', 'acme/a/b', ['a repository is written owner/name (e.g. acme/payments-*)']],
    ['repo', '/api', ['a repository is written owner/name (e.g. acme/payments-*)']],
    ['repo', 'acme/**', ['** has no meaning in owner/name; use *']],
    ['repo', 'acme/pay ments', ['a repository name has only letters, digits, ".", "_" and "-"']],
    ['type', 'AwsEcs{Service,Cluster', ['unclosed { (write \\{ for a literal brace)']],
    // What the regular expression engine would refuse at the first match is a problem here (it was exit 70 after collecting).
    ['repo', 'acme/[z-a]', ['range z-a in [z-a] is out of order (lowest first, e.g. [a-z])']],
    ['arn', 'arn:aws:s3:::b-[a-c9-0]', ['range 9-0 in [a-c9-0] is out of order (lowest first, e.g. [a-z])']],
    ['arn', 'arn:aws:s3:::b-[a-c-e]', []],
    ['arn', 'arn:aws:s3:::b-[-a]', []],
    ['arn', 'arn:aws:s3:::b-[\u{1F600}-\u{1F602}]', [expect.stringMatching(/^cannot be compiled \(Invalid regular expression: .*Range out of order/)]],
  ])('%s %s', (kind, pattern, expected) => {
    expect(globProblems(pattern, kind)).toEqual(expected);
  });
});

describe('didYouMean', () => {
  it.each([
    ['critcality', ['criticality', 'exposure'], 'criticality'],
    ['Criticality', ['criticality'], 'criticality'],
    ['exposre', ['criticality', 'exposure'], 'exposure'],
    ['colour', ['repos'], undefined],
    ['os', ['id'], undefined],
    ['ownr', ['owner', 'name'], 'owner'],
  ])('%s → %s', (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });

  it('counts a swap as one edit', () => {
    expect(editDistance('exopsure', 'exposure')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
