/**
 * A line of a one-record-per-line file, as the record to parse: trimmed, and without the comma a
 * join of objects leaves between them (`{…},` on each line, or `,{…}`): every line but the last was
 * rejected as "not valid JSON" and the file read as mostly broken. The scanner's line mode and the
 * parse workers read lines through this one rule.
 */
export function lineBody(raw: string): string {
  let body = raw.trim();
  if (body.endsWith(',')) body = body.slice(0, -1).trimEnd();
  if (body.startsWith(',')) body = body.slice(1).trimStart();
  return body;
}
