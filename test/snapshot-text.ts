/**
 * A run's snapshot files as one object, each asset's findings inline (the version 1 shape), for
 * tests that look into a snapshot's text directly. secsli itself reads them through
 * src/history/snapshot-stream.ts.
 */
/** `any`, as JSON.parse of the single file was for these tests. */
export function snapshotWithFindings(summaryText: string, findingsText = ''): any {
  const snap = JSON.parse(summaryText);
  const byId = new Map<string, { findings: unknown[] }>();
  for (const a of snap.assets) byId.set(a.id, Object.assign(a, { findings: a.findings ?? [] }));
  for (const line of findingsText.split('\n')) if (line) byId.get(JSON.parse(line).asset)?.findings.push(JSON.parse(line));
  return snap;
}
