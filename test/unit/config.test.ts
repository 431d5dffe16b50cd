import { CONFIG_KEYS, ConfigError, configFromJson, loadConfig, unknownEnvironmentKeys } from '../../shared/config/config';

describe('configuration', () => {
  test('defaults', () => {
    expect(loadConfig({})).toMatchObject({ state: 'memory', dispatch: 'inline', dispatcherFunction: 'secmon-dispatcher', dispatcherQualifier: 'LATEST', syslogTz: 'UTC', slsPageSize: 1000, redisKeyPrefix: 'secmon:' });
  });

  test('later sources win; empty values count as unset', () => {
    const c = loadConfig({ SECMON_STATE: 'redis://r:6379', SECMON_SYSLOG_TZ: '+08:00', SECMON_REDIS_PASSWORD: '' }, { SECMON_STATE: 'memory' });
    expect(c.state).toBe('memory');
    expect(c.syslogTz).toBe('+08:00');
    expect(c.redisPassword).toBeUndefined();
  });

  test('a password in the Redis URL is refused (it belongs in SECMON_REDIS_PASSWORD), without echoing it', () => {
    const e = (() => {
      try {
        loadConfig({ SECMON_STATE: 'redis://:s3cret@r:6379' });
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(e?.problems[0]).toMatch(/SECMON_STATE=.*must not contain a password/);
    expect(e?.message).not.toContain('s3cret');
  });

  test('fc2 dispatch needs its service', () => {
    expect(() => loadConfig({ SECMON_DISPATCH: 'fc2' })).toThrow('SECMON_FC2_SERVICE: required when SECMON_DISPATCH=fc2');
    expect(loadConfig({ SECMON_DISPATCH: 'fc2', SECMON_FC2_SERVICE: 'secmon' }).fc2Service).toBe('secmon');
  });

  test('unknown keys in a file are errors; in the environment they are only listed (channel secrets live there too)', () => {
    expect(() => loadConfig({}, { SECMON_STAET: 'memory' })).toThrow('SECMON_STAET: unknown setting');
    expect(() => loadConfig({ SECMON_STAET: 'memory', PATH: '/usr/bin' })).not.toThrow();
    expect(unknownEnvironmentKeys({ SECMON_STAET: 'memory', SECMON_STATE: 'memory', PATH: '/usr/bin' })).toEqual(['SECMON_STAET']);
  });

  test('a config file holds the same keys', () => {
    expect(configFromJson('{"SECMON_STATE": "memory", "SECMON_SLS_PAGE_SIZE": 10}', 'c.json')).toEqual({ SECMON_STATE: 'memory', SECMON_SLS_PAGE_SIZE: '10' });
    expect(() => configFromJson('[1]', 'c.json')).toThrow('c.json: must be a JSON object');
    expect(() => loadConfig({}, configFromJson('{"state": "memory"}', 'c.json'))).toThrow('state: unknown setting');
  });

  test('every key is documented', () => {
    for (const k of CONFIG_KEYS) expect(k.description.length).toBeGreaterThan(10);
  });
});

test('the README documents every configuration key', () => {
  const readme = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'README.md'), 'utf8') as string;
  for (const k of CONFIG_KEYS) expect(readme).toContain(`| \`${k.key}\``);
});
