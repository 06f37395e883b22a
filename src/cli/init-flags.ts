import { UsageError } from '../errors.js';
import type { GroupBy } from '../config/discovery-schema.js';
import type { CollectFlags } from './options.js';

/** `secsli init`'s flags, shared by its registration (init.ts) and implementation (init-run.ts). */

export interface InitFlags extends Omit<CollectFlags, 'kev'> {
  org?: string[];
  region?: string[];
  repos?: string[];
  properties?: string[];
  accounts?: string[];
  groupBy?: string;
  output?: string;
  stdout?: boolean;
  diff?: boolean;
}

export function parseGroupBy(spec: string | undefined): GroupBy | undefined {
  if (spec === undefined) return undefined;
  const m = /^(property|topic|tag):(.+)$/.exec(spec);
  if (m) return m[1] === 'topic' ? { topicPrefix: m[2]! } : { [m[1]!]: m[2]! };
  if (spec === 'prefix') return { namePrefix: true };
  throw new UsageError(`--group-by "${spec}": expected property:NAME, topic:PREFIX, tag:KEY or prefix`, 'Example: --group-by property:service');
}
