/**
 * Variations of real records for the contract suite: odd values, edits at paths, and the paths
 * themselves — derived from the samples (every path they hold, one array element past the end) and
 * from the schema (every field it names, even ones no sample has), never listed by hand.
 */
import fc from 'fast-check';
import type { z } from 'zod';

type Raw = Record<string, any>;

export const DELETE = Symbol('delete');

/** A copy of an object value, so that two edits never share (and loop through) one object. */
function fresh(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (Object.getPrototypeOf(v) === null) return Object.assign(Object.create(null) as object, v);
  return structuredClone(v);
}

/** Sets (or deletes) `path` in a copy of `base`, creating missing objects on the way. */
export function mutate(base: Raw, edits: [string[], unknown][]): Raw {
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

/** Also through a JSON round trip: what a file gives (own `__proto__` keys, no undefined, no NaN). */
export function viaJson(o: Raw): unknown {
  return JSON.parse(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? Number.POSITIVE_INFINITY : v)).replace(/1e\+400/g, '1e400'));
}

export const oddString = fc.constantFrom(
  '',
  ' ',
  'x',
  'null',
  'CVE-2021-44228',
  'cve-2020-1234 and CVE-2019-99999',
  'CVE-2020-123',
  ' CVE-2023-44487 ',
  'GHSA-abcd-efgh-ijkl',
  'ghsa-x',
  'YES',
  'yes',
  'NO',
  'PARTIAL',
  'COMPLETE',
  'NotAvailable',
  'ARCHIVED',
  'ACTIVE',
  'RESOLVED',
  'SUPPRESSED',
  'NEW',
  'NOTIFIED',
  'PASSED',
  'FAILED',
  'WARNING',
  'NOT_AVAILABLE',
  'CRITICAL',
  'high',
  'moderate',
  'Informational',
  'fatal',
  'open',
  'fixed',
  'dismissed',
  'auto_dismissed',
  'malware',
  'development',
  'runtime',
  'Archived',
  'Deleted',
  'Pass',
  'Fail',
  'New',
  'In Progress',
  '2026-11-23T06:15:42.669Z',
  '2026-02-30T00:00:00.000Z',
  '2024-02-29T23:59:59.999Z',
  '2026-01-01T24:00:00.000Z',
  '2026-01-01T10:00:00',
  ' 2026-01-01T10:00:00Z ',
  '2026-01-01',
  'yesterday',
  '1767225600000',
  'arn:aws:securityhub:us-east-1::product/aws/guardduty',
  'arn:aws-cn:securityhub:cn-north-1::product/aws/inspector',
  'arn:aws:s3:::bucket',
  'arn::',
  'TTPs/Initial Access',
  ' Effects /Data Exfiltration',
  'Software and Configuration Checks/Vulnerabilities/CVE',
  'Software and Configuration Checks/AWS Security Best Practices',
  'security-control/S3.8',
  'aws-foundational-security-best-practices/v/1.0.0/S3.8',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'AV:N/AC:L/Au:N/C:P/I:P/A:P',
  '3.1',
  '2.0',
  '7.5',
  '0.16001e0',
  '1e2',
  'Infinity',
  'https://github.com/Acme/Repo/security/dependabot/7',
  'https://api.github.com/repos/acme/repo/dependabot/alerts/3',
  'acme/widgets',
  'not a repo',
  '__proto__',
);

export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(DELETE) },
  { weight: 6, arbitrary: oddString },
  { weight: 2, arbitrary: fc.string() },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      null,
      undefined,
      true,
      false,
      0,
      -1,
      1,
      2,
      3,
      4,
      5,
      6,
      99,
      7.5,
      10,
      11,
      40,
      70,
      90,
      101,
      1.5,
      2002,
      2003,
      2004,
      Number.NaN,
      Infinity,
      2 ** 60,
      1767225600000,
    ),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 3, arbitrary: fc.constantFrom([], {}, [1, 'a', null], ['x'], [{}], [null], { a: 'b', c: 1 }, Object.create(null), new Date(0), [[]]) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Keys that objects and maps are tried with beyond their own: a prototype key, a numeric one, a common tag. */
const AWKWARD_KEYS = ['__proto__', '10', 'Team'];

/** Every path in the samples (arrays also one element past the end), and awkward keys in every object. */
export function samplePaths(samples: readonly unknown[]): string[][] {
  const seen = new Map<string, string[]>();
  const add = (p: string[]) => seen.set(p.join('\u0000'), p);
  const walk = (v: unknown, p: string[]) => {
    if (p.length > 0) add(p);
    if (p.length >= 8) return;
    if (Array.isArray(v)) {
      for (const [i, e] of v.slice(0, 2).entries()) walk(e, [...p, String(i)]);
      add([...p, String(Math.min(v.length, 2))]);
    } else if (v && typeof v === 'object') {
      for (const [k, e] of Object.entries(v)) walk(e, [...p, k]);
      if (p.length > 0) add([...p, AWKWARD_KEYS[0]!]);
    }
  };
  for (const s of samples) walk(s, []);
  return [...seen.values()];
}

/** Every field the schema names (through optional, catch, nullable, pipe, union, refine), arrays at 0 and 1, maps with awkward keys. */
export function schemaPaths(schema: z.ZodType): string[][] {
  const out = new Map<string, string[]>();
  const walk = (s: unknown, p: string[], depth: number) => {
    if (depth > 12) return;
    const def = (s as { _zod?: { def?: Record<string, any> } })._zod?.def;
    if (!def) return;
    switch (def.type) {
      case 'object':
        for (const [k, child] of Object.entries(def.shape as Record<string, unknown>)) {
          out.set([...p, k].join('\u0000'), [...p, k]);
          walk(child, [...p, k], depth + 1);
        }
        break;
      case 'array':
        for (const i of ['0', '1']) {
          out.set([...p, i].join('\u0000'), [...p, i]);
          walk(def.element, [...p, i], depth + 1);
        }
        break;
      case 'record':
        for (const k of AWKWARD_KEYS) out.set([...p, k].join('\u0000'), [...p, k]);
        break;
      case 'optional':
      case 'nullable':
      case 'catch':
      case 'default':
        walk(def.innerType, p, depth + 1);
        break;
      case 'pipe':
        walk(def.in, p, depth + 1);
        walk(def.out, p, depth + 1);
        break;
      case 'union':
        for (const o of def.options as unknown[]) walk(o, p, depth + 1);
        break;
    }
    // A refinement that names its schemas (ocsf.ts `some`) is opaque to the walk; its paths come from the samples.
  };
  walk(schema, [], 0);
  return [...out.values()];
}
