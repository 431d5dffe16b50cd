import { Alert } from '../alerts/alert';
import { Alerter } from '../alerts/alerter';
import { Assembly, RuleLoadError, assemble, readSettings, syslogOptions } from '../assembly/assemble';
import { HeaderOptions } from '../events/syslog/header';
import { ConfigError, SecmonConfig, unknownEnvironmentKeys } from '../config/config';
import { formatProblem } from '../rules/load';
import { StateStore } from '../state/store';
import { CredentialsRef, FcContext } from './context';
import { KmsSecretSource } from './kms-secrets';
import { packAlerts } from './handoff/alert-payload';
import { invokerFor } from './handoff/invoker';
import { log } from './log';
import { SlsClient } from './sls/client';

/**
 * What one function instance keeps between invocations: the assembled pipeline
 * (configuration, compiled rules, the state store connection, delivery) and SDK
 * clients. Built once, by the FC initializer (or the first invocation), so that a
 * misconfiguration fails at start-up, loudly.
 */
export interface FunctionRuntime {
  config: SecmonConfig;
  store: StateStore;
  alerter: Alerter;
  assembly: Assembly;
  credentials: CredentialsRef;
  secrets: KmsSecretSource;
  /** How syslog lines without a year or zone are read (SECMON_SYSLOG_TZ), built once per instance. */
  syslog: HeaderOptions;
  /** Hands alerts to the dispatcher: async invocation in FC, in-process when `inline`. */
  dispatchAlerts(alerts: Alert[]): Promise<void>;
  sls(endpoint: string): SlsClient;
  /** Whether a KMS secret the runtime was built with has been rotated (read again once its TTL passed). */
  secretsRotated(): Promise<boolean>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env?: Record<string, string | undefined>;
  /** false for functions that evaluate nothing (the dispatcher): no rules are loaded. */
  rules?: boolean;
  /** Where alert lines go without channels (default: stdout, the function's log). */
  logLine?: (line: string) => void;
  /** KMS secrets already read by this instance (a runtime built again after a rotation). */
  secrets?: KmsSecretSource;
}

export async function createRuntime(ctx: FcContext, opts: RuntimeOptions = {}): Promise<FunctionRuntime> {
  const env = opts.env ?? process.env;
  const unknown = unknownEnvironmentKeys(env);
  // Not settings: channel secrets are fine, a misspelt setting is worth seeing (names only, never values).
  if (unknown.length) log('warn', 'SECMON_* environment variables that are not settings', { names: unknown });
  const credentials = new CredentialsRef();
  credentials.set(ctx.credentials);
  const settings = readSettings(env);
  const secrets =
    opts.secrets ??
    new KmsSecretSource({ endpoint: settings.kmsEndpoint ?? `kms-vpc.${ctx.region}.aliyuncs.com`, credentials, ttlMs: settings.secretTtlMs });
  let assembly: Assembly;
  try {
    assembly = await assemble({
      env,
      secrets,
      rules: opts.rules,
      // Channels (and their KMS secrets) only where alerts are delivered: the dispatcher,
      // or a detector with SECMON_DISPATCH=inline. A detector that hands off to the
      // dispatcher neither reads dispatch.json nor needs the channels' secrets.
      delivery: opts.rules === false || settings.dispatch === 'inline',
      undeliverable: 'throw',
      logLine: opts.logLine,
      // fc3 / fc2: alerts go to the dispatcher function by asynchronous invocation.
      handOff: (config) => {
        const invoker = invokerFor(config, ctx, credentials);
        if (!invoker) return undefined;
        return async (alerts) => {
          for (const payload of packAlerts(alerts)) await invoker.invokeAsync(payload);
        };
      },
    });
  } catch (e) {
    // Bundled rules: the build copies rules/ beside each function's bundle.
    if (e instanceof RuleLoadError) throw new ConfigError(e.problems.map(formatProblem));
    throw e;
  }
  const { config, store } = assembly;
  if (config.state === 'memory') {
    log('warn', 'SECMON_STATE=memory: state is not shared between function instances; set a redis:// URL in production');
  }
  const slsClients = new Map<string, SlsClient>();
  log('info', 'secmon runtime ready', { rules: assembly.rules.length, state: config.state.startsWith('redis') ? config.state.split(':')[0] : 'memory', dispatch: config.dispatch, channels: assembly.delivery ? 'configured' : 'log' });

  return {
    config,
    store,
    alerter: assembly.alerter,
    assembly,
    credentials,
    secrets,
    syslog: syslogOptions(config),
    async dispatchAlerts(alerts) {
      if (alerts.length > 0) await assembly.handOff(alerts);
    },
    sls(endpoint) {
      let client = slsClients.get(endpoint);
      if (!client) {
        client = new SlsClient({
          endpoint,
          credentials: { get accessKeyId() { return credentials.get().accessKeyId; }, get accessKeySecret() { return credentials.get().accessKeySecret; }, get securityToken() { return credentials.get().securityToken; } },
        });
        slsClients.set(endpoint, client);
      }
      return client;
    },
    secretsRotated: () => secrets.rotated((message) => log('warn', 'KMS secret not read again; the current value stays in use', { error: message })),
    async close() {
      for (const c of slsClients.values()) c.close();
      await assembly.close();
    },
  };
}

let instance: Promise<FunctionRuntime> | undefined;

/** The instance's runtime, created on first use; each invocation refreshes the STS credentials. */
export async function runtimeFor(ctx: FcContext, opts: RuntimeOptions = {}): Promise<FunctionRuntime> {
  if (!instance) {
    instance = createRuntime(ctx, opts);
    // A failed start is not cached: the next invocation tries again (and fails loudly again if still broken).
    instance.catch(() => (instance = undefined));
  }
  const rt = await instance;
  rt.credentials.set(ctx.credentials);
  if (await rt.secretsRotated()) {
    // New channel secrets or a new Redis password: built again from the new values.
    log('info', 'a KMS secret was rotated: the runtime is built again');
    instance = undefined;
    await rt.close();
    return runtimeFor(ctx, { ...opts, secrets: rt.secrets });
  }
  return rt;
}
