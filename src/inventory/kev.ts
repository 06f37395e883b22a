import { readRegularFileSync } from '../io/read-regular.js';
import { join } from 'node:path';
import * as z from '../vendor/zod.js';
import { UsageError } from '../errors.js';
import type { KevCatalog } from '../model/kev.js';
import { packageRoot } from '../package-root.js';

/** Reading the CISA KEV catalog from disk (bundled snapshot or `--kev FILE`); scoring gets the parsed KevCatalog. */

const kevFileSchema = z.looseObject({
  catalogVersion: z.string(),
  vulnerabilities: z.array(z.looseObject({ cveID: z.string() })),
});

function parseKev(text: string, origin: string): KevCatalog {
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
  return {
    version: parsed.data.catalogVersion,
    origin,
    cves: new Set(parsed.data.vulnerabilities.map((v) => v.cveID.toUpperCase())),
  };
}

/** The snapshot shipped in data/kev/. */
function bundledKevPath(): string {
  return join(packageRoot(), 'data', 'kev', 'known_exploited_vulnerabilities.json');
}

export function loadKev(path?: string): KevCatalog {
  const file = path ?? bundledKevPath();
  let text: string;
  try {
    text = readRegularFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read KEV catalog ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseKev(text, path ? file : 'bundled data/kev/known_exploited_vulnerabilities.json');
}
