import { csvRow } from '../report/csv-encode.js';
import { mdCell, mdLink, mdTable, pct } from '../report/format.js';
import type { Drift, Ratio } from './drift.js';

/** Drift rendered: the report.md section and summary line, inventory.csv, and the snapshot field. Pure. */

const LIST_LIMIT = 50;

const ratio = (r: Ratio | null, what: string) =>
  r
    ? `${r.claimed}/${r.discovered} ${what} (${r.partial ? `≤ ${pct(r.discovered ? r.claimed / r.discovered : null)}: ${r.partial}` : pct(r.discovered ? r.claimed / r.discovered : null)})`
    : `${what}: not discovered`;

/** The inventory coverage SLI, one line for the report's summary. */
export function driftSummaryLine(d: Drift): string {
  const issues = d.unclaimed.length + d.dangling.length + d.attributes.length + d.exposure.length;
  return `- **Inventory coverage**: ${ratio(d.coverage.repos, 'repositories')} and ${ratio(d.coverage.accounts, 'accounts')} claimed by an asset; ${issues ? `${issues} inventory issue(s) — see Inventory truth` : 'no drift'}.`;
}

const covered = (c: boolean | null) => (c === null ? 'unknown' : c ? 'yes' : '**no**');
const more = (n: number) => (n > LIST_LIMIT ? ['', `… and ${n - LIST_LIMIT} more in inventory.csv.`] : []);

export function renderDriftMarkdown(d: Drift): string {
  const out: string[] = ['## Inventory truth', ''];
  out.push(`Claimed ÷ discovered: ${ratio(d.coverage.repos, 'repositories')}; ${ratio(d.coverage.accounts, 'accounts')}.`, '');
  out.push('### Unclaimed (exist, no asset claims them)', '');
  if (!d.unclaimed.length) out.push('None.');
  else {
    const rows = d.unclaimed
      .slice(0, LIST_LIMIT)
      .map((u) => [u.kind, mdCell(u.name ? `${u.key} (${u.name})` : u.key), covered(u.covered), mdCell(u.coverage), String(u.findingIds.length)]);
    out.push(mdTable(['Kind', 'Repository / account', 'Covered', 'Coverage', 'Open findings'], rows, ['l', 'l', 'l', 'l', 'r']), ...more(d.unclaimed.length));
  }
  out.push('', '### Dangling claims', '');
  if (!d.dangling.length) out.push('None.');
  else
    out.push(
      mdTable(
        ['Asset', 'Claim', 'State', 'Detail'],
        d.dangling.slice(0, LIST_LIMIT).map((x) => [mdCell(x.asset), mdCell(x.claim), x.state, mdCell(x.detail)]),
      ),
      ...more(d.dangling.length),
    );
  out.push('', '### Attribute drift', '');
  if (!d.attributes.length) out.push('None (only attributes mapped under `discovery:` in assets.yaml are compared).');
  else {
    const rows = d.attributes.slice(0, LIST_LIMIT).map((x) => [mdCell(x.asset), x.attribute, mdCell(x.declared), mdCell(x.discovered), mdCell(x.where)]);
    out.push(mdTable(['Asset', 'Attribute', 'assets.yaml', 'Discovered', 'From'], rows), ...more(d.attributes.length));
  }
  out.push('', '### Exposure contradicted by evidence', '');
  if (!d.exposure.length) out.push('None.');
  for (const e of d.exposure) {
    out.push(`- **${mdCell(e.asset)}**: declared ${e.declared} — evidence says internet:`);
    for (const f of e.findings.slice(0, 10)) out.push(`  - ${mdCell(f.pattern)} (${mdCell(f.what)}): ${mdLink(f.title, f.url)}`);
    if (e.findings.length > 10) out.push(`  - … and ${e.findings.length - 10} more`);
  }
  if (d.notes.length) out.push('', '### Discovery notes', '', ...d.notes.map((n) => `- ${mdCell(n, 400)}`));
  return out.join('\n') + '\n';
}

const INVENTORY_CSV_COLUMNS = ['drift', 'kind', 'key', 'asset', 'state', 'declared', 'discovered', 'covered', 'detail', 'open_findings', 'finding_ids'] as const;

export function renderInventoryCsv(d: Drift): string {
  let out = csvRow(INVENTORY_CSV_COLUMNS);
  for (const u of d.unclaimed)
    out += csvRow(['unclaimed', u.kind, u.key, '', '', '', u.name ?? '', u.covered === null ? '' : u.covered, u.coverage, u.findingIds.length, u.findingIds.join(' ')]);
  for (const x of d.dangling) out += csvRow(['dangling', x.kind, x.claim, x.asset, x.state, '', '', false, x.detail, '', '']);
  for (const x of d.attributes) out += csvRow(['attribute', x.attribute, x.where, x.asset, '', x.declared, x.discovered, '', '', '', '']);
  for (const e of d.exposure) {
    for (const f of e.findings) out += csvRow(['exposure', 'finding', f.id, e.asset, f.pattern, e.declared, 'internet', '', f.what, '', f.id]);
  }
  return out;
}

/** snapshot.inventory's drift fields (documented in src/history/schema.ts). */
export function driftSnapshot(d: Drift) {
  return {
    discovered: { repos: d.coverage.repos?.discovered ?? null, accounts: d.coverage.accounts?.discovered ?? null },
    claimed: { repos: d.coverage.repos?.claimed ?? null, accounts: d.coverage.accounts?.claimed ?? null },
    // Why a count of discovered is only what was known (the share an upper bound); absent when both were read in full.
    ...(d.coverage.repos?.partial || d.coverage.accounts?.partial
      ? {
          partial: {
            ...(d.coverage.repos?.partial ? { repos: d.coverage.repos.partial } : {}),
            ...(d.coverage.accounts?.partial ? { accounts: d.coverage.accounts.partial } : {}),
          },
        }
      : {}),
    unclaimed: d.unclaimed.map((u) => ({ kind: u.kind, key: u.key, covered: u.covered, coverage: u.coverage, open: u.findingIds.length })),
    dangling: d.dangling,
    attributeDrift: d.attributes,
    exposureContradicted: d.exposure.map((e) => ({ asset: e.asset, declared: e.declared, findingIds: e.findings.map((f) => f.id) })),
    notes: d.notes,
  };
}
