/**
 * The synthetic company behind a scale data set: K assets, the AWS resources and repositories
 * each one's selectors claim, and a pool of resources and repositories no asset claims (the
 * inventory gaps). Built once per run from the seed; small (a few resources per asset).
 */
import { Rand, mix } from './prng.js';

type Criticality = 'critical' | 'high' | 'medium' | 'low';
type Exposure = 'internet' | 'internal' | 'isolated';
/** How an asset's AWS side is declared: ARN globs, tags, exact ARNs + tags, or an account alone. */
type Variant = 'globs' | 'tags' | 'exact' | 'account';

export interface Resource {
  type: 'AwsEcrContainerImage' | 'AwsEc2Instance' | 'AwsLambdaFunction' | 'AwsEcsService' | 'AwsS3Bucket' | 'AwsEc2SecurityGroup';
  arn: string;
  account: string;
  region: string;
  tags?: Record<string, string>;
  /** ECR images: repository name and digest. */
  repoName?: string;
  digest?: string;
}

interface WorldAsset {
  id: string;
  owner: string;
  criticality: Criticality;
  exposure: Exposure;
  variant: Variant;
  account: string;
  region: string;
  resources: Resource[];
  /** `owner/name` of the repositories it claims (exact names); empty when it has no github selector. */
  repos: string[];
  /** The selectors as written to assets.yaml. */
  aws: { accounts: string[]; resources?: string[]; tags?: Record<string, string> };
  githubGlobs: string[];
}

export interface World {
  assets: WorldAsset[];
  /** Resources no asset claims (unknown accounts, untagged resources). */
  orphanResources: Resource[];
  orphanRepos: string[];
  teams: number;
}

export const ORG = 'acme';
const REGIONS = ['ap-northeast-1', 'us-east-1', 'eu-west-1'] as const;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const accountId = (base: number, i: number) => String(base + i * 7919).padStart(12, '0');

export function buildWorld(seed: number, k: number): World {
  const rng = new Rand(mix(seed, 0x3a55e7));
  const nAccounts = Math.max(2, Math.ceil(k / 25));
  const teams = Math.max(1, Math.ceil(k / 40));
  const width = Math.max(5, String(k).length);
  const assets: WorldAsset[] = [];
  let accountOnly = 0;
  for (let a = 0; a < k; a++) {
    const id = `svc-${pad(a, width)}`;
    const variant: Variant = a % 10 === 9 ? 'account' : a % 10 < 4 ? 'globs' : a % 10 < 8 ? 'tags' : 'exact';
    const account = variant === 'account' ? accountId(300000000000, accountOnly++) : accountId(200000000000, a % nAccounts);
    const region = REGIONS[a % REGIONS.length]!;
    const asset: WorldAsset = {
      id,
      owner: `team-${pad(a % teams, 3)}`,
      criticality: rng.weighted<Criticality>([
        ['critical', 10],
        ['high', 25],
        ['medium', 40],
        ['low', 25],
      ]),
      exposure: rng.weighted<Exposure>([
        ['internet', 30],
        ['internal', 55],
        ['isolated', 15],
      ]),
      variant,
      account,
      region,
      resources: [],
      repos: [],
      aws: { accounts: [account] },
      githubGlobs: [],
    };
    fillAws(asset, rng);
    if (a % 5 !== 4) {
      asset.repos = [`${ORG}/${id}`, `${ORG}/${id}-web`, `${ORG}/${id}-infra`].slice(0, 1 + (a % 3));
      asset.githubGlobs = a % 2 === 0 ? [`${ORG}/${id}`, `${ORG}/${id}-*`] : asset.repos;
    }
    assets.push(asset);
  }
  const orphanResources: Resource[] = [];
  for (let i = 0; i < Math.max(8, Math.ceil(k / 10)); i++) {
    const region = REGIONS[i % REGIONS.length]!;
    // Half in accounts nobody declared, half untagged in declared accounts (claimed by no selector).
    const account = i % 2 === 0 ? accountId(900000000000, i) : accountId(200000000000, i % nAccounts);
    orphanResources.push(ec2(account, region, rng, undefined));
  }
  const orphanRepos = Array.from({ length: Math.max(4, Math.ceil(k / 20)) }, (_, i) => `${ORG}/legacy-${pad(i, 4)}`);
  return { assets, orphanResources, orphanRepos, teams };
}

function ec2(account: string, region: string, rng: Rand, tags: Record<string, string> | undefined): Resource {
  return { type: 'AwsEc2Instance', arn: `arn:aws:ec2:${region}:${account}:instance/i-0${rng.hex(16)}`, account, region, ...(tags ? { tags } : {}) };
}

function fillAws(a: WorldAsset, rng: Rand): void {
  const { id, account, region } = a;
  const env = rng.pick(['production', 'staging']);
  const tags = { Service: id, Environment: env, Team: a.owner };
  const image = (sub: string): Resource => ({
    type: 'AwsEcrContainerImage',
    arn: `arn:aws:ecr:${region}:${account}:repository/${id}/${sub}/sha256:${rng.hex(64)}`,
    account,
    region,
    repoName: `${id}/${sub}`,
    ...(a.variant === 'globs' ? {} : { tags }),
  });
  const lambda: Resource = { type: 'AwsLambdaFunction', arn: `arn:aws:lambda:${region}:${account}:function:${id}-worker`, account, region };
  const ecs: Resource = { type: 'AwsEcsService', arn: `arn:aws:ecs:${region}:${account}:service/${id}/api`, account, region };
  const bucket: Resource = { type: 'AwsS3Bucket', arn: `arn:aws:s3:::${id}-data-${rng.hex(6)}`, account, region, tags };
  const sg: Resource = { type: 'AwsEc2SecurityGroup', arn: `arn:aws:ec2:${region}:${account}:security-group/sg-0${rng.hex(16)}`, account, region, tags };
  switch (a.variant) {
    case 'globs':
      a.resources = [image('api'), image('worker'), lambda, ecs, { type: bucket.type, arn: bucket.arn, account, region }];
      a.aws.resources = [
        `arn:aws:ecr:*:${account}:repository/${id}/**`,
        `arn:aws:lambda:*:${account}:function:${id}-*`,
        `arn:aws:ecs:*:${account}:service/${id}/*`,
        `arn:aws:s3:::${id}-data-*`,
      ];
      break;
    case 'tags':
      a.resources = [image('api'), ec2(account, region, rng, tags), ec2(account, region, rng, tags), sg, bucket];
      a.aws.resources = [`arn:aws:ecr:*:${account}:repository/${id}/**`];
      a.aws.tags = { Service: id };
      break;
    case 'exact': {
      const web = ec2(account, region, rng, tags);
      a.resources = [image('api'), web, ec2(account, region, rng, tags), lambda, sg];
      a.aws.resources = [web.arn, lambda.arn, `arn:aws:ecr:*:${account}:repository/${id}/**`];
      a.aws.tags = { Service: id, Environment: env };
      break;
    }
    case 'account':
      a.resources = [image('api'), ec2(account, region, rng, undefined), ec2(account, region, rng, undefined), lambda, bucket];
      break;
  }
  for (const r of a.resources) if (r.type === 'AwsEcrContainerImage') r.digest = r.arn.slice(r.arn.lastIndexOf('/') + 1);
}
