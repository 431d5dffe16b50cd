import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from '../shared/util/free-port';

/** A real redis-server on a free loopback port, for integration tests. */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export { freePort };

/** `password`: the server requires it (requirepass), as ApsaraDB for Redis does. */
export async function startRedis(opts: { password?: string } = {}): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: the Redis integration tests need it (apt-get install redis-server; .ci/run does this)');
  }
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(opts.password ? ['--requirepass', opts.password] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
