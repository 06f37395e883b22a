import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Prints a plain closing line, "N passed, N failed, N skipped", after vitest's own summary, so
 * any CI log reader can tell how many tests ran without parsing vitest's formatted output.
 *
 * A failure is named, not only counted: one `FAILED` line for each failed test (its file, its
 * full name, the first line of its first error), each file that failed outside its tests (an
 * import that threw, a hook) and each unhandled error, then the closing line, which names the
 * first of them too. A log that keeps only its last line still says which test failed: a
 * failure seen once on a fresh clone was lost that way, "956 passed, 1 failed" and nothing more.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    let failedTests = 0;
    for (const m of [...modules].sort((a, b) => (a.relativeModuleId < b.relativeModuleId ? -1 : 1))) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'passed') passed++;
        else if (r.state === 'failed') {
          failedTests++;
          failures.push(`${m.relativeModuleId} > ${oneLine(t.fullName)}${reason(r.errors[0])}`);
        } else skipped++;
      }
      const own = m.errors();
      if (own.length > 0) failures.push(`${m.relativeModuleId} (the file itself)${reason(own[0])}`);
    }
    for (const e of unhandled) failures.push(`unhandled error${reason(e)}`);
    const extra = failures.length - failedTests;
    let last = `${passed} passed, ${failedTests} failed, ${skipped} skipped`;
    if (extra > 0) last += `, ${extra} other error${extra === 1 ? '' : 's'}`;
    if (failures.length > 0) last += ` — first: ${failures[0]!}`;
    const lines = failures.map((f) => `FAILED ${f}`);
    process.stdout.write(`\n${[...lines, last].join('\n')}\n`);
  }
}

/** ": " and the first line of an error's message, at most 200 characters. */
function reason(e: SerializedError | undefined): string {
  if (!e) return '';
  const message = String(e.message ?? '');
  const first = oneLine(`${e.name && !message.startsWith(e.name) ? `${e.name}: ` : ''}${message}`.split('\n')[0]!);
  return first ? `: ${first.length > 200 ? `${first.slice(0, 199)}…` : first}` : '';
}

/** Control characters (a newline in a test's name, an escape sequence in a message) shown as spaces: one line each. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
