import type { GithubResponse } from './client.js';

/**
 * The items of a GitHub list answer (alerts, repositories, property values), or an error that
 * says why there are none to read. A 2xx whose body is not a JSON array is not an empty page:
 * Octokit hands back a body that does not parse as JSON as its text (a list cut mid-JSON, or "" when
 * the connection dropped mid-body: getResponseData swallows that error), a text/* body (a proxy's
 * or captive portal's HTML page) as a string, any other type as an ArrayBuffer, and an error object
 * as that object. Read as [], each of these made "could not read" look like "no alerts".
 */

class UnreadableAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableAnswer';
  }
}

/** `what` names the request for the message: "page 2", "probe". */
export function listItems(res: GithubResponse, what: string): unknown[] {
  if (Array.isArray(res.data)) return res.data;
  throw new UnreadableAnswer(`${what} of ${pathOf(res)}: ${res.status} with a body that is not a JSON array (${describeBody(res)})`);
}

/**
 * The object of a GitHub answer about one thing (a repository), or the same error as listItems: a
 * 200 whose body is a proxy's HTML page or cut mid-JSON is no repository, and read as {} it said
 * the repository exists under the name asked.
 */
export function objectItem(res: GithubResponse, what: string): Record<string, unknown> {
  const d = res.data;
  if (d !== null && typeof d === 'object' && !Array.isArray(d) && !(d instanceof ArrayBuffer)) return d as Record<string, unknown>;
  throw new UnreadableAnswer(`${what} of ${pathOf(res)}: ${res.status} with a body that is not a JSON object (${describeBody(res)})`);
}

/** The path asked (no query: cursors are long and say nothing here). */
function pathOf(res: GithubResponse): string {
  try {
    return new URL(res.url ?? '').pathname;
  } catch {
    return 'the list';
  }
}

/** "text/html, 1234 bytes", "application/json, 0 of 5000 bytes", "application/json, 26 bytes: a JSON object". */
function describeBody(res: GithubResponse): string {
  const type =
    String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase() || 'no content-type';
  const d = res.data;
  const received = typeof d === 'string' ? Buffer.byteLength(d) : d instanceof ArrayBuffer ? d.byteLength : undefined;
  const header = res.headers['content-length'];
  const announced = header === undefined || header === '' ? undefined : Number(header);
  const known = announced !== undefined && Number.isFinite(announced) ? announced : undefined;
  // Fewer bytes than content-length announced: the body was cut on its way (Octokit reads "" when it dropped).
  const size =
    received !== undefined && known !== undefined && received !== known
      ? `${received} of ${known} bytes`
      : received !== undefined || known !== undefined
        ? `${received ?? known} bytes`
        : '';
  const json = type === 'application/json' || type.endsWith('+json');
  const what =
    typeof d === 'string'
      ? json && d !== ''
        ? 'not valid JSON'
        : ''
      : d instanceof ArrayBuffer
        ? ''
        : `a JSON ${d === null ? 'null' : typeof d === 'object' ? 'object' : typeof d}`;
  return `${type}${size ? `, ${size}` : ''}${what ? `: ${what}` : ''}`;
}
