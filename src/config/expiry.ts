import { parseUtc } from '../model/time.js';

/**
 * When an exception stops applying. A date-only `expires: 2027-01-31` covers that whole day (UTC),
 * so the exception ends at 2027-02-01T00:00:00Z; a full timestamp ends at that instant.
 * Scoring should use this too, so `validate` and `score` agree on what has expired.
 */
export function exceptionExpiresAt(expires: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) return new Date(parseUtc(expires) + 86_400_000);
  return new Date(parseUtc(expires));
}
