import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from '../shared/util/free-port';

/** A real redis-server on a free loopback port, for integration tests. */
export interface RedisServer {
  url: string;
  port: number;
  /** The server process (for tests that kill it). */
  pid: number;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** The server requires it (requirepass), as ApsaraDB for Redis does. */
  password?: string;
  /** Persistence: an append-only file in this folder, fsynced on every write (appendfsync always). */
  aofDir?: string;
  /** A port to listen on (to restart a killed server where its clients look for it). */
  port?: number;
}

export { freePort };

export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: the Redis integration tests need it (apt-get install redis-server; .ci/run does this)');
  }
  const port = opts.port ?? (await freePort());
  const persistence = opts.aofDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', opts.aofDir] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, ...(opts.password ? ['--requirepass', opts.password] : [])];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
