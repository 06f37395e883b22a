import type { DiscoveryConfig } from '../config/discovery-schema.js';
import type { SourcesConfig } from '../config/schema.js';
import { jsonSafe, sanitizeLine } from '../text/sanitize.js';
import type { Proposal } from './propose.js';

/**
 * The proposal as assets.yaml text, with comments: how each asset was formed, and a `# TODO:
 * confirm` with the evidence for every value that is a guess. Hand-written so the output is the
 * same bytes for the same input (strings are JSON-quoted, which YAML reads as double-quoted).
 * Names, property and tag values come from outside: a value is quoted with every control, bidi
 * and zero-width character escaped (`\u202e`, which YAML reads back exactly), and a comment is
 * one sanitised line, so neither can act on a terminal or break out of its line.
 */

const q = (s: string) => jsonSafe(JSON.stringify(s));
const comment = (s: string, indent = '') => `${indent}# ${sanitizeLine(s)}`;

function sourcesYaml(p: Proposal, sources: SourcesConfig | undefined): string[] {
  const out: string[] = ['sources:'];
  const sh = sources?.securityhub;
  const db = sources?.dependabot;
  if (sh) out.push(`  securityhub: ${inlineMap(sh as Record<string, unknown>)}`);
  else if (p.regions.length) out.push(`  securityhub: { regions: [${p.regions.map(q).join(', ')}] }`);
  if (db) out.push(`  dependabot: ${inlineMap(db as Record<string, unknown>)}`);
  else if (p.orgs.length) out.push(`  dependabot: { orgs: [${p.orgs.map(q).join(', ')}] }`);
  return out.length > 1 ? out : [];
}

function inlineMap(m: Record<string, unknown>): string {
  const v = (x: unknown): string =>
    Array.isArray(x) ? `[${x.map(v).join(', ')}]` : x && typeof x === 'object' ? inlineMap(x as Record<string, unknown>) : typeof x === 'string' ? q(x) : String(x);
  return `{ ${Object.keys(m)
    .sort()
    .filter((k) => m[k] !== undefined)
    .map((k) => `${/^[A-Za-z0-9_-]+$/.test(k) ? k : q(k)}: ${v(m[k])}`)
    .join(', ')} }`;
}

export interface RenderMeta {
  asOf: string;
  from: string;
  sources?: SourcesConfig;
  discovery?: DiscoveryConfig;
}

export function renderProposal(p: Proposal, meta: RenderMeta): string {
  const out: string[] = [
    comment(`Proposed by secsli init from ${meta.from}, as of ${meta.asOf}.`),
    comment('Review every TODO, then rename to assets.yaml (secsli never edits your file). Check with: secsli validate --config <file>'),
    comment('Grouping heuristics: README "secsli init". One asset per group of repositories / accounts.'),
  ];
  if (p.leftOut.length) out.push(comment(`Left out: ${p.leftOut.join(', ')}`));
  for (const n of p.notes) out.push(comment(`Note: ${n}`));
  out.push('version: 1', ...sourcesYaml(p, meta.sources));
  if (meta.discovery && Object.keys(meta.discovery).length) out.push(`discovery: ${inlineMap(meta.discovery as Record<string, unknown>)}`);
  out.push('owners:', ...(p.owners.length ? p.owners : ['unassigned']).map((o) => `  ${q(o)}: {}`));
  if (!p.assets.length) {
    out.push(
      'assets:',
      comment('TODO: nothing was discovered (an empty organization, or nothing the token can see). Declare your first asset here.', '  '),
      '  - id: example',
      '    owner: "unassigned"',
      '    criticality: low',
      '    exposure: internal',
    );
    return out.join('\n') + '\n';
  }
  out.push('assets:');
  for (const a of p.assets) {
    out.push(comment(`${a.why}`, '  '), ...a.todo.map((t) => comment(t, '  ')));
    out.push(`  - id: ${q(a.id)}`, `    owner: ${q(a.owner)}`, `    criticality: ${a.criticality}`, `    exposure: ${a.exposure}`);
    if (a.accounts.length) {
      out.push('    aws:', '      accounts:');
      for (const acc of a.accounts) out.push(`        - ${q(acc.id)}${acc.name ? ` ${comment(acc.name)}` : ''}`);
    }
    if (a.repos.length) out.push('    github:', '      repos:', ...a.repos.map((r) => `        - ${q(r)}`));
  }
  return out.join('\n') + '\n';
}
