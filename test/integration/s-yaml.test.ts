import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_KEYS } from '../../shared/config/config';
import { kmsSecretNames } from '../../shared/delivery/delivery-config';
import { ROOT } from '../e2e/run-cli';
import { tempDir } from '../helpers';

/**
 * s.yaml through the real Serverless Devs CLI (@serverless-devs/s, a devDependency),
 * offline, with a fake access alias and the environment the README's deploy section
 * sets: `s preview` must resolve every value, show every function and trigger and no
 * secret; `s deploy` must get past resolution to fetching the fc3 component (the only
 * step that needs the network, blocked here by test/no-network.js before a packet
 * leaves).
 */
const S = path.join(ROOT, 'node_modules', '.bin', 's');
const home = tempDir();
let commands = 0;
/** What each command tried to reach beyond loopback (test/no-network.js). */
const tried = new Map<string, string>();
const README_ENV = {
  SECMON_REGION: 'cn-hangzhou',
  SECMON_LOG_PROJECT: 'my-audit-project',
  SECMON_ACTIONTRAIL_LOGSTORE: 'actiontrail_my-trail',
  SECMON_HOST_LOGSTORE: 'host-auth',
  SECMON_VPC_ID: 'vpc-bp1testvpc',
  SECMON_VSWITCH_ID: 'vsw-bp1testvsw',
  SECMON_SECURITY_GROUP_ID: 'sg-bp1testsg',
  SECMON_STATE: 'redis://r-bp1test.redis.rds.aliyuncs.com:6379',
};
/** Secrets a user might still have in their shell: none may reach the output. */
const SHELL_SECRETS = { SECMON_REDIS_PASSWORD: 'shell-redis-password-x1', SECMON_DINGTALK_SECRET: 'SECshell-robot-secret-x2', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'shell-ak-secret-x3' };
const FAKE_AK = { id: 'LTAI5tFakeAccessKeyForTests', secret: 'fake-access-key-secret-for-tests' };

function s(args: string[]) {
  const networkLog = path.join(home, `network-${++commands}.log`);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SECMON_')));
  const r = spawnSync(S, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...base, ...README_ENV, ...SHELL_SECRETS, HOME: home, NODE_OPTIONS: `--require ${path.join(ROOT, 'test', 'no-network.js')}`, NO_NETWORK_LOG: networkLog },
  });
  tried.set(args[0], existsSync(networkLog) ? readFileSync(networkLog, 'utf8') : '');
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
let doc: any;
let previewText: string;
beforeAll(() => {
  const added = s(['config', 'add', '-a', 'default', '--AccessKeyID', FAKE_AK.id, '--AccessKeySecret', FAKE_AK.secret, '--AccountID', '1234567890123456', '-f']);
  expect(added.status).toBe(0);
  const preview = s(['preview', '-o', 'json']);
  expect(preview.status).toBe(0);
  previewText = preview.out;
  doc = JSON.parse(preview.out.slice(preview.out.indexOf('\n{') + 1));
}, 240_000);

const functions = () => Object.entries<any>(doc.resources).filter(([, r]) => r.component === 'fc3');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('s preview (the real CLI)', () => {
  test('resolves every value, with the access alias as written, and talks to no network', () => {
    expect(previewText).not.toContain('${');
    expect(doc.access).toBe('default');
    expect(doc.vars.accountId).toBe('1234567890123456');
    expect(tried.get('preview')).toBe('');
  });

  test('prints no secret: no value of the shell, no AccessKey', () => {
    for (const v of [...Object.values(SHELL_SECRETS), FAKE_AK.secret]) expect(previewText).not.toContain(v);
    // No function environment holds a secret: not a secret setting, not a channel secret of the local example.
    const local = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'dispatch.json'), 'utf8'));
    const channelSecrets = Object.values<any>(local.channels).flatMap((c) => Object.values<any>(c).filter((v) => v?.env).map((v) => v.env));
    const secretKeys = [...CONFIG_KEYS.filter((k) => k.secret).map((k) => k.key), ...channelSecrets];
    expect(secretKeys).toEqual(expect.arrayContaining(['SECMON_REDIS_PASSWORD', 'SECMON_DINGTALK_SECRET']));
    for (const [, r] of functions()) for (const k of secretKeys) expect(r.props.environmentVariables).not.toHaveProperty(k);
  });

  test('one build for the whole deploy, before any function', () => {
    expect(doc.actions['pre-deploy']).toEqual([{ run: 'npm ci && npm run build', path: './' }]);
    for (const [, r] of functions()) expect(r.actions).toBeUndefined();
  });

  test('the four functions on nodejs20, their handlers and initializers in the built bundles', () => {
    expect(functions().map(([name]) => name).sort()).toEqual(['secmon-actiontrail', 'secmon-dispatcher', 'secmon-posture', 'secmon-sls']);
    for (const [, r] of functions()) {
      expect(r.props.runtime).toBe('nodejs20');
      const code = path.join(ROOT, r.props.code);
      const [file, handler] = r.props.handler.split('.');
      const [, initializer] = r.props.instanceLifecycleConfig.initializer.handler.split('.');
      const mod = require(path.join(code, `${file}.js`));
      expect(typeof mod[handler]).toBe('function');
      expect(typeof mod[initializer]).toBe('function');
      expect(existsSync(path.join(code, 'rules', 'rule.schema.json'))).toBe(true);
    }
  });

  test('each function ships only the vendor SDK files it can load', () => {
    const vendor = (name: string) => readdirSync(path.join(ROOT, 'dist', 'functions', name, 'vendor')).sort();
    // ajv: for rule files of the user's, overrides and the dispatch configuration (the bundled rules were validated at build).
    // re2: for the conditions that test a regular expression, at their first test.
    const detector = ['ajv.js', 'dingtalk-openapi.js', 'fc2-client.js', 'fc3-client.js', 'kms-client.js', 'nodemailer-client.js', 're2.js', 'redis-client.js'];
    expect(vendor('dispatcher')).toEqual(['ajv.js', 'dingtalk-openapi.js', 'kms-client.js', 'nodemailer-client.js', 're2.js', 'redis-client.js']);
    expect(vendor('actiontrail')).toEqual(detector);
    expect(vendor('sls')).toEqual([...detector, 'sls-gateway.js', 'sls-protobuf.js'].sort());
    expect(vendor('posture')).toEqual([...detector, 'posture-clients.js'].sort());
  });

  test('settings: what the functions read, the Redis password and channel secrets as KMS secret names', () => {
    const read = new Set<string>();
    for (const f of [...sourceFiles(path.join(ROOT, 'shared')), ...sourceFiles(path.join(ROOT, 'functions'))]) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bSECMON_[A-Z0-9_]+/g)) if (m[0] !== 'SECMON_VERSION') read.add(m[0]);
    }
    expect([...read].sort()).toEqual(CONFIG_KEYS.map((k) => k.key).sort());
    // For local use only, for a dispatch mode s.yaml does not use, or for a proxy or test server.
    const notDeclared = ['SECMON_REDIS_PASSWORD', 'SECMON_FC2_SERVICE', 'SECMON_POSTURE_REGION_ENDPOINT'];
    for (const [, r] of functions()) {
      const env = r.props.environmentVariables;
      expect(Object.keys(env).sort()).toEqual([...read].filter((k) => !notDeclared.includes(k)).sort());
      expect(env.SECMON_REDIS_PASSWORD_SECRET).toBe('secmon/redis');
      expect(env.SECMON_KMS_ENDPOINT).toBe('kms-vpc.cn-hangzhou.aliyuncs.com');
      expect(env.SECMON_DISPATCH_CONFIG).toBe('dispatch.json');
    }
    // The dispatch configuration the README copies for the functions names KMS secrets only.
    const fc = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'dispatch.fc.json'), 'utf8'));
    expect(kmsSecretNames(fc)).toEqual(['secmon/dingtalk', 'secmon/smtp', 'secmon/webhook']);
    expect(JSON.stringify(fc)).not.toContain('"env"');
  });

  test('network: every function in the VPC; the dispatcher and the posture scan also reach the internet', () => {
    for (const [name, r] of functions()) {
      expect(r.props.vpcConfig).toEqual({ vpcId: 'vpc-bp1testvpc', vSwitchIds: ['vsw-bp1testvsw'], securityGroupId: 'sg-bp1testsg' });
      expect(r.props.internetAccess).toBe(name === 'secmon-dispatcher' || name === 'secmon-posture');
      expect(r.props.logConfig).toEqual(expect.objectContaining({ project: 'my-audit-project', logstore: 'secmon-functions', logBeginRule: 'None' }));
      expect(r.props.asyncInvokeConfig.destinationConfig.onFailure.destination).toBe('acs:mns:cn-hangzhou:1234567890123456:/queues/secmon-dead-letter/messages');
    }
  });

  test('triggers: the ActionTrail and host logstores, EventBridge write events, the daily posture timer', () => {
    const triggers = functions().flatMap(([, r]) => r.props.triggers ?? []);
    const log = triggers.filter((t: any) => t.triggerType === 'log');
    expect(log.map((t: any) => [t.triggerConfig.sourceConfig.logstore, t.triggerConfig.functionParameter.source]).sort()).toEqual([
      ['actiontrail_my-trail', 'actiontrail'],
      ['host-auth', 'syslog'],
    ]);
    for (const t of log) {
      expect(t.sourceArn).toBe('acs:log:cn-hangzhou:1234567890123456:project/my-audit-project');
      expect(t.invocationRole).toBe('acs:ram::1234567890123456:role/aliyunlogetlrole');
      expect(t.triggerConfig.jobConfig).toEqual({ maxRetryTime: expect.any(Number), triggerInterval: expect.any(Number) });
    }
    const eb = triggers.find((t: any) => t.triggerType === 'eventbridge');
    expect(JSON.parse(eb.triggerConfig.eventRuleFilterPattern).type).toContainEqual({ suffix: ':ActionTrail:ApiCall' });
    const timer = triggers.find((t: any) => t.triggerName === 'daily-posture-scan');
    expect(timer.triggerConfig.cronExpression).toMatch(/0 0 9 \* \* \*/);
    // Held digests go out each minute even when no alert comes.
    const flush = functions().find(([name]) => name === 'secmon-dispatcher')![1].props.triggers[0];
    expect(flush).toMatchObject({ triggerName: 'digest-flush', triggerType: 'timer', triggerConfig: { cronExpression: '@every 1m', enable: true } });
  });
});

test('s deploy as the README writes it gets past resolution to fetching the fc3 component, and no further offline', () => {
  const r = s(['deploy', '--skip-actions', '-y']);
  expect(r.out).not.toMatch(/not found|RuntimeError/);
  expect(r.out).toContain('network blocked: api.devsapp.cn');
  for (const v of [...Object.values(SHELL_SECRETS), FAKE_AK.secret]) expect(r.out).not.toContain(v);
}, 120_000);
