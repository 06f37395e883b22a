/**
 * zod, as secsli imports it (`import * as z from '../vendor/zod.js'`). `npm run build` replaces
 * this module's output with one file that holds zod itself (scripts/vendor.ts): Node then loads one
 * module at start-up instead of zod's 95, which is about half of what importing zod costs
 * (docs/benchmarks.md, start-up).
 *
 * Named, not zod's `z` namespace: that namespace holds all of zod, its 65 locales (273 KiB of the
 * 607 KiB bundle) and its JSON Schema converters among them, so the bundle kept everything. Named
 * exports let the bundler keep what they reach: 183 KiB. A schema function secsli starts using is
 * added here.
 */
export {
  array,
  boolean,
  coerce,
  date,
  enum,
  iso,
  literal,
  looseObject,
  never,
  number,
  object,
  record,
  strictObject,
  string,
  union,
  unknown,
  url,
  ZodError,
  ZodType,
} from 'zod';
export type { core, infer } from 'zod';
