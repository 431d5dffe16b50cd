import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from './run-cli';
import { tempDir } from '../helpers';
import { loadRules, formatProblem } from '../../shared/rules/load';
import { bundledRulesDir } from '../../shared/rules/bundled';

/**
 * Tuning without forking (README, Tuning): lists, overrides and exceptions in a folder
 * of one's own after the bundled rules, and the bastion rules they make active. The
 * worked example is examples/tuning/; each step is checked with the command that shows it.
 */
const TUNING = ['--rules', '@bundled', '--rules', 'examples/tuning'];
const ndjson = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('the worked example: bastion rules active, the CI runner excepted, the burst threshold raised, sudo.command off', async () => {
  const validate = await runCli(['validate', '@bundled', 'examples/tuning']);
  expect(validate.status).toBe(0);
  expect(validate.stdout).toMatch(/\(0 inactive\), 4 list\(s\), 2 override\(s\) applied, 0 file\(s\) with problems/);
  const bundledOnly = await runCli(['validate']);
  expect(bundledOnly.stderr).toContain('notice: sshd.login-outside-bastion: inactive until list "bastion.egress" has items');

  const r = await runCli(['replay', 'examples/tuning/hosts.log', '--json', ...TUNING]);
  expect(r.status).toBe(0);
  const alerts = ndjson(r.stdout).map((a) => `${a.rule} ${a.key}`);
  expect(alerts.filter((a) => !a.startsWith('sshd.successful-login'))).toEqual([
    'sshd.login-outside-bastion web-01|198.51.100.77|ops',
    'sshd.lateral-movement db-01|10.0.3.4|ops',
    'sshd.file-transfer-outside-bastion web-01|deploy|198.51.100.77',
  ]);
  // The same log with the bundled rules alone: no bastion rule, the CI runner's and the bot's bursts, sudo.command.
  const plain = ndjson((await runCli(['replay', 'examples/tuning/hosts.log', '--json'])).stdout).map((a) => `${a.rule} ${a.key}`);
  expect(plain).toEqual(expect.arrayContaining(['sshd.failed-auth-burst 10.0.8.15', 'sshd.failed-auth-burst 198.51.100.200', 'sudo.command web-01|ops']));
  expect(plain.some((a) => /outside-bastion|lateral-movement/.test(a.split(' ')[0]))).toBe(false);
});

test('secmon show prints the effective rule and where each part came from', async () => {
  const r = await runCli(['show', 'sshd.failed-auth-burst', ...TUNING]);
  expect(r.status).toBe(0);
  const json = JSON.parse(r.stdout.slice(0, r.stdout.indexOf('\n}\n') + 2));
  expect(json.threshold).toEqual({ count: 10, window: '5m' });
  expect(json.exceptions).toEqual([{ name: 'ci runners', fields: ['source.ip'], values: ['10.0.8.15'] }]);
  expect(r.stdout).toMatch(/rule +rules\/sshd\.failed-auth-burst\.json|rule +.*\/rules\/sshd\.failed-auth-burst\.json/);
  expect(r.stdout).toContain('override      examples/tuning/sshd.failed-auth-burst.json: threshold, exceptions');
  expect(r.stdout).toContain('list          ci.runners (1 item(s)) from examples/tuning/ci.runners.json');
  const missing = await runCli(['show', 'sshd.failed-auth-burts']);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain('no rule "sshd.failed-auth-burts" (did you mean "sshd.failed-auth-burst"?)');
});

test("an override changes an audit summary's period: a day of deploy's sudo commands is one record", async () => {
  const dir = tempDir({ 'mine/sudo.command.json': JSON.stringify({ override: 'sudo.command', summary: { period: '1d' } }) });
  const hourly = ndjson((await runCli(['replay', 'samples/hosts/auth.log', '--json', '--year', '2026'])).stdout).filter((a) => a.rule === 'sudo.command');
  expect(hourly.map((a) => [a.key, a.count])).toEqual([['web-01|deploy', 1], ['web-01|deploy', 2]]);
  const daily = ndjson((await runCli(['replay', 'samples/hosts/auth.log', '--json', '--year', '2026', '--rules', '@bundled', '--rules', path.join(dir, 'mine')])).stdout).filter((a) => a.rule === 'sudo.command');
  expect(daily.map((a) => [a.key, a.count, a.summary.from, a.summary.to, a.summary.values])).toEqual([
    ['web-01|deploy', 3, '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z', ['/usr/bin/systemctl restart nginx', '/usr/bin/git pull --ff-only', '/usr/bin/systemctl reload nginx']],
  ]);
});

describe('lists, overrides and exceptions as the loader reads them', () => {
  const load = async (files: Record<string, string>, lists?: Record<string, string[]>) => {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const loaded = await loadRules([bundledRulesDir(), dir], { lists });
    return { ...loaded, messages: loaded.problems.map(formatProblem).map((m) => m.replace(`${dir}/`, '')) };
  };

  test('a list file appends to the bundled list of its name, replace: true replaces it, SECMON_LISTS replaces last', async () => {
    const appended = await load({ 'l.json': '{"list": "network.internal", "items": ["100.64.0.0/10"]}' });
    expect(appended.lists.get('network.internal')!.items).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']);
    const replaced = await load({ 'l.json': '{"list": "network.internal", "items": ["10.1.0.0/16"], "replace": true}' });
    expect(replaced.lists.get('network.internal')!.items).toEqual(['10.1.0.0/16']);
    const settings = await load({ 'l.json': '{"list": "network.internal", "items": ["10.1.0.0/16"]}' }, { 'network.internal': ['10.9.0.0/16'] });
    expect(settings.lists.get('network.internal')).toEqual({ items: ['10.9.0.0/16'], from: ['SECMON_LISTS'] });
  });

  test('an override of an unknown rule, an unknown key, a bad value and an unknown list are errors at their place', async () => {
    const r = await load({
      'a.json': '{"override": "sudo.comand", "enabled": false}',
      'b.json': '{"override": "sudo.command", "condition": {}}',
      'c.json': '{"override": "sshd.failed-auth-burst", "threshold": {"count": 0}}',
      'd.json': '{"override": "sshd.password-spraying", "exceptions": [{"name": "x", "fields": ["source.ip"], "values": {"list": "ci.runner"}}]}',
    });
    expect(r.messages).toEqual(
      expect.arrayContaining([
        'a.json: /override: no rule "sudo.comand" to override (did you mean "sudo.command"?)',
        'b.json: /condition: an override cannot change "condition" (it may change enabled, severity, suppress, threshold, summary, tags, message, translations, exceptions, requires)',
        expect.stringMatching(/^c\.json: \/threshold\/count: must be >= 1/),
        expect.stringMatching(/sshd\.password-spraying\.json: \/exceptions\/0\/values: no list named "ci\.runner"/),
      ]),
    );
  });

  test('files may carry comments; a copy of a bundled rule is told to be an override', async () => {
    const r = await load({ 'sudo.command.json': '// mine\n{"override": "sudo.command", /* off */ "enabled": false}' });
    expect(r.problems).toEqual([]);
    expect(r.rules.find((x) => x.id === 'sudo.command')!.enabled).toBe(false);
    const copy = await load({ 'copy.json': JSON.stringify({ ...require('../../rules/sudo.command.json'), enabled: false }) });
    expect(copy.messages[0]).toContain('duplicate rule id "sudo.command"');
    expect(copy.messages[0]).toContain('write an override: {"override": "sudo.command", …}');
  });

  test('an exception appended by an override keeps its events from counting, tuples and lists alike', async () => {
    const r = await load({
      'o.json': JSON.stringify({ override: 'sshd.failed-auth-burst', exceptions: [{ name: 'deploy from ci', fields: ['source.ip', 'user.name'], comps: ['cidr', 'equals'], values: [['10.0.8.0/24', 'deploy']] }] }),
    });
    const rule = r.rules.find((x) => x.id === 'sshd.failed-auth-burst')!;
    const ev = (ip: string, user: string) => ({ event: { action: 'auth-failed' }, sshd: { attempt: true }, source: { ip }, user: { name: user } });
    expect(rule.matches(ev('10.0.8.15', 'deploy'))).toBe(false);
    expect(rule.matches(ev('10.0.8.15', 'root'))).toBe(true);
    expect(rule.matches(ev('10.0.9.15', 'deploy'))).toBe(true);
  });
});

describe('authoring lint', () => {
  const rule = (o: Record<string, unknown>) =>
    JSON.stringify({
      id: 'team.lint-check',
      title: 'Lint check',
      description: 'A rule written with typos',
      severity: 'low',
      source: 'actiontrail',
      condition: { field: 'eventName', op: 'equals', value: 'DeleteBucket' },
      kind: 'match',
      tests: [{ name: 'n', events: [{ eventName: 'GetBucketInfo', eventType: 'ApiCall', eventId: 'lint-1', eventTime: '2026-11-21T08:00:00Z' }], expect: { alerts: 0 } }],
      ...o,
    });
  const problems = async (text: string) => {
    const dir = tempDir({ 'r.json': text });
    const r = await runCli(['validate', '@bundled', dir]);
    return { status: r.status, text: r.stderr.replace(`${dir}/`, '') };
  };

  test('a field no normalizer of the source produces, with the closest one', async () => {
    const r = await problems(rule({ condition: { field: 'eventname', op: 'equals', value: 'DeleteBucket' } }));
    expect(r.status).toBe(1);
    expect(r.text).toContain('r.json: /condition/field: field "eventname" is produced by no normalizer of source actiontrail (did you mean "eventName"?)');
  });

  test('a placeholder of an unknown field, and one not closed', async () => {
    expect((await problems(rule({ message: 'bucket {{requestParameter.BucketName}} deleted' }))).text).toContain('r.json: /message: field "requestParameter.BucketName" is produced by no normalizer of source actiontrail');
    expect((await problems(rule({ message: '{{count} buckets deleted' }))).text).toContain('r.json: /message: a placeholder is not closed: write {{field.path}}');
    expect((await problems(rule({ message: '{{count}} buckets {{requestParameters.BucketName}}' }))).status).toBe(0);
  });

  test('"did you mean" for an operator, a rule key and a setting name', async () => {
    const r = await problems(rule({ condition: { field: 'eventName', op: 'equal', value: 'DeleteBucket' }, groupby: ['eventName'] }));
    expect(r.text).toContain('r.json: /groupby: unknown property (not allowed by the rule schema) (did you mean "groupBy"?)');
    expect(r.text).toContain('(did you mean "equals"?)');
    const dir = tempDir({ 's.json': '{"SECMON_STAT": "memory"}' });
    const setting = await runCli(['replay', 'samples/hosts/secure', '--settings', path.join(dir, 's.json')]);
    expect(setting.stderr).toContain('SECMON_STAT: unknown setting (did you mean "SECMON_STATE"?)');
  });

  test("a rule's own tests cover its own exceptions", async () => {
    const text = rule({
      exceptions: [{ name: 'the backup job', fields: ['requestParameters.BucketName'], comps: ['startsWith'], values: [['backup-']] }],
      tests: [
        { name: 'a bucket deleted alerts', events: [{ eventName: 'DeleteBucket', eventType: 'ApiCall', eventId: 'x1', eventTime: '2026-11-21T08:00:00Z', requestParameters: { BucketName: 'prod-logs' } }], expect: { alerts: 1 } },
        { name: 'the backup job is excepted', events: [{ eventName: 'DeleteBucket', eventType: 'ApiCall', eventId: 'x2', eventTime: '2026-11-21T08:00:00Z', requestParameters: { BucketName: 'backup-2026-11' } }], expect: { alerts: 0 } },
      ],
    });
    const dir = tempDir({ 'r.json': text });
    const r = await runCli(['test', dir]);
    expect(r.stdout).toContain('tests: 2 passed, 0 failed');
  });

  test("host sources: a field of another source is caught, the source's own facts are known", async () => {
    const host = (field: string) => rule({ source: 'sshd', condition: { field, op: 'exists' } });
    expect((await problems(host('sshd.auth_method'))).status).toBe(0);
    expect((await problems(host('process.command_line'))).text).toContain('field "process.command_line" is produced by no normalizer of source sshd');
  });
});

describe('silences', () => {
  let redis: import('../redis-server').RedisServer;
  beforeAll(async () => {
    redis = await (await import('../redis-server')).startRedis();
  });
  afterAll(() => redis.stop());

  test('a silence set from the CLI holds the alerts of its window back; the next alert after it counts them', async () => {
    const state = ['--state', redis.url];
    const dir = tempDir({
      'auth.log': [
        '2026-11-20T22:05:00Z web-01 sshd[100]: Accepted password for deploy from 10.0.0.5 port 50001 ssh2',
        '2026-11-20T22:40:00Z web-01 sshd[101]: Accepted password for deploy from 10.0.0.5 port 50002 ssh2',
        '2026-11-20T22:50:00Z web-01 sshd[102]: Accepted password for ops from 10.0.0.6 port 50003 ssh2',
        '2026-11-21T01:00:00Z web-01 sshd[103]: Accepted password for deploy from 10.0.0.5 port 50004 ssh2',
        '',
      ].join('\n'),
    });
    const add = await runCli(['silence', 'add', 'sshd.password-login', 'web-01|deploy', '--from', '2026-11-20T22:00:00Z', '--for', '2h', '--reason', 'nightly deploy window', '--by', 'oncall-ann', ...state]);
    expect(add.status).toBe(0);
    const id = add.stdout.split(':')[0];
    expect(id).toMatch(/^SIL-[0-9A-F]{8}$/);
    const list = ndjson((await runCli(['silence', 'list', '--json', ...state])).stdout);
    expect(list).toEqual([expect.objectContaining({ id, rule: 'sshd.password-login', key: 'web-01|deploy', by: 'oncall-ann', reason: 'nightly deploy window' })]);

    const r = await runCli(['replay', path.join(dir, 'auth.log'), '--json', ...state]);
    const logins = ndjson(r.stdout).filter((a) => a.rule === 'sshd.password-login').map((a) => [a.key, a.time, a.suppressed]);
    expect(logins).toEqual([
      ['web-01|ops', '2026-11-20T22:50:00.000Z', 0],
      ['web-01|deploy', '2026-11-21T01:00:00.000Z', 2],
    ]);
    expect((await runCli(['silence', 'remove', id, ...state])).stdout).toBe(`${id} removed\n`);
    expect((await runCli(['silence', 'list', '--json', ...state])).stdout).toBe('');
  });

  test('without a shared state store a silence is refused, saying why', async () => {
    const r = await runCli(['silence', 'add', 'sudo.command', '--for', '1h', '--reason', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('silences live in the state store the detectors read: give --state redis://');
  });
});
