import { createFileCollector } from '../collectors/file.js';
import { readRegularBytes } from '../io/read-regular.js';
import { decodeUtf8, notUtf8Text } from '../io/text-encoding.js';
import { normalizeRecord } from '../sources/index.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Finding, Source } from '../model/finding.js';
import { textRecord, type AwsDiscovery, type DiscoveredAccount, type DiscoveredRepo, type GithubDiscovery } from '../discovery/types.js';
import { createEvidenceCollector } from '../drift/live.js';
import { accountIdProblem } from '../inventory/validate.js';
import { repoProblem } from './declarable.js';

/**
 * `secsli init` from exported files instead of the APIs:
 * - `--repos FILE`: `gh api --paginate /orgs/X/repos` (several JSON arrays back to back, or one);
 * - `--properties FILE`: `gh api --paginate /orgs/X/properties/values`;
 * - `--accounts FILE`: `aws organizations list-accounts` (`{"Accounts":[…]}`, pages back to back);
 * - `--from SOURCE=FILE`: findings exports, as for `score`.
 */

/** Every top-level JSON value of a text that may hold several back to back (what `gh api --paginate` prints). */
function jsonValues(text: string, file: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === ']' || c === '}') {
      if (--depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch (e) {
          throw new UsageError(`${file}: not JSON near offset ${start}: ${(e as Error).message}`, 'Pass the output of the documented export command unchanged.');
        }
      }
      if (depth < 0) throw new UsageError(`${file}: unbalanced JSON at offset ${i}`, 'Pass the output of the documented export command unchanged.');
    } else if (depth === 0 && !/\s/.test(c))
      throw new UsageError(`${file}: unexpected "${c}" at offset ${i} outside any JSON value`, 'Pass the output of the documented export command unchanged.');
  }
  if (depth !== 0) throw new UsageError(`${file}: the JSON is cut off`, 'Export again; the file ends inside a value.');
  return out;
}

/**
 * An export's JSON values. As `score` reads its exports: a pipe or device is refused (it would
 * block or never end), bytes that are not UTF-8 (PowerShell's UTF-16) are named with what to do,
 * and an empty file is an export that failed, not an organization with nothing in it.
 */
async function read(file: string): Promise<unknown[]> {
  let bytes: Buffer;
  try {
    bytes = await readRegularBytes(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTREG') throw new UsageError(`${file}: not a file but a pipe or device`, 'Write the export to a file first, then pass that file.');
    throw new UsageError(`cannot read ${file}: ${code ?? (e as Error).message}`, 'Check the path.');
  }
  const decoded = decodeUtf8(bytes);
  if ('notUtf8' in decoded) throw new UsageError(`${file}: ${notUtf8Text(decoded.notUtf8)}`, decoded.notUtf8.hint);
  const values = jsonValues(decoded.text, file);
  if (!values.length) throw new UsageError(`${file}: the file is empty (no JSON in it)`, 'Export again: an export that failed leaves an empty file.');
  return values;
}

type Obj = Record<string, unknown>;
const objects = (values: unknown[]): Obj[] => values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v));

/**
 * A record that cannot be declared (no or a bad full_name / Id) is refused: left out, with a note
 * naming the file, the record (1-based, across the file's pages) and what was expected; the notes
 * are warned and head the proposal. A repository export none of whose records has a full_name is
 * the wrong file, refused whole.
 */
const refused = (file: string, n: number, why: string) => `${file}: record ${n} refused, left out of the proposal: ${why}`;

export async function readRepoExports(repoFiles: string[], propertyFiles: string[]): Promise<GithubDiscovery> {
  const byKey = new Map<string, DiscoveredRepo>();
  const notes: string[] = [];
  for (const file of repoFiles) {
    const records = objects(await read(file));
    if (records.length && !records.some((r) => typeof r.full_name === 'string'))
      throw new UsageError(
        `${file}: no record has a full_name: is this \`gh api --paginate /orgs/X/repos\` output?`,
        'Export with: gh api --paginate /orgs/ORG/repos > repos.json',
      );
    for (const [i, r] of records.entries()) {
      if (typeof r.full_name !== 'string') {
        notes.push(refused(file, i + 1, 'no full_name (expected "owner/name", as `gh api /orgs/X/repos` gives it)'));
        continue;
      }
      const problem = repoProblem(r.full_name);
      if (problem) {
        notes.push(refused(file, i + 1, `full_name ${problem}`));
        continue;
      }
      byKey.set(r.full_name.toLowerCase(), {
        ...(typeof r.id === 'number' ? { id: r.id } : {}),
        fullName: r.full_name,
        aliases: [],
        archived: r.archived === true,
        ...(typeof r.visibility === 'string' ? { visibility: r.visibility } : {}),
        topics: Array.isArray(r.topics) ? r.topics.filter((t): t is string => typeof t === 'string').sort() : [],
        properties: textRecord(),
      });
    }
  }
  for (const file of propertyFiles) {
    for (const p of objects(await read(file))) {
      const repo = byKey.get(String(p.repository_full_name ?? '').toLowerCase());
      for (const v of repo && Array.isArray(p.properties) ? (p.properties as Obj[]) : []) {
        const value = Array.isArray(v.value) ? v.value.join(',') : v.value;
        if (typeof v.property_name === 'string' && typeof value === 'string') repo!.properties[v.property_name] = value;
      }
    }
  }
  const repos = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
  return { orgs: [...new Set(repos.map((r) => r.fullName.split('/')[0]!))].sort(), repos, lookups: [], complete: true, propertiesReadable: propertyFiles.length > 0, notes };
}

export async function readAccountExports(files: string[]): Promise<AwsDiscovery> {
  const byId = new Map<string, DiscoveredAccount>();
  const notes: string[] = [];
  for (const file of files) {
    const values = objects(await read(file));
    const list = values.flatMap((v) => (Array.isArray(v.Accounts) ? objects(v.Accounts) : 'Id' in v ? [v] : []));
    if (!list.length)
      throw new UsageError(
        `${file}: no account in it (no "Accounts" list, no record with an Id): is this \`aws organizations list-accounts\` output?`,
        'Export with: aws organizations list-accounts --output json > accounts.json',
      );
    for (const [i, a] of list.entries()) {
      if (typeof a.Id !== 'string') {
        notes.push(
          refused(file, i + 1, `${a.Id === undefined ? 'no Id' : `Id is a ${typeof a.Id}`} (expected a string of 12 digits, as \`aws organizations list-accounts\` gives it)`),
        );
        continue;
      }
      const problem = accountIdProblem(a.Id);
      if (problem) {
        notes.push(refused(file, i + 1, `Id: ${problem}`));
        continue;
      }
      byId.set(a.Id, { id: a.Id, ...(typeof a.Name === 'string' ? { name: a.Name } : {}), state: String(a.State ?? a.Status ?? 'UNKNOWN'), tags: textRecord() });
    }
  }
  return { from: 'organizations', accounts: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), hubs: [], membersRead: false, notes };
}

/** Refused finding records named one by one in the warnings; the rest are counted. */
const REFUSED_SHOWN = 10;

/**
 * Findings from exports, de-duplicated by id (newest copy wins), with their exposure evidence. A
 * record that cannot be read as a finding proposes nothing, and says so: the first ten by file and
 * record (as `score` lists them), then how many more.
 */
export async function readFindingExports(from: Array<{ source: Source; file: string }>, log: Logger) {
  const byId = new Map<string, Finding>();
  const ev = createEvidenceCollector();
  let refusedCount = 0;
  const incomplete: string[] = [];
  const refuse = (origin: string, record: number | undefined, line: number | undefined, reason: string) => {
    if (++refusedCount > REFUSED_SHOWN) return;
    const where = record === undefined ? '' : ` record ${record}${line ? ` (line ${line})` : ''}`;
    log.warn(`${origin}:${where} refused, nothing proposed from it: ${reason}`);
  };
  for (const f of from) {
    const c = createFileCollector(f.source, f.file);
    const status = await c.collect(
      {
        record(raw, where) {
          const r = normalizeRecord(f.source, raw);
          if (!r.ok) return refuse(where.origin, where.record, where.line, r.reason);
          const prev = byId.get(r.finding.id);
          if (!prev || r.finding.updatedAt >= prev.updatedAt) {
            byId.set(r.finding.id, r.finding);
            ev.record(r.finding, raw);
          }
        },
        reject(x) {
          refuse(x.origin, x.record, x.line, x.reason);
        },
      },
      log,
    );
    // The collector logged why (not JSON, the wrong kind, cut short): the caller exits 3 for it.
    if (!status.complete) incomplete.push(f.file);
  }
  if (refusedCount > REFUSED_SHOWN) log.warn(`…and ${refusedCount - REFUSED_SHOWN} more finding record(s) refused (${refusedCount} in all)`);
  return { findings: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), evidence: ev.evidence, incomplete };
}
