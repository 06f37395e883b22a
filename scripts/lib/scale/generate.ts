/**
 * Writes a scale data set into a folder, streaming (one chunk of lines in memory at a time):
 *   securityhub.ndjson   N ASFF findings, one per line
 *   dependabot.ndjson    M Dependabot alerts (org listing shape), one per line
 *   assets.yaml          K assets whose selectors claim ~95 % of them
 * Same options → same bytes.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { securityHubFinding, type Pools } from './asff.js';
import { assetsYaml } from './assets-yaml.js';
import { buildVulns } from './catalog.js';
import { dependabotAlertLine } from './dependabot.js';
import { buildWorld } from './world.js';

export interface GenOptions {
  findings: number;
  alerts: number;
  assets: number;
  seed: number;
  out: string;
}

export const FILES = { securityhub: 'securityhub.ndjson', dependabot: 'dependabot.ndjson', assets: 'assets.yaml' } as const;

function makePools(seed: number, assets: number): Pools {
  const world = buildWorld(seed, assets);
  const v = buildVulns(seed, 4000);
  return { world, ...v, kevLang: v.kev.filter((x) => x.ecosystem), repoAssets: world.assets.filter((a) => a.repos.length > 0) };
}

/** Writes the lines of `lines` to `path` (via a temp name, renamed when complete). */
async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const tmp = `${path}.partial`;
  const ws = createWriteStream(tmp);
  let buf = '';
  for (const line of lines) {
    buf += line;
    if (buf.length >= 1 << 20) {
      if (!ws.write(buf)) await once(ws, 'drain');
      buf = '';
    }
  }
  ws.end(buf);
  await once(ws, 'finish');
  await rename(tmp, path);
}

export async function generate(o: GenOptions): Promise<void> {
  const pools = makePools(o.seed, o.assets);
  await mkdir(o.out, { recursive: true });
  const meta = `--findings ${o.findings} --alerts ${o.alerts} --assets ${o.assets} --seed ${o.seed}`;
  await writeLines(join(o.out, FILES.assets), assetsYaml(pools.world, meta));
  await writeLines(
    join(o.out, FILES.securityhub),
    (function* () {
      for (let i = 0; i < o.findings; i++) yield JSON.stringify(securityHubFinding(o.seed, i, pools)) + '\n';
    })(),
  );
  await writeLines(
    join(o.out, FILES.dependabot),
    (function* () {
      for (let i = 0; i < o.alerts; i++) yield dependabotAlertLine(o.seed, i, pools) + '\n';
    })(),
  );
}
