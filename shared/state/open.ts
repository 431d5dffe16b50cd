import { MemoryStateStore } from './memory';
import { RedisStateStore } from './redis';
import { StateStore } from './store';

/** `memory` or a `redis://` / `rediss://` URL (the SECMON_STATE setting and the CLI's --state). */
export async function openStateStore(spec: string, opts: { password?: string; keyPrefix?: string } = {}): Promise<StateStore> {
  if (spec === 'memory') return new MemoryStateStore();
  if (/^rediss?:\/\//.test(spec)) return RedisStateStore.connect({ url: spec, ...opts });
  throw new Error(`state store: expected "memory" or a redis:// URL, got "${spec}"`);
}
