/**
 * The normalizers' fast paths (hand-written typeof reads) against their reference paths (the zod
 * schemas and the original post-processing): same Finding, keys in the same order, same rejection
 * reason and native id, for the reference fixtures, the examples, and generated variations with
 * missing and odd fields.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAlertFast } from '../../src/collectors/dependabot/fast-alert.js';
import { normalizeDependabotAlert, normalizeDependabotAlertWithSchema } from '../../src/collectors/dependabot/normalize.js';
import { WRAPPER_KEYS } from '../../src/collectors/read/expect.js';
import { isoTime } from '../../src/collectors/read/normalize-result.js';
import { JsonScanner } from '../../src/collectors/read/scanner.js';
import { readAsffFast } from '../../src/collectors/securityhub/fast-asff.js';
import { encodeTwice, normalizeAsff, normalizeAsffWithSchema } from '../../src/collectors/securityhub/normalize.js';
import { parseUtc } from '../../src/config/time.js';

type Raw = Record<string, any>;
const root = new URL('../../', import.meta.url);

function jsonFiles(dir: string): unknown[] {
  const url = new URL(dir, root);
  return readdirSync(url)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      // The scanner splits pages (`gh api --paginate`) and wrappers into records.
      const scanner = new JsonScanner({ wrapperKeys: WRAPPER_KEYS, maxRecordChars: 1e8 });
      const events = [...scanner.push(readFileSync(new URL(f, url), 'utf8')), ...scanner.end()];
      return events.flatMap((e) => (e.t === 'record' ? [JSON.parse(e.text) as unknown] : []));
    });
}

/** Every object anywhere in the documents that `looks` accepts (records sit in arrays, wrappers, examples). */
function collect(docs: unknown[], looks: (o: Raw) => boolean): Raw[] {
  const out: Raw[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (looks(v as Raw)) out.push(v as Raw);
      else Object.values(v).forEach(walk);
    }
  };
  docs.forEach(walk);
  return out;
}

const allDocs = [...jsonFiles('test/fixtures/securityhub/'), ...jsonFiles('test/fixtures/dependabot/'), ...jsonFiles('test/fixtures/cli/'), ...jsonFiles('examples/')];
const asffRecords = collect(allDocs, (o) => 'AwsAccountId' in o && 'Resources' in o);
const alertRecords = collect(allDocs, (o) => 'number' in o && 'security_advisory' in o);

/** Same result, and the same keys in the same order (reports serialize findings). */
function expectSame(fast: unknown, reference: unknown) {
  expect(fast).toStrictEqual(reference);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
}

/** Generated variations per property; raise with SECSLI_FAST_RUNS for a longer soak. */
const RUNS = Number(process.env.SECSLI_FAST_RUNS ?? 3000);

const DELETE = Symbol('delete');

/** A copy of an object value, so that two edits never share (and loop through) one object. */
function fresh(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (Object.getPrototypeOf(v) === null) return Object.assign(Object.create(null) as object, v);
  return structuredClone(v);
}

/** Sets (or deletes) `path` in a copy of `base`, creating missing objects on the way. */
function mutate(base: Raw, edits: [string[], unknown][]): Raw {
  const copy = structuredClone(base);
  for (const [path, value] of edits) {
    let o: any = copy;
    for (const k of path.slice(0, -1)) {
      if (o[k] === undefined) o[k] = /^\d+$/.test(path[path.indexOf(k) + 1] ?? '') ? [] : {};
      o = o[k];
      if (o === null || typeof o !== 'object') break;
    }
    if (o === null || typeof o !== 'object') continue;
    const last = path.at(-1)!;
    if (value === DELETE) delete o[last];
    else Object.defineProperty(o, last, { value: fresh(value), writable: true, enumerable: true, configurable: true }); // own, even `__proto__`, as JSON.parse makes it
  }
  return copy;
}

const oddString = fc.constantFrom(
  '', ' ', 'x', 'null', 'CVE-2021-44228', 'cve-2020-1234 and CVE-2019-99999', 'GHSA-abcd-efgh-ijkl', 'ghsa-x', 'YES', 'yes', 'NO', 'PARTIAL',
  'NotAvailable', 'ARCHIVED', 'ACTIVE', 'RESOLVED', 'SUPPRESSED', 'NEW', 'NOTIFIED', 'PASSED', 'FAILED', 'WARNING', 'NOT_AVAILABLE', 'CRITICAL',
  'high', 'moderate', 'Informational', 'open', 'fixed', 'dismissed', 'auto_dismissed', 'malware', 'development', 'runtime',
  '2026-11-23T06:15:42.669Z', '2026-02-30T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2026-01-01T24:00:00.000Z', '2026-01-01T10:00:00',
  ' 2026-01-01T10:00:00Z ', '2026-01-01', 'yesterday', 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
  'arn:aws-cn:securityhub:cn-north-1::product/aws/inspector', 'arn:aws:s3:::bucket', 'arn::', 'TTPs/Initial Access', ' Effects /Data Exfiltration',
  'Software and Configuration Checks/Vulnerabilities/CVE', 'Software and Configuration Checks/AWS Security Best Practices', 'security-control/S3.8',
  'aws-foundational-security-best-practices/v/1.0.0/S3.8', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'AV:N/AC:L/Au:N/C:P/I:P/A:P', '3.1', '2.0',
  '7.5', '0.16001e0', '1e2', 'https://github.com/Acme/Repo/security/dependabot/7', 'https://api.github.com/repos/acme/repo/dependabot/alerts/3',
  'acme/widgets', 'not a repo', '__proto__',
);
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(DELETE) },
  { weight: 6, arbitrary: oddString },
  { weight: 2, arbitrary: fc.string() },
  { weight: 3, arbitrary: fc.constantFrom(null, undefined, true, false, 0, -1, 1, 5, 7.5, 10, 11, 40, 70, 90, 101, 1.5, Number.NaN, Infinity, 2 ** 60) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 3, arbitrary: fc.constantFrom([], {}, [1, 'a', null], ['x'], [{}], [null], { a: 'b', c: 1 }, Object.create(null), new Date(0), [[]]) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const ASFF_PATHS = [
  'Id', 'AwsAccountId', 'Title', 'UpdatedAt', 'CreatedAt', 'FirstObservedAt', 'Resources', 'Resources.0', 'Resources.0.Id', 'Resources.0.Type',
  'Resources.0.Region', 'Resources.0.Tags', 'Resources.0.Tags.Team', 'Resources.0.Tags.__proto__', 'Resources.0.Tags.10', 'Resources.1',
  'Resources.1.Id', 'Resources.1.Type', 'Resources.1.Tags', 'ProductArn', 'ProductName', 'GeneratorId', 'Region', 'Types', 'Types.0', 'Types.1',
  'Severity', 'Severity.Label', 'Severity.Normalized', 'Severity.Product', 'FindingProviderFields', 'FindingProviderFields.Severity',
  'FindingProviderFields.Severity.Label', 'FindingProviderFields.Types', 'FindingProviderFields.Types.0', 'Workflow', 'Workflow.Status',
  'WorkflowState', 'RecordState', 'Compliance', 'Compliance.Status', 'Compliance.SecurityControlId', 'ProductFields', 'ProductFields.ControlId',
  'Vulnerabilities', 'Vulnerabilities.0', 'Vulnerabilities.0.Id', 'Vulnerabilities.0.VulnerablePackages',
  'Vulnerabilities.0.VulnerablePackages.0', 'Vulnerabilities.0.VulnerablePackages.0.Name', 'Vulnerabilities.0.VulnerablePackages.0.FixedInVersion',
  'Vulnerabilities.0.VulnerablePackages.1.Name', 'Vulnerabilities.0.Cvss', 'Vulnerabilities.0.Cvss.0', 'Vulnerabilities.0.Cvss.0.Version',
  'Vulnerabilities.0.Cvss.0.BaseScore', 'Vulnerabilities.0.Cvss.0.BaseVector', 'Vulnerabilities.0.Cvss.1.BaseScore', 'Vulnerabilities.0.Cvss.1.Version',
  'Vulnerabilities.0.RelatedVulnerabilities', 'Vulnerabilities.0.RelatedVulnerabilities.0', 'Vulnerabilities.0.FixAvailable',
  'Vulnerabilities.0.ExploitAvailable', 'Vulnerabilities.0.LastKnownExploitAt', 'Vulnerabilities.1', 'Vulnerabilities.1.Id',
  'Vulnerabilities.1.FixAvailable', 'Vulnerabilities.1.Cvss', 'Vulnerabilities.1.Cvss.0.BaseScore',
].map((p) => p.split('.'));
ASFF_PATHS.push(['ProductFields', 'aws/securityhub/ProductName']);

const ALERT_PATHS = [
  'number', 'state', 'html_url', 'url', 'created_at', 'updated_at', 'repository', 'repository.full_name', 'dependency', 'dependency.package',
  'dependency.package.ecosystem', 'dependency.package.name', 'dependency.manifest_path', 'dependency.scope', 'security_advisory',
  'security_advisory.ghsa_id', 'security_advisory.cve_id', 'security_advisory.summary', 'security_advisory.severity',
  'security_advisory.classification', 'security_advisory.cvss', 'security_advisory.cvss.score', 'security_advisory.cvss.vector_string',
  'security_advisory.cvss_severities', 'security_advisory.cvss_severities.cvss_v3', 'security_advisory.cvss_severities.cvss_v3.score',
  'security_advisory.cvss_severities.cvss_v3.vector_string', 'security_advisory.cvss_severities.cvss_v4',
  'security_advisory.cvss_severities.cvss_v4.score', 'security_advisory.cvss_severities.cvss_v4.vector_string', 'security_advisory.epss',
  'security_advisory.epss.percentage', 'security_advisory.epss.percentile', 'security_advisory.identifiers', 'security_advisory.identifiers.0',
  'security_advisory.identifiers.0.type', 'security_advisory.identifiers.0.value', 'security_advisory.identifiers.1.type', 'security_vulnerability',
  'security_vulnerability.package', 'security_vulnerability.package.name', 'security_vulnerability.severity',
  'security_vulnerability.first_patched_version', 'security_vulnerability.first_patched_version.identifier', 'fixed_at', 'dismissed_at',
  'auto_dismissed_at', 'dismissed_reason',
].map((p) => p.split('.'));

function editsOf(paths: string[][]) {
  return fc.array(fc.tuple(fc.constantFrom(...paths), oddValue), { minLength: 1, maxLength: 6 });
}

/** Also through a JSON round trip: what a file gives (own `__proto__` keys, no undefined, no NaN). */
function viaJson(o: Raw): unknown {
  return JSON.parse(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? 1e400 : v)).replace(/1e\+400/g, '1e400'));
}

describe('normalizeAsff: fast path = schema path', () => {
  it('finds the reference records', () => {
    expect(asffRecords.length).toBeGreaterThanOrEqual(10);
    // The fast path actually runs on the well-formed ones.
    expect(asffRecords.filter((r) => readAsffFast(r) !== undefined).length).toBeGreaterThanOrEqual(asffRecords.length - 1);
  });

  it('on every reference fixture and example', () => {
    for (const r of asffRecords) expectSame(normalizeAsff(r), normalizeAsffWithSchema(r));
  });

  it('on records that are not ASFF objects', () => {
    for (const r of [null, undefined, 1, 'x', [], [asffRecords[0]], {}, new Date(0), Object.create(null)]) {
      expectSame(normalizeAsff(r), normalizeAsffWithSchema(r));
    }
  });

  it('on variations with missing and odd fields', () => {
    fc.assert(
      fc.property(fc.constantFrom(...asffRecords), editsOf(ASFF_PATHS), fc.boolean(), (base, edits, json) => {
        const r = mutate(base, edits);
        const input = json ? viaJson(r) : r;
        expectSame(normalizeAsff(input), normalizeAsffWithSchema(input));
      }),
      { numRuns: RUNS },
    );
  });

  it('on tags and product fields with awkward keys', () => {
    const base = asffRecords[0]!;
    const tagSets = [
      '{"__proto__":"x","b":"1","a":"2"}', '{"10":"ten","2":"two","b":"B","A":"a","é":"e","Z":"z"}', '{"constructor":"c","toString":"t"}',
      '{"constructor":{"prototype":{}},"k":"v"}', '{"k":1,"j":null,"i":["x"]}', '[]', '"tags"', 'null', '{}',
    ];
    for (const tags of tagSets) {
      for (const where of [['Resources', '0', 'Tags'], ['ProductFields']]) {
        const r = JSON.parse(JSON.stringify(mutate(base, [[where, 0]])).replace('"' + where.at(-1) + '":0', `"${where.at(-1)}":${tags}`)) as unknown;
        expectSame(normalizeAsff(r), normalizeAsffWithSchema(r));
      }
    }
    const withSymbol = mutate(base, []);
    withSymbol.Resources[0].Tags = { a: 'b', [Symbol('s')]: 'x' };
    expectSame(normalizeAsff(withSymbol), normalizeAsffWithSchema(withSymbol));
  });
});

describe('normalizeDependabotAlert: fast path = schema path', () => {
  it('finds the reference alerts', () => {
    expect(alertRecords.length).toBeGreaterThanOrEqual(5);
    expect(alertRecords.every((r) => readAlertFast(r) !== undefined)).toBe(true);
  });

  it('on every reference fixture and example', () => {
    for (const r of alertRecords) expectSame(normalizeDependabotAlert(r), normalizeDependabotAlertWithSchema(r));
  });

  it('on records that are not alert objects', () => {
    for (const r of [null, undefined, 1, 'x', [], [alertRecords[0]], {}, new Date(0), Object.create(null)]) {
      expectSame(normalizeDependabotAlert(r), normalizeDependabotAlertWithSchema(r));
    }
  });

  it('on variations with missing and odd fields', () => {
    fc.assert(
      fc.property(fc.constantFrom(...alertRecords), editsOf(ALERT_PATHS), fc.boolean(), (base, edits, json) => {
        const r = mutate(base, edits);
        const input = json ? viaJson(r) : r;
        expectSame(normalizeDependabotAlert(input), normalizeDependabotAlertWithSchema(input));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('isoTime: the canonical-form shortcut', () => {
  // The general path, as it was before the shortcut.
  const reference = (value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const ms = parseUtc(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  };
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));

  it('gives what the round trip through Date gives', () => {
    const stamp = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(13), two(32), two(25), two(61), two(61), fc.integer({ min: 0, max: 999 }), fc.constantFrom('Z', 'z', '', '+00:00'))
      .map(([y, mo, d, h, mi, s, ms, z]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${z}`);
    fc.assert(fc.property(fc.oneof(stamp, fc.string(), oddString), (s) => {
      expect(isoTime(s)).toBe(reference(s));
    }), { numRuns: 20000 });
  });

  it('on every day of leap and common years, and the edges', () => {
    for (const y of ['1900', '2000', '2024', '2026', '0000', '9999']) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T23:59:59.999Z`;
          expect(isoTime(s)).toBe(reference(s));
        }
      }
    }
    for (const s of ['2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z', '2026-01-01T00:00:00.000Z']) {
      expect(isoTime(s)).toBe(reference(s));
    }
  });
});

describe('encodeTwice (console URLs)', () => {
  const reference = (s: string) => encodeURIComponent(encodeURIComponent(s));
  const outcome = (f: () => string) => {
    try {
      return f();
    } catch (err) {
      return `threw ${(err as Error).name}`;
    }
  };
  it('is encodeURIComponent applied twice', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), oddString), (s) => {
        expect(outcome(() => encodeTwice(s))).toBe(outcome(() => reference(s)));
      }),
      { numRuns: RUNS * 5 },
    );
    for (let c = 0; c < 256; c++) expect(encodeTwice(`a${String.fromCharCode(c)}b`)).toBe(reference(`a${String.fromCharCode(c)}b`));
    for (const s of ['', 'abc', '\\operator\\:EQUALS\\:arn:aws:x/y', '\ud800', 'é']) expect(outcome(() => encodeTwice(s))).toBe(outcome(() => reference(s)));
  });
});
