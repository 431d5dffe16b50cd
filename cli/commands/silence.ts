import { userInfo } from 'node:os';
import { assemble } from '../../shared/assembly/assemble';
import { Silences } from '../../shared/engine/silences';
import { parseDuration } from '../../shared/util/duration';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../options';
import { safeText } from '../output/terminal';
import { SettingsOptions, settingSources } from '../settings';

/** The silences of the state store the settings point at; they must outlive this command, so not the memory store. */
async function openSilences(o: SettingsOptions): Promise<{ silences: Silences; close(): Promise<void> }> {
  const settings = await settingSources(o);
  let assembly;
  try {
    assembly = await assemble({ env: process.env, settings, rules: false, undeliverable: 'file' });
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE);
  }
  if (assembly.config.state === 'memory') {
    await assembly.close();
    throw new CliError('silences live in the state store the detectors read: give --state redis://… (or SECMON_STATE); a memory store would forget the silence when this command ends', EXIT_USAGE);
  }
  return { silences: new Silences(assembly.store), close: () => assembly.close() };
}

/** `secmon silence add RULE [KEY] --for 2h --reason TEXT [--from TIME] [--by NAME]`. */
export async function silenceAdd(rule: string, key: string | undefined, o: SettingsOptions & { for?: string; reason?: string; from?: string; by?: string }): Promise<number> {
  if (!o.for) throw new CliError('--for: how long, e.g. 2h or 30m', EXIT_USAGE);
  if (!o.reason || o.reason.trim() === '') throw new CliError('--reason: why (it is shown with the silence and kept)', EXIT_USAGE);
  let forMs: number;
  try {
    forMs = parseDuration(o.for);
  } catch (e) {
    throw new CliError(`--for: ${(e as Error).message}`, EXIT_USAGE);
  }
  const from = o.from === undefined ? Date.now() : Date.parse(o.from);
  if (!Number.isFinite(from)) throw new CliError(`--from: not a time: ${JSON.stringify(o.from)} (use ISO 8601, e.g. 2026-11-20T22:00:00Z)`, EXIT_USAGE);
  const { silences, close } = await openSilences(o);
  try {
    const s = await silences.add({ rule, key, from, until: from + forMs, by: o.by ?? userInfo().username, reason: o.reason });
    process.stdout.write(`${s.id}: ${s.rule}${s.key ? ` key ${s.key}` : ' (every key)'} silenced from ${new Date(s.from).toISOString()} until ${new Date(s.until).toISOString()}\n`);
    return EXIT_OK;
  } finally {
    await close();
  }
}

/** `secmon silence list [--json]`: current and recently ended silences, soonest end first. */
export async function silenceList(o: SettingsOptions & { json?: boolean }): Promise<number> {
  const { silences, close } = await openSilences(o);
  try {
    const now = Date.now();
    for (const s of await silences.list()) {
      if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
      else process.stdout.write(`${s.id}  ${s.until <= now ? 'ended ' : s.from > now ? 'later ' : 'active'}  ${safeText(s.rule)}  ${s.key ? safeText(s.key) : '*'}  ${new Date(s.from).toISOString()} → ${new Date(s.until).toISOString()}  by ${safeText(s.by)}: ${safeText(s.reason)}\n`);
    }
    return EXIT_OK;
  } finally {
    await close();
  }
}

/** `secmon silence remove ID`. */
export async function silenceRemove(id: string, o: SettingsOptions): Promise<number> {
  const { silences, close } = await openSilences(o);
  try {
    if (!(await silences.remove(id))) {
      process.stderr.write(`secmon: no silence ${safeText(id)}\n`);
      return EXIT_FAILED;
    }
    process.stdout.write(`${id} removed\n`);
    return EXIT_OK;
  } finally {
    await close();
  }
}
