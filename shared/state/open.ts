import { MemoryStateStore } from './memory';
import { RedisStateStore } from './redis';
import { StateStore } from './store';

/**
 * `memory`, a `redis://` / `rediss://` URL (one endpoint: a single Redis, or a Tair
 * cluster's proxy) or a `redis-cluster://host:port,…` / `rediss-cluster://…` list of
 * cluster nodes (the SECMON_STATE setting and the CLI's --state).
 */
export async function openStateStore(spec: string, opts: { password?: string; keyPrefix?: string } = {}): Promise<StateStore> {
  if (spec === 'memory') return new MemoryStateStore();
  if (/^rediss?(-cluster)?:\/\//i.test(spec)) return RedisStateStore.connect({ url: spec, ...opts });
  throw new Error(`state store: expected "memory", a redis:// URL or a redis-cluster:// list of nodes, got "${spec}"`);
}
