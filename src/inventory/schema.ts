// Moved to src/config/schema.ts (issue 9: the inventory↔scoring cycle). This re-export stays only
// for src/collectors/live.ts, which the tooling helper edits this round; the integrator points it
// at config/schema.js and deletes this file.
export type { SourcesConfig } from '../config/schema.js';
