import { DeliveryReport, addReport, emptyReport, failedChannels } from '../../shared/delivery/alert-delivery';
import { Assembly, RuleLoadError, assemble, syslogOptions } from '../../shared/assembly/assemble';
import { ConfigError } from '../../shared/config/config';
import { DispatchConfigError } from '../../shared/delivery/delivery-config';
import { InputError } from '../../shared/events/event';
import { totalSize } from '../../shared/local/inputs';
import { inputFiles, strictStatus } from '../inputs';
import { MEMORY_BATCH_LINES, REDIS_BATCH_LINES, ReplaySummary, replayFiles } from '../../shared/local/replay';
import { formatProblem } from '../../shared/rules/load';
import { StateStoreError } from '../../shared/state/redis';
import { CliError, EXIT_DELIVERY, EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputOptions } from '../options';
import { Colors, alertJson, colors, formatAlert, safeText } from '../output/terminal';
import { progressFor } from '../output/progress';
import { OutputWriter } from '../output/writer';
import { SettingsOptions, settingSources } from '../settings';
import { compareText } from '../../shared/util/compare';

export interface ReplayCliOptions extends InputOptions, SettingsOptions {
  rules?: string[];
  config?: string;
  json?: boolean;
  dispatch?: boolean;
  batch?: number;
  progress: boolean;
}

export async function replayCommand(paths: string[], o: ReplayCliOptions): Promise<number> {
  if (paths.length === 0) throw new CliError('replay: give at least one file or folder of events (or - for standard input)', EXIT_USAGE);
  const settings = await settingSources(o);

  let assembly: Assembly;
  try {
    assembly = await assemble({
      env: process.env,
      settings,
      rulesDirs: o.rules,
      delivery: o.dispatch === true,
      dispatchConfig: o.config,
      undeliverable: 'file',
      localIncidents: true,
      // Each line of it escaped for the terminal (a dead letter holds attacker-controlled text), none cut.
      problem: (m) => process.stderr.write(`${m.split('\n').map((l) => safeText(l, Number.MAX_SAFE_INTEGER)).join('\n')}\n`),
    });
  } catch (e) {
    if (e instanceof RuleLoadError) {
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      process.stderr.write(`secmon: ${e.problems.length} rule problem(s); fix them or run 'secmon validate'\n`);
      return EXIT_FAILED;
    }
    if (e instanceof ConfigError || e instanceof DispatchConfigError) throw new CliError(e.message, EXIT_USAGE);
    throw new CliError(`--state: ${(e as Error).message}`, EXIT_USAGE);
  }
  const { config, delivery: dispatcher } = assembly;
  if (o.dispatch && !dispatcher) {
    await assembly.close();
    throw new CliError('--dispatch needs a dispatch configuration: --config FILE (or SECMON_DISPATCH_CONFIG)', EXIT_USAGE);
  }

  const c = colors(!o.json && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const errColors = colors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
  let files: string[];
  let badPaths: number;
  try {
    const inputs = await inputFiles(paths, errColors.yellow);
    files = inputs.files;
    badPaths = inputs.problems.length;
  } catch (e) {
    await assembly.close();
    throw e;
  }
  const delivery: DeliveryReport = emptyReport();
  const output = new OutputWriter();
  const progress = progressFor(await totalSize(files), o.progress);

  let summary: ReplaySummary;
  try {
    summary = await replayFiles(files, assembly.alerter, {
      format: o.format,
      syslog: syslogOptions(config, { year: o.year, tz: o.tz }),
      chunkLines: o.batch ?? defaultBatchLines(config.state),
      // A persistent store: each batch gets an identity, so that a replay run again after a crash is whole.
      batchIds: config.state !== 'memory',
      // The memory store ends with the replay: audit summaries' last periods are raised at its end.
      endOfInput: config.state === 'memory',
      onBytes: (b) => progress.update(b),
      onSkipped: (err: InputError) => process.stderr.write(`${errColors.yellow('skipped')} ${safeText(err.message, 500)}\n`),
      onAlert: (alert) => {
        const waiting = o.json ? output.writeLine(alertJson(alert)) : output.write(`${formatAlert(alert, c)}\n\n`);
        if (!dispatcher) return waiting;
        return (async () => {
          await waiting;
          addReport(delivery, await dispatcher.deliver([alert]));
        })();
      },
    });
    // Digests held by a rate limit go out once the channel's budget allows (at most about a minute).
    if (dispatcher) addReport(delivery, await dispatcher.flush(true));
  } catch (e) {
    if (e instanceof StateStoreError) {
      // What was committed stays committed; run again, the replay picks up where it was.
      throw new CliError(`state store failed: ${e.message}; the replay stopped (run it again: the batches it committed are neither lost nor counted twice)`, EXIT_USAGE);
    }
    throw new CliError(`cannot read input: ${(e as Error).message}`, EXIT_USAGE);
  } finally {
    // What was raised is printed, even when the replay stopped on an error.
    await output.flush();
    progress.stop();
    await assembly.close();
  }

  let text = formatSummary(summary, assembly.rules.length, o.json ? errColors : c, badPaths);
  if (dispatcher) text += formatDelivery(delivery);
  if (o.json) process.stderr.write(text);
  else process.stdout.write(text);
  const failed = failedChannels(delivery);
  for (const [channel, t] of Object.entries(delivery.channels)) {
    if (t.failed > 0 && t.delivered > 0) process.stderr.write(`${errColors.yellow('warning')}: channel ${channel} failed ${t.failed} of ${t.failed + t.delivered} deliveries (dead-lettered): ${safeText(t.reason ?? 'no reason given', 500)}\n`);
  }
  for (const f of failed) {
    process.stderr.write(`${errColors.red('delivery failed')}: channel ${f.channel} failed all ${f.failed} of its deliveries (dead-lettered to ${dispatcher!.deadLetterFile}): ${safeText(f.reason ?? 'no reason given', 500)}\n`);
  }
  return strictStatus(o.strict, summary.skipped, summary.filesSkipped + badPaths) ?? (failed.length > 0 ? EXIT_DELIVERY : EXIT_OK);
}

/**
 * Lines per state transaction. The embedded store's transactions cost nothing, and
 * small batches let the events they hold die young (less garbage collection, less
 * memory); Redis transactions cost round trips, so its batches are larger.
 */
function defaultBatchLines(state: string): number {
  return state === 'memory' ? MEMORY_BATCH_LINES : REDIS_BATCH_LINES;
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
    ...Object.entries(d.channels).map(([name, t]) => `  channel ${name.padEnd(8)} ${t.delivered} message(s) delivered, ${t.failed} failed`),
    ...(d.problems > 0 ? [`  not recorded    ${d.problems} incident(s) (see above)`] : []),
  ].join('\n')}\n`;
}

/** `badPaths`: paths given that could not be read at all (not in `s.files`). */
export function formatSummary(s: ReplaySummary, ruleCount: number, c: Colors, badPaths = 0): string {
  const skippedFiles = s.filesSkipped + badPaths;
  const lines = [
    c.bold('Summary'),
    `  files read      ${s.files - s.filesSkipped}${skippedFiles > 0 ? c.yellow(` (${skippedFiles} skipped)`) : ''}`,
    `  records read    ${s.records}`,
    `  events          ${s.events}`,
    `  skipped         ${s.skipped > 0 ? c.yellow(String(s.skipped)) : '0'}`,
    `  rules           ${ruleCount}`,
    `  alerts          ${s.alerts > 0 ? c.bold(String(s.alerts)) : '0'}`,
  ];
  const byRule = [...s.alertsByRule].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  for (const [rule, n] of byRule) lines.push(`    ${String(n).padStart(5)}  ${rule}`);
  return `${lines.join('\n')}\n`;
}
