import { localCloudAccount } from '../servers/cloud-account';
import { LocalOpenApi } from '../servers/openapi-server';
import { LocalOss } from '../servers/oss-server';
import { runCli } from './run-cli';

/** `secmon posture` against local servers speaking the cloud's APIs, with credentials from the environment. */
const creds = { accessKeyId: 'LTAI5tPostureCli', accessKeySecret: 'posture-cli-secret-value', securityToken: 'cli-sts-token' };
let api: LocalOpenApi;
let oss: LocalOss;
let env: Record<string, string>;
let endpoints: string[];

beforeAll(async () => {
  api = localCloudAccount(
    {
      users: [{ name: 'bob', console: true, mfa: false }, { name: 'alice', console: true, mfa: true, policies: [{ name: 'AdministratorAccess', type: 'System' }] }],
      passwordPolicy: { MinimumPasswordLength: 14, RequireLowercaseCharacters: true, RequireUppercaseCharacters: true, RequireNumbers: true, RequireSymbols: true, MaxPasswordAge: 90, PasswordReusePrevention: 5, MaxLoginAttemps: 5 },
      root: { mfa: true, accessKeys: 0 },
      regions: { 'cn-hangzhou': [{ id: 'sg-bp1cli', name: 'ops', rules: [{ IpProtocol: 'TCP', PortRange: '3389/3389', SourceCidrIp: '0.0.0.0/0' }] }] },
      trails: [{ name: 'audit', trailRegion: 'All', eventRW: 'All', status: 'Enable', logging: true, sls: true }],
    },
    creds,
  );
  oss = new LocalOss([{ name: 'public-site', region: 'cn-hangzhou', acl: 'public-read' }], creds);
  await Promise.all([api.start(), oss.start()]);
  const regional = `cn-hangzhou=${await api.regionEndpoint('cn-hangzhou')}`;
  endpoints = ['ram', 'ims', 'ecs', 'bss'].flatMap((n) => ['--endpoint', `${n}=${api.endpoint}`]).concat(['--endpoint', `regional=${regional}`, '--endpoint', `oss=${oss.endpoint}`]);
  env = { ALIBABA_CLOUD_ACCESS_KEY_ID: creds.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: creds.accessKeySecret, ALIBABA_CLOUD_SECURITY_TOKEN: creds.securityToken };
});
afterAll(async () => {
  await Promise.all([api.stop(), oss.stop()]);
});

test('scans the account and prints the alerts, with a summary of the checks; the secret appears nowhere', async () => {
  const r = await runCli(['posture', '--account', '1234567890123456', ...endpoints, '--json'], { env });
  expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(api.rejected).toEqual([]);
  const alerts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; key: string });
  expect(alerts.map((a) => [a.rule, a.key]).sort()).toEqual([
    ['posture.oss-bucket-public', 'public-site'],
    ['posture.ram-user-console-without-mfa', '1234567890123456|bob'],
    ['posture.ram-user-full-access-policy', '1234567890123456|alice'],
    ['posture.security-group-admin-port-open', 'cn-hangzhou|sg-bp1cli'],
  ]);
  expect(r.stderr).toMatch(/Posture scan\n\s+ram-user-console-without-mfa\s+1 event\(s\)/);
  expect(r.stderr).toMatch(/calls \d+, throttled 0/);
  expect(r.stdout + r.stderr).not.toContain(creds.accessKeySecret);
});

test('a check that could not read exits 1 and says which API needs which permission', async () => {
  api.deny('GetPasswordPolicy');
  try {
    const r = await runCli(['posture', '--account', '1234567890123456', ...endpoints, '--json'], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('incomplete: ram-password-policy: Ram.GetPasswordPolicy needs ram:GetPasswordPolicy (NoPermission');
    expect(r.stdout).toContain('"rule":"posture.scan-incomplete"');
  } finally {
    api.allow('GetPasswordPolicy');
  }
});

test('--events prints the posture events the checks made', async () => {
  const r = await runCli(['posture', '--account', '1234567890123456', ...endpoints, '--events'], { env });
  expect(r.status).toBe(0);
  const checks = new Set(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { posture: { check: string } }).posture.check));
  expect([...checks].sort()).toEqual(['actiontrail-trails', 'billing', 'oss-bucket', 'ram-password-policy', 'ram-user-console-without-mfa', 'ram-user-policies', 'root-account', 'security-group-ingress']);
});

test('without credentials or an account id it is bad usage, saying what to set', async () => {
  const noCreds = await runCli(['posture', '--account', '1234567890123456', ...endpoints], { env: { ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' } });
  expect(noCreds.status).toBe(2);
  expect(noCreds.stderr).toContain('set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  const noAccount = await runCli(['posture', ...endpoints], { env: { ...env, ALIBABA_CLOUD_ACCOUNT_ID: '' } });
  expect(noAccount.status).toBe(2);
  expect(noAccount.stderr).toContain('give the account id: --account');
  const badEndpoint = await runCli(['posture', '--account', '1234567890123456', '--endpoint', 'rds=http://127.0.0.1:1'], { env });
  expect(badEndpoint.status).toBe(2);
  expect(badEndpoint.stderr).toContain('--endpoint rds=http://127.0.0.1:1: expected NAME=URL, NAME one of ram, ims, ecs, bss, oss, regional');
});
