/**
 * Generated traffic for the tests that replay a lot of it: deterministic from a seed,
 * in the wording of OpenSSH's own log messages and the shape of ActionTrail's
 * ConsoleSignin records.
 */

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Host logs of one day in time order: brute-force bursts from a few addresses at
 * varying paces (some just inside the 5-minute window, some just outside, long ones
 * that the one-hour suppression holds back), password spraying, successes after a
 * burst and not after one, and noise. Lines in OpenSSH's own wording.
 */
export function hostLog(rand: () => number): string {
  const lines: Array<[number, string]> = [];
  const start = Date.parse('2026-11-21T00:00:00Z');
  let pid = 2000;
  const line = (t: number, msg: string) => lines.push([t, `${new Date(t).toISOString()} app-0${1 + (pid % 3)} sshd[${pid++}]: ${msg}`]);
  for (let a = 0; a < 24; a++) {
    const ip = `203.0.113.${10 + a}`;
    let t = start + Math.floor(rand() * 20 * 3_600_000);
    const attempts = 3 + Math.floor(rand() * 14);
    // Paces around the window: 5 attempts take 4 gaps, so 70-80 s gaps straddle 5 minutes.
    const gap = [5_000, 30_000, 70_000, 76_000, 80_000, 400_000][Math.floor(rand() * 6)];
    const spraying = rand() < 0.3;
    for (let i = 0; i < attempts; i++) {
      const user = spraying ? `user${i % 7}` : rand() < 0.8 ? 'root' : 'admin';
      line(t, `Failed password for ${user === 'root' ? '' : 'invalid user '}${user} from ${ip} port ${40000 + i} ssh2`);
      t += gap + Math.floor(rand() * 3000);
    }
    if (rand() < 0.5) line(t + Math.floor(rand() * 120_000), `Accepted password for root from ${ip} port 41000 ssh2`);
  }
  for (let i = 0; i < 300; i++) {
    const t = start + Math.floor(rand() * 24 * 3_600_000);
    const ip = `198.51.100.${Math.floor(rand() * 40)}`;
    const r = rand();
    if (r < 0.3) line(t, `Accepted publickey for deploy from ${ip} port ${50000 + i} ssh2: ED25519 SHA256:k${i}`);
    else if (r < 0.6) line(t, `Received disconnect from ${ip} port ${50000 + i}:11: disconnected by user`);
    else line(t, `Failed password for deploy from ${ip} port ${50000 + i} ssh2`);
  }
  // sudo use through the day (the audit summaries count it per host, user and hour).
  for (let i = 0; i < 120; i++) {
    const t = start + Math.floor(rand() * 24 * 3_600_000);
    const user = rand() < 0.5 ? 'deploy' : 'ops';
    const command = ['/usr/bin/systemctl restart nginx', '/usr/bin/journalctl -u app', '/usr/bin/apt-get update'][Math.floor(rand() * 3)];
    lines.push([t, `${new Date(t).toISOString()} app-0${1 + (i % 3)} sudo[${pid++}]:   ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${command}`]);
  }
  lines.sort((x, y) => x[0] - y[0]);
  return lines.map((l) => l[1]).join('\n') + '\n';
}

/**
 * A year of console sign-ins (as ActionTrail records them) by a few RAM users: new
 * addresses, long silences (the 90-day dormancy rule), failure bursts.
 */
export function signins(rand: () => number): string {
  const records: Array<Record<string, unknown>> = [];
  let t = Date.parse('2026-01-01T00:00:00Z');
  const users = ['alice', 'bob', 'carol', 'dave'];
  for (let i = 0; i < 700; i++) {
    t += rand() < 0.02 ? 100 * 86_400_000 : Math.floor(rand() * 12 * 3_600_000);
    const user = users[Math.floor(rand() * users.length)];
    const failed = rand() < 0.25;
    const ip = `192.0.2.${Math.floor(rand() * (failed ? 3 : 12))}`;
    for (let k = 0; k < (failed ? 1 + Math.floor(rand() * 7) : 1); k++) {
      t += 20_000 + Math.floor(rand() * 60_000);
      records.push({
        eventId: `E${i}-${k}-${Math.floor(rand() * 1e9)}`,
        eventVersion: 1,
        eventType: 'ConsoleSignin',
        eventName: 'ConsoleSignin',
        eventSource: 'signin.aliyun.com',
        serviceName: 'AasSub',
        eventTime: new Date(t).toISOString().replace('.000Z', 'Z'),
        sourceIpAddress: ip,
        acsRegion: 'cn-hangzhou',
        userIdentity: { type: 'ram-user', principalId: `2099817363541${users.indexOf(user)}`, accountId: '1234567890123456', userName: user },
        additionalEventData: { isMFAChecked: 'true', loginAccount: `${user}@1234567890123456.onaliyun.com` },
        ...(failed ? { errorCode: 'Login.Failed', errorMessage: 'Invalid password' } : { errorMessage: 'success' }),
      });
    }
  }
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
