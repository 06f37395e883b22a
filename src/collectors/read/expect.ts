import type { Source } from '../../model/finding.js';
import type { Container } from './scanner.js';

/** What a file for one source must look like; used to refuse a file of the wrong kind up front. */
export interface RecordExpectation {
  /** Shown after "expected" in errors. */
  what: string;
  /** Whether a `{"Findings":[…]}` wrapper (also inside placebo's `data`) is a valid shape. */
  acceptsWrapper: boolean;
  /** A record looks right when it is an object with at least one of these keys. */
  signature: readonly string[];
}

export const FILE_EXPECTATIONS: Record<Source, RecordExpectation> = {
  securityhub: {
    what: 'Security Hub findings (`aws securityhub get-findings` output {"Findings":[…]}, `get-findings-v2` output (OCSF), a JSON array of ASFF or OCSF findings, or NDJSON)',
    acceptsWrapper: true,
    // ASFF keys, plus OCSF ones: GetFindingsV2 exports are Security Hub findings too (normalized elsewhere).
    signature: ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'finding_info', 'class_uid'],
  },
  dependabot: {
    what: 'Dependabot alerts (a JSON array of alerts, `gh api --paginate` output or NDJSON)',
    acceptsWrapper: false,
    signature: ['number', 'state', 'security_advisory', 'security_vulnerability', 'dependency', 'html_url'],
  },
};

/** Keys whose array value makes an object a wrapper of records, for every source (see scanner). */
export const WRAPPER_KEYS = ['Findings'] as const;

export function looksLike(value: unknown, exp: RecordExpectation): boolean {
  return isObject(value) && exp.signature.some((k) => k in value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "an object with keys a, b, c" / "a string" …, for "found …" in errors. */
function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isObject(v)) return objectWithKeys(Object.keys(v));
  return typeof v === 'number' ? 'a number' : typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

export function objectWithKeys(keys: readonly string[]): string {
  if (keys.length === 0) return 'an object with no keys';
  const shown = keys.slice(0, 8).join(', ');
  return `an object with keys ${shown}${keys.length > 8 ? ', …' : ''}`;
}

/** How the first record was found, in words: "an array of objects with keys …". */
export function describeFound(v: unknown, container: Container): string {
  const what = describeValue(v);
  switch (container) {
    case 'object':
      return what;
    case 'line':
      return `NDJSON lines, the first being ${what}`;
    default: {
      const plural = what.replace(/^an? (\w+)/, (_, noun: string) => `${noun}s`).replace(/^null$/, 'nulls');
      return `an array of ${plural}`;
    }
  }
}
