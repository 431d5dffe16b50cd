import { userInfo } from 'node:os';
import { Assembly, assemble } from '../../shared/assembly/assemble';
import { INCIDENT_STATUSES, IncidentStatus, IncidentStatusError, isIncidentStatus } from '../../shared/alerts/incident';
import { FileIncidentBook, IncidentBook, IncidentFile } from '../../shared/delivery/incident-books';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../options';
import { colors, safeText } from '../output/terminal';
import { SettingsOptions, settingSources } from '../settings';
import { compareText } from '../../shared/util/compare';

export interface IncidentOptions extends SettingsOptions {
  file?: string;
}

/**
 * The incidents the settings point at: the StateStore of `--state` / SECMON_STATE
 * (Redis: the incidents Function Compute opened), or with the memory store the local
 * incident file (`--file`, default .secmon/incidents.jsonl).
 */
async function openBook(o: IncidentOptions): Promise<{ book: IncidentBook; close(): Promise<void> }> {
  const settings = await settingSources(o);
  let assembly: Assembly;
  try {
    assembly = await assemble({ env: process.env, settings, rules: false, undeliverable: 'file', localIncidents: true });
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE);
  }
  if (o.file !== undefined) {
    if (assembly.config.state !== 'memory') {
      await assembly.close();
      throw new CliError('--file names the local incident file; with a Redis state store the incidents are in Redis: give one or the other', EXIT_USAGE);
    }
    return { book: new FileIncidentBook(new IncidentFile(o.file)), close: () => assembly.close() };
  }
  return { book: assembly.incidents, close: () => assembly.close() };
}

/** `secmon incidents list [--status S] [--json]`: newest activity first. */
export async function incidentsList(o: IncidentOptions & { status?: string; json?: boolean }): Promise<number> {
  if (o.status !== undefined && !isIncidentStatus(o.status)) {
    throw new CliError(`--status: must be one of ${INCIDENT_STATUSES.join(', ')} (got ${JSON.stringify(o.status)})`, EXIT_USAGE);
  }
  const { book, close } = await openBook(o);
  let all;
  try {
    // A damaged incident file names the line; it is bad input, not an internal error.
    all = await book.list();
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE);
  } finally {
    await close();
  }
  const shown = all.filter((i) => !o.status || i.status === o.status).sort((a, b) => compareText(b.lastSeen, a.lastSeen));
  if (o.json) {
    for (const i of shown) process.stdout.write(`${JSON.stringify(i)}\n`);
    return EXIT_OK;
  }
  const c = colors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  if (shown.length === 0) process.stdout.write(`no ${o.status ? `${o.status} ` : ''}incidents in ${safeText(book.where, 200)}\n`);
  for (const i of shown) {
    const last = i.history?.[i.history.length - 1];
    process.stdout.write(
      `${c.bold(i.id)}  ${i.status.padEnd(12)} ${i.severity.toUpperCase().padEnd(8)} ${i.rule}  ${c.dim('key')} ${safeText(i.key, 80)}\n` +
        `    ${i.alertCount} alert(s), first ${i.firstSeen}, last ${i.lastSeen}` +
        (last ? `; ${last.status} by ${safeText(last.by, 60)} at ${last.at}` : '') +
        '\n',
    );
  }
  return EXIT_OK;
}

/** `secmon incidents ack|resolve ID [--by NAME]`. */
export async function incidentsSetStatus(id: string, status: IncidentStatus, o: IncidentOptions & { by?: string }): Promise<number> {
  const by = o.by ?? defaultActor();
  if (by.trim() === '') throw new CliError('--by: give a name', EXIT_USAGE);
  const { book, close } = await openBook(o);
  try {
    const { incident, changed } = await book.setStatus(id, status, by);
    process.stdout.write(changed ? `${incident.id} is ${incident.status} (by ${safeText(by, 60)})\n` : `${incident.id} is already ${incident.status}\n`);
    return EXIT_OK;
  } catch (e) {
    // A refused change (acknowledging a resolved incident) is a failed request, not bad usage.
    // The message names incidents and the people who changed them: escaped for the terminal.
    if (e instanceof IncidentStatusError) throw new CliError(safeText(e.message, 500), EXIT_FAILED);
    throw new CliError(safeText((e as Error).message, 500), EXIT_USAGE);
  } finally {
    await close();
  }
}

/** Who is changing the incident when `--by` is not given: the OS user. */
function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
