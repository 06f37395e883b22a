/**
 * Offline collector: one exported file (`aws securityhub get-findings` output, `gh api --paginate`
 * output, JSON arrays, NDJSON) streamed record by record into the sink.
 */
import { open, stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { utf16KindOf } from '../io/text-encoding.js';
import type { Logger } from '../log.js';
import type { Source } from '../model/finding.js';
import { FILE_EXPECTATIONS } from './read/expect.js';
import type { ParallelRead } from './parallel/options.js';
import { AccountCoverage, RepoCoverage } from './read/repo-coverage.js';
import { readJsonRecords, readsByLine, type ReadEvent, type ReadOptions } from './read/records.js';
import type { BatchEvent } from './parallel/read.js';
import type { ParsePool } from './parallel/pool.js';
import type { Collector, RecordSink, SourceStatus } from './types.js';

/** The input file cannot be opened: a usage error (exit 2), carrying the fs error's `code` (ENOENT, EISDIR, EACCES). */
export class InputFileError extends UsageError {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, 'Check the path given to --from (or `file:` under sources in assets.yaml).', options);
  }
}

const PROGRESS_EVERY = 10_000;

/**
 * Reads `path` as an export of `source`. Bad content never throws: unreadable records become rejects,
 * a file that is not JSON, of the wrong shape or truncated makes the status incomplete with a
 * coverage gap. Throws InputFileError only when the file cannot be opened at all.
 */
export function createFileCollector(source: Source, path: string, readOptions: Omit<ReadOptions, 'expect'> & { parallel?: ParallelRead } = {}): Collector {
  return {
    source,
    describe: `file ${path}`,
    async collect(sink: RecordSink, log: Logger): Promise<SourceStatus> {
      const size = await ensureReadable(path);
      const problems: string[] = [];
      let records = 0;
      const utf16 = size > 0 ? await utf16Of(path).catch((err: unknown) => Promise.reject(toInputFileError(path, err))) : undefined;
      if (utf16) {
        const message = `${path} is ${utf16} text (what Windows PowerShell's \`>\` writes), not UTF-8: save the export as UTF-8 (\`… | Out-File -Encoding utf8 FILE\`, or \`-o json > FILE\` from bash) and read that`;
        log.error(message);
        return { source, origins: [path], complete: false, problems: [message], coverage: [{ source, scope: {}, status: 'gap', reason: message }], records: 0 };
      }
      const coverage = new RepoCoverage();
      const accounts = new AccountCoverage();
      let pool: ParsePool | undefined;
      try {
        const { parallel, ...read } = readOptions;
        // A `.ndjson` file that is not one value per line (pretty-printed objects back to back, `jq .`
        // output; objects on one line; CR line ends) is read as a stream of JSON values, as a `.json`
        // file would be, instead of losing every record to "the last line is not complete JSON".
        if (readsByLine(path, read) && (await notLineDelimited(path))) {
          log.warn(`${path}: not one JSON value per line (NDJSON): read as a stream of JSON values`);
          read.ndjson = false;
        }
        let events: AsyncGenerator<ReadEvent | BatchEvent, void, void>;
        if (sink.batch && parallel && parallel.workers > 0 && readsByLine(path, read) && size >= parallel.minBytes) {
          // Large NDJSON: parse workers read and normalize it (src/collectors/parallel).
          const [{ ParsePool }, { readNdjsonParallel }] = await Promise.all([import('./parallel/pool.js'), import('./parallel/read.js')]);
          pool = new ParsePool(parallel.workers);
          log.debug(`${path}: ${size} bytes, read by ${parallel.workers} parse worker(s)`);
          events = readNdjsonParallel(path, size, source, {
            pool,
            maxRecordChars: read.maxRecordChars ?? 64 * 1024 * 1024,
            ...(parallel.jobBytes ? { jobBytes: parallel.jobBytes } : {}),
          });
        } else {
          events = readJsonRecords(path, { ...read, expect: FILE_EXPECTATIONS[source] });
        }
        for await (const ev of events) {
          switch (ev.kind) {
            case 'batch': {
              records += ev.values;
              if (ev.repos) coverage.add(ev.repos, ev.withRepository ?? 0);
              if (ev.accounts) accounts.add(ev.accounts);
              for (const m of ev.unreadable) log.debug(`${path}: ${m}`);
              sink.batch?.(ev);
              if (Math.floor(records / PROGRESS_EVERY) !== Math.floor((records - ev.values) / PROGRESS_EVERY)) log.progress(`${path}: ${records} records read`);
              break;
            }
            case 'record':
              records++;
              if (source === 'dependabot') coverage.note(ev.value);
              else accounts.note(ev.value);
              sink.record(ev.value, { origin: path, record: ev.record, ...(ev.line ? { line: ev.line } : {}) });
              if (records % PROGRESS_EVERY === 0) log.progress(`${path}: ${records} records read`);
              break;
            case 'error':
              if (ev.record !== undefined) {
                sink.reject({ origin: path, record: ev.record, ...(ev.line ? { line: ev.line } : {}), reason: ev.message });
              }
              if (ev.fatal) {
                problems.push(ev.message);
                log.error(ev.message);
              } else {
                log.debug(`${path}: ${ev.message}`);
              }
              break;
            case 'note':
              log.warn(ev.message);
              break;
            case 'incomplete':
              problems.push(ev.message);
              log.warn(ev.message);
              break;
            case 'end':
              log.debug(`${path}: ${ev.records} record(s), ${ev.shape}`);
              break;
          }
        }
      } catch (err) {
        throw toInputFileError(path, err);
      } finally {
        await pool?.close();
      }
      // Zero alerts cannot say which repositories were looked at: `[]` vouches for none of them; nor
      // can zero findings say which accounts were (Security Hub lists every account's control checks,
      // passed ones too: an export with none is a failed or over-filtered one).
      if (problems.length === 0 && records === 0) {
        problems.push(
          source === 'dependabot'
            ? `${path} holds no alerts: it does not show that any repository was looked at`
            : `${path} holds no findings: it does not show that any AWS account was looked at`,
        );
        log.warn(problems[0]!);
      }
      const complete = problems.length === 0;
      // A repository-level export (alerts without `repository`) answers only for the repositories
      // in it: any other repository an asset claims was not looked at, so it must not read as covered.
      const alerts = source === 'dependabot' && complete && records > 0;
      const perRepo = alerts && coverage.withRepository === 0;
      // An organization listing (alerts that name their repository) answers for the organizations in
      // it, every repository of each: not for a repository of another organization an asset claims.
      const orgs = alerts && !perRepo ? [...new Set([...coverage.repos].map((r) => r.split('/')[0]!.toLowerCase()))].sort() : [];
      return {
        source,
        origins: [path],
        complete,
        problems,
        coverage: perRepo
          ? [...coverage.repos].sort().map((repo) => ({ source, scope: { repo }, status: 'covered' as const, alone: true as const }))
          : orgs.length
            ? orgs.map((org) => ({ source, scope: { org }, status: 'covered' as const }))
            : // A Security Hub export answers for the accounts its findings name: one from a member
              // account, or filtered to some accounts, says nothing of another account an asset claims.
              source === 'securityhub' && complete
              ? [...accounts.accounts].sort().map((account) => ({ source, scope: { account }, status: 'covered' as const }))
              : [complete ? { source, scope: {}, status: 'covered' } : { source, scope: {}, status: 'gap', reason: problems.join('; ') }],
        records,
      };
    },
  };
}

/** The file's size; an InputFileError when it is not a readable file. */
async function ensureReadable(path: string): Promise<number> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    throw toInputFileError(path, err);
  }
  if (st.isFIFO() || st.isCharacterDevice() || st.isSocket())
    throw new InputFileError(
      path,
      'EISDIR',
      `${path}: not a file but a pipe or device — exports are read from files (secsli looks at the start first, and splits large ones by byte range): write the export to a file first`,
    );
  if (!st.isFile()) throw new InputFileError(path, 'EISDIR', `${path}: not a file`);
  return st.size;
}

/**
 * "UTF-16 (little-endian)" when the file starts like UTF-16 text — a byte order mark, or ASCII
 * with a NUL after every byte — which is what Windows PowerShell's `>` writes; else undefined.
 * Read as UTF-8 it was "not JSON: found text "��{\x00"\x00F…"", which names nothing a user can act on.
 */
async function utf16Of(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return utf16KindOf(b.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

function toInputFileError(path: string, err: unknown): Error {
  const { code, path: errPath } = (err ?? {}) as NodeJS.ErrnoException;
  // Only the input file's own errors are usage errors; anything else (a sink bug) goes up unchanged.
  if (!code || (errPath !== undefined && errPath !== path)) return err instanceof Error ? err : new Error(String(err));
  const what = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'not a file' : code;
  return new InputFileError(path, code, `${path}: ${what}`, { cause: err });
}

const SNIFF_BYTES = 64 * 1024;

/**
 * Whether a file meant to hold one JSON value per line holds them some other way the stream
 * reader reads whole: line ends that are CR alone; objects back to back on one line; pretty-printed
 * objects (a first line that opens a value and does not close it). A first line that is merely
 * broken is none of these: the line reader rejects it and keeps the good lines after it.
 */
async function notLineDelimited(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    const head = buf
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\ufeff/, '');
    const nl = head.indexOf('\n');
    // No line end in the sniff: one record longer than it (let the line reader judge), unless CR
    // ends the lines or objects follow each other on the one line.
    if (nl < 0) return bytesRead < SNIFF_BYTES || head.includes('\r') ? !isJson(head.trim()) && (head.includes('\r') || /^\s*\{.*\}\s*\{/s.test(head)) : false;
    const line = head.slice(0, nl).trim();
    // A first line that is one whole value is NDJSON, whatever its strings hold ("} {" in a description).
    if (isJson(line)) return false;
    return line === '{' || line === '[' || /^\{.*\}\s*\{/.test(line) || (line.startsWith('{') && /[,{[]$/.test(line));
  } finally {
    await fh.close();
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
