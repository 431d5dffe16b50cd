/** Where the Redis state store is, from the SECMON_STATE setting or the CLI's --state. */
export interface RedisAddress {
  /** A Redis Cluster (or Tair in direct connection mode), reached through its nodes. */
  cluster: boolean;
  /** The URL for one endpoint (a single Redis, or a Tair cluster's proxy). */
  url: string;
  /** The nodes to start from, for a cluster (any of them: the client learns the rest). */
  nodes: Array<{ host: string; port: number }>;
  tls: boolean;
  username?: string;
  password?: string;
  db?: number;
}

const CLUSTER = /^(rediss?)-cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?(?:[?#].*)?$/i;

/**
 * `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS), or
 * `redis-cluster://[user:password@]host:port,host:port,…` (`rediss-cluster://` for TLS).
 * Throws an Error saying what was expected (without the password).
 */
export function parseRedisAddress(url: string): RedisAddress {
  const cluster = CLUSTER.exec(url);
  if (cluster) {
    const [, scheme, userinfo, hosts] = cluster;
    const nodes = hosts.split(',').map((h) => {
      const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(h.trim());
      if (!m) throw new Error(`Redis Cluster address: "${h}" is not host:port (expected redis-cluster://host:port,host:port,…)`);
      return { host: m[1], port: Number(m[2]) };
    });
    const [username, password] = userinfo === undefined ? [] : splitUserinfo(userinfo);
    return { cluster: true, url, nodes, tls: scheme.toLowerCase() === 'rediss', username: username || undefined, password: password || undefined };
  }
  if (/^rediss?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('Redis address: not a URL (expected redis://host:port)');
    }
    const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
    return { cluster: false, url, nodes: [{ host: parsed.hostname, port: Number(parsed.port || 6379) }], tls: parsed.protocol === 'rediss:', db: Number.isInteger(db) ? db : undefined };
  }
  throw new Error('Redis address: expected redis://, rediss://, redis-cluster:// or rediss-cluster://');
}

function splitUserinfo(userinfo: string): [string, string] {
  const colon = userinfo.indexOf(':');
  const decode = (s: string) => decodeURIComponent(s);
  return colon < 0 ? [decode(userinfo), ''] : [decode(userinfo.slice(0, colon)), decode(userinfo.slice(colon + 1))];
}
