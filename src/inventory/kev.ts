import { readRegularBytesSync } from '../io/read-regular.js';
import { decodeUtf8, notUtf8Text } from '../io/text-encoding.js';
import { join } from 'node:path';
import * as z from '../vendor/zod.js';
import { UsageError } from '../errors.js';
import { CVE_ID, type KevCatalog } from '../model/kev.js';
import { packageRoot } from '../package-root.js';

/** Reading the CISA KEV catalog from disk (bundled snapshot or `--kev FILE`); scoring gets the parsed KevCatalog. */

const kevFileSchema = z.looseObject({
  catalogVersion: z.string(),
  // Entries one at a time: one without a CVE id is skipped and named, not the whole catalog refused.
  vulnerabilities: z.array(z.unknown()),
});

/** What loadKev read, and the entries it could not use (for a warning). */
export interface KevRead {
  catalog: KevCatalog;
  /** "entry 12 (cveID null), and 2 more": entries without a CVE id; absent when every entry had one. */
  skipped?: string;
}

function parseKev(text: string, origin: string): KevRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${origin}: not a CISA KEV catalog (invalid JSON: ${(e as Error).message})`);
  }
  const parsed = kevFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `${origin}: not a CISA KEV catalog (expected {"catalogVersion": …, "vulnerabilities": [{"cveID": …}]})`,
      'Download known_exploited_vulnerabilities.json from cisa.gov, or omit --kev to use the bundled snapshot.',
    );
  }
  const cves = new Set<string>();
  const bad: string[] = [];
  parsed.data.vulnerabilities.forEach((v, i) => {
    const id = v && typeof v === 'object' ? (v as { cveID?: unknown }).cveID : undefined;
    if (typeof id === 'string' && CVE_ID.test(id.trim())) cves.add(id.trim().toUpperCase());
    else bad.push(`entry ${i + 1} (cveID ${id === undefined ? 'missing' : JSON.stringify(id)?.slice(0, 40)})`);
  });
  if (bad.length && cves.size === 0)
    throw new UsageError(
      `${origin}: not a CISA KEV catalog (no entry has a CVE id: ${bad[0]})`,
      'Download known_exploited_vulnerabilities.json from cisa.gov, or omit --kev to use the bundled snapshot.',
    );
  return {
    catalog: { version: parsed.data.catalogVersion, origin, cves },
    ...(bad.length
      ? {
          skipped: `${bad.length} entr${bad.length === 1 ? 'y' : 'ies'} without a CVE id skipped: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? `, and ${bad.length - 3} more` : ''}`,
        }
      : {}),
  };
}

/** The snapshot shipped in data/kev/. */
function bundledKevPath(): string {
  return join(packageRoot(), 'data', 'kev', 'known_exploited_vulnerabilities.json');
}

export function loadKev(path?: string): KevRead {
  const file = path ?? bundledKevPath();
  let bytes: Buffer;
  try {
    bytes = readRegularBytesSync(file);
  } catch (e) {
    throw new UsageError(`cannot read KEV catalog ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const origin = path ? file : 'bundled data/kev/known_exploited_vulnerabilities.json';
  // A byte order mark is read past (as in exports); bytes that are not UTF-8 are named where they start.
  const decoded = decodeUtf8(bytes);
  if ('notUtf8' in decoded) throw new UsageError(`${origin}: not a CISA KEV catalog: the file is ${notUtf8Text(decoded.notUtf8)}`, decoded.notUtf8.hint);
  return parseKev(decoded.text, origin);
}
