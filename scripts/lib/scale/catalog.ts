/**
 * What findings are about: a pool of vulnerabilities (language and OS packages, a few of them in
 * the CISA KEV catalog), Security Hub controls and GuardDuty finding types. Deterministic per seed.
 */
import { Rand, mix } from './prng.js';

type Sev = 'low' | 'medium' | 'high' | 'critical';

export interface Vuln {
  cve: string;
  ghsa: string;
  pkg: string;
  /** GitHub ecosystem (npm, pip, maven, go), or undefined for OS packages. */
  ecosystem?: string;
  /** Inspector package manager (NPM, PYTHONPKG, JAR, GOBINARY, OS). */
  manager: string;
  version: string;
  fixed?: string;
  score: number;
  vector: string;
  sev: Sev;
  epss: number;
  percentile: number;
  summary: string;
  exploit: boolean;
}

const LANG: readonly (readonly [string, string, string, string])[] = [
  ['npm', 'NPM', 'lodash', 'package-lock.json'],
  ['npm', 'NPM', 'axios', 'package-lock.json'],
  ['npm', 'NPM', 'express', 'package-lock.json'],
  ['npm', 'NPM', 'jsonwebtoken', 'package-lock.json'],
  ['npm', 'NPM', 'semver', 'package-lock.json'],
  ['npm', 'NPM', 'ws', 'package-lock.json'],
  ['npm', 'NPM', 'follow-redirects', 'package-lock.json'],
  ['npm', 'NPM', 'undici', 'package-lock.json'],
  ['npm', 'NPM', 'braces', 'package-lock.json'],
  ['npm', 'NPM', 'path-to-regexp', 'package-lock.json'],
  ['npm', 'NPM', 'cookie', 'package-lock.json'],
  ['npm', 'NPM', 'webpack', 'package-lock.json'],
  ['pip', 'PYTHONPKG', 'requests', 'requirements.txt'],
  ['pip', 'PYTHONPKG', 'urllib3', 'requirements.txt'],
  ['pip', 'PYTHONPKG', 'jinja2', 'requirements.txt'],
  ['pip', 'PYTHONPKG', 'django', 'requirements.txt'],
  ['pip', 'PYTHONPKG', 'cryptography', 'requirements.txt'],
  ['pip', 'PYTHONPKG', 'pillow', 'requirements.txt'],
  ['maven', 'JAR', 'com.fasterxml.jackson.core:jackson-databind', 'pom.xml'],
  ['maven', 'JAR', 'org.springframework:spring-web', 'pom.xml'],
  ['maven', 'JAR', 'com.google.guava:guava', 'pom.xml'],
  ['maven', 'JAR', 'org.yaml:snakeyaml', 'pom.xml'],
  ['maven', 'JAR', 'io.netty:netty-codec-http2', 'pom.xml'],
  ['go', 'GOBINARY', 'golang.org/x/net', 'go.mod'],
  ['go', 'GOBINARY', 'golang.org/x/crypto', 'go.mod'],
  ['go', 'GOBINARY', 'google.golang.org/grpc', 'go.mod'],
];
const OS = ['openssl', 'glibc', 'curl', 'zlib', 'expat', 'libxml2', 'krb5-libs', 'systemd', 'openssh', 'ncurses', 'sqlite', 'python3'];

/** Real CISA KEV entries (see data/kev), so known-exploited scoring is exercised. */
const KEV: readonly (readonly [string, string, string | undefined, string])[] = [
  ['CVE-2021-44228', 'org.apache.logging.log4j:log4j-core', 'maven', 'JAR'],
  ['CVE-2022-22965', 'org.springframework:spring-beans', 'maven', 'JAR'],
  ['CVE-2023-44487', 'golang.org/x/net', 'go', 'GOBINARY'],
  ['CVE-2023-4863', 'libwebp', undefined, 'OS'],
  ['CVE-2021-3156', 'sudo', undefined, 'OS'],
];

export const manifestFor = (ecosystem: string) => LANG.find((l) => l[0] === ecosystem)![3];

const SEV_OF = (score: number): Sev => (score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low');
const ALNUM = '23456789cfghjmpqrvwx';
const ghsaId = (r: Rand) => `GHSA-${[4, 4, 4].map((n) => Array.from({ length: n }, () => r.pick([...ALNUM])).join('')).join('-')}`;

export function buildVulns(seed: number, n: number): { lang: Vuln[]; os: Vuln[]; kev: Vuln[] } {
  const r = new Rand(mix(seed, 0xc0ffee));
  const make = (cve: string, pkg: string, ecosystem: string | undefined, manager: string): Vuln => {
    const score =
      Math.round(
        (r.weighted([
          [3, 1],
          [5.5, 3],
          [7.5, 4],
          [9.3, 2],
        ] as const) +
          (r.next() - 0.5) * 1.8) *
          10,
      ) / 10;
    const s = Math.min(10, Math.max(1, score));
    const epss = Math.round(r.next() ** 6 * 100000) / 100000;
    const major = r.int(0, 9);
    return {
      cve,
      ghsa: ghsaId(r),
      pkg,
      ...(ecosystem ? { ecosystem } : {}),
      manager,
      version: `${major}.${r.int(0, 20)}.${r.int(0, 30)}`,
      ...(r.chance(0.85) ? { fixed: `${major}.${r.int(21, 40)}.0` } : {}),
      score: s,
      vector: `CVSS:3.1/AV:${r.pick(['N', 'N', 'L'])}/AC:L/PR:${r.pick(['N', 'L'])}/UI:N/S:U/C:H/I:${r.pick(['H', 'L', 'N'])}/A:${r.pick(['H', 'N'])}`,
      sev: SEV_OF(s),
      epss,
      percentile: Math.min(0.99999, Math.round((0.3 + epss * 0.7 + r.next() * 0.3) * 100000) / 100000),
      summary: `${pkg} ${r.pick(['allows denial of service via crafted input', 'is vulnerable to prototype pollution', 'has an improper input validation flaw', 'leaks sensitive headers on redirect', 'allows remote code execution', 'is vulnerable to path traversal'])}`,
      exploit: r.chance(0.08),
    };
  };
  const lang: Vuln[] = [];
  const os: Vuln[] = [];
  for (let i = 0; i < n; i++) {
    const cve = `CVE-${2018 + (i % 8)}-${10000 + i}`;
    if (i % 4 === 3) os.push(make(cve, OS[i % OS.length]!, undefined, 'OS'));
    else {
      const [eco, manager, pkg] = LANG[i % LANG.length]!;
      lang.push(make(cve, pkg, eco, manager));
    }
  }
  const kev = KEV.map(([cve, pkg, eco, manager]) => ({ ...make(cve, pkg, eco, manager), score: 9.8, sev: 'critical' as const }));
  return { lang, os, kev };
}

export interface Control {
  id: string;
  title: string;
  types: readonly string[];
  sev: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
}

export const CONTROLS: readonly Control[] = [
  { id: 'S3.8', title: 'S3 general purpose buckets should block public access', types: ['AwsS3Bucket'], sev: 'HIGH' },
  { id: 'S3.5', title: 'S3 general purpose buckets should require requests to use SSL', types: ['AwsS3Bucket'], sev: 'MEDIUM' },
  { id: 'EC2.19', title: 'Security groups should not allow unrestricted access to ports with high risk', types: ['AwsEc2SecurityGroup'], sev: 'CRITICAL' },
  { id: 'EC2.18', title: 'Security groups should only allow unrestricted incoming traffic for authorized ports', types: ['AwsEc2SecurityGroup'], sev: 'HIGH' },
  { id: 'EC2.8', title: 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)', types: ['AwsEc2Instance'], sev: 'HIGH' },
  { id: 'SSM.1', title: 'Amazon EC2 instances should be managed by AWS Systems Manager', types: ['AwsEc2Instance'], sev: 'MEDIUM' },
  { id: 'Lambda.2', title: 'Lambda functions should use supported runtimes', types: ['AwsLambdaFunction'], sev: 'MEDIUM' },
  { id: 'ECS.5', title: 'ECS containers should be limited to read-only access to root filesystems', types: ['AwsEcsService'], sev: 'HIGH' },
  { id: 'ECR.1', title: 'ECR private repositories should have image scanning configured', types: ['AwsEcrContainerImage'], sev: 'HIGH' },
];

export const THREATS: readonly (readonly [string, string, number])[] = [
  ['Recon:EC2/PortProbeUnprotectedPort', 'Unprotected port on EC2 instance is being probed.', 2],
  ['UnauthorizedAccess:EC2/SSHBruteForce', 'SSH brute force attacks against the instance.', 5],
  ['Backdoor:EC2/C&CActivity.B!DNS', 'EC2 instance is querying a domain name associated with a known command and control server.', 8],
  ['CryptoCurrency:EC2/BitcoinTool.B!DNS', 'EC2 instance is querying a domain name that is associated with Bitcoin-related activity.', 8],
  ['Behavior:EC2/NetworkPortUnusual', 'EC2 instance is communicating with a remote host on an unusual server port.', 5],
];
