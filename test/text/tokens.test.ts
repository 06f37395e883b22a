import { describe, expect, it } from 'vitest';
import { scrubTokens } from '../../src/text/tokens.js';

describe('scrubTokens', () => {
  it.each([
    ['a classic GitHub token in a title', 'leaked ghp_abcdefghijklmnopqrstuvwxyz0123456789 in repo', 'leaked *** in repo'],
    ['a fine-grained one', 'x github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456 y', 'x *** y'],
    ['an app token', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a', '***'],
    ['a Slack token', 'webhook xoxb-1234567890-abcdefghij', 'webhook ***'],
    ['an AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', 'key *** used'],
    ['a password in a URL', 'https://ghp_x:secret@github.com/acme/app/security/dependabot/3', 'https://***@github.com/acme/app/security/dependabot/3'],
    ['a token in a URL query', 'GET https://ghe.example/api/v3/repos?token=abc123&per_page=100 failed', 'GET https://ghe.example/api/v3/repos?token=***&per_page=100 failed'],
    ['an access_token and a password', 'http://h/x?a=1&access_token=AbC.d-e&password=p%40ss#frag', 'http://h/x?a=1&access_token=***&password=***#frag'],
    [
      'a presigned S3 URL',
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=AK%2F2026&X-Amz-Security-Token=IQo&X-Amz-Signature=9f3e',
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Security-Token=***&X-Amz-Signature=***',
    ],
    ['a PEM private key', 'a -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- b', 'a *** b'],
  ])('%s', (_name, text, expected) => {
    expect(scrubTokens(text)).toBe(expected);
  });

  it('leaves ordinary text alone, the same string when there is nothing to redact', () => {
    const text = 'CVE-2021-44228 - log4j-core in https://github.com/acme/app/pom.xml (ASIAN market, task_id) ?region=eu-west-1&monkey=3 #/findings?search=Id%3D';
    expect(scrubTokens(text)).toBe(text);
    expect(scrubTokens('ghp_short')).toBe('ghp_short');
  });
});
