/**
 * Time in secsli is UTC. A date-time written without a zone ("2027-01-31T10:00:00") means UTC,
 * never the machine's local time, so the same inputs score the same on every machine.
 */
const NO_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Milliseconds since the epoch, or NaN; zone-less date-times are UTC. */
export function parseUtc(value: string): number {
  const v = value.trim();
  return Date.parse(NO_ZONE.test(v) ? `${v}Z` : v);
}
