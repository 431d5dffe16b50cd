import { Command, CommanderError, Option } from 'commander';
import { limitHeapGrowth } from '../shared/util/heap';
import { INPUT_FORMATS } from '../shared/local/input/read-events';
import { MEMORY_BATCH_LINES, REDIS_BATCH_LINES } from '../shared/local/replay';
import { parseCommand } from './commands/parse';
import { postureCommand } from './commands/posture';
import { replayCommand } from './commands/replay';
import { testCommand } from './commands/test';
import { showCommand } from './commands/show';
import { silenceAdd, silenceList, silenceRemove } from './commands/silence';
import { validateCommand } from './commands/validate';
import { incidentsList, incidentsSetStatus } from './commands/incidents';
import { CliError, EXIT_USAGE, collect, parseBatch, parseFormat, parseTz, parseYear } from './options';

declare const SECMON_VERSION: string;

function inputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', `input format: ${INPUT_FORMATS.join(', ')}`).argParser(parseFormat).default('auto'))
    .addOption(new Option('--year <year>', 'year of syslog timestamps that have none (RFC 3164); default: inferred from now').argParser(parseYear))
    .addOption(new Option('--tz <zone>', 'zone of syslog timestamps that have none: a UTC offset (+08:00) or an IANA name (Asia/Shanghai)').argParser(parseTz))
    .option('--strict', 'exit with status 2 if any input record was skipped');
}

export function buildProgram(): Command {
  const program = new Command()
    .name('secmon')
    .description('Security monitor for Alibaba Cloud: replay ActionTrail and host logs through secmon rules')
    .version(typeof SECMON_VERSION === 'string' ? SECMON_VERSION : 'dev')
    .exitOverride()
    .showHelpAfterError();

  inputOptions(
    program
      .command('replay')
      .description('evaluate events from files or folders against the rules and print the alerts')
      .argument('[paths...]', 'files or folders of events; - for standard input')
      .option('--rules <dir>', 'rule folder (repeatable; replaces the bundled rules; @bundled names them)', collect)
      .option('--state <store>', 'state store: memory (default), redis://host:port or redis-cluster://host:port,host:port,… (password from SECMON_REDIS_PASSWORD)')
      .option('--settings <file>', 'JSON file of SECMON_* settings (the keys Function Compute reads from its environment)')
      .option('--config <file>', 'dispatch configuration (channels and routes) for --dispatch; default SECMON_DISPATCH_CONFIG')
      .option('--json', 'print one alert per line as JSON (NDJSON); the summary goes to stderr')
      .option('--dispatch', 'deliver alerts through the channels of the dispatch configuration')
      .option('--batch <lines>', `lines per state transaction (default ${MEMORY_BATCH_LINES} with the memory store, ${REDIS_BATCH_LINES} with Redis)`, parseBatch)
      .option('--no-progress', 'never draw a progress bar'),
  ).action(async (paths: string[], o) => setExit(await replayCommand(paths, o)));

  inputOptions(
    program
      .command('parse')
      .description('print the normalized events as NDJSON: the fields rules can test')
      .argument('[paths...]', 'files or folders of events; - for standard input')
      .option('--settings <file>', 'JSON file of SECMON_* settings (SECMON_SYSLOG_TZ, as replay reads it)'),
  ).action(async (paths: string[], o) => setExit(await parseCommand(paths, o)));

  program
    .command('posture')
    .description("scan the account's configuration as the posture function does (read-only credentials from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET) and print the alerts")
    .option('--account <id>', 'the account id (default ALIBABA_CLOUD_ACCOUNT_ID)')
    .option('--region <region>', 'the region account-wide APIs are asked in (ActionTrail trails)', 'cn-hangzhou')
    .option('--endpoint <name=url>', 'an API endpoint: ram, ims, ecs, bss, oss or regional (repeatable; default: the settings)', collect)
    .option('--rules <dir>', 'rule folder (repeatable; replaces the bundled rules; @bundled names them)', collect)
    .option('--settings <file>', 'JSON file of SECMON_* settings (the keys Function Compute reads from its environment)')
    .option('--json', 'print one alert per line as JSON (NDJSON); the summary goes to stderr')
    .option('--events', 'print the posture events the checks made (NDJSON) instead of evaluating them')
    .action(async (o) => setExit(await postureCommand(o)));

  program
    .command('validate')
    .description('validate rule files against the rule schema')
    .argument('[dirs...]', 'rule folders or files (default: the bundled rules)')
    .action(async (dirs: string[]) => setExit(await validateCommand(dirs)));

  program
    .command('show')
    .description('print the effective rule (after overrides, with its lists) and where each part came from')
    .argument('<rule-id>', 'the rule id')
    .option('--rules <dir>', 'rule folder (repeatable; @bundled names the bundled rules; default: the bundled rules)', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (id: string, o) => setExit(await showCommand(id, o)));

  program
    .command('test')
    .description("run every rule's embedded tests")
    .argument('[dirs...]', 'rule folders or files (default: the bundled rules)')
    .option('--json', 'one result per line as JSON')
    .action(async (dirs: string[], o) => setExit(await testCommand(dirs, o)));

  const incidents = program.command('incidents').description('list, acknowledge and resolve incidents (in Redis with --state, else the local incident file)');
  const incidentStore = (cmd: Command) =>
    cmd
      .option('--state <store>', 'state store holding the incidents: redis://host:port (the ones Function Compute opened); default memory: the local file')
      .option('--settings <file>', 'JSON file of SECMON_* settings')
      .option('--file <file>', 'local incident file, with the memory store (default .secmon/incidents.jsonl)');
  incidentStore(incidents.command('list').description('list incidents, newest activity first'))
    .option('--status <status>', 'only open, acknowledged or resolved incidents')
    .option('--json', 'one incident per line as JSON')
    .action(async (o) => setExit(await incidentsList(o)));
  incidentStore(incidents.command('ack').description('acknowledge an incident'))
    .argument('<id>', 'incident id (INC-…)')
    .option('--by <name>', 'who acknowledges (default: the OS user name)')
    .action(async (id: string, o) => setExit(await incidentsSetStatus(id, 'acknowledged', o)));
  incidentStore(incidents.command('resolve').description('resolve an incident'))
    .argument('<id>', 'incident id (INC-…)')
    .option('--by <name>', 'who resolves (default: the OS user name)')
    .action(async (id: string, o) => setExit(await incidentsSetStatus(id, 'resolved', o)));

  const silence = program.command('silence').description("hold back a rule's alerts for a while, with who and why (in the state store: --state redis://…)");
  const silenceStore = (cmd: Command) => cmd.option('--state <store>', 'state store the detectors read: redis://host:port').option('--settings <file>', 'JSON file of SECMON_* settings');
  silenceStore(silence.command('add').description('silence a rule, for one alert key or all of them'))
    .argument('<rule>', 'rule id')
    .argument('[key]', 'alert key (default: every key of the rule)')
    .requiredOption('--for <duration>', 'how long, e.g. 2h')
    .requiredOption('--reason <text>', 'why')
    .option('--from <time>', 'start (ISO 8601; default now): a silence covers alerts of events in its window')
    .option('--by <name>', 'who (default: the OS user name)')
    .action(async (rule: string, key: string | undefined, o) => setExit(await silenceAdd(rule, key, o)));
  silenceStore(silence.command('list').description('current and recently ended silences'))
    .option('--json', 'one silence per line as JSON')
    .action(async (o) => setExit(await silenceList(o)));
  silenceStore(silence.command('remove').description('end a silence now'))
    .argument('<id>', 'silence id (SIL-…)')
    .action(async (id: string, o) => setExit(await silenceRemove(id, o)));

  return program;
}

function setExit(status: number): void {
  process.exitCode = status;
}

export async function main(argv: string[]): Promise<void> {
  limitHeapGrowth();
  // `secmon replay … | head`: a closed pipe ends the output quietly, as for any Unix tool.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is bad usage.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (e instanceof CliError) {
      process.stderr.write(`secmon: ${e.message}\n`);
      process.exitCode = e.status;
      return;
    }
    process.stderr.write(`secmon: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv);
