// Moved to src/config/time.ts (issue 9: config imports nothing else of secsli). This re-export stays
// only for src/collectors/read/normalize-result.ts, which the sources helper is moving this round;
// the integrator points it at config/time.js and deletes this file.
export { parseUtc } from './config/time.js';
