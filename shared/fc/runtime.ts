import { ConfigError, SecmonConfig, loadConfig, unknownEnvironmentKeys } from '../config/config';
import { Alert } from '../alerts/alert';
import { Detector } from '../engine/detector';
import { AlertSink, LogSink, deliverAlerts } from '../delivery/log-delivery';
import { AsyncInvoker, invokerFor } from './handoff/invoker';
import { packAlerts } from './handoff/alert-payload';
import { resolveRuleDirs } from '../rules/bundled';
import { formatProblem, loadRules } from '../rules/load';
import { SlsClient } from './sls/client';
import { openStateStore } from '../state/open';
import { StateStore } from '../state/store';
import { CredentialsRef, FcContext } from './context';
import { log } from './log';
import { AlertDispatcher } from '../delivery/alert-delivery';
import { loadDispatchConfig } from '../delivery/delivery-config';
import { StoreIncidentBook } from '../delivery/incident-books';

/**
 * What one function instance keeps between invocations: configuration, compiled
 * rules, the state store connection, SDK clients. Built once, by the FC initializer
 * (or the first invocation), so that a misconfiguration fails at start-up, loudly.
 */
export interface FunctionRuntime {
  config: SecmonConfig;
  store: StateStore;
  detector: Detector;
  credentials: CredentialsRef;
  sink: AlertSink;
  /** Channels and routes, when SECMON_DISPATCH_CONFIG names them (else alerts go to the log). */
  alertDispatcher?: AlertDispatcher;
  /** Hands alerts to the dispatcher: async invocation in FC, in-process when `inline`. */
  dispatchAlerts(alerts: Alert[]): Promise<void>;
  sls(endpoint: string): SlsClient;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env?: Record<string, string | undefined>;
  sink?: AlertSink;
  /** false for functions that evaluate nothing (the dispatcher): no rules are loaded. */
  rules?: boolean;
}

export async function createRuntime(ctx: FcContext, opts: RuntimeOptions = {}): Promise<FunctionRuntime> {
  const env = opts.env ?? process.env;
  const config = loadConfig(env);
  const unknown = unknownEnvironmentKeys(env);
  // Not settings: channel secrets are fine, a misspelt setting is worth seeing (names only, never values).
  if (unknown.length) log('warn', 'SECMON_* environment variables that are not settings', { names: unknown });
  const credentials = new CredentialsRef();
  credentials.set(ctx.credentials);
  // Bundled rules: the build copies rules/ beside each function's bundle.
  const loaded = opts.rules === false ? { rules: [], problems: [] } : await loadRules(resolveRuleDirs(config.rulesDirs));
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems.map(formatProblem));
  if (config.state === 'memory') {
    log('warn', 'SECMON_STATE=memory: state is not shared between function instances; set a redis:// URL in production');
  }
  const store = await openStateStore(config.state, { password: config.redisPassword, keyPrefix: config.redisKeyPrefix });
  const detector = new Detector(loaded.rules, store);
  const sink = opts.sink ?? new LogSink();
  const alertDispatcher = config.dispatchConfig
    ? new AlertDispatcher(await loadDispatchConfig(config.dispatchConfig, env), store, Date.now, undefined, 'throw', new StoreIncidentBook(store))
    : undefined;
  const invoker: AsyncInvoker | undefined = invokerFor(config, ctx, credentials);
  const slsClients = new Map<string, SlsClient>();
  log('info', 'secmon runtime ready', { rules: loaded.rules.length, state: config.state.startsWith('redis') ? 'redis' : 'memory', dispatch: config.dispatch });

  return {
    config,
    store,
    detector,
    credentials,
    sink,
    alertDispatcher,
    async dispatchAlerts(alerts) {
      if (alerts.length === 0) return;
      if (!invoker) {
        await deliverAlerts(alerts, store, sink);
        return;
      }
      for (const payload of packAlerts(alerts)) await invoker.invokeAsync(payload);
    },
    sls(endpoint) {
      let client = slsClients.get(endpoint);
      if (!client) {
        client = new SlsClient({
          endpoint,
          credentials: { get accessKeyId() { return credentials.get().accessKeyId; }, get accessKeySecret() { return credentials.get().accessKeySecret; }, get securityToken() { return credentials.get().securityToken; } },
          acceptEncoding: config.slsAcceptEncoding,
        });
        slsClients.set(endpoint, client);
      }
      return client;
    },
    async close() {
      for (const c of slsClients.values()) c.close();
      await store.close();
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
  return rt;
}

/** For tests: forget (and close) this process's runtime. */
export async function resetRuntime(): Promise<void> {
  const current = instance;
  instance = undefined;
  if (current) await (await current.catch(() => undefined))?.close();
}
