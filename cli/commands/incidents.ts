import { IncidentFile, IncidentStatus } from '../../shared/delivery/incident-books';
import { CliError, EXIT_OK, EXIT_USAGE } from '../options';
import { colors, safeText } from '../output/terminal';

const DEFAULT_FILE = '.secmon/incidents.jsonl';

/** `secmon incidents list [--status S] [--json]`: incidents of the local file, newest activity first. */
export async function incidentsList(o: { file?: string; status?: string; json?: boolean }): Promise<number> {
  const file = new IncidentFile(o.file ?? DEFAULT_FILE);
  // A damaged incident file names the line; it is bad input, not an internal error.
  const byId = await file.all().catch((e: Error) => {
    throw new CliError(e.message, EXIT_USAGE);
  });
  const all = [...byId.values()].filter((i) => !o.status || i.status === o.status).sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
  if (o.json) {
    for (const i of all) process.stdout.write(`${JSON.stringify(i)}\n`);
    return EXIT_OK;
  }
  const c = colors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  if (all.length === 0) process.stdout.write(`no incidents in ${file.file}\n`);
  for (const i of all) {
    process.stdout.write(
      `${c.bold(i.id)}  ${i.status.padEnd(12)} ${i.severity.toUpperCase().padEnd(8)} ${i.rule}  ${c.dim('key')} ${safeText(i.key, 80)}\n` +
        `    ${i.alertCount} alert(s), first ${i.firstSeen}, last ${i.lastSeen}\n`,
    );
  }
  return EXIT_OK;
}

/** `secmon incidents ack|resolve ID`. */
export async function incidentsSetStatus(id: string, status: IncidentStatus, o: { file?: string }): Promise<number> {
  const file = new IncidentFile(o.file ?? DEFAULT_FILE);
  try {
    const updated = await file.setStatus(id, status);
    process.stdout.write(`${updated.id} is ${updated.status}\n`);
    return EXIT_OK;
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE);
  }
}
