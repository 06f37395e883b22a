/** Real records of every format, from the fixtures and the examples (SOURCE.md in each folder says where they come from). */
import { readdirSync, readFileSync } from 'node:fs';
import { WRAPPER_KEYS } from '../../src/collectors/read/expect.js';
import { JsonScanner } from '../../src/collectors/read/scanner.js';

type Raw = Record<string, any>;
const root = new URL('../../', import.meta.url);

function jsonFiles(dir: string, skip: readonly string[] = []): unknown[] {
  const url = new URL(dir, root);
  return readdirSync(url)
    .filter((f) => f.endsWith('.json') && !skip.includes(f))
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

export const asffSamples = collect(allDocs, (o) => 'AwsAccountId' in o && 'Resources' in o);
export const alertSamples = collect(allDocs, (o) => 'number' in o && 'security_advisory' in o);
// invalid-findings.json holds records built to be rejected, with their reasons (test/sources/ocsf.test.ts).
export const ocsfSamples = collect(jsonFiles('test/fixtures/ocsf/', ['invalid-findings.json']), (o) => 'finding_info' in o);
