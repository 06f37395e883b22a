/**
 * The fictional "acme" estate behind the bundled example. It mirrors the root assets.yaml: every
 * resource and repository here says which asset its selectors should map it to (null = nobody
 * declared it, 'ambiguous' = two assets claim it equally). Keep the two files in step.
 */
import { hash32, Rng } from './prng.js';

export const ORG = 'acme';

export const ACCOUNTS = {
  prod: '111122223333',
  shared: '444455556666',
  data: '777788889999',
  /** Not in assets.yaml: a forgotten legacy account whose findings are unmapped. */
  legacy: '999900001111',
} as const;

export const APNE1 = 'ap-northeast-1';
const USE1 = 'us-east-1';

export type Platform = 'al2' | 'al2023' | 'debian12' | 'ubuntu2204' | 'alpine318';
/** Inspector's PackageManager for the language packages found in this resource. */
export type LangManager = 'JAR' | 'NPM' | 'NODEPKG' | 'PYTHONPKG' | 'GOBINARY';

interface InspectorProfile {
  platform?: Platform;
  /** OS CVEs that may be found. */
  os: string[];
  /** Language vulnerabilities that may be found: [package, CVE]. */
  lang: [string, string][];
  manager?: LangManager;
  /** How many findings to draw (forced ones come on top when not drawn). */
  count: number;
  /** Always present and open (cross-source pairs, exceptions). */
  force?: [string, string][];
  /** A superseded image: most of its findings are closed. */
  stale?: boolean;
  /** Binary or install root, for FilePath. */
  root?: string;
}

export interface AwsResource {
  key: string;
  /** The asset assets.yaml should map it to; null: unmapped; 'ambiguous': two assets tie. */
  asset: string | null;
  account: string;
  region: string;
  type: string;
  arn: string;
  tags: Record<string, string>;
  details?: Record<string, unknown>;
  /** Control ids evaluated on it (defaults to every control for its type). */
  controls?: string[];
  inspector?: InspectorProfile;
  /** Display name used in GuardDuty titles. */
  name: string;
}

function ids(key: string): Rng {
  return new Rng(hash32(`resource:${key}`));
}

const PLATFORM_LABEL: Record<Platform, string> = {
  al2: 'AMAZON_LINUX_2',
  al2023: 'AMAZON_LINUX_2023',
  debian12: 'DEBIAN_12',
  ubuntu2204: 'UBUNTU_22_04',
  alpine318: 'ALPINE_LINUX_3_18',
};
export function platformLabel(p: Platform): string {
  return PLATFORM_LABEL[p];
}

function ecrImage(key: string, asset: string | null, account: string, region: string, repo: string, tag: string, pushedDaysAgo: number, inspector: InspectorProfile): AwsResource {
  const r = ids(key);
  const digest = `sha256:${r.hex(64)}`;
  return {
    key,
    asset,
    account,
    region,
    type: 'AwsEcrContainerImage',
    arn: `arn:aws:ecr:${region}:${account}:repository/${repo}/${digest}`,
    tags: {},
    name: `${repo}:${tag}`,
    controls: [],
    details: {
      AwsEcrContainerImage: {
        RegistryId: account,
        RepositoryName: repo,
        Architecture: 'amd64',
        ImageDigest: digest,
        ImageTags: [tag],
        ImagePublishedAt: `@${pushedDaysAgo}`,
      },
    },
    inspector,
  };
}

function ec2(
  key: string,
  asset: string | null,
  account: string,
  region: string,
  name: string,
  tags: Record<string, string>,
  instanceType: string,
  inspector: InspectorProfile,
  publicIp = false,
): AwsResource {
  const r = ids(key);
  const id = `i-0${r.hex(16)}`;
  const ip = `10.${r.int(0, 40)}.${r.int(0, 255)}.${r.int(4, 250)}`;
  return {
    key,
    asset,
    account,
    region,
    type: 'AwsEc2Instance',
    arn: `arn:aws:ec2:${region}:${account}:instance/${id}`,
    tags: { Name: name, ...tags },
    name: id,
    details: {
      AwsEc2Instance: {
        Type: instanceType,
        ImageId: `ami-0${r.hex(16)}`,
        IpV4Addresses: publicIp ? [ip, `203.0.113.${r.int(10, 250)}`] : [ip],
        IamInstanceProfileArn: `arn:aws:iam::${account}:instance-profile/${name.replace(/-\d+$/, '')}-profile`,
        VpcId: `vpc-0${r.hex(16)}`,
        SubnetId: `subnet-0${r.hex(16)}`,
        LaunchedAt: '@launch',
        MetadataOptions: { HttpTokens: r.chance(0.5) ? 'required' : 'optional', HttpEndpoint: 'enabled' },
      },
    },
    inspector,
  };
}

function lambda(
  key: string,
  asset: string | null,
  account: string,
  region: string,
  fn: string,
  runtime: string,
  tags: Record<string, string>,
  inspector: InspectorProfile,
): AwsResource {
  const r = ids(key);
  return {
    key,
    asset,
    account,
    region,
    type: 'AwsLambdaFunction',
    arn: `arn:aws:lambda:${region}:${account}:function:${fn}`,
    tags,
    name: fn,
    details: {
      AwsLambdaFunction: {
        FunctionName: fn,
        Runtime: runtime,
        Version: '$LATEST',
        CodeSha256: Buffer.from(r.hex(64), 'hex').toString('base64'),
        Handler: runtime.startsWith('python') ? 'app.handler' : 'index.handler',
        MemorySize: 512,
        Timeout: 30,
        Role: `arn:aws:iam::${account}:role/${fn}-role`,
        PackageType: 'Zip',
        Architectures: ['arm64'],
      },
    },
    inspector,
  };
}

function plain(
  key: string,
  asset: string | null,
  account: string,
  region: string,
  type: string,
  arn: string,
  name: string,
  tags: Record<string, string> = {},
  details?: Record<string, unknown>,
  controls?: string[],
): AwsResource {
  const res: AwsResource = { key, asset, account, region, type, arn, tags, name };
  if (details) res.details = details;
  if (controls) res.controls = controls;
  return res;
}

function s3(key: string, asset: string | null, account: string, region: string, bucket: string, tags: Record<string, string> = {}): AwsResource {
  return plain(key, asset, account, region, 'AwsS3Bucket', `arn:aws:s3:::${bucket}`, bucket, tags, {
    AwsS3Bucket: { OwnerId: ids(key).hex(64), CreatedAt: '@created' },
  });
}

function sg(key: string, asset: string | null, account: string, region: string, groupName: string, tags: Record<string, string> = {}): AwsResource {
  const r = ids(key);
  const id = `sg-0${r.hex(16)}`;
  return plain(key, asset, account, region, 'AwsEc2SecurityGroup', `arn:aws:ec2:${region}:${account}:security-group/${id}`, id, tags, {
    AwsEc2SecurityGroup: { GroupName: groupName, GroupId: id, OwnerId: account, VpcId: `vpc-0${r.hex(16)}` },
  });
}

function ecs(key: string, asset: string | null, account: string, region: string, cluster: string, service: string, tags: Record<string, string>): AwsResource {
  return plain(key, asset, account, region, 'AwsEcsService', `arn:aws:ecs:${region}:${account}:service/${cluster}/${service}`, service, tags, {
    AwsEcsService: { Cluster: `arn:aws:ecs:${region}:${account}:cluster/${cluster}`, ServiceName: service, LaunchType: 'FARGATE', DesiredCount: 3 },
  });
}

function account(key: string, acct: string, region: string, asset: string | null): AwsResource {
  return plain(key, asset, acct, region, 'AwsAccount', `AWS::::Account:${acct}`, acct, {}, undefined, ['IAM.6', 'IAM.4', 'CloudTrail.1', 'GuardDuty.1']);
}

const P = ACCOUNTS.prod;
const S = ACCOUNTS.shared;
const D = ACCOUNTS.data;
const L = ACCOUNTS.legacy;

const UBUNTU_OS = [
  'CVE-2023-0286',
  'CVE-2024-5535',
  'CVE-2022-37434',
  'CVE-2023-29491',
  'CVE-2024-37371',
  'CVE-2023-7008',
  'CVE-2024-0553',
  'CVE-2023-38545',
  'CVE-2023-31484',
  'CVE-2022-48303',
];
const DEBIAN_OS = ['CVE-2023-4863', 'CVE-2024-5535', 'CVE-2022-37434', 'CVE-2023-4911', 'CVE-2023-7008', 'CVE-2023-38545', 'CVE-2022-40674', 'CVE-2024-25062', 'CVE-2023-24329'];
const ALPINE_OS = ['CVE-2022-48174', 'CVE-2023-0286', 'CVE-2022-37434', 'CVE-2024-25062', 'CVE-2022-40674', 'CVE-2023-38545', 'CVE-2023-4863'];
const AL2_OS = [
  'CVE-2021-4034',
  'CVE-2021-3156',
  'CVE-2022-0847',
  'CVE-2023-4911',
  'CVE-2023-0286',
  'CVE-2023-38545',
  'CVE-2023-24329',
  'CVE-2023-31484',
  'CVE-2023-29491',
  'CVE-2022-48303',
  'CVE-2024-37371',
];
const AL2023_OS = [
  'CVE-2025-48384',
  'CVE-2021-3156',
  'CVE-2024-1086',
  'CVE-2024-6387',
  'CVE-2023-38545',
  'CVE-2022-48303',
  'CVE-2023-7104',
  'CVE-2024-0553',
  'CVE-2023-4911',
  'CVE-2024-37371',
  'CVE-2023-24329',
];

const PAYMENTS_JAR: [string, string][] = [
  ['org.apache.logging.log4j:log4j-core', 'CVE-2021-44228'],
  ['org.apache.logging.log4j:log4j-core', 'CVE-2021-45046'],
  ['org.yaml:snakeyaml', 'CVE-2022-1471'],
  ['com.fasterxml.jackson.core:jackson-databind', 'CVE-2020-36518'],
  ['org.springframework:spring-web', 'CVE-2016-1000027'],
  ['org.apache.commons:commons-text', 'CVE-2022-42889'],
  ['org.apache.tomcat.embed:tomcat-embed-core', 'CVE-2024-50379'],
  ['ch.qos.logback:logback-classic', 'CVE-2023-6378'],
  ['org.postgresql:postgresql', 'CVE-2024-1597'],
  ['org.bouncycastle:bcprov-jdk18on', 'CVE-2024-29857'],
];
const LEDGER_JAR: [string, string][] = [
  ['org.springframework:spring-beans', 'CVE-2022-22965'],
  ['org.springframework:spring-web', 'CVE-2016-1000027'],
  ['com.fasterxml.jackson.core:jackson-databind', 'CVE-2020-36518'],
  ['org.postgresql:postgresql', 'CVE-2024-1597'],
  ['org.yaml:snakeyaml', 'CVE-2022-1471'],
  ['io.netty:netty-codec-http2', 'CVE-2023-44487'],
  ['com.google.guava:guava', 'CVE-2023-2976'],
  ['ch.qos.logback:logback-classic', 'CVE-2023-6378'],
  ['com.nimbusds:nimbus-jose-jwt', 'CVE-2023-52428'],
];
const CHECKOUT_NPM: [string, string][] = [
  ['path-to-regexp', 'CVE-2024-45296'],
  ['express', 'CVE-2024-29041'],
  ['cookie', 'CVE-2024-47764'],
  ['ws', 'CVE-2024-37890'],
  ['next', 'CVE-2025-29927'],
  ['tough-cookie', 'CVE-2023-26136'],
  ['nanoid', 'CVE-2024-55565'],
  ['axios', 'CVE-2023-45857'],
];
const IDENTITY_GO: [string, string][] = [
  ['google.golang.org/grpc', 'CVE-2023-44487'],
  ['golang.org/x/crypto', 'CVE-2023-48795'],
  ['golang.org/x/crypto', 'CVE-2024-45337'],
  ['golang.org/x/net', 'CVE-2022-41723'],
  ['google.golang.org/protobuf', 'CVE-2024-24786'],
  ['github.com/golang-jwt/jwt/v4', 'CVE-2024-51744'],
];
const MOBILE_PY: [string, string][] = [
  ['requests', 'CVE-2023-32681'],
  ['urllib3', 'CVE-2023-43804'],
  ['jinja2', 'CVE-2024-56201'],
  ['cryptography', 'CVE-2023-50782'],
  ['idna', 'CVE-2024-3651'],
  ['certifi', 'CVE-2023-37920'],
];
const DW_PY: [string, string][] = [
  ['pillow', 'CVE-2023-50447'],
  ['jinja2', 'CVE-2024-22195'],
  ['werkzeug', 'CVE-2024-34069'],
  ['aiohttp', 'CVE-2024-23334'],
  ['cryptography', 'CVE-2023-50782'],
  ['setuptools', 'CVE-2024-6345'],
  ['requests', 'CVE-2023-32681'],
];
const CI_GO: [string, string][] = [
  ['github.com/opencontainers/runc', 'CVE-2024-21626'],
  ['github.com/docker/docker', 'CVE-2024-41110'],
  ['golang.org/x/net', 'CVE-2023-39325'],
  ['github.com/aws/aws-sdk-go', 'CVE-2020-8911'],
];

const payTags = { Service: 'payments', Team: 'payments', Environment: 'production' };
const webTags = { Service: 'checkout', Team: 'web', Environment: 'production' };
const ledgerTags = { Service: 'ledger', Team: 'payments', Environment: 'production' };
const idTags = { Service: 'identity', Team: 'identity', Environment: 'production' };
const adminTags = { Service: 'admin', Team: 'platform', Environment: 'production' };
const mobileTags = { Service: 'mobile-bff', Team: 'web', Environment: 'production' };
const ciTags = { Role: 'ci-runner', Team: 'platform', Environment: 'shared' };
const dwTags = { Service: 'airflow', Team: 'data', Environment: 'production' };
const reconTags = { Service: 'reconciliation', Team: 'payments', Environment: 'production' };

export const RESOURCES: readonly AwsResource[] = [
  // ------------------------------------------------------------ payments-api (critical, internet)
  ecs('payments-api-svc', 'payments-api', P, APNE1, 'payments', 'payments-api', payTags),
  ecs('payments-worker-svc', 'payments-api', P, APNE1, 'payments', 'payments-worker', payTags),
  ecrImage('payments-img', 'payments-api', P, APNE1, 'payments-api', 'v2026.11.3', 20, {
    platform: 'ubuntu2204',
    os: UBUNTU_OS,
    lang: PAYMENTS_JAR,
    manager: 'JAR',
    count: 17,
    root: 'app/lib',
    force: [
      ['org.apache.logging.log4j:log4j-core', 'CVE-2021-44228'],
      ['org.yaml:snakeyaml', 'CVE-2022-1471'],
      ['com.fasterxml.jackson.core:jackson-databind', 'CVE-2020-36518'],
    ],
  }),
  ecrImage('payments-img-prev', 'payments-api', P, APNE1, 'payments-api', 'v2026.10.28', 60, {
    platform: 'ubuntu2204',
    os: UBUNTU_OS,
    lang: PAYMENTS_JAR,
    manager: 'JAR',
    count: 9,
    stale: true,
    root: 'app/lib',
  }),
  ecrImage('payments-img-old', 'payments-api', P, APNE1, 'payments-api', 'v2026.07.14', 150, {
    platform: 'ubuntu2204',
    os: UBUNTU_OS,
    lang: PAYMENTS_JAR,
    manager: 'JAR',
    count: 8,
    stale: true,
    root: 'app/lib',
  }),
  lambda('payments-webhook', 'payments-api', P, APNE1, 'payments-webhook-handler', 'nodejs18.x', payTags, {
    os: [],
    lang: [
      ['axios', 'CVE-2023-45857'],
      ['jsonwebtoken', 'CVE-2022-23540'],
      ['semver', 'CVE-2022-25883'],
      ['ws', 'CVE-2024-37890'],
    ],
    manager: 'NODEPKG',
    count: 4,
    root: '/var/task/node_modules',
  }),

  // ------------------------------------------------------------ checkout-web (high, internet)
  ecs('checkout-svc', 'checkout-web', P, APNE1, 'web', 'checkout-web', webTags),
  ecrImage('checkout-img', 'checkout-web', P, APNE1, 'checkout-web', 'v5.14.0', 12, {
    platform: 'alpine318',
    os: ALPINE_OS,
    lang: CHECKOUT_NPM,
    manager: 'NPM',
    count: 14,
    root: 'app/node_modules',
    force: [['path-to-regexp', 'CVE-2024-45296']],
  }),
  ecrImage('checkout-img-prev', 'checkout-web', P, APNE1, 'checkout-web', 'v5.11.2', 90, {
    platform: 'alpine318',
    os: ALPINE_OS,
    lang: CHECKOUT_NPM,
    manager: 'NPM',
    count: 7,
    stale: true,
    root: 'app/node_modules',
  }),
  s3('checkout-assets', 'checkout-web', P, APNE1, 'acme-checkout-static-assets', webTags),
  plain('checkout-cdn', 'checkout-web', P, USE1, 'AwsCloudFrontDistribution', `arn:aws:cloudfront::${P}:distribution/E1CHKQ7ZP3XK2M`, 'E1CHKQ7ZP3XK2M', webTags, {
    AwsCloudFrontDistribution: { DomainName: 'd1chk7q2zp3xk2.cloudfront.net', Status: 'Deployed' },
  }),

  // ------------------------------------------------------------ ledger-service (critical, internal)
  ecs('ledger-svc', 'ledger-service', P, APNE1, 'ledger', 'ledger-service', ledgerTags),
  ecrImage('ledger-img', 'ledger-service', P, APNE1, 'ledger-service', 'v3.8.1', 30, {
    platform: 'ubuntu2204',
    os: UBUNTU_OS,
    lang: LEDGER_JAR,
    manager: 'JAR',
    count: 14,
    root: 'app/lib',
    force: [['org.springframework:spring-beans', 'CVE-2022-22965']],
  }),
  ecrImage('ledger-img-prev', 'ledger-service', P, APNE1, 'ledger-service', 'v3.7.4', 110, {
    platform: 'ubuntu2204',
    os: UBUNTU_OS,
    lang: LEDGER_JAR,
    manager: 'JAR',
    count: 7,
    stale: true,
    root: 'app/lib',
  }),
  plain('ledger-db-primary', 'ledger-service', P, APNE1, 'AwsRdsDbInstance', `arn:aws:rds:${APNE1}:${P}:db:ledger-primary`, 'ledger-primary', ledgerTags, {
    AwsRdsDbInstance: { DBInstanceIdentifier: 'ledger-primary', Engine: 'postgres', EngineVersion: '15.8', StorageEncrypted: true, PubliclyAccessible: false },
  }),
  plain('ledger-db-archive', 'ledger-service', P, APNE1, 'AwsRdsDbInstance', `arn:aws:rds:${APNE1}:${P}:db:ledger-archive`, 'ledger-archive', ledgerTags, {
    AwsRdsDbInstance: { DBInstanceIdentifier: 'ledger-archive', Engine: 'postgres', EngineVersion: '12.19', StorageEncrypted: false, PubliclyAccessible: false },
  }),

  // ------------------------------------------------------------ identity-service (critical, internet)
  ecs('identity-svc', 'identity-service', P, APNE1, 'identity', 'identity-service', idTags),
  ecs('identity-svc-dr', 'identity-service', P, USE1, 'identity', 'identity-service-dr', idTags),
  ecrImage('identity-img', 'identity-service', P, APNE1, 'identity-service', 'v1.42.0', 25, {
    platform: 'debian12',
    os: ['CVE-2024-5535', 'CVE-2022-37434', 'CVE-2023-4911', 'CVE-2023-7008'],
    lang: IDENTITY_GO,
    manager: 'GOBINARY',
    count: 9,
    root: '/usr/local/bin/identity-service',
    force: [['google.golang.org/grpc', 'CVE-2023-44487']],
  }),
  ecrImage('identity-img-prev', 'identity-service', P, APNE1, 'identity-service', 'v1.39.2', 95, {
    platform: 'debian12',
    os: ['CVE-2024-5535', 'CVE-2022-37434', 'CVE-2023-4911', 'CVE-2023-7008'],
    lang: IDENTITY_GO,
    manager: 'GOBINARY',
    count: 7,
    stale: true,
    root: '/usr/local/bin/identity-service',
  }),

  // ------------------------------------------------------------ data-warehouse (high, internal)
  ec2('dw-airflow-1', 'data-warehouse', D, APNE1, 'airflow-worker-1', dwTags, 'm6i.xlarge', {
    platform: 'al2023',
    os: AL2023_OS,
    lang: DW_PY,
    manager: 'PYTHONPKG',
    count: 11,
    root: '/opt/airflow/venv/lib/python3.11/site-packages',
  }),
  ec2('dw-airflow-2', 'data-warehouse', D, APNE1, 'airflow-worker-2', dwTags, 'm6i.xlarge', {
    platform: 'al2023',
    os: AL2023_OS,
    lang: DW_PY,
    manager: 'PYTHONPKG',
    count: 11,
    root: '/opt/airflow/venv/lib/python3.11/site-packages',
  }),
  ec2('dw-airflow-3', 'data-warehouse', D, APNE1, 'airflow-scheduler-1', dwTags, 'm6i.large', {
    platform: 'al2023',
    os: AL2023_OS,
    lang: DW_PY,
    manager: 'PYTHONPKG',
    count: 9,
    root: '/opt/airflow/venv/lib/python3.11/site-packages',
  }),
  plain(
    'dw-redshift',
    'data-warehouse',
    D,
    APNE1,
    'AwsRedshiftCluster',
    `arn:aws:redshift:${APNE1}:${D}:cluster:dw-analytics`,
    'dw-analytics',
    { Team: 'data', Service: 'warehouse' },
    {
      AwsRedshiftCluster: { ClusterIdentifier: 'dw-analytics', NodeType: 'ra3.4xlarge', NumberOfNodes: 4, PubliclyAccessible: true, Encrypted: true },
    },
  ),
  s3('dw-raw', 'data-warehouse', D, APNE1, 'acme-data-raw', { Team: 'data' }),
  s3('dw-curated', 'data-warehouse', D, APNE1, 'acme-data-curated', { Team: 'data' }),
  // Deliberately ambiguous: "arn:aws:s3:::acme-data-*" (data-warehouse) and "arn:aws:s3:::acme-*-logs" (logging-platform)
  // are ARN globs with the same number of literal characters, and both assets list the account.
  s3('dw-access-logs', 'ambiguous', D, APNE1, 'acme-data-access-logs', { Team: 'data' }),

  // ------------------------------------------------------------ batch-reconciliation (medium, isolated)
  lambda('recon-settlement', 'batch-reconciliation', D, APNE1, 'recon-daily-settlement', 'python3.9', reconTags, {
    os: [],
    lang: [
      ['pyyaml', 'CVE-2020-14343'],
      ['requests', 'CVE-2023-32681'],
      ['urllib3', 'CVE-2023-43804'],
      ['cryptography', 'CVE-2023-50782'],
    ],
    manager: 'PYTHONPKG',
    count: 4,
    root: '/var/task',
  }),
  lambda('recon-fx', 'batch-reconciliation', D, APNE1, 'recon-fx-rates', 'python3.9', reconTags, {
    os: [],
    lang: [
      ['requests', 'CVE-2024-35195'],
      ['idna', 'CVE-2024-3651'],
      ['certifi', 'CVE-2023-37920'],
      ['urllib3', 'CVE-2024-37891'],
    ],
    manager: 'PYTHONPKG',
    count: 3,
    root: '/var/task',
  }),
  ecrImage('recon-img', 'batch-reconciliation', D, APNE1, 'reconciliation', '2026.09.1', 80, {
    platform: 'debian12',
    os: DEBIAN_OS,
    lang: [
      ['org.apache.activemq:activemq-client', 'CVE-2023-46604'],
      ['com.fasterxml.jackson.core:jackson-databind', 'CVE-2020-36518'],
      ['ch.qos.logback:logback-classic', 'CVE-2023-6378'],
    ],
    manager: 'JAR',
    count: 8,
    root: 'opt/recon/lib',
    force: [['org.apache.activemq:activemq-client', 'CVE-2023-46604']],
  }),

  // ------------------------------------------------------------ marketing-site (low, internet)
  s3('marketing-www', 'marketing-site', P, USE1, 'acme-marketing-site-www', { Service: 'marketing', Team: 'web' }),
  plain(
    'marketing-cdn',
    'marketing-site',
    P,
    USE1,
    'AwsCloudFrontDistribution',
    `arn:aws:cloudfront::${P}:distribution/E3MKTW0XQ1N8Z4`,
    'E3MKTW0XQ1N8Z4',
    { Service: 'marketing' },
    {
      AwsCloudFrontDistribution: { DomainName: 'd3mktw0xq1n8z4.cloudfront.net', Status: 'Deployed' },
    },
  ),

  // ------------------------------------------------------------ internal-admin (medium, internal)
  ec2('admin-1', 'internal-admin', P, APNE1, 'admin-console-1', adminTags, 't3.large', {
    platform: 'al2',
    os: AL2_OS,
    lang: [
      ['systeminformation', 'CVE-2021-21315'],
      ['lodash', 'CVE-2021-23337'],
      ['express', 'CVE-2024-29041'],
    ],
    manager: 'NODEPKG',
    count: 12,
    root: '/opt/admin-console/node_modules',
    force: [['systeminformation', 'CVE-2021-21315']],
  }),
  ec2('admin-2', 'internal-admin', P, APNE1, 'admin-console-2', adminTags, 't3.large', {
    platform: 'al2',
    os: AL2_OS,
    lang: [
      ['systeminformation', 'CVE-2021-21315'],
      ['lodash', 'CVE-2021-23337'],
      ['express', 'CVE-2024-29041'],
    ],
    manager: 'NODEPKG',
    count: 11,
    root: '/opt/admin-console/node_modules',
  }),
  sg('admin-sg', 'internal-admin', P, APNE1, 'internal-admin-alb', adminTags),
  plain(
    'admin-alb',
    'internal-admin',
    P,
    APNE1,
    'AwsElbv2LoadBalancer',
    `arn:aws:elasticloadbalancing:${APNE1}:${P}:loadbalancer/app/internal-admin/${ids('admin-alb').hex(16)}`,
    'internal-admin',
    adminTags,
    {
      AwsElbv2LoadBalancer: { Scheme: 'internal', Type: 'application', DNSName: 'internal-internal-admin-1234567890.ap-northeast-1.elb.amazonaws.com' },
    },
  ),

  // ------------------------------------------------------------ mobile-backend (high, internet; us-east-1)
  lambda('mobile-api', 'mobile-backend', P, USE1, 'mobile-bff-api', 'python3.12', mobileTags, {
    os: [],
    lang: MOBILE_PY,
    manager: 'PYTHONPKG',
    count: 6,
    root: '/var/task',
    force: [['requests', 'CVE-2023-32681']],
  }),
  lambda('mobile-push', 'mobile-backend', P, USE1, 'mobile-bff-push', 'python3.9', mobileTags, {
    os: [],
    lang: MOBILE_PY,
    manager: 'PYTHONPKG',
    count: 5,
    root: '/var/task',
  }),

  // ------------------------------------------------------------ ci-runners (medium, internal)
  ...[1, 2, 3, 4].map((n) =>
    ec2(`ci-runner-${n}`, 'ci-runners', S, APNE1, `gha-runner-${n}`, ciTags, 'c6i.2xlarge', {
      platform: 'al2023',
      os: AL2023_OS,
      lang: CI_GO,
      manager: 'GOBINARY',
      count: n === 4 ? 7 : 10,
      root: '/usr/bin/runc',
    }),
  ),
  sg('ci-sg', 'ci-runners', S, APNE1, 'gha-runners', ciTags),

  // ------------------------------------------------------------ logging-platform (medium, internal)
  s3('alb-logs', 'logging-platform', P, APNE1, 'acme-prod-alb-logs', { Team: 'platform', Service: 'logging' }),
  s3('trail-logs', 'logging-platform', S, APNE1, 'acme-shared-cloudtrail-logs', { Team: 'platform', Service: 'logging' }),
  s3('flow-logs', 'logging-platform', S, APNE1, 'acme-shared-vpc-flow-logs', { Team: 'platform', Service: 'logging' }),
  plain(
    'logs-domain',
    'logging-platform',
    S,
    APNE1,
    'AwsOpenSearchServiceDomain',
    `arn:aws:es:${APNE1}:${S}:domain/logs-central`,
    'logs-central',
    { Team: 'platform', Service: 'logging' },
    {
      AwsOpenSearchServiceDomain: { DomainName: 'logs-central', EngineVersion: 'OpenSearch_2.13' },
    },
  ),
  plain(
    'org-trail',
    'logging-platform',
    S,
    APNE1,
    'AwsCloudTrailTrail',
    `arn:aws:cloudtrail:${APNE1}:${S}:trail/acme-org-trail`,
    'acme-org-trail',
    {},
    {
      AwsCloudTrailTrail: { IsMultiRegionTrail: true, IsOrganizationTrail: true, S3BucketName: 'acme-shared-cloudtrail-logs' },
    },
  ),

  // ------------------------------------------------------------ sandbox (low, isolated)
  ec2(
    'sandbox-1',
    'sandbox',
    S,
    APNE1,
    'sandbox-dev-1',
    { Environment: 'sandbox-2026', Team: 'platform' },
    't3.medium',
    {
      platform: 'al2',
      os: AL2_OS,
      lang: [],
      count: 6,
    },
    true,
  ),
  ec2(
    'sandbox-2',
    'sandbox',
    S,
    APNE1,
    'sandbox-dev-2',
    { Environment: 'sandbox-2026', Team: 'platform', Owner: '<img src=x onerror=alert(1)>' },
    't3.medium',
    {
      platform: 'al2',
      os: AL2_OS,
      lang: [],
      count: 5,
    },
    true,
  ),
  sg('sandbox-sg', 'sandbox', S, APNE1, 'sandbox-open-ssh', { Environment: 'sandbox-2026' }),
  s3('sandbox-scratch', 'sandbox', S, APNE1, 'acme-sandbox-scratch', { Environment: 'sandbox-2026' }),

  // ------------------------------------------------------------ aws-foundation (account baselines)
  account('acct-prod-apne1', P, APNE1, 'aws-foundation'),
  account('acct-prod-use1', P, USE1, 'aws-foundation'),
  account('acct-shared-apne1', S, APNE1, 'aws-foundation'),
  account('acct-data-apne1', D, APNE1, 'aws-foundation'),
  plain('prod-trail', 'aws-foundation', P, APNE1, 'AwsCloudTrailTrail', `arn:aws:cloudtrail:${APNE1}:${P}:trail/acme-prod-trail`, 'acme-prod-trail'),
  plain('kms-prod', 'aws-foundation', P, APNE1, 'AwsKmsKey', `arn:aws:kms:${APNE1}:${P}:key/${ids('kms-prod').uuid()}`, 'kms-prod'),
  plain('kms-data', 'aws-foundation', D, APNE1, 'AwsKmsKey', `arn:aws:kms:${APNE1}:${D}:key/${ids('kms-data').uuid()}`, 'kms-data'),
  plain('kms-shared', 'aws-foundation', S, APNE1, 'AwsKmsKey', `arn:aws:kms:${APNE1}:${S}:key/${ids('kms-shared').uuid()}`, 'kms-shared'),
  plain('iam-terraform', 'aws-foundation', S, APNE1, 'AwsIamUser', `arn:aws:iam::${S}:user/terraform-ci`, 'terraform-ci'),
  plain('iam-deployer', 'aws-foundation', P, APNE1, 'AwsIamUser', `arn:aws:iam::${P}:user/legacy-deployer`, 'legacy-deployer'),
  sg('data-default-sg', 'aws-foundation', D, APNE1, 'default'),

  // ------------------------------------------------------------ nobody's: the forgotten legacy account
  ec2(
    'legacy-1',
    null,
    L,
    APNE1,
    'legacy-portal-1',
    { Owner: 'unknown' },
    'm4.large',
    {
      platform: 'al2',
      os: ['CVE-2019-11043', 'CVE-2024-4577', 'CVE-2021-41773', 'CVE-2022-0847', 'CVE-2023-0286', 'CVE-2021-3156'],
      lang: [],
      count: 6,
    },
    true,
  ),
  ec2(
    'legacy-2',
    null,
    L,
    APNE1,
    'legacy-portal-2',
    { Owner: 'unknown' },
    'm4.large',
    {
      platform: 'al2',
      os: ['CVE-2019-11043', 'CVE-2021-41773', 'CVE-2022-0847', 'CVE-2023-0286'],
      lang: [],
      count: 3,
    },
    true,
  ),
  s3('legacy-uploads', null, L, APNE1, 'acme-legacy-uploads'),
  account('acct-legacy-apne1', L, APNE1, null),
];

export function resource(key: string): AwsResource {
  const r = RESOURCES.find((x) => x.key === key);
  if (!r) throw new Error(`no resource ${key}`);
  return r;
}

// --------------------------------------------------------------------------- GitHub

export interface Manifest {
  path: string;
  ecosystem: 'npm' | 'pip' | 'maven' | 'go';
  /** Scope of everything in it; npm lock files decide per package (see DEV_NPM). */
  scope: 'runtime' | 'development';
}

export interface RepoDef {
  name: string;
  /** The asset whose github.repos globs claim it; null: nobody. */
  asset: string | null;
  private: boolean;
  description: string | null;
  manifests: Manifest[];
  /** Alerts to generate beyond the scripted ones. */
  count: number;
}

/** npm packages the example treats as devDependencies. */
export const DEV_NPM = new Set(['webpack', 'postcss', '@babel/traverse', 'cross-spawn', 'micromatch', 'braces', 'nanoid', 'semver']);

export const REPOS: readonly RepoDef[] = [
  {
    name: 'payments-api',
    asset: 'payments-api',
    private: true,
    description: 'Card and bank-transfer payments API',
    count: 22,
    manifests: [
      { path: 'pom.xml', ecosystem: 'maven', scope: 'runtime' },
      { path: 'tools/load-test/package-lock.json', ecosystem: 'npm', scope: 'development' },
    ],
  },
  {
    name: 'payments-sdk-java',
    asset: 'payments-api',
    private: false,
    description: 'Java client for the Acme payments API',
    count: 11,
    manifests: [{ path: 'pom.xml', ecosystem: 'maven', scope: 'runtime' }],
  },
  {
    name: 'checkout-web',
    asset: 'checkout-web',
    private: true,
    description: 'Checkout front end (Next.js)',
    count: 24,
    manifests: [{ path: 'package-lock.json', ecosystem: 'npm', scope: 'runtime' }],
  },
  {
    name: 'ledger-service',
    asset: 'ledger-service',
    private: true,
    description: 'Double-entry ledger',
    count: 19,
    manifests: [
      { path: 'pom.xml', ecosystem: 'maven', scope: 'runtime' },
      { path: 'ledger-core/pom.xml', ecosystem: 'maven', scope: 'runtime' },
    ],
  },
  {
    name: 'identity-service',
    asset: 'identity-service',
    private: true,
    description: 'OIDC provider and session service',
    count: 1,
    manifests: [{ path: 'go.mod', ecosystem: 'go', scope: 'runtime' }],
  },
  {
    name: 'auth-sdk-js',
    asset: 'identity-service',
    private: false,
    description: 'Browser SDK for Acme sign-in',
    count: 3,
    manifests: [{ path: 'package-lock.json', ecosystem: 'npm', scope: 'runtime' }],
  },
  {
    name: 'dw-airflow',
    asset: 'data-warehouse',
    private: true,
    description: 'Airflow DAGs for the warehouse',
    count: 17,
    manifests: [
      { path: 'requirements.txt', ecosystem: 'pip', scope: 'runtime' },
      { path: 'requirements-dev.txt', ecosystem: 'pip', scope: 'development' },
    ],
  },
  {
    name: 'dw-dbt-models',
    asset: 'data-warehouse',
    private: true,
    description: 'dbt models',
    count: 9,
    manifests: [{ path: 'requirements.txt', ecosystem: 'pip', scope: 'runtime' }],
  },
  {
    name: 'reconciliation-jobs',
    asset: 'batch-reconciliation',
    private: true,
    description: 'Nightly settlement and FX reconciliation',
    count: 14,
    manifests: [
      { path: 'lambdas/requirements.txt', ecosystem: 'pip', scope: 'runtime' },
      { path: 'jobs/settlement/pom.xml', ecosystem: 'maven', scope: 'runtime' },
    ],
  },
  {
    name: 'marketing-site',
    asset: 'marketing-site',
    private: false,
    description: 'www.acme.example',
    count: 17,
    manifests: [{ path: 'package-lock.json', ecosystem: 'npm', scope: 'runtime' }],
  },
  {
    name: 'internal-admin',
    asset: 'internal-admin',
    private: true,
    description: 'Back-office admin console',
    count: 16,
    manifests: [
      { path: 'web/package-lock.json', ecosystem: 'npm', scope: 'runtime' },
      { path: 'api/requirements.txt', ecosystem: 'pip', scope: 'runtime' },
    ],
  },
  {
    name: 'mobile-bff',
    asset: 'mobile-backend',
    private: true,
    description: 'Backend-for-frontend of the mobile apps',
    count: 14,
    manifests: [{ path: 'poetry.lock', ecosystem: 'pip', scope: 'runtime' }],
  },
  {
    name: 'ci-runner-images',
    asset: 'ci-runners',
    private: true,
    description: 'Self-hosted GitHub Actions runner images',
    count: 10,
    manifests: [{ path: 'tools/go.mod', ecosystem: 'go', scope: 'runtime' }],
  },
  {
    name: 'logging-pipeline',
    asset: 'logging-platform',
    private: true,
    description: 'Log shipping and OpenSearch ingestion',
    count: 12,
    manifests: [{ path: 'go.mod', ecosystem: 'go', scope: 'runtime' }],
  },
  {
    name: 'sandbox-playground',
    asset: 'sandbox',
    private: true,
    description: 'Experiments. Nothing here runs in production.',
    count: 10,
    manifests: [
      { path: 'package-lock.json', ecosystem: 'npm', scope: 'runtime' },
      { path: 'notebooks/requirements.txt', ecosystem: 'pip', scope: 'runtime' },
    ],
  },
  {
    name: 'platform-terraform',
    asset: 'aws-foundation',
    private: true,
    description: 'Landing zone and account baselines',
    count: 7,
    manifests: [{ path: 'test/go.mod', ecosystem: 'go', scope: 'development' }],
  },
  // Not in assets.yaml: unmapped.
  {
    name: 'legacy-php-portal',
    asset: null,
    private: true,
    description: 'Old customer portal (front-end assets)',
    count: 14,
    manifests: [{ path: 'public/package-lock.json', ecosystem: 'npm', scope: 'runtime' }],
  },
  { name: 'hackathon-2025-chatbot', asset: null, private: true, description: null, count: 9, manifests: [{ path: 'requirements.txt', ecosystem: 'pip', scope: 'runtime' }] },
];

export function repoId(name: string): number {
  return 610_000_000 + (hash32(`repo:${name}`) % 90_000_000);
}
