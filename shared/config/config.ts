import { parseDuration } from '../util/duration';
import { redact } from '../util/redact';
import { didYouMean } from '../util/did-you-mean';
import { zoneOf } from '../util/zone';

/**
 * The one configuration of secmon: environment variables in Function Compute, the
 * same keys from a JSON file (`--config`) or flags in the CLI. Every problem is found
 * at start-up (the FC initializer), all at once, each naming its key, never showing a
 * secret's value.
 */
export type DispatchMode = 'inline' | 'fc3' | 'fc2';

/** An SLS project and logstore. */
export interface Logstore {
  project: string;
  logstore: string;
}

/** The languages alerts are written in. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export interface SecmonConfig {
  state: string;
  redisPassword?: string;
  /** A KMS Secrets Manager secret holding the Redis password (the functions read it). */
  redisPasswordSecret?: string;
  /** KMS endpoint of the functions' secret references (default: the region's VPC endpoint). */
  kmsEndpoint?: string;
  /** How long a function instance uses a secret before reading it again (rotation). */
  secretTtlMs: number;
  /** How long a claim to send an alert on a channel holds if its sender dies. */
  deliveryLeaseMs: number;
  redisKeyPrefix: string;
  rulesDirs?: string[];
  /** Named lists that replace the rules folders' lists of the same name (bastion.egress, network.internal, …). */
  lists?: Record<string, Array<string | number | boolean>>;
  dispatch: DispatchMode;
  dispatcherFunction: string;
  dispatcherQualifier: string;
  fc2Service?: string;
  fcEndpoint?: string;
  /** Zone of syslog timestamps without one: an offset or an IANA name (see util/zone). */
  syslogTz: string;
  slsPageSize: number;
  ramEndpoint: string;
  imsEndpoint: string;
  ecsEndpoint: string;
  postureRegionEndpoint?: string;
  bssEndpoint: string;
  ossEndpoint: string;
  dispatchConfig?: string;
  /** Where links point: the China console (`aliyun.com`) or the international one (`alibabacloud.com`). */
  consoleSite: 'aliyun.com' | 'alibabacloud.com';
  /** The logstore the trail delivers to, for links to ActionTrail events that arrived another way. */
  trailLogstore?: Logstore;
  /** The logstore Logtail sends host logs to, for links to host evidence read from files. */
  hostLogstore?: Logstore;
  /** Language and time zone of alert messages, where a channel sets none. */
  alertLocale: Locale;
  alertTz: string;
}

interface KeySpec {
  key: string;
  description: string;
  default?: string;
  secret?: boolean;
  parse(value: string): unknown;
  assign(c: Partial<SecmonConfig>, v: unknown): void;
}

const oneOf = <T extends string>(values: readonly T[]) => (v: string): T => {
  if (!(values as readonly string[]).includes(v)) throw new Error(`must be one of ${values.join(', ')}`);
  return v as T;
};
const nonEmpty = (v: string) => {
  if (v.trim() === '') throw new Error('must not be empty');
  return v.trim();
};
const intIn = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new Error(`must be a whole number from ${min} to ${max}`);
  return n;
};
const durationIn = (min: number, max: number) => (v: string) => {
  const ms = parseDuration(v);
  if (ms < min || ms > max) throw new Error(`must be from ${min / 1000}s to ${max / 1000}s`);
  return ms;
};

/** `PROJECT/LOGSTORE`. */
export function parseLogstore(v: string): Logstore {
  const m = /^([a-z0-9][a-z0-9-]{1,62})\/([A-Za-z0-9_][A-Za-z0-9_.-]{1,62})$/.exec(v.trim());
  if (!m) throw new Error('must be PROJECT/LOGSTORE (an SLS project name, a slash, a logstore name)');
  return { project: m[1], logstore: m[2] };
}

/** A zone for zone-less timestamps: an offset (`+08:00`, `UTC`) or an IANA name (`Asia/Shanghai`); returned as given. */
export function parseZone(v: string): string {
  try {
    zoneOf(v);
  } catch {
    throw new Error('must be a UTC offset such as +08:00 or UTC, or an IANA time zone such as Asia/Shanghai');
  }
  return v;
}

export const CONFIG_KEYS: readonly KeySpec[] = [
  {
    key: 'SECMON_STATE',
    description: 'State store: `memory` (one process only), `redis://host:port[/db]` (ApsaraDB for Redis / Tair in the VPC: a standard instance, or a cluster instance through its proxy) or `redis-cluster://host:port,host:port,…` (a Redis Cluster, or a Tair cluster instance in direct connection mode)',
    default: 'memory',
    parse: (v) => {
      if (v !== 'memory' && !/^rediss?(-cluster)?:\/\/[^/\s]+/.test(v)) throw new Error('must be "memory", a redis:// URL or a redis-cluster:// list of nodes');
      // No user part at all (a password may hold '@' or ':'), and no password in the query.
      if (/^rediss?(-cluster)?:\/\/[^/?#]*@/.test(v) || /[?&](?:password|pass|auth)=/i.test(v)) throw new Error('must not contain a password: set SECMON_REDIS_PASSWORD instead');
      return v;
    },
    assign: (c, v) => (c.state = v as string),
  },
  { key: 'SECMON_REDIS_PASSWORD', description: 'Redis password (secret; for local use: the functions read it from KMS, see SECMON_REDIS_PASSWORD_SECRET)', secret: true, parse: nonEmpty, assign: (c, v) => (c.redisPassword = v as string) },
  {
    key: 'SECMON_REDIS_PASSWORD_SECRET',
    description: 'Name of the KMS Secrets Manager secret holding the Redis password (the functions read it with their role)',
    parse: nonEmpty,
    assign: (c, v) => (c.redisPasswordSecret = v as string),
  },
  {
    key: 'SECMON_KMS_ENDPOINT',
    description: "KMS endpoint for secret references (default: the function's region, VPC endpoint `kms-vpc.REGION.aliyuncs.com`); `http://host:port` for a local test server",
    parse: nonEmpty,
    assign: (c, v) => (c.kmsEndpoint = v as string),
  },
  {
    key: 'SECMON_DELIVERY_LEASE',
    description: 'How long a claim to send an alert on a channel holds if its sender dies; after it a retry sends the alert (at least one send with its retries; at most the dispatcher timeout is sensible)',
    default: '60s',
    parse: durationIn(1_000, 900_000),
    assign: (c, v) => (c.deliveryLeaseMs = v as number),
  },
  { key: 'SECMON_SECRET_TTL', description: 'How long a function instance keeps a KMS secret before reading it again (so a rotated secret is picked up)', default: '10m', parse: durationIn(60_000, 86_400_000), assign: (c, v) => (c.secretTtlMs = v as number) },
  { key: 'SECMON_REDIS_KEY_PREFIX', description: 'Prefix of every Redis key', default: 'secmon:', parse: nonEmpty, assign: (c, v) => (c.redisKeyPrefix = v as string) },
  {
    key: 'SECMON_LISTS',
    description: 'Named lists for the rules, as JSON: {"bastion.egress": ["203.0.113.10/32"], "network.internal": ["10.0.0.0/8"]}; each replaces the list of that name from the rules folders',
    parse: (v) => {
      let doc: unknown;
      try {
        doc = JSON.parse(v);
      } catch {
        throw new Error('must be a JSON object of lists: {"NAME": [items]}');
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('must be a JSON object of lists: {"NAME": [items]}');
      for (const [name, items] of Object.entries(doc)) {
        if (!/^[a-z0-9][a-z0-9._-]{1,80}$/.test(name)) throw new Error(`list name "${name}" must be lower case, digits, ".", "_", "-"`);
        if (!Array.isArray(items) || !items.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) throw new Error(`list "${name}" must be an array of strings, numbers or booleans`);
      }
      return doc;
    },
    assign: (c, v) => (c.lists = v as Record<string, Array<string | number | boolean>>),
  },
  {
    key: 'SECMON_RULES_DIR',
    description: 'Rule folders, comma-separated (default: the bundled rules; `@bundled` names them)',
    parse: (v) => v.split(',').map((d) => nonEmpty(d)),
    assign: (c, v) => (c.rulesDirs = v as string[]),
  },
  {
    key: 'SECMON_DISPATCH',
    description: 'How detectors hand alerts to the dispatcher: `fc3` (async InvokeFunction, FC 3.0), `fc2` (FC 2.0 services), `inline` (same process)',
    default: 'inline',
    parse: oneOf(['inline', 'fc3', 'fc2'] as const),
    assign: (c, v) => (c.dispatch = v as DispatchMode),
  },
  { key: 'SECMON_DISPATCHER_FUNCTION', description: 'Name of the dispatcher function', default: 'secmon-dispatcher', parse: nonEmpty, assign: (c, v) => (c.dispatcherFunction = v as string) },
  { key: 'SECMON_DISPATCHER_QUALIFIER', description: 'Version or alias of the dispatcher to invoke', default: 'LATEST', parse: nonEmpty, assign: (c, v) => (c.dispatcherQualifier = v as string) },
  { key: 'SECMON_FC2_SERVICE', description: 'FC 2.0 service of the dispatcher (with SECMON_DISPATCH=fc2)', parse: nonEmpty, assign: (c, v) => (c.fc2Service = v as string) },
  {
    key: 'SECMON_FC_ENDPOINT',
    description: 'FC API endpoint override (default: `<account>.<region>-internal.fc.aliyuncs.com` from the invocation context)',
    parse: nonEmpty,
    assign: (c, v) => (c.fcEndpoint = v as string),
  },
  {
    key: 'SECMON_SYSLOG_TZ',
    description: 'Zone of syslog timestamps without one: a UTC offset (+08:00) or an IANA name (Asia/Shanghai: daylight saving applied per timestamp)',
    default: 'UTC',
    parse: parseZone,
    assign: (c, v) => (c.syslogTz = v as string),
  },
  {
    key: 'SECMON_DISPATCH_CONFIG',
    description: 'Dispatch configuration (channels and routes) of the dispatcher, a JSON file path; without it the dispatcher writes alerts to its log',
    parse: nonEmpty,
    assign: (c, v) => (c.dispatchConfig = v as string),
  },
  {
    key: 'SECMON_CONSOLE_SITE',
    description: 'Console of the links in alerts: `aliyun.com` (the China site, console.aliyun.com) or `alibabacloud.com` (the international site)',
    default: 'aliyun.com',
    parse: oneOf(['aliyun.com', 'alibabacloud.com'] as const),
    assign: (c, v) => (c.consoleSite = v as SecmonConfig['consoleSite']),
  },
  {
    key: 'SECMON_TRAIL_LOGSTORE',
    description: "The trail's SLS logstore, `PROJECT/LOGSTORE`: alerts on ActionTrail events that came through EventBridge or a file link to the event there (events read from SLS name their own)",
    parse: parseLogstore,
    assign: (c, v) => (c.trailLogstore = v as Logstore),
  },
  {
    key: 'SECMON_HOST_LOGSTORE',
    description: 'The host-log SLS logstore, `PROJECT/LOGSTORE`: alerts on host lines read from files link to a search there (lines read from SLS name their own)',
    parse: parseLogstore,
    assign: (c, v) => (c.hostLogstore = v as Logstore),
  },
  {
    key: 'SECMON_ALERT_LOCALE',
    description: 'Language of alert messages where a channel sets none: `en` or `zh-CN`',
    default: 'en',
    parse: oneOf(LOCALES),
    assign: (c, v) => (c.alertLocale = v as Locale),
  },
  {
    key: 'SECMON_ALERT_TZ',
    description: 'Time zone of the times in alert messages where a channel sets none: an IANA name (Asia/Shanghai) or a UTC offset; the UTC instant is shown beside',
    default: 'UTC',
    parse: parseZone,
    assign: (c, v) => (c.alertTz = v as string),
  },
  { key: 'SECMON_RAM_ENDPOINT', description: 'RAM API endpoint of the posture scan', default: 'ram.aliyuncs.com', parse: nonEmpty, assign: (c, v) => (c.ramEndpoint = v as string) },
  { key: 'SECMON_IMS_ENDPOINT', description: 'IMS API endpoint of the posture scan (the root account report)', default: 'ims.aliyuncs.com', parse: nonEmpty, assign: (c, v) => (c.imsEndpoint = v as string) },
  { key: 'SECMON_ECS_ENDPOINT', description: "ECS API endpoint of the posture scan's region list; each region is then read at its own endpoint", default: 'ecs.aliyuncs.com', parse: nonEmpty, assign: (c, v) => (c.ecsEndpoint = v as string) },
  { key: 'SECMON_BSS_ENDPOINT', description: "BSS OpenAPI endpoint of the posture scan's billing check (business.ap-southeast-1.aliyuncs.com on the international site)", default: 'business.aliyuncs.com', parse: nonEmpty, assign: (c, v) => (c.bssEndpoint = v as string) },
  { key: 'SECMON_OSS_ENDPOINT', description: "OSS endpoint where the posture scan lists the account's buckets (any region's lists them all; each bucket is then read in its own region, unless this is an address such as a local server's, which then serves every bucket)", default: 'oss-cn-hangzhou.aliyuncs.com', parse: nonEmpty, assign: (c, v) => (c.ossEndpoint = v as string) },
  { key: 'SECMON_POSTURE_REGION_ENDPOINT', description: "Instead of each region's own endpoint for the posture scan's regional calls (ECS, KMS, ActionTrail, SLB, ALB): one for all, or one per region as cn-hangzhou=URL,cn-shanghai=URL (a proxy, a local test server)", parse: nonEmpty, assign: (c, v) => (c.postureRegionEndpoint = v as string) },
  { key: 'SECMON_SLS_PAGE_SIZE', description: 'Log groups per PullLogs request (1-1000)', default: '1000', parse: intIn(1, 1000), assign: (c, v) => (c.slsPageSize = v as number) },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the configuration from layered sources (later ones win): typically the
 * environment, then a file, then command-line flags. Unknown keys in a file or flags
 * are errors (a typo must not silently fall back to a default).
 */
export function loadConfig(...sources: Array<Record<string, string | undefined>>): SecmonConfig {
  const merged: Record<string, string> = {};
  const problems: string[] = [];
  const known = new Set(CONFIG_KEYS.map((k) => k.key));
  sources.forEach((src, i) => {
    for (const [key, value] of Object.entries(src)) {
      // An empty variable counts as unset (s.yaml passes optional settings as '').
      if (value === undefined || value === '') continue;
      if (!known.has(key)) {
        // A file or a flag holds settings only: an unknown key there is a typo. The
        // environment holds other things too (channel secrets named SECMON_…), so there
        // it is only reported by unknownEnvironmentKeys.
        if (i > 0) problems.push(`${key}: unknown setting${didYouMean(key, [...known])}`);
        continue;
      }
      merged[key] = value;
    }
  });
  const config: Partial<SecmonConfig> = {};
  for (const spec of CONFIG_KEYS) {
    const raw = merged[spec.key] ?? spec.default;
    if (raw === undefined) continue;
    try {
      spec.assign(config, spec.parse(raw));
    } catch (e) {
      // A password typed into a URL by mistake is not echoed back either.
      const shown = spec.secret ? '(value hidden)' : JSON.stringify(redact(raw).slice(0, 80));
      problems.push(`${spec.key}=${shown}: ${(e as Error).message}`);
    }
  }
  if (config.dispatch === 'fc2' && !config.fc2Service) problems.push('SECMON_FC2_SERVICE: required when SECMON_DISPATCH=fc2');
  if (problems.length > 0) throw new ConfigError(problems);
  return config as SecmonConfig;
}

/** SECMON_* variables of the environment that are not settings (typos, or channel secrets). */
export function unknownEnvironmentKeys(env: Record<string, string | undefined>): string[] {
  const known = new Set(CONFIG_KEYS.map((k) => k.key));
  return Object.keys(env).filter((k) => k.startsWith('SECMON_') && !known.has(k));
}

/** Settings from a JSON file: an object of the same SECMON_* keys, string values. */
export function configFromJson(text: string, file: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`${file}: not valid JSON (${(e as Error).message})`]);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([`${file}: must be a JSON object of SECMON_* settings`]);
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.push(`${file}: ${k}: must be a string`);
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}
