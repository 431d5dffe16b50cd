import { Alert } from '../alerts/alert';
import { Alerter } from '../alerts/alerter';
import { ConfigError, SecmonConfig, loadConfig } from '../config/config';
import { SecretSource } from '../config/secrets';
import { AlertDelivery, DeliveryReport, emptyReport } from '../delivery/alert-delivery';
import { loadDispatchConfig } from '../delivery/delivery-config';
import { FileIncidentBook, IncidentBook, IncidentFile, StoreIncidentBook } from '../delivery/incident-books';
import { LogSink, deliverAlerts } from '../delivery/log-delivery';
import { Detector } from '../engine/detector';
import { HeaderOptions } from '../events/syslog/header';
import { bundledTrust, resolveRuleDirs } from '../rules/bundled';
import { RuleProblem, loadRules, schemaDigest } from '../rules/load';
import { CompiledRule } from '../rules/rule';
import { openStateStore } from '../state/open';
import { StateStore } from '../state/store';
import { zoneOf } from '../util/zone';

/** Where settings come from, later ones winning: the environment, a settings file, flags. */
export type SettingSources = Array<Record<string, string | undefined>>;

/** The settings of an edge, read the one way both edges read them. */
export function readSettings(env: Record<string, string | undefined>, ...more: SettingSources): SecmonConfig {
  return loadConfig(env, ...more);
}

/** How syslog timestamps without a year or zone are read, from the settings (flags may override). */
export function syslogOptions(config: SecmonConfig, override: { year?: number; tz?: string } = {}): HeaderOptions {
  return { year: override.year, zone: zoneOf(override.tz ?? config.syslogTz) };
}

/** Rule files that did not load: every problem with its file and JSON pointer. */
export class RuleLoadError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(`${problems.length} rule problem(s)`);
    this.name = 'RuleLoadError';
  }
}

/** Hands a detector's alerts on: to delivery in this process, or to another function. */
export type HandOff = (alerts: Alert[]) => Promise<void>;

export interface AssemblyOptions {
  /** The environment (secrets of the dispatch configuration are looked up in it too). */
  env: Record<string, string | undefined>;
  /** More setting sources after the environment (a settings file, flags). */
  settings?: SettingSources;
  /** Rule folders given on the command line (they replace SECMON_RULES_DIR). */
  rulesDirs?: string[];
  /** false: no rules (the dispatcher evaluates nothing). */
  rules?: boolean;
  /** Build channels and routes from SECMON_DISPATCH_CONFIG (or `dispatchConfig`): the dispatcher, `replay --dispatch`, inline hand-off. */
  delivery?: boolean;
  /** A dispatch configuration file given on the command line (wins over SECMON_DISPATCH_CONFIG). */
  dispatchConfig?: string;
  /**
   * What an undeliverable alert does: `file`, it goes to the dead-letter file (the CLI);
   * `throw`, it fails the call (Function Compute), so FC's async retries and on-failure
   * destination take over.
   */
  undeliverable: 'file' | 'throw';
  /** An edge's own hand-off for the settings (Function Compute: async invocation); none: inline delivery. */
  handOff?: (config: SecmonConfig) => HandOff | undefined;
  /** With the memory store, keep incidents in the local incident file (the CLI: the store ends with the process). */
  localIncidents?: boolean;
  /** Told of local files delivery could not use (incident file, dead-letter file) and what was done instead. */
  problem?: (message: string) => void;
  /** Where alert lines go when no channels are configured (the dispatcher's log). */
  logLine?: (line: string) => void;
  /** Where KMS secret references are read (the functions); none in the CLI. */
  secrets?: SecretSource;
}

/**
 * The pipeline one edge runs, built from its settings: rules, state store, detector
 * and alerter, delivery (channels, routes, incidents) and the hand-off from detection
 * to delivery. The CLI and the Function Compute handlers both build theirs here, so a
 * setting means the same thing in both; they only choose where events come from and
 * where results go.
 */
export interface Assembly {
  config: SecmonConfig;
  rules: CompiledRule[];
  store: StateStore;
  alerter: Alerter;
  /** Channels and routes, when a dispatch configuration is set. */
  delivery?: AlertDelivery;
  /** Where incidents live: the StateStore, or with the memory store in the CLI the local incident file. */
  incidents: IncidentBook;
  /** Delivers alerts in this process: through the channels if configured, else as log lines. */
  deliver(alerts: Alert[]): Promise<DeliveryReport>;
  /** Hands alerts on after detection: the edge's hand-off, or `deliver`. */
  handOff: HandOff;
  close(): Promise<void>;
}

export async function assemble(opts: AssemblyOptions): Promise<Assembly> {
  const config = readSettings(opts.env, ...(opts.settings ?? []));
  let rules: CompiledRule[] = [];
  if (opts.rules !== false) {
    const loaded = await loadRules(resolveRuleDirs(opts.rulesDirs ?? config.rulesDirs), { lists: config.lists, trusted: bundledTrust(schemaDigest()) });
    if (loaded.problems.length > 0) throw new RuleLoadError(loaded.problems);
    rules = loaded.rules;
  }
  const store = await openStateStore(config.state, { password: await redisPassword(config, opts.secrets), keyPrefix: config.redisKeyPrefix });
  try {
    const dispatchFile = opts.dispatchConfig ?? config.dispatchConfig;
    const dispatch = opts.delivery && dispatchFile ? await loadDispatchConfig(dispatchFile, opts.env, opts.secrets, { locale: config.alertLocale, timezone: config.alertTz }) : undefined;
    const incidents = incidentBook(config, store, opts.localIncidents === true, dispatch?.incidents.file);
    const delivery = dispatch && new AlertDelivery(dispatch, store, Date.now, undefined, opts.undeliverable, incidents, opts.problem, config.deliveryLeaseMs);
    const sink = new LogSink(opts.logLine);
    const deliver = async (alerts: Alert[]): Promise<DeliveryReport> => {
      if (delivery) return delivery.deliver(alerts);
      const r = await deliverAlerts(alerts, store, sink);
      return { ...emptyReport(), sent: r.delivered, duplicates: r.duplicates };
    };
    const edgeHandOff = opts.handOff?.(config);
    return {
      config,
      rules,
      store,
      alerter: new Alerter(new Detector(rules, store), { site: config.consoleSite, trailLogstore: config.trailLogstore, hostLogstore: config.hostLogstore }),
      delivery,
      incidents,
      deliver,
      handOff: edgeHandOff ?? (async (alerts) => void (await deliver(alerts))),
      close: () => store.close(),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** The Redis password: from KMS when SECMON_REDIS_PASSWORD_SECRET names a secret (the functions), else SECMON_REDIS_PASSWORD. */
async function redisPassword(config: SecmonConfig, secrets: SecretSource | undefined): Promise<string | undefined> {
  const name = config.redisPasswordSecret;
  if (name === undefined) return config.redisPassword;
  if (!secrets) throw new ConfigError([`SECMON_REDIS_PASSWORD_SECRET: names KMS secret ${name}, which only the functions read: locally, set SECMON_REDIS_PASSWORD`]);
  return (await secrets.read([name])).get(name);
}

/** The default local incident file. */
const LOCAL_INCIDENT_FILE = '.secmon/incidents.jsonl';

/**
 * Incidents live in the StateStore; in the CLI the memory store ends with its process,
 * so there they live in the local incident file instead.
 */
function incidentBook(config: SecmonConfig, store: StateStore, local: boolean, file?: string): IncidentBook {
  if (local && config.state === 'memory') return new FileIncidentBook(new IncidentFile(file ?? LOCAL_INCIDENT_FILE));
  return new StoreIncidentBook(store, Date.now, 'Redis');
}

export { ConfigError };
