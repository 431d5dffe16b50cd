import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS } from '../../shared/config/config';
import { ROOT } from '../e2e/run-cli';

/* eslint-disable @typescript-eslint/no-explicit-any */
const raw: any = parse(readFileSync(path.join(ROOT, 's.yaml'), 'utf8'), { merge: true });
/** Resolves `${vars.x}` the way Serverless Devs does (other `${...}` stay as written). */
function resolveVars(v: any): any {
  if (typeof v === 'string') return v.replace(/\$\{vars\.([A-Za-z0-9_]+)\}/g, (_m, name) => String(raw.vars[name]));
  if (Array.isArray(v)) return v.map(resolveVars);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveVars(x)]));
  return v;
}
const doc: any = resolveVars(raw);
const functions = Object.entries<any>(doc.resources).filter(([, r]) => r.component === 'fc3');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('s.yaml (Serverless Devs 3, fc3)', () => {
  test('declares the four functions on nodejs20, built by a pre-deploy action', () => {
    expect(doc.edition).toBe('3.0.0');
    expect(functions.map(([name]) => name).sort()).toEqual(['secmon-actiontrail', 'secmon-dispatcher', 'secmon-posture', 'secmon-sls']);
    for (const [, r] of functions) {
      expect(r.props.runtime).toBe('nodejs20');
      expect(r.actions['pre-deploy'][0].run).toContain('npm run build');
    }
  });

  test.each(functions.map(([name, r]) => [name, r]))('%s: handler and initializer exist in the built bundle, with rules beside it', (_name, r: any) => {
    const code = path.join(ROOT, r.props.code);
    const [file, handler] = r.props.handler.split('.');
    const [, initializer] = r.props.instanceLifecycleConfig.initializer.handler.split('.');
    const mod = require(path.join(code, `${file}.js`));
    expect(typeof mod[handler]).toBe('function');
    expect(typeof mod[initializer]).toBe('function');
    expect(existsSync(path.join(code, 'rules', 'rule.schema.json'))).toBe(true);
    expect(existsSync(path.join(code, 'vendor', 'fc3-client.js'))).toBe(true);
  });

  test('every setting the code reads is declared for every function; secrets come from the environment', () => {
    const read = new Set<string>();
    for (const f of [...sourceFiles(path.join(ROOT, 'shared')), ...sourceFiles(path.join(ROOT, 'functions'))]) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bSECMON_[A-Z0-9_]+/g)) if (m[0] !== 'SECMON_VERSION') read.add(m[0]);
    }
    expect([...read].sort()).toEqual(CONFIG_KEYS.map((k) => k.key).sort());
    // Besides the settings, only the channel secrets the example dispatch configuration names.
    const secrets = [...readFileSync(path.join(ROOT, 'examples', 'dispatch.json'), 'utf8').matchAll(/"env":\s*"([A-Z0-9_]+)"/g)].map((m) => m[1]);
    for (const [, r] of functions) {
      const declared = Object.keys(r.props.environmentVariables);
      expect(declared).toEqual(expect.arrayContaining([...read]));
      expect(declared.filter((k) => !read.has(k)).sort()).toEqual([...new Set(secrets)].sort());
      expect(r.props.environmentVariables.SECMON_REDIS_PASSWORD).toMatch(/^\$\{env\('SECMON_REDIS_PASSWORD'/);
    }
  });

  test('VPC access, function logs, async retries with an on-failure destination', () => {
    for (const [, r] of functions) {
      expect(r.props.vpcConfig).toEqual(expect.objectContaining({ vpcId: expect.any(String), vSwitchIds: expect.any(Array), securityGroupId: expect.any(String) }));
      expect(r.props.logConfig).toEqual(expect.objectContaining({ project: expect.any(String), logstore: expect.any(String) }));
      expect(r.props.asyncInvokeConfig.destinationConfig.onFailure.destination).toMatch(/^acs:mns:/);
    }
  });

  test('SLS triggers for the ActionTrail and host logstores, an EventBridge trigger for ActionTrail write events', () => {
    const triggers = functions.flatMap(([, r]) => r.props.triggers ?? []);
    const log = triggers.filter((t: any) => t.triggerType === 'log');
    expect(log.map((t: any) => t.triggerConfig.functionParameter.source).sort()).toEqual(['actiontrail', 'syslog']);
    for (const t of log) {
      expect(t.sourceArn).toMatch(/^acs:log:/);
      expect(t.invocationRole).toMatch(/^acs:ram::/);
      expect(t.triggerConfig.jobConfig).toEqual({ maxRetryTime: expect.any(Number), triggerInterval: expect.any(Number) });
      expect(t.triggerConfig.sourceConfig.logstore).toBeTruthy();
    }
    const eb = triggers.find((t: any) => t.triggerType === 'eventbridge');
    const pattern = JSON.parse(eb.triggerConfig.eventRuleFilterPattern);
    expect(pattern.type).toContainEqual({ suffix: ':ActionTrail:ApiCall' });
    expect(eb.triggerConfig.eventSourceConfig.eventSourceType).toBe('Default');
    const timer = triggers.find((t: any) => t.triggerType === 'timer');
    expect(timer.triggerConfig.cronExpression).toMatch(/0 0 9 \* \* \*/);
    expect(timer.triggerConfig.enable).toBe(true);
  });
});
