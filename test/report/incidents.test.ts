import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { makeAsset, makeFinding, scoreWith } from '../builders.js';

/**
 * report.md's incident table lists the 25 most urgent open detections and counts the rest: a
 * million findings held ~20,000 of them, a 20,000-row table nobody reads that took most of the
 * report's rendering time.
 */
const META = { toolVersion: 'test', inventoryFile: 'assets.yaml' };
const hoursBefore = (h: number) => new Date(Date.parse('2026-11-27T00:00:00Z') - h * 3_600_000).toISOString();

/** `late` high detections past their 24 h (oldest first in the table), and `fresh` low ones within their 168 h. */
function detections(late: number, fresh: number) {
  const detection = (name: string, severity: 'high' | 'low', ageHours: number) =>
    makeFinding({
      kind: 'threat',
      product: 'GuardDuty',
      severity,
      title: name,
      nativeId: name.replace(' ', '-'),
      firstSeen: hoursBefore(ageHours),
      updatedAt: hoursBefore(ageHours),
    });
  return [...Array.from({ length: late }, (_, i) => detection(`late ${i}`, 'high', 48 + i)), ...Array.from({ length: fresh }, (_, i) => detection(`fresh ${i}`, 'low', 2 + i))];
}

const section = (md: string) => md.slice(md.indexOf('## Incidents'), md.indexOf('## Summary'));
const rows = (s: string) => s.split('\n').filter((l) => l.startsWith('| app |'));

describe('report.md incidents', () => {
  it('lists the 25 most urgent and counts the others, with how many of them are late', () => {
    const md = section(renderMarkdown(scoreWith(detections(27, 3), [makeAsset()]), META));
    const listed = rows(md);
    expect(listed).toHaveLength(25);
    // Past their response time first, the oldest first: late 26 … late 2; late 1, late 0 and the fresh ones are counted.
    expect(listed[0]).toContain('late 26');
    expect(listed[24]).toContain('late 2');
    expect(md).not.toContain('fresh 0');
    expect(md).toContain('…and 5 more open detections, 2 of them past their response time. findings.csv lists every one (column `kind` is `threat`).');
  });

  it('says nothing more when every detection is listed, and leaves out "late" when none of the rest is', () => {
    const all = section(renderMarkdown(scoreWith(detections(20, 5), [makeAsset()]), META));
    expect(rows(all)).toHaveLength(25);
    expect(all).not.toContain('more open detections');
    const onlyFresh = section(renderMarkdown(scoreWith(detections(25, 4), [makeAsset()]), META));
    expect(onlyFresh).toContain('…and 4 more open detections. findings.csv lists every one');
    const one = section(renderMarkdown(scoreWith(detections(26, 0), [makeAsset()]), META));
    expect(one).toContain('…and 1 more open detection, 1 of them past their response time.');
  });
});
