import type { GhRepo } from './github-emulator.js';

/**
 * The GitHub routes discovery reads, added to the emulator: custom property values
 * (`GET /orgs/{org}/properties/values`: `[{repository_id, repository_name, repository_full_name,
 * properties: [{property_name, value}]}]`, page-based `Link`, per_page ≤ 100; 403 without the
 * "Custom properties: read" permission), a repository by name (`GET /repos/{o}/{r}`; a former name
 * answers 301 with `Location: …/repositories/{id}`, as GitHub does after a rename) and by id.
 */

type Obj = Record<string, any>;
type Send = (status: number, body: unknown, extra?: Record<string, string>) => void;

export interface DiscoveryRouteContext {
  parts: string[];
  u: URL;
  base: string;
  repos: Array<GhRepo & { id: number }>;
  orgs?: Record<string, { propertiesAccess?: 'ok' | 'forbidden' }>;
  send: Send;
  notFound: () => void;
  repoJson: (r: GhRepo & { id: number }) => Obj;
}

export function handleDiscoveryRoute(c: DiscoveryRouteContext): boolean {
  const { parts, u, send } = c;
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (parts[0] === 'orgs' && parts[2] === 'properties' && parts[3] === 'values' && parts.length === 4) {
    const org = parts[1]!;
    if (!c.repos.some((r) => eq(r.owner, org)) && !c.orgs?.[org]) {
      c.notFound();
      return true;
    }
    if (c.orgs?.[org]?.propertiesAccess === 'forbidden') {
      send(403, {
        message: 'Resource not accessible by personal access token',
        documentation_url: 'https://docs.github.com/rest/orgs/custom-properties#list-custom-property-values-for-organization-repositories',
        status: '403',
      });
      return true;
    }
    const all = c.repos.filter((r) => eq(r.owner, org));
    const perPage = Math.min(100, Number(u.searchParams.get('per_page') ?? 30));
    const page = Number(u.searchParams.get('page') ?? 1);
    const slice = all.slice((page - 1) * perPage, page * perPage).map((r) => ({
      repository_id: r.id,
      repository_name: r.name,
      repository_full_name: `${r.owner}/${r.name}`,
      properties: Object.entries(r.properties ?? {}).map(([property_name, value]) => ({ property_name, value })),
    }));
    const extra: Record<string, string> = {};
    if (page * perPage < all.length) {
      const next = new URL(c.base + u.pathname);
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(page + 1));
      extra.link = `<${next.href}>; rel="next"`;
    }
    send(200, slice, extra);
    return true;
  }
  if (parts[0] === 'repos' && parts.length === 3) {
    const name = `${parts[1]}/${parts[2]}`;
    const repo = c.repos.find((r) => eq(`${r.owner}/${r.name}`, name) && r.access !== 'hidden-404');
    if (repo) {
      send(200, c.repoJson(repo));
      return true;
    }
    const moved = c.repos.find((r) => (r.formerNames ?? []).some((f) => eq(f, name)));
    if (moved) {
      const location = `${c.base}/repositories/${moved.id}`;
      send(301, { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository' }, { location });
      return true;
    }
    c.notFound();
    return true;
  }
  if (parts[0] === 'repositories' && parts.length === 2) {
    const repo = c.repos.find((r) => String(r.id) === parts[1] && r.access !== 'hidden-404');
    if (repo) send(200, c.repoJson(repo));
    else c.notFound();
    return true;
  }
  return false;
}
