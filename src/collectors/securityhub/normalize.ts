/**
 * Only for src/collectors/read/compact.ts, which another change reworks: the ASFF mapping now lives
 * in src/sources/asff.ts, the console URL rule in src/sources/asff-rules.ts. Delete this file once
 * compact.ts imports `consoleUrl` from there.
 */
export { consoleUrl } from '../../sources/asff-rules.js';
