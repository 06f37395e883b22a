/**
 * The GitHub Action's reporting step (action.yml → scripts/action/score.sh): from the run's
 * summary.json, a Markdown section for $GITHUB_STEP_SUMMARY and the step's outputs in
 * $GITHUB_OUTPUT. Run after `secsli score`, whatever it exited with:
 *
 *   node dist/scripts/action/step-outputs.js <exit code> <run folder or ""> <log file>
 *
 * Text from outside (titles, asset and owner names) goes through the reports' one Markdown
 * escaper. Without a run folder (exit 2, 70, a signal) it says why from the last error logged.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { actionCell, fixed, mdCell } from '../../src/report/format.js';
import type { Summary } from '../../src/report/summary.js';

const REASON_WITHOUT_RUN: Record<number, string> = { 2: 'usage', 70: 'internal-error', 130: 'cancelled', 143: 'cancelled' };
/** The exit reason of each exit code, for a summary.json that says another code than the process exited with. */
const REASON_OF: Record<number, string> = { 0: 'ok', 1: 'fail-on', 3: 'incomplete', ...REASON_WITHOUT_RUN };

export interface StepResult {
  markdown: string;
  outputs: Record<string, string>;
}

/** The last `level: error` message of a --log-format json log, if any. */
function lastError(log: string): string | undefined {
  let msg: string | undefined;
  for (const line of log.split('\n')) {
    try {
      const o = JSON.parse(line) as { level?: string; msg?: string };
      if (o.level === 'error' && typeof o.msg === 'string') msg = o.msg;
    } catch {
      // not a JSON line (a tool's own output): skipped
    }
  }
  return msg;
}

/** The log line lists at most 100 status changes (src/report/summary.ts summaryLogFields) and counts the rest. */
type LoggedSummary = Summary & { changesLeftOut?: number; changesWorse?: number };

/**
 * The run's summary: its summary.json, or — for a run in S3 (`history: s3://…`), which has no local
 * folder — the last `event: "summary"` line of the JSON log, which carries the same facts.
 */
function summaryOf(runDir: string, log: string): LoggedSummary | undefined {
  const file = runDir && !runDir.startsWith('s3://') ? join(runDir, 'summary.json') : '';
  if (file) return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Summary) : undefined;
  if (!runDir) return undefined;
  return loggedSummary(log);
}

/** The last `event: "summary"` line of the JSON log with a run in it. */
function loggedSummary(log: string): LoggedSummary | undefined {
  let found: LoggedSummary | undefined;
  for (const line of log.split('\n')) {
    try {
      const o = JSON.parse(line) as Partial<Summary> & { event?: string };
      if (o.event === 'summary' && o.run && o.byStatus) found = o as LoggedSummary;
    } catch {
      // not a JSON line: skipped
    }
  }
  return found;
}

export function stepResult(exitCode: number, runDir: string, log: string): StepResult {
  const summary = summaryOf(runDir, log);
  if (!summary) {
    const reason = REASON_WITHOUT_RUN[exitCode] ?? 'failed';
    const why = lastError(log);
    return {
      markdown: `## secsli: no report (exit ${exitCode}, ${reason})\n\n${why ? mdCell(why, 1000) : 'See the step log.'}\n`,
      outputs: { 'exit-code': String(exitCode), 'exit-reason': reason, 'run-folder': '', 'run-name': '', partial: 'false', 'fail-on-tripped': 'false' },
    };
  }
  // The process's exit code is the truth: a summary.json that says otherwise (written before a
  // later step changed the outcome) gives way to it, with the reason the log's summary line gives.
  let s: LoggedSummary = summary;
  if (Number.isInteger(exitCode) && exitCode !== summary.exitCode) {
    const logged = loggedSummary(log);
    const agrees = logged?.exitCode === exitCode ? logged : undefined;
    s = {
      ...summary,
      exitCode,
      exitReason: (agrees?.exitReason ?? REASON_OF[exitCode] ?? 'failed') as Summary['exitReason'],
      message: agrees?.message ?? `secsli exited ${exitCode}; the run's summary.json says ${summary.exitCode} (${summary.exitReason}: ${summary.message})`,
    };
  }
  const b = s.byStatus;
  const out: string[] = [
    `## secsli: ${s.exitReason} (exit ${s.exitCode})${s.partial ? ' — PARTIAL' : ''}`,
    '',
    mdCell(s.message, 1000),
    '',
    // Exit 3 won over exit 1: the owners' news is still news.
    ...(s.failOnMeasured ? [`**--fail-on ${s.failOn} tripped among what was measured:** ${mdCell(s.failOnMeasured.message, 1000)}`, ''] : []),
    '| BREACHED | UNKNOWN | AT RISK | OK |',
    '| ---: | ---: | ---: | ---: |',
    `| ${b.BREACHED} | ${b.UNKNOWN} | ${b['AT RISK']} | ${b.OK} |`,
    '',
  ];
  if (s.changes.length) {
    out.push(
      `### Status changes${s.previousRun ? ` since ${mdCell(s.previousRun)}` : ' (first run)'}`,
      '',
      '| Asset | Owner | Contact | From | To |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const c of s.changes) out.push(`| ${mdCell(c.asset)} | ${mdCell(c.owner)} | ${mdCell(c.contact ?? '')} | ${c.from ?? 'new'} | ${c.worse ? '**' + c.to + '**' : c.to} |`);
    if (s.changesLeftOut) out.push('', `…and ${s.changesLeftOut} more status change(s): summary.json in the run lists them all.`);
    out.push('');
  }
  if (s.nextActions.items.length) {
    out.push('### Next actions', '');
    for (const [i, a] of s.nextActions.items.entries()) {
      const where = a.assets.map((x) => `${mdCell(x.asset)} (${mdCell(x.owner)})`).join(', ');
      // As report.md's Next actions: an incident removes no risk (it is measured by response time), so no "−0".
      const risk = a.kind === 'incident' ? '— (incident)' : `−${fixed(a.riskRemoved)}`;
      out.push(`${i + 1}. ${mdCell(actionCell(a.action))} — ${where}; closes ${a.closes}, risk ${risk}${a.why.length ? `; ${mdCell(a.why.join(', '))}` : ''}`);
    }
    out.push('');
  }
  const incomplete = s.sources.filter((x) => !x.complete);
  for (const x of incomplete) out.push(`- ${mdCell(x.describe)} incomplete: ${mdCell(x.problems.join('; '), 500)}`);
  out.push(
    s.run.location.startsWith('s3://')
      ? `Run \`${mdCell(s.run.location)}\`: report.md, CSVs and snapshot.json are there (\`secsli trend\`, \`review\` and \`diff\` read it).`
      : `Run folder \`${mdCell(basename(s.run.location))}\`: report.md, CSVs and snapshot.json are in the uploaded artifact.`,
    '',
  );
  return {
    markdown: out.join('\n'),
    outputs: {
      'exit-code': String(s.exitCode),
      'exit-reason': s.exitReason,
      'run-folder': runDir,
      'run-name': s.run.name,
      partial: String(s.partial),
      breached: String(b.BREACHED),
      unknown: String(b.UNKNOWN),
      'at-risk': String(b['AT RISK']),
      ok: String(b.OK),
      worse: String(s.changesWorse ?? s.changes.filter((c) => c.worse).length),
      // The owners' alert: --fail-on tripped, on a complete run (exit 1) or among what an exit-3 run did measure.
      // From what the run decided (summary.json): a later step that changed the exit code (a sync-state
      // race lost while publishing, stdout failing) does not unsay its news.
      'fail-on-tripped': String(summary.exitCode === 1 || s.exitCode === 1 || (summary.failOnMeasured ?? null) !== null),
    },
  };
}

function main(argv: string[]): void {
  const [code, runDir = '', logFile = ''] = argv;
  const log = logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const r = stepResult(Number(code), runDir, log);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, r.markdown + '\n');
  // One `name=value` line each: no value holds a newline (run folders are secsli's own names).
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      Object.entries(r.outputs)
        .map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, ' ')}\n`)
        .join(''),
    );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
