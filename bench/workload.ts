import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import * as path from 'node:path';

/**
 * The benchmark's workload, generated: half ActionTrail records in the shape Alibaba
 * Cloud publishes them (several services, mostly automation reads, some writes, a few
 * security group, KMS and sign-in events), half a Debian auth.log (an SSH brute force
 * among logins, sudo use, disconnects and cron). Deterministic for a given size.
 */
export interface Workload {
  files: string[];
  /** sshd lines alone, as many as the workload's events, in RFC 3164 (for tools that read only sshd, such as fail2ban-regex). */
  sshd: string;
  events: number;
}

const T0 = Date.UTC(2026, 10, 20);
const ACCOUNT = '1234567890123456';

/** Reads of automation, by service, with the parameters they send. */
const READS: Array<[string, string, Record<string, string>]> = [
  ['Ecs', 'DescribeInstances', { RegionId: 'cn-hangzhou', PageSize: '100', PageNumber: '1' }],
  ['Ecs', 'DescribeSecurityGroups', { RegionId: 'cn-hangzhou', PageSize: '50' }],
  ['Ecs', 'DescribeDisks', { RegionId: 'cn-hangzhou', PageSize: '100' }],
  ['Ram', 'ListUsers', { MaxItems: '100' }],
  ['Oss', 'GetBucketInfo', { BucketName: 'app-assets' }],
  ['Kms', 'ListKeys', { RegionId: 'cn-hangzhou', PageSize: '100' }],
  ['Vpc', 'DescribeVpcs', { RegionId: 'cn-hangzhou' }],
  ['Rds', 'DescribeDBInstances', { RegionId: 'cn-hangzhou', PageSize: '30' }],
];
const WRITES: Array<[string, string]> = [
  ['Ecs', 'RunInstances'],
  ['Ecs', 'StopInstance'],
  ['Ecs', 'StartInstance'],
  ['Ecs', 'CreateDisk'],
  ['Ecs', 'TagResources'],
  ['Oss', 'PutObject'],
  ['Ecs', 'ModifyInstanceAttribute'],
];

const hex = (n: number, width: number) => (n >>> 0).toString(16).toUpperCase().padStart(width, '0').slice(-width);
/** A UUID-shaped id, as ActionTrail's eventId and requestId are. */
const uuid = (i: number, salt: number) => `${hex(i * 2654435761 + salt, 8)}-${hex(i, 4)}-4${hex(salt, 3)}-8${hex(i >> 4, 3)}-${hex(i * 40503 + salt, 12)}`;

function trailRecord(i: number): string {
  const user = i % 40;
  const identity = { type: 'ram-user', principalId: String(287215639018462000 + user), accountId: ACCOUNT, userName: `svc-${user}`, accessKeyId: `LTAI5tK9EXAMPLE${String(user).padStart(2, '0')}` };
  const base = {
    eventId: uuid(i, 1),
    eventVersion: 1,
    sourceIpAddress: `100.104.${(i >> 8) & 255}.${i & 255}`,
    userAgent: 'AlibabaCloud (Linux 5.15.0-91-generic; x86_64) Java/1.8.0_372 tea-util/0.2.21 TeaDSL/1',
    eventTime: new Date(T0 + i * 400).toISOString().replace('.000Z', 'Z'),
    acsRegion: 'cn-hangzhou',
    requestId: uuid(i, 2),
    recipientAccountId: ACCOUNT,
  };
  if (i % 211 === 0) {
    // A console sign-in, a third without MFA.
    return JSON.stringify({
      ...base,
      eventSource: 'signin.aliyun.com',
      sourceIpAddress: `203.0.113.${i % 7}`,
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      eventType: 'ConsoleSignin',
      eventName: 'ConsoleSignin',
      serviceName: 'AasSub',
      userIdentity: { type: 'ram-user', principalId: identity.principalId, accountId: ACCOUNT, userName: `staff-${i % 9}` },
      additionalEventData: { isMFAChecked: i % 3 === 0 ? 'false' : 'true', loginAccount: `staff-${i % 9}@${ACCOUNT}.onaliyun.com`, callbackUrl: 'https://home.console.aliyun.com/' },
      errorMessage: 'success',
    });
  }
  // An API call of a RAM user's key, as ActionTrail records a successful one.
  const apiCall = (service: string, name: string, rw: 'Read' | 'Write', requestParameters: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    JSON.stringify({
      ...base,
      eventSource: service === 'Kms' ? 'kms.cn-hangzhou.aliyuncs.com' : `${service.toLowerCase()}.aliyuncs.com`,
      eventType: 'ApiCall',
      eventName: name,
      serviceName: service,
      userIdentity: identity,
      apiVersion: service === 'Kms' ? '2016-01-20' : '2014-05-26',
      eventRW: rw,
      requestParameters,
      ...more,
      errorCode: '',
      errorMessage: '',
    });
  if (i % 997 === 0) {
    // A security group change, one in five opening SSH to the internet; or a KMS key disabled.
    if (i % 2 === 0) return apiCall('Kms', 'DisableKey', 'Write', { RegionId: 'cn-hangzhou', KeyId: `key-hzz${hex(i, 16).toLowerCase()}` });
    return apiCall('Ecs', 'AuthorizeSecurityGroup', 'Write', { RegionId: 'cn-hangzhou', SecurityGroupId: `sg-bp1${hex(i % 50, 12).toLowerCase()}`, 'Permissions.1.IpProtocol': 'TCP', 'Permissions.1.PortRange': i % 5 === 0 ? '22/22' : '443/443', 'Permissions.1.SourceCidrIp': i % 5 === 0 ? '0.0.0.0/0' : '10.0.0.0/8', 'Permissions.1.Policy': 'accept' });
  }
  if (i % 10 === 0) {
    const [service, name] = WRITES[(i / 10) % WRITES.length | 0];
    const instance = `i-bp1${hex(i % 300, 14).toLowerCase()}`;
    return apiCall(service, name, 'Write', { RegionId: 'cn-hangzhou', InstanceId: instance, ClientToken: uuid(i, 3) }, { referencedResources: { 'ACS::ECS::Instance': [instance] }, responseElements: { RequestId: base.requestId } });
  }
  const [service, name, params] = READS[i % READS.length];
  return apiCall(service, name, 'Read', params);
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One auth.log line as `[program, message]` (OpenSSH's, sudo's and PAM's wording). */
function authMessage(i: number): [string, number, string] {
  const r = i % 20;
  const pid = 1000 + ((i * 7) % 60000);
  // A brute force from rotating addresses: a wrong password and the connection's close.
  const attacker = `198.51.100.${(i >> 6) & 255}`;
  if (r < 4) return ['sshd', pid, `Failed password for ${r === 0 ? 'invalid user ' : ''}${['admin', 'root', 'root', 'ubuntu'][r]} from ${attacker} port ${30000 + (i % 30000)} ssh2`];
  if (r < 6) return ['sshd', pid, `Connection closed by ${r === 4 ? 'invalid user admin' : 'authenticating user root'} ${attacker} port ${30000 + (i % 30000)} [preauth]`];
  if (r === 6) return ['sshd', pid, `Accepted publickey for deploy from 10.0.0.${i & 63} port ${40000 + (i % 20000)} ssh2: ED25519 SHA256:Jc2V0JsX8pBQ9yJ6i9o5f7E5mM6B7oXq3c1Yw5m0l1k`];
  if (r === 7) return ['sshd', pid, 'pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)'];
  if (r === 8) return ['sshd', pid, `Received disconnect from 10.0.0.${i & 63} port ${40000 + (i % 20000)}:11: disconnected by user`];
  if (r === 9) return ['sshd', pid, `Disconnected from user deploy 10.0.0.${i & 63} port ${40000 + (i % 20000)}`];
  if (r === 10) return ['sshd', pid, 'pam_unix(sshd:session): session closed for user deploy'];
  if (r === 11) return ['sudo', pid, `  deploy : TTY=pts/0 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl ${i % 40 === 11 ? 'restart' : 'status'} nginx`];
  if (r === 12) return ['sudo', pid, 'pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1001)'];
  if (r === 13) return ['systemd-logind', 512, `New session ${i} of user deploy.`];
  return ['CRON', pid, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)'];
}

/** Generates the workload of `events` events into `dir`. */
export async function generateWorkload(dir: string, events: number): Promise<Workload> {
  const trail = path.join(dir, 'trail.jsonl');
  const auth = path.join(dir, 'auth.log');
  const sshd = path.join(dir, 'sshd.log');
  const half = Math.floor(events / 2);
  await writeLines(trail, half, trailRecord);
  await writeLines(auth, events - half, (i) => {
    const [program, pid, message] = authMessage(i);
    // rsyslog's high-precision format, as Debian 12 writes it.
    return `${new Date(T0 + i * 400).toISOString().replace('Z', '000+00:00')} web-01 ${program}[${pid}]: ${message}`;
  });
  // sshd's lines of the same stream, as many as the workload has events, in the classic syslog format.
  let k = 0;
  await writeLines(sshd, events, () => {
    while (authMessage(k)[0] !== 'sshd') k++;
    const [, pid, message] = authMessage(k);
    const d = new Date(T0 + k++ * 400);
    return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} web-01 sshd[${pid}]: ${message}`;
  });
  return { files: [trail, auth], sshd, events };
}

async function writeLines(file: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  let block = '';
  for (let i = 0; i < n; i++) {
    block += `${line(i)}\n`;
    if (block.length > 1 << 20) {
      if (!out.write(block)) await once(out, 'drain');
      block = '';
    }
  }
  out.end(block);
  await once(out, 'finish');
}
