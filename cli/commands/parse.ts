import { syslogOptions } from '../../shared/assembly/assemble';
import { inputFiles, strictStatus } from '../inputs';
import { replayFiles } from '../../shared/local/replay';
import { CliError, EXIT_OK, EXIT_USAGE, InputOptions } from '../options';
import { safeText } from '../output/terminal';
import { SettingsOptions, cliSettings } from '../settings';

/** `secmon parse`: the normalized events as NDJSON, i.e. the fields a rule can test. */
export async function parseCommand(paths: string[], o: InputOptions & SettingsOptions): Promise<number> {
  if (paths.length === 0) throw new CliError('parse: give at least one file or folder of events (or - for standard input)', EXIT_USAGE);
  // The same settings as replay (SECMON_SYSLOG_TZ above all), so both read a line alike.
  const config = await cliSettings(o);
  const { files, problems } = await inputFiles(paths);
  let summary;
  try {
    summary = await replayFiles(files, undefined, {
      format: o.format,
      syslog: syslogOptions(config, { year: o.year, tz: o.tz }),
      onAlert: () => undefined,
      onSkipped: (err) => process.stderr.write(`skipped ${safeText(err.message, 500)}\n`),
      onEvents: (events) => {
        if (events.length === 0) return;
        process.stdout.write(events.map((e) => JSON.stringify(e.fields)).join('\n') + '\n');
      },
    });
  } catch (e) {
    throw new CliError(`cannot read input: ${(e as Error).message}`, EXIT_USAGE);
  }
  const filesSkipped = summary.filesSkipped + problems.length;
  process.stderr.write(
    `parsed ${summary.events} event(s) from ${summary.records} record(s) in ${summary.files - summary.filesSkipped} file(s), ${summary.skipped} skipped${filesSkipped ? `, ${filesSkipped} file(s) or path(s) skipped` : ''}\n`,
  );
  return strictStatus(o.strict, summary.skipped, filesSkipped) ?? EXIT_OK;
}
