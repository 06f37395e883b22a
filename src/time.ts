/** The one time parser lives with the model (src/model/time.ts), so source adapters can use it; re-exported for the rest. */
export { parseUtc } from './model/time.js';
