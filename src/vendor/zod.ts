/**
 * zod, as secsli imports it. `npm run build` replaces this module's output with one file that
 * holds zod itself (scripts/vendor.ts): Node then loads one module at start-up instead of zod's
 * 95, which is about half of what importing zod costs (docs/benchmarks.md, start-up).
 */
export { z } from 'zod';
