import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tempDir } from './helpers';

/**
 * A real Redis Cluster on loopback ports for integration tests: `masters` masters with
 * one replica each, made by redis-cli --cluster create as an operator would. A short
 * node timeout lets a replica take over from a killed master in a few seconds.
 */
export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:port,…` (every node). */
  url: string;
  ports: number[];
  /** The current masters' ports, with their slot ranges (from CLUSTER NODES). */
  masters(): Array<{ port: number; slots: string }>;
  /** SIGKILLs the node on `port`. */
  kill(port: number): void;
  /** Until every slot is served by a master and every replica is in sync (after a kill: once a replica took over). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisCluster(opts: { masters?: number; password?: string } = {}): Promise<RedisCluster> {
  for (const tool of ['redis-server', 'redis-cli']) {
    if (spawnSync(tool, ['--version']).error) throw new Error(`${tool} is not installed: the Redis Cluster tests need it (apt-get install redis-server; .ci/run does this)`);
  }
  const masters = opts.masters ?? 3;
  const dir = tempDir();
  const ports: number[] = [];
  for (let i = 0; i < masters * 2; i++) ports.push(await clusterPort(ports));
  const auth = opts.password ? ['--requirepass', opts.password, '--masterauth', opts.password] : [];
  const children = new Map<number, ChildProcess>();
  await Promise.all(
    ports.map(
      (port) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            'redis-server',
            ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000', '--dir', dir, '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', ...auth],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          );
          children.set(port, child);
          let out = '';
          const timer = setTimeout(() => reject(new Error(`redis-server ${port} did not start: ${out}`)), 10_000);
          child.stdout!.on('data', (d) => {
            out += d;
            if (out.includes('Ready to accept connections')) {
              clearTimeout(timer);
              resolve();
            }
          });
          child.once('exit', (code) => reject(new Error(`redis-server ${port} exited with ${code}: ${out}`)));
        }),
    ),
  );
  const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...(opts.password ? ['-a', opts.password, '--no-auth-warning'] : []), ...args], { encoding: 'utf8' });
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes', ...(opts.password ? ['-a', opts.password, '--no-auth-warning'] : [])], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);

  const alive = () => ports.filter((p) => children.get(p)!.exitCode === null && children.get(p)!.signalCode === null);
  const nodes = () => {
    const port = alive()[0];
    return cli(port, 'cluster', 'nodes').stdout.trim().split('\n');
  };
  const cluster: RedisCluster = {
    url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    masters: () =>
      nodes()
        .map((l) => l.split(' '))
        .filter((f) => f[2].includes('master') && !f[2].includes('fail') && f.length > 8)
        .map((f) => ({ port: Number(f[1].split(':')[1].split('@')[0]), slots: f.slice(8).join(' ') })),
    kill: (port) => children.get(port)!.kill('SIGKILL'),
    async waitHealthy(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const ok = alive().every((p) => /cluster_state:ok/.test(cli(p, 'cluster', 'info').stdout));
        // A replica that has not synchronized could not take over.
        const synced = alive().every((p) => !/role:slave/.test(cli(p, 'info', 'replication').stdout) || /master_link_status:up/.test(cli(p, 'info', 'replication').stdout));
        const covered = cluster.masters().reduce((n, m) => n + m.slots.split(' ').reduce((k, r) => { const [a, b] = r.split('-').map(Number); return k + (b === undefined ? 1 : b - a + 1); }, 0), 0);
        if (ok && synced && covered === 16384) return;
        if (Date.now() > until) throw new Error(`the Redis Cluster did not become healthy in ${timeoutMs} ms:\n${nodes().join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop: async () => {
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
  await cluster.waitHealthy();
  return cluster;
}

/**
 * A port for a cluster node: it and its cluster bus port (10000 above) free, below the
 * kernel's ephemeral range so that no client socket takes the bus port meanwhile.
 */
async function clusterPort(taken: number[]): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 12000 + Math.floor(Math.random() * 10000);
    if (taken.some((t) => Math.abs(t - port) < 2 || Math.abs(t + 10000 - port) < 2 || Math.abs(t - 10000 - port) < 2)) continue;
    if ((await canListen(port)) && (await canListen(port + 10000))) return port;
  }
  throw new Error('no free pair of ports for a Redis Cluster node');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
