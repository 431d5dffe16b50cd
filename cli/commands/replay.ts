import { readFile } from 'node:fs/promises';
import { AlertDispatcher, DeliveryReport, addReport, emptyReport } from '../../shared/delivery/alert-delivery';
import { loadDispatchConfig } from '../../shared/delivery/delivery-config';
import { FileIncidentBook, IncidentFile } from '../../shared/delivery/incident-books';
import { ConfigError, SecmonConfig, configFromJson, loadConfig } from '../../shared/config/config';
import { Detector } from '../../shared/engine/detector';
import { InputError } from '../../shared/events/event';
import { expandInputs, totalSize } from '../../shared/local/inputs';
import { ReplaySummary, replayFiles } from '../../shared/local/replay';
import { resolveRuleDirs } from '../../shared/rules/bundled';
import { formatProblem, loadRules } from '../../shared/rules/load';
import { openStateStore } from '../../shared/state/open';
import { StateStore } from '../../shared/state/store';
import { MEMORY_BATCH_LINES } from '../../shared/local/replay';
import { MemoryStateStore } from '../../shared/state/memory';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputOptions, headerOptions } from '../options';
import { Colors, alertJson, colors, formatAlert, safeText } from '../output/terminal';
import { progressFor } from '../output/progress';

export interface ReplayCliOptions extends InputOptions {
  rules?: string[];
  state?: string;
  settings?: string;
  config?: string;
  json?: boolean;
  dispatch?: boolean;
  batch?: number;
  progress: boolean;
}

export async function replayCommand(paths: string[], o: ReplayCliOptions): Promise<number> {
  if (paths.length === 0) throw new CliError('replay: give at least one file or folder of events (or - for standard input)', EXIT_USAGE);

  // One configuration for FC and the CLI: environment, then --settings file, then flags.
  let config: SecmonConfig;
  try {
    const file = o.settings ? configFromJson(await readFile(o.settings, 'utf8'), o.settings) : {};
    config = loadConfig(process.env, file, { SECMON_STATE: o.state });
  } catch (e) {
    throw new CliError(e instanceof ConfigError ? e.message : `--settings: ${(e as Error).message}`, EXIT_USAGE);
  }
  const syslog = { ...headerOptions(o), tzOffsetMinutes: o.tz ?? config.syslogTzOffsetMinutes };

  const loaded = await loadRules(resolveRuleDirs(o.rules ?? config.rulesDirs));
  if (loaded.problems.length > 0) {
    for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`secmon: ${loaded.problems.length} rule problem(s); fix them or run 'secmon validate'\n`);
    return EXIT_FAILED;
  }

  const files = await expandInputs(paths).catch((e: Error) => {
    throw new CliError(e.message, EXIT_USAGE);
  });
  let store: StateStore;
  try {
    store = await openStateStore(config.state, { password: config.redisPassword, keyPrefix: config.redisKeyPrefix });
  } catch (e) {
    throw new CliError(`--state: ${(e as Error).message}`, EXIT_USAGE);
  }
  let dispatcher: AlertDispatcher | undefined;
  if (o.dispatch) {
    const file = o.config ?? config.dispatchConfig;
    if (!file) throw new CliError('--dispatch needs a dispatch configuration: --config FILE (or SECMON_DISPATCH_CONFIG)', EXIT_USAGE);
    try {
      const dispatchConfig = await loadDispatchConfig(file, process.env);
      dispatcher = new AlertDispatcher(dispatchConfig, store, Date.now, undefined, 'file', new FileIncidentBook(new IncidentFile(dispatchConfig.incidents.file)));
    } catch (e) {
      await store.close();
      throw new CliError((e as Error).message, EXIT_USAGE);
    }
  }
  const delivery: DeliveryReport = emptyReport();
  const c = colors(!o.json && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const errColors = colors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
  const progress = progressFor(await totalSize(files), o.progress);
  const detector = new Detector(loaded.rules, store);

  let summary: ReplaySummary;
  try {
    summary = await replayFiles(files, detector, {
      format: o.format,
      syslog,
      chunkLines: o.batch ?? defaultBatchLines(store),
      onBytes: (b) => progress.update(b),
      onSkipped: (err: InputError) => process.stderr.write(`${errColors.yellow('skipped')} ${safeText(err.message, 500)}\n`),
      onAlert: async (alert) => {
        process.stdout.write(o.json ? `${alertJson(alert)}\n` : `${formatAlert(alert, c)}\n\n`);
        if (dispatcher) addReport(delivery, await dispatcher.deliver([alert]));
      },
    });
    // Digests held by a rate limit go out once the channel's budget allows (at most about a minute).
    if (dispatcher) addReport(delivery, await dispatcher.flush(true));
  } catch (e) {
    throw new CliError(`cannot read input: ${(e as Error).message}`, EXIT_USAGE);
  } finally {
    progress.stop();
    await store.close();
  }

  let text = formatSummary(summary, loaded.rules.length, o.json ? errColors : c);
  if (dispatcher) text += formatDelivery(delivery);
  if (o.json) process.stderr.write(text);
  else process.stdout.write(text);
  if (o.strict && summary.skipped > 0) {
    process.stderr.write(`secmon: --strict: ${summary.skipped} input record(s) skipped\n`);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/**
 * Lines per state transaction. The embedded store's transactions cost nothing, and
 * small batches let the events they hold die young (less garbage collection, less
 * memory); Redis transactions cost round trips, so its batches are larger.
 */
function defaultBatchLines(store: StateStore): number {
  return store instanceof MemoryStateStore ? MEMORY_BATCH_LINES : 1000;
}

function formatDelivery(d: DeliveryReport): string {
  return `${[
    'Delivery',
    `  sent            ${d.sent}`,
    `  in digests      ${d.digested} (${d.digests} digest message(s))`,
    `  already sent    ${d.duplicates}`,
    `  unrouted        ${d.unrouted}`,
    `  dead-lettered   ${d.deadLettered}`,
    `  incidents       ${d.incidentsOpened} opened, ${d.incidentsUpdated} updated`,
  ].join('\n')}\n`;
}

export function formatSummary(s: ReplaySummary, ruleCount: number, c: Colors): string {
  const lines = [
    c.bold('Summary'),
    `  files read      ${s.files}`,
    `  records read    ${s.records}`,
    `  events          ${s.events}`,
    `  skipped         ${s.skipped > 0 ? c.yellow(String(s.skipped)) : '0'}`,
    `  rules           ${ruleCount}`,
    `  alerts          ${s.alerts > 0 ? c.bold(String(s.alerts)) : '0'}`,
  ];
  const byRule = [...s.alertsByRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [rule, n] of byRule) lines.push(`    ${String(n).padStart(5)}  ${rule}`);
  return `${lines.join('\n')}\n`;
}
