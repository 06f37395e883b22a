import type { Cvss } from '../../model/finding.js';
import { cvssVersionOf, toNumber } from '../read/normalize-result.js';

/** What the CVSS rule needs of an ASFF vulnerability (both normalizer paths pass theirs). */
interface CvssCarrier {
  Cvss?: readonly { BaseScore?: unknown; BaseVector?: string | undefined; Version?: string | undefined }[] | undefined;
}

/**
 * The one rule for which CVSS of a finding counts: highest version wins (4.0 > 3.x > 2.0), then
 * the highest score; a score of 0 without a vector is "not scored" and never counts.
 */
export function bestCvss(vulns: readonly CvssCarrier[]): Cvss | undefined {
  let best: Cvss | undefined;
  let bestRank = -1;
  for (let i = 0; i < vulns.length; i++) {
    const list = vulns[i]!.Cvss;
    if (!list) continue;
    for (let j = 0; j < list.length; j++) {
      const c = list[j]!;
      const score = toNumber(c.BaseScore);
      const vector = c.BaseVector || undefined;
      if (score === undefined || score < 0 || score > 10 || (score === 0 && !vector)) continue;
      const version = c.Version ?? cvssVersionOf(vector) ?? 'unknown';
      const rank = (Number.parseFloat(version) || 0) * 100 + score;
      if (rank > bestRank || (rank === bestRank && vector && !best?.vector)) {
        best = vector ? { score, version, vector } : { score, version };
        bestRank = rank;
      }
    }
  }
  return best;
}
