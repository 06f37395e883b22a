/**
 * yaml, as secsli imports it. `npm run build` replaces this module's output with one file that
 * holds the parts of yaml used here (scripts/vendor.ts), as for zod (./zod.ts).
 */
export { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify, visit } from 'yaml';
